<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=!messagesPerField.existsError('factor'); section>
  <#if section = "header">
    ${msg("haSecondFactorTitle")}
  <#elseif section = "form">
    <p>${msg("haSecondFactorIntro")}</p>
    <form id="ha-second-factor" action="${url.loginAction}" method="post" novalidate>
      <fieldset class="ha-choices" <#if messagesPerField.existsError('factor')>aria-invalid="true" aria-describedby="input-error-factor"</#if>>
        <legend>${msg("haSecondFactorLegend")}</legend>
        <#list choices as choice>
          <div class="ha-choice">
            <input type="radio" id="factor-${choice.formValue()}" name="factor" value="${choice.formValue()}"
              aria-describedby="hint-factor-${choice.formValue()}"/>
            <label for="factor-${choice.formValue()}">${msg("haSecondFactor_" + choice.formValue())}</label>
            <p id="hint-factor-${choice.formValue()}" class="ha-hint">${msg("haSecondFactorHint_" + choice.formValue())}</p>
          </div>
        </#list>
      </fieldset>
      <#if messagesPerField.existsError('factor')><p class="ha-error" id="input-error-factor" role="alert">${kcSanitize(messagesPerField.get('factor'))?no_esc}</p></#if>
      <p>${msg("haSecondFactorRecovery")}</p>
      <div class="ha-actions">
        <span></span>
        <button type="submit" class="${properties.kcButtonPrimaryClass}">${msg("haSecondFactorContinue")}</button>
      </div>
    </form>
  </#if>
</@layout.registrationLayout>
