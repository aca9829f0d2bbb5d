<#import "template.ftl" as layout>
<#import "hariane-fields.ftl" as f>
<@layout.registrationLayout displayMessage=false; section>
  <#if section = "header">
    ${msg("haJoinButton")}
  <#elseif section = "form">
    <#if haFiled>
      <div role="status" id="ha-join-state">
        <p>${msg("haProConnectJoinFiled", haSiret)}</p>
        <p><strong>${msg("haJoinState_" + haJoinState)}</strong></p>
        <p>${msg("haProConnectJoinNext")}</p>
      </div>
    <#else>
      <p id="ha-join-intro">${msg("haProConnectJoinIntro", haSiret)}</p>
      <form id="ha-proconnect-join" action="${url.loginAction}" method="post" novalidate>
        <@f.text name="jobTitle" label=msg("haJobTitle") value=haJobTitle required=true autocomplete="organization-title"/>
        <@f.checkbox name="acceptCgu" label=msg("haAcceptCgu") required=true checked=haCguTicked/>
        <p><a href="${url.resourcesPath}/${properties.haCguResource}" target="_blank" rel="noopener">${msg("haReadCgu")}</a></p>
        <div class="ha-actions">
          <button type="submit" class="${properties.kcButtonPrimaryClass}">${msg("haJoinButton")}</button>
        </div>
      </form>
    </#if>
  </#if>
</@layout.registrationLayout>
