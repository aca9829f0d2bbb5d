<#macro content>
<#-- On every page: the environment banner (when configured), the help, CGU and legal pages' links. -->
<#if properties.haEnvironmentBanner?has_content>
  <div class="ha-banner" role="note">${properties.haEnvironmentBanner}</div>
</#if>
<#if pageId?? && (pageId == "error" || pageId == "info" || pageId == "login-page-expired") && properties.haPortalUrl?has_content>
  <p class="ha-new-link"><a href="${properties.haPortalUrl}/activation/nouveau-lien">${msg("haNewActivationLink")}</a></p>
</#if>
<nav class="ha-footer-links" aria-label="${msg("haFooterNav")}">
  <a href="${properties.haHelpUrl}">${msg("haHelpLink")}</a>
  <a href="${url.resourcesPath}/${properties.haCguResource}" target="_blank" rel="noopener">${msg("haCguLink")}</a>
  <#if properties.haPortalUrl?has_content>
  <a href="${properties.haPortalUrl}/accessibilite">${msg("haAccessibilityLink")}</a>
  <a href="${properties.haPortalUrl}/mentions-legales">${msg("haLegalNoticeLink")}</a>
  <a href="${properties.haPortalUrl}/donnees-personnelles">${msg("haPersonalDataLink")}</a>
  </#if>
</nav>
</#macro>
