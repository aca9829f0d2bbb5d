package fr.lehavre.hariane.idp.profile;

import fr.lehavre.hariane.idp.IdentityNames;
import fr.lehavre.hariane.idp.claims.ClaimMapper;
import java.util.Set;
import java.util.stream.Collectors;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.representations.IDToken;

/**
 * Emits the {@code pro_profile} claim ({@code standard}, {@code privileged} or {@code admin}) and
 * the {@code roles} claim (the {@code profile-*} realm roles held, nothing else) from the user's
 * realm roles (group roles included). Users without a profile role get neither claim, so a
 * relying application never mistakes them for a standard user. The roles are read from the
 * user, not from the client's role scope: a client registered with Keycloak's defaults
 * ({@code fullScopeAllowed} on) sees the same {@code roles} as the portal.
 */
public final class ProfileClaimMapper extends ClaimMapper {

    public static final String PROVIDER_ID = "hariane-profile-mapper";

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Hariane PRO profile";
    }

    @Override
    public String getHelpText() {
        return "Adds the claim '" + IdentityNames.CLAIM_PROFILE
                + "': standard, privileged or admin, from the user's profile group, and the claim '"
                + IdentityNames.CLAIM_ROLES + "': the profile-* realm roles the user holds (no other role).";
    }

    @Override
    protected void setClaim(IDToken token, ProtocolMapperModel mappingModel, UserSessionModel userSession) {
        UserModel user = userSession.getUser();
        Set<String> roleNames =
                user.getRealmRoleMappingsStream().map(RoleModel::getName).collect(Collectors.toSet());
        user.getGroupsStream()
                .forEach(group -> group.getRealmRoleMappingsStream()
                        .map(RoleModel::getName)
                        .forEach(roleNames::add));
        Profile.highestOf(roleNames).ifPresent(profile -> {
            token.getOtherClaims().put(IdentityNames.CLAIM_PROFILE, profile.claimValue());
            token.getOtherClaims().put(IdentityNames.CLAIM_ROLES, Profile.roleNamesIn(roleNames));
        });
    }
}
