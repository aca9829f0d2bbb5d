package fr.lehavre.hariane.idp.structure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.OrganizationModel;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.organization.OrganizationProvider;
import org.keycloak.protocol.oidc.mappers.AbstractOIDCProtocolMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAccessTokenMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAttributeMapperHelper;
import org.keycloak.protocol.oidc.mappers.OIDCIDTokenMapper;
import org.keycloak.protocol.oidc.mappers.TokenIntrospectionTokenMapper;
import org.keycloak.protocol.oidc.mappers.UserInfoTokenMapper;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.representations.IDToken;

import fr.lehavre.hariane.idp.IdentityNames;

/**
 * Emits the {@code structure} claim, {@code {"siret": "...", "name": "..."}}, from the user's
 * organization — exactly these two values, not every organization attribute. No claim for a
 * user who belongs to no structure.
 */
public final class StructureClaimMapper extends AbstractOIDCProtocolMapper
        implements OIDCAccessTokenMapper, OIDCIDTokenMapper, UserInfoTokenMapper, TokenIntrospectionTokenMapper {

    public static final String PROVIDER_ID = "hariane-structure-mapper";
    private static final List<ProviderConfigProperty> CONFIG = new ArrayList<>();

    static {
        OIDCAttributeMapperHelper.addIncludeInTokensConfig(CONFIG, StructureClaimMapper.class);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Hariane PRO structure";
    }

    @Override
    public String getDisplayCategory() {
        return TOKEN_MAPPER_CATEGORY;
    }

    @Override
    public String getHelpText() {
        return "Adds the claim '" + IdentityNames.CLAIM_STRUCTURE + "': SIRET and name of the user's structure.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG;
    }

    @Override
    protected void setClaim(IDToken token, ProtocolMapperModel mappingModel, UserSessionModel userSession,
            KeycloakSession session, ClientSessionContext clientSessionCtx) {
        OrganizationProvider organizations = session.getProvider(OrganizationProvider.class);
        if (organizations == null) {
            return;
        }
        organizations.getByMember(userSession.getUser()).findFirst()
                .ifPresent(organization -> token.getOtherClaims().put(IdentityNames.CLAIM_STRUCTURE, claim(organization)));
    }

    static Map<String, String> claim(OrganizationModel organization) {
        Map<String, String> structure = new LinkedHashMap<>();
        structure.put("siret", organization.getAlias());
        List<String> names = organization.getAttributes().get("name");
        structure.put("name", names == null || names.isEmpty() ? organization.getName() : names.get(0));
        return structure;
    }
}
