<#-- Form fields with their label, hint and error tied to the input (RGAA: labels, aria-describedby). -->
<#macro text name label value="" required=false autocomplete="off" type="text" hint="" maxlength=100>
  <#assign error = messagesPerField.get(name)>
  <div class="${properties.kcFormGroupClass}">
    <div class="${properties.kcFormGroupLabelClass}">
      <label for="${name}" class="${properties.kcFormLabelClass}"><span class="${properties.kcFormLabelTextClass}">${label}</span><#if required><span class="${properties.kcInputRequiredClass}" aria-hidden="true">&#42;</span></#if></label>
    </div>
    <#if hint?has_content><p id="hint-${name}" class="ha-hint">${hint}</p></#if>
    <span class="${properties.kcInputClass} <#if error?has_content>${properties.kcError}</#if>">
      <input id="${name}" name="${name}" value="${value}" type="${type}" autocomplete="${autocomplete}" maxlength="${maxlength}"
        <#if required>aria-required="true"</#if>
        <#if error?has_content>aria-invalid="true" aria-describedby="input-error-${name}<#if hint?has_content> hint-${name}</#if>"<#elseif hint?has_content>aria-describedby="hint-${name}"</#if>/>
    </span>
    <#if error?has_content><p class="ha-error" id="input-error-${name}" role="alert">${error}</p></#if>
  </div>
</#macro>

<#macro select name label value options required=false>
  <#assign error = messagesPerField.get(name)>
  <div class="${properties.kcFormGroupClass}">
    <div class="${properties.kcFormGroupLabelClass}">
      <label for="${name}" class="${properties.kcFormLabelClass}"><span class="${properties.kcFormLabelTextClass}">${label}</span><#if required><span class="${properties.kcInputRequiredClass}" aria-hidden="true">&#42;</span></#if></label>
    </div>
    <select id="${name}" name="${name}" class="ha-select" <#if required>aria-required="true"</#if>
      <#if error?has_content>aria-invalid="true" aria-describedby="input-error-${name}"</#if>>
      <option value="">${msg("haChoose")}</option>
      <#list options as option>
        <option value="${option}" <#if option == value>selected</#if>>${msg("haType_" + option)}</option>
      </#list>
    </select>
    <#if error?has_content><p class="ha-error" id="input-error-${name}" role="alert">${error}</p></#if>
  </div>
</#macro>

<#macro checkbox name label checked=false required=false>
  <#assign error = messagesPerField.get(name)>
  <div class="ha-check">
    <input type="checkbox" id="${name}" name="${name}" <#if checked>checked</#if> <#if required>aria-required="true"</#if>
      <#if error?has_content>aria-invalid="true" aria-describedby="input-error-${name}"</#if>/>
    <label for="${name}">${label}<#if required><span aria-hidden="true">&#42;</span></#if></label>
  </div>
  <#if error?has_content><p class="ha-error" id="input-error-${name}" role="alert">${error}</p></#if>
</#macro>
