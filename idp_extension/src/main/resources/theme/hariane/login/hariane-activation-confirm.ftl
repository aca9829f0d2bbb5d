<#import "template.ftl" as layout>
<#-- The activation link's first page (ActivationLinkHandler): nothing is consumed until the
     button is followed, so a mail scanner opening the e-mail's link activates nothing. -->
<@layout.registrationLayout displayMessage=false; section>
  <#if section = "header">
    ${msg("haActivateTitle")}
  <#elseif section = "form">
    <div id="ha-activation-confirm">
      <p>${msg("haConfirmIdentifier")} <strong id="ha-identifier" class="ha-identifier">${username}</strong></p>
      <p>${msg("haConfirmIntro")}</p>
      <p class="ha-confirm-action"><a id="ha-activate-link" class="${properties.kcButtonPrimaryClass} ${properties.kcButtonBlockClass}" href="${actionUri}">${msg("haActivate")}</a></p>
      <#if properties.haPortalUrl?has_content>
        <p class="ha-new-link-inside"><a href="${properties.haPortalUrl}/activation/nouveau-lien">${msg("haNewActivationLink")}</a></p>
      </#if>
    </div>
  </#if>
</@layout.registrationLayout>
