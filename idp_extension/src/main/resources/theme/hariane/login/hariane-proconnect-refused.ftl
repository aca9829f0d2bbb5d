<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=false; section>
  <#if section = "header">
    ${msg("haProConnectRefusedTitle")}
  <#elseif section = "form">
    <div role="alert" id="ha-proconnect-refused">
      <p>${msg(haRefusal)}</p>
      <p>${msg("haProConnectNothingCreated")}</p>
    </div>
    <p><a class="${properties.kcButtonPrimaryClass}" href="${url.loginRestartFlowUrl}">${msg("haProConnectBackToLogin")}</a></p>
  </#if>
</@layout.registrationLayout>
