<#import "template.ftl" as layout>
<#import "hariane-fields.ftl" as f>
<@layout.registrationLayout displayMessage=false displayRequiredFields=true; section>
  <#if section = "header">
    ${msg("haRegisterTitle")}
  <#elseif section = "form">
    <p>${msg("haSiretIntro")}</p>
    <form id="ha-register-siret" action="${url.loginAction}" method="post" novalidate>
      <@f.text name="siret" label=msg("haSiret") value=haValues.siret required=true hint=msg("haSiretHint") maxlength=20/>
      <#if haJoinUrl??>
      <div class="ha-join">
        <p id="ha-join-hint">${msg("haJoinHint")}</p>
        <a id="ha-join" class="${properties.kcButtonSecondaryClass!} ha-button-link" href="${haJoinUrl}" aria-describedby="ha-join-hint">${msg("haJoinButton")}</a>
      </div>
      </#if>
      <div class="ha-actions">
        <a href="${url.loginUrl}">${msg("haBackToLogin")}</a>
        <button type="submit" name="nav" value="next" class="${properties.kcButtonPrimaryClass}">${msg("haNext")}</button>
      </div>
    </form>
  </#if>
</@layout.registrationLayout>
