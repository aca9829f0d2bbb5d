<#-- Keycloak's recovery codes page (CONFIGURE_RECOVERY_AUTHN_CODES) without its scripts: the
     confirmation box is in the form and required, the button works without JavaScript, no
     inline handler (Content-Security-Policy). Same fields as keycloak.v2's page. -->
<#import "template.ftl" as layout>
<@layout.registrationLayout; section>
<#if section = "header">
    ${msg("recovery-code-config-header")}
<#elseif section = "form">
    <div class="ha-rules" id="ha-recovery-warning">
      <p><strong>${msg("recovery-code-config-warning-title")}</strong></p>
      <p>${msg("recovery-code-config-warning-message")}</p>
      <p>${msg("haRecoveryCodesKeep")}</p>
    </div>
    <ol id="kc-recovery-codes-list" class="ha-recovery-codes" aria-label="${msg("recovery-codes-label-default")}">
      <#list recoveryAuthnCodesConfigBean.generatedRecoveryAuthnCodesList as code>
        <li>${code[0..3]}-${code[4..7]}-${code[8..]}</li>
      </#list>
    </ol>
    <form action="${url.loginAction}" id="kc-recovery-codes-settings-form" method="post">
      <input type="hidden" name="generatedRecoveryAuthnCodes" value="${recoveryAuthnCodesConfigBean.generatedRecoveryAuthnCodesAsString}" />
      <input type="hidden" name="generatedAt" value="${recoveryAuthnCodesConfigBean.generatedAt?c}" />
      <input type="hidden" id="userLabel" name="userLabel" value="${msg("recovery-codes-label-default")}" />
      <div class="ha-check">
        <input type="checkbox" id="kcRecoveryCodesConfirmationCheck" name="kcRecoveryCodesConfirmationCheck" required aria-required="true"/>
        <label for="kcRecoveryCodesConfirmationCheck">${msg("recovery-codes-confirmation-message")}<span aria-hidden="true">&#42;</span></label>
      </div>
      <div class="ha-actions">
        <#if isAppInitiatedAction??>
          <button type="submit" class="${properties.kcButtonDefaultClass!}" id="cancelRecoveryAuthnCodesBtn" name="cancel-aia" value="true" formnovalidate>${msg("recovery-codes-action-cancel")}</button>
        <#else>
          <span></span>
        </#if>
        <button type="submit" class="${properties.kcButtonPrimaryClass!}" id="saveRecoveryAuthnCodesBtn">${msg("recovery-codes-action-complete")}</button>
      </div>
    </form>
</#if>
</@layout.registrationLayout>
