package fr.lehavre.hariane.idp.activation;

import fr.lehavre.hariane.idp.EndpointCaller;
import fr.lehavre.hariane.idp.profile.Profile;
import fr.lehavre.hariane.idp.structure.StructureClaimMapper;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.keycloak.email.EmailException;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.OrganizationModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.organization.OrganizationProvider;
import org.keycloak.protocol.oidc.utils.RedirectUtils;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * {@code POST /realms/{realm}/hariane/colleagues/{userId}/activation-email?invitedBy=&client_id=&redirect_uri=}
 * (mounted by {@link fr.lehavre.hariane.idp.rest.HarianeResource}):
 * the activation e-mail of a colleague added in « Gestion des utilisateurs », saying which
 * structure added them, who (the administrator {@code invitedBy}) and with which profile.
 * The caller needs what the admin REST API's execute-actions-email needs (manage this user:
 * the portal adapter's service account); the administrator must be an active administrator of
 * the colleague's structure, and the colleague's activation still pending.
 */
public final class ColleagueActivationResource {

    private static final Logger LOG = Logger.getLogger(ColleagueActivationResource.class);
    /** The French word of each profile, as the e-mail's explanation of the three profiles. */
    private static final Map<Profile, String> PROFILE_WORDS =
            Map.of(Profile.STANDARD, "standard", Profile.PRIVILEGED, "privilégié", Profile.ADMIN, "administrateur");

    private final KeycloakSession session;

    public ColleagueActivationResource(KeycloakSession session) {
        this.session = session;
    }

    @POST
    @Path("{userId}/activation-email")
    public Response send(
            @PathParam("userId") String userId,
            @QueryParam("invitedBy") String invitedBy,
            @QueryParam("client_id") String clientId,
            @QueryParam("redirect_uri") String redirectUri) {
        RealmModel realm = session.getContext().getRealm();
        AdminPermissionEvaluator permissions = EndpointCaller.permissions(session);
        UserModel colleague = userId == null ? null : session.users().getUserById(realm, userId);
        if (colleague == null) {
            return Response.status(Response.Status.NOT_FOUND).build();
        }
        permissions.users().requireManage(colleague);

        UserModel administrator = invitedBy == null ? null : session.users().getUserById(realm, invitedBy);
        Optional<OrganizationModel> structure = structureOf(colleague);
        if (administrator == null
                || !administrator.isEnabled()
                || structure.isEmpty()
                || !structure
                        .map(OrganizationModel::getId)
                        .equals(structureOf(administrator).map(OrganizationModel::getId))
                || profileOf(realm, administrator) != Profile.ADMIN) {
            return Response.status(Response.Status.BAD_REQUEST).build();
        }
        if (colleague.getRequiredActionsStream().noneMatch(ActivationRequiredAction.PROVIDER_ID::equals)) {
            return Response.status(Response.Status.CONFLICT).build();
        }
        ClientModel client = clientId == null ? null : realm.getClientByClientId(clientId);
        String redirect = client == null ? null : RedirectUtils.verifyRedirectUri(session, redirectUri, client);
        if (redirect == null) {
            return Response.status(Response.Status.BAD_REQUEST).build();
        }
        Map<String, String> invitation = Map.of(
                "structure", StructureClaimMapper.claim(structure.get()).get("name"),
                "administrator", fullName(administrator),
                "profile",
                        Optional.ofNullable(profileOf(realm, colleague))
                                .map(PROFILE_WORDS::get)
                                .orElse(""));
        try {
            ActivationEmail.sendToColleague(session, realm, colleague, client.getClientId(), redirect, invitation);
        } catch (EmailException e) {
            LOG.warnf("activation e-mail of user %s not sent: %s", colleague.getId(), e.toString());
            return Response.status(Response.Status.BAD_GATEWAY).build();
        }
        return Response.noContent().build();
    }

    private Optional<OrganizationModel> structureOf(UserModel user) {
        OrganizationProvider organizations = session.getProvider(OrganizationProvider.class);
        return organizations == null
                ? Optional.empty()
                : organizations.getByMember(user).findFirst();
    }

    private static Profile profileOf(RealmModel realm, UserModel user) {
        Profile best = null;
        for (Profile profile : Profile.values()) {
            RoleModel role = realm.getRole(profile.roleName());
            if (role != null && user.hasRole(role)) {
                best = profile;
            }
        }
        return best;
    }

    private static String fullName(UserModel user) {
        return String.join(
                " ",
                Arrays.stream(new String[] {user.getFirstName(), user.getLastName()})
                        .filter(Objects::nonNull)
                        .map(String::strip)
                        .filter(s -> !s.isEmpty())
                        .toList());
    }
}
