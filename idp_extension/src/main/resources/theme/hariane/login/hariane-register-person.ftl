<#import "template.ftl" as layout>
<#import "hariane-fields.ftl" as f>
<@layout.registrationLayout displayMessage=false displayRequiredFields=true; section>
  <#if section = "header">
    ${msg("haPersonTitle")}
  <#elseif section = "form">
    <form id="ha-register-person" action="${url.loginAction}" method="post" novalidate>
      <@f.text name="firstName" label=msg("haFirstName") value=haValues.firstName required=true autocomplete="given-name"/>
      <@f.text name="lastName" label=msg("haLastName") value=haValues.lastName required=true autocomplete="family-name"/>
      <@f.text name="email" label=msg("haEmail") value=haValues.email required=true type="email" autocomplete="email"/>
      <@f.text name="jobTitle" label=msg("haJobTitle") value=haValues.jobTitle required=true autocomplete="organization-title"/>
      <@f.checkbox name="newsletter" label=msg("haNewsletter") checked=(haValues.newsletter == "on")/>
      <#-- "next" comes first in the DOM: Enter in a field submits forward; CSS shows « ← Retour » on the left. -->
      <div class="ha-actions ha-actions-reversed">
        <button type="submit" name="nav" value="next" class="${properties.kcButtonPrimaryClass}">${msg("haSubmit")}</button>
        <button type="submit" name="nav" value="back" class="${properties.kcButtonSecondaryClass}">${msg("haBack")}</button>
      </div>
    </form>
  </#if>
</@layout.registrationLayout>
