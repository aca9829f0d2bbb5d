<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=false; section>
  <#if section = "header">
    ${msg("haDoneTitle")}
  <#elseif section = "form">
    <#-- The source document's words, paragraph by paragraph. -->
    <div role="status" id="ha-done">
      <p class="ha-identifier">${msg("haDoneCreated")} <strong id="ha-identifier">${username}</strong></p>
      <p>${msg("haDoneEmailSent")}<br>${msg("haDoneKeep")}</p>
      <p><strong>${msg("haDoneSpamWarning")}</strong> ${msg("haDoneSpam")}<br>${msg("haDoneSpamCheck")}</p>
    </div>
    <p><a class="${properties.kcButtonPrimaryClass}" href="<#if homeUrl??>${homeUrl}<#else>${url.loginUrl}</#if>">${msg("haHome")}</a></p>
  </#if>
</@layout.registrationLayout>
