<#import "template.ftl" as layout>
<#import "hariane-fields.ftl" as f>
<@layout.registrationLayout displayMessage=false displayRequiredFields=true; section>
  <#if section = "header">
    ${msg("haStructureTitle")}
  <#elseif section = "form">
    <form id="ha-register-structure" action="${url.loginAction}" method="post" novalidate>
      <dl class="ha-readonly">
        <dt>${msg("haSiret")}</dt><dd id="ha-siret">${haRegister.siret}</dd>
        <dt>${msg("haName")}</dt><dd id="ha-name"><#if haRegister.name?has_content>${haRegister.name}<#else>${msg("haNameMasked")}</#if></dd>
      </dl>
      <#if haRegister.public == "false"><p class="ha-hint" role="note">${msg("haMaskedNotice")}</p></#if>
      <@f.text name="sigle" label=msg("haAcronym") value=haValues.sigle/>
      <@f.select name="structureType" label=msg("haStructureType") value=haValues.structureType options=haStructureTypes required=true/>
      <@f.text name="phone" label=msg("haPhone") value=haValues.phone required=true type="tel" autocomplete="tel" hint=msg("haPhoneHint")/>
      <@f.text name="structureEmail" label=msg("haStructureEmail") value=haValues.structureEmail required=true type="email" autocomplete="email"/>
      <fieldset class="ha-fieldset">
        <legend>${msg("haAddress")}</legend>
        <@f.text name="country" label=msg("haCountry") value=haValues.country required=true autocomplete="country-name"/>
        <@f.text name="postalCode" label=msg("haPostalCode") value=haValues.postalCode required=true autocomplete="postal-code" maxlength=10/>
        <@f.text name="city" label=msg("haCity") value=haValues.city required=true autocomplete="address-level2"/>
        <@f.text name="recipient" label=msg("haRecipient") value=haValues.recipient required=true/>
        <@f.text name="apartment" label=msg("haApartment") value=haValues.apartment/>
        <@f.text name="building" label=msg("haBuilding") value=haValues.building/>
        <@f.text name="streetNumber" label=msg("haStreetNumber") value=haValues.streetNumber maxlength=10/>
        <@f.text name="streetNumberSuffix" label=msg("haStreetNumberSuffix") value=haValues.streetNumberSuffix maxlength=10/>
        <@f.text name="street" label=msg("haStreet") value=haValues.street/>
        <@f.text name="poBox" label=msg("haPoBox") value=haValues.poBox/>
      </fieldset>
      <@f.checkbox name="structureNewsletter" label=msg("haStructureNewsletter") checked=(haValues.structureNewsletter == "on")/>
      <#-- "next" comes first in the DOM: Enter in a field submits forward; CSS shows « ← Retour » on the left. -->
      <div class="ha-actions ha-actions-reversed">
        <button type="submit" name="nav" value="next" class="${properties.kcButtonPrimaryClass}">${msg("haNext")}</button>
        <#if !(haProConnect!false)><button type="submit" name="nav" value="back" class="${properties.kcButtonSecondaryClass}">${msg("haBack")}</button></#if>
      </div>
    </form>
  </#if>
</@layout.registrationLayout>
