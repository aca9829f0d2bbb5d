package fr.lehavre.hariane.idp.structure;

import fr.lehavre.hariane.idp.EndpointCaller;
import fr.lehavre.hariane.idp.profile.Profile;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.OrganizationModel;
import org.keycloak.models.UserModel;
import org.keycloak.organization.OrganizationProvider;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * {@code GET /realms/{realm}/hariane/structures/{organizationId}/members?first=&max=}: a
 * structure's members with their profile, in one call (docs/user-management.md). The admin REST
 * API gives a member's profile (a realm group) only by one more call per member, which made
 * « Gestion des utilisateurs » of a 300-member structure take over a second.
 *
 * <p>The caller needs what the admin REST API's organization member listing and user reads need:
 * to view the organization and to view users (the portal adapter's service account). Members
 * come ordered by username, {@code max} (default 100, at most 1,000) at a time.
 */
public final class StructureMembersResource {

    static final int DEFAULT_PAGE = 100;
    static final int LARGEST_PAGE = 1000;

    private final KeycloakSession session;

    public StructureMembersResource(KeycloakSession session) {
        this.session = session;
    }

    @GET
    @Path("{organizationId}/members")
    @Produces(MediaType.APPLICATION_JSON)
    public List<Map<String, Object>> members(
            @PathParam("organizationId") String organizationId,
            @QueryParam("first") Integer first,
            @QueryParam("max") Integer max) {
        AdminPermissionEvaluator permissions = EndpointCaller.permissions(session);
        permissions.users().requireView();
        OrganizationProvider organizations = session.getProvider(OrganizationProvider.class);
        OrganizationModel organization = organizations == null ? null : organizations.getById(organizationId);
        if (organization == null) {
            throw new NotFoundException();
        }
        permissions.orgs().requireView(organization);
        // A read-only request: nothing to flush before a query. Keycloak checks every member it
        // loads with a query (isManagedMember), and Hibernate's default auto-flush first walks
        // every entity the request has loaded: quadratic in the members once they come from the
        // database (docs/user-management.md).
        ReadOnlyRequest.flushAtCommitOnly(session);
        return organizations
                .getMembersStream(organization, new HashMap<>(), null, offset(first), pageSize(max))
                .map(StructureMembersResource::member)
                .toList();
    }

    static int offset(Integer first) {
        return first == null || first < 0 ? 0 : first;
    }

    static int pageSize(Integer max) {
        return max == null || max <= 0 ? DEFAULT_PAGE : Math.min(max, LARGEST_PAGE);
    }

    /** One member: what « Gestion des utilisateurs » shows and its rules read. */
    static Map<String, Object> member(UserModel user) {
        Set<String> groups = user.getGroupsStream().map(GroupModel::getName).collect(Collectors.toSet());
        Map<String, Object> member = new LinkedHashMap<>();
        member.put("id", user.getId());
        member.put("username", user.getUsername());
        member.put("firstName", user.getFirstName());
        member.put("lastName", user.getLastName());
        member.put("email", user.getEmail());
        member.put("enabled", user.isEnabled());
        member.put("requiredActions", user.getRequiredActionsStream().toList());
        member.put(
                "profile",
                Profile.highestOfGroups(groups).map(Profile::claimValue).orElse(null));
        return member;
    }
}
