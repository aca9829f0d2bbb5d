<#import "template.ftl" as layout>
<#import "hariane-fields.ftl" as f>
<@layout.registrationLayout displayMessage=!messagesPerField.existsError('password-new','password-confirm','acceptCgu'); section>
  <#if section = "header">
    ${msg("haActivateTitle")}
  <#elseif section = "form">
    <p>${msg("haActivateIntro", username)}</p>
    <div class="ha-rules" id="ha-password-rules"><p>${msg("haPasswordRules")}</p></div>
    <form id="ha-activate" action="${url.loginAction}" method="post" novalidate>
      <@f.text name="password-new" label=msg("haPasswordNew") type="password" required=true autocomplete="new-password" hint=msg("haPasswordHint") maxlength=128/>
      <@f.text name="password-confirm" label=msg("haPasswordConfirm") type="password" required=true autocomplete="new-password" maxlength=128/>
      <p>${msg("haConsent")}</p>
      <@f.checkbox name="acceptCgu" label=msg("haAcceptCgu") checked=cguTicked required=true/>
      <p><a href="${url.resourcesPath}/${cguResource}" target="_blank" rel="noopener">${msg("haReadCgu")}</a></p>
      <div class="ha-actions">
        <span></span>
        <button type="submit" class="${properties.kcButtonPrimaryClass}">${msg("haActivate")}</button>
      </div>
    </form>
  </#if>
</@layout.registrationLayout>
