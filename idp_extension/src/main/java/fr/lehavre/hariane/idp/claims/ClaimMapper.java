package fr.lehavre.hariane.idp.claims;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.OrganizationModel;
import org.keycloak.models.UserModel;
import org.keycloak.organization.OrganizationProvider;
import org.keycloak.protocol.oidc.mappers.AbstractOIDCProtocolMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAccessTokenMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAttributeMapperHelper;
import org.keycloak.protocol.oidc.mappers.OIDCIDTokenMapper;
import org.keycloak.protocol.oidc.mappers.TokenIntrospectionTokenMapper;
import org.keycloak.protocol.oidc.mappers.UserInfoTokenMapper;
import org.keycloak.provider.ProviderConfigProperty;

/**
 * What the Hariane PRO claim mappers share: they may write to the ID token, the access token,
 * userinfo and introspection (each switchable in the admin console), under the "Token mapper"
 * category. Subclasses give their id, name, help text and the claim itself.
 */
public abstract class ClaimMapper extends AbstractOIDCProtocolMapper
        implements OIDCAccessTokenMapper, OIDCIDTokenMapper, UserInfoTokenMapper, TokenIntrospectionTokenMapper {

    private static final List<ProviderConfigProperty> CONFIG = new ArrayList<>();

    static {
        OIDCAttributeMapperHelper.addIncludeInTokensConfig(CONFIG, ClaimMapper.class);
    }

    @Override
    public final String getDisplayCategory() {
        return TOKEN_MAPPER_CATEGORY;
    }

    @Override
    public final List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG;
    }

    /** The user's structure: the (single) Keycloak organization the user is a member of. */
    protected static Optional<OrganizationModel> structureOf(KeycloakSession session, UserModel user) {
        OrganizationProvider organizations = session.getProvider(OrganizationProvider.class);
        return organizations == null
                ? Optional.empty()
                : organizations.getByMember(user).findFirst();
    }
}
