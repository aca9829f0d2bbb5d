<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=false; section>
  <#if section = "header">
    ${msg("haDoneTitle")}
  <#elseif section = "form">
    <div role="status">
      <p>${msg("haDoneCreated")}</p>
      <p class="ha-identifier">${msg("haDoneIdentifier")} <strong id="ha-identifier">${username}</strong></p>
      <p>${msg("haDoneEmailSent")}</p>
      <p>${msg("haDoneSpam")}</p>
    </div>
    <p><a class="${properties.kcButtonPrimaryClass}" href="<#if homeUrl??>${homeUrl}<#else>${url.loginUrl}</#if>">${msg("haHome")}</a></p>
  </#if>
</@layout.registrationLayout>
