<#import "template.ftl" as layout>
<#import "hariane-fields.ftl" as f>
<@layout.registrationLayout displayMessage=false displayRequiredFields=true; section>
  <#if section = "header">
    ${msg("haPersonTitle")}
  <#elseif section = "form">
    <form id="ha-register-person" action="${url.loginAction}" method="post" novalidate>
      <@f.text name="firstName" label=msg("haFirstName") value=haValues.firstName required=true autocomplete="given-name"/>
      <@f.text name="lastName" label=msg("haLastName") value=haValues.lastName required=true autocomplete="family-name"/>
      <#if haProConnect!false>
        <#-- The address ProConnect verified: shown, never typed (the server keeps ProConnect's). -->
        <dl class="ha-readonly"><dt>${msg("haEmail")}</dt><dd id="ha-proconnect-email">${haValues.email}</dd></dl>
        <p class="ha-hint">${msg("haProConnectEmailHint")}</p>
      <#else>
      <@f.text name="email" label=msg("haEmail") value=haValues.email required=true type="email" autocomplete="email"/>
      </#if>
      <@f.text name="jobTitle" label=msg("haJobTitle") value=haValues.jobTitle required=true autocomplete="organization-title"/>
      <@f.checkbox name="newsletter" label=msg("haNewsletter") checked=(haValues.newsletter == "on")/>
      <#if haProConnect!false>
        <@f.checkbox name="acceptCgu" label=msg("haAcceptCgu") required=true/>
        <p><a href="${url.resourcesPath}/${properties.haCguResource}" target="_blank" rel="noopener">${msg("haReadCgu")}</a></p>
        <input type="hidden" name="email" value="${haValues.email}"/>
      </#if>
      <#-- "next" comes first in the DOM: Enter in a field submits forward; CSS shows « ← Retour » on the left. -->
      <div class="ha-actions ha-actions-reversed">
        <button type="submit" name="nav" value="next" class="${properties.kcButtonPrimaryClass}">${msg("haSubmit")}</button>
        <button type="submit" name="nav" value="back" class="${properties.kcButtonSecondaryClass}">${msg("haBack")}</button>
      </div>
    </form>
  </#if>
</@layout.registrationLayout>
