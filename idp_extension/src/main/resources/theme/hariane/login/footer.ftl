<#macro content>
<#-- On every page: the environment banner (when configured), the help and CGU links. -->
<#if properties.haEnvironmentBanner?has_content>
  <div class="ha-banner" role="note">${properties.haEnvironmentBanner}</div>
</#if>
<nav class="ha-footer-links" aria-label="${msg("haFooterNav")}">
  <a href="${properties.haHelpUrl}">${msg("haHelpLink")}</a>
  <a href="${url.resourcesPath}/${properties.haCguResource}" target="_blank" rel="noopener">${msg("haCguLink")}</a>
</nav>
</#macro>
