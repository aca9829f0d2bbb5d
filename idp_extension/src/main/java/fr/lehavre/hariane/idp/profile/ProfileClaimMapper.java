package fr.lehavre.hariane.idp.profile;

import java.util.Set;
import java.util.stream.Collectors;

import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.representations.IDToken;

import fr.lehavre.hariane.idp.IdentityNames;
import fr.lehavre.hariane.idp.claims.ClaimMapper;

/**
 * Emits the {@code profile} claim ({@code standard}, {@code privileged} or {@code admin}) from
 * the user's effective realm roles (group roles included). Users without a profile role get no
 * claim, so a relying application never mistakes them for a standard user.
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
                + "': standard, privileged or admin, from the user's profile group.";
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
