<#-- The identity providers of the login page. ProConnect's button follows its published guidelines
     (« S'identifier avec ProConnect », the « Qu'est-ce que ProConnect ? » link opening a new window);
     Keycloak lists a provider here only when it is enabled (docs/proconnect.md). -->
<#macro show social>
  <div id="kc-social-providers" class="ha-idps">
    <#list social.providers as p>
      <#if p.alias == "proconnect">
        <div class="ha-proconnect">
          <p class="ha-proconnect-or">${msg("haProConnectOr")}</p>
          <a id="social-proconnect" class="ha-proconnect-button" href="${p.loginUrl}">
            <svg class="ha-proconnect-logo" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M12 2 3 6v6c0 5 3.8 9.7 9 10 5.2-.3 9-5 9-10V6l-9-4Zm0 5a3 3 0 1 1 0 6 3 3 0 0 1 0-6Zm0 13a8 8 0 0 1-5.6-3.2c.9-1.8 3.2-2.8 5.6-2.8s4.7 1 5.6 2.8A8 8 0 0 1 12 20Z"/></svg>
            <span class="ha-proconnect-text"><span class="ha-proconnect-with">${msg("haProConnectWith")}</span> <span class="ha-proconnect-brand">ProConnect</span></span>
          </a>
          <p class="ha-proconnect-help"><a href="https://www.proconnect.gouv.fr/" target="_blank" rel="noopener" title="${msg("haProConnectWhatTitle")}">${msg("haProConnectWhat")}</a></p>
        </div>
      <#else>
        <p><a id="social-${p.alias}" class="${properties.kcButtonSecondaryClass}" href="${p.loginUrl}">${p.displayName!}</a></p>
      </#if>
    </#list>
  </div>
</#macro>
