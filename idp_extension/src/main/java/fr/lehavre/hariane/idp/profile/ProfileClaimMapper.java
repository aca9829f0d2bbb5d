package fr.lehavre.hariane.idp.profile;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.mappers.AbstractOIDCProtocolMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAccessTokenMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAttributeMapperHelper;
import org.keycloak.protocol.oidc.mappers.OIDCIDTokenMapper;
import org.keycloak.protocol.oidc.mappers.TokenIntrospectionTokenMapper;
import org.keycloak.protocol.oidc.mappers.UserInfoTokenMapper;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.representations.IDToken;

import fr.lehavre.hariane.idp.IdentityNames;

/**
 * Emits the {@code profile} claim ({@code standard}, {@code privileged} or {@code admin}) from
 * the user's effective realm roles (group roles included). Users without a profile role get no
 * claim, so a relying application never mistakes them for a standard user.
 */
public final class ProfileClaimMapper extends AbstractOIDCProtocolMapper
        implements OIDCAccessTokenMapper, OIDCIDTokenMapper, UserInfoTokenMapper, TokenIntrospectionTokenMapper {

    public static final String PROVIDER_ID = "hariane-profile-mapper";

    private static final List<ProviderConfigProperty> CONFIG = new java.util.ArrayList<>();

    static {
        OIDCAttributeMapperHelper.addIncludeInTokensConfig(CONFIG, ProfileClaimMapper.class);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Hariane PRO profile";
    }

    @Override
    public String getDisplayCategory() {
        return TOKEN_MAPPER_CATEGORY;
    }

    @Override
    public String getHelpText() {
        return "Adds the claim '" + IdentityNames.CLAIM_PROFILE
                + "': standard, privileged or admin, from the user's profile group.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG;
    }

    @Override
    protected void setClaim(IDToken token, ProtocolMapperModel mappingModel, UserSessionModel userSession) {
        UserModel user = userSession.getUser();
        Set<String> roleNames = user.getRealmRoleMappingsStream()
                .map(RoleModel::getName)
                .collect(Collectors.toSet());
        user.getGroupsStream().forEach(group -> group.getRealmRoleMappingsStream()
                .map(RoleModel::getName)
                .forEach(roleNames::add));
        Profile.highestOf(roleNames)
                .ifPresent(profile -> token.getOtherClaims().put(IdentityNames.CLAIM_PROFILE, profile.claimValue()));
    }
}
