package fr.lehavre.hariane.idp;

import jakarta.ws.rs.NotAuthorizedException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager.AuthResult;
import org.keycloak.services.resources.admin.AdminAuth;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;
import org.keycloak.services.resources.admin.fgap.AdminPermissions;

/**
 * Who calls an endpoint of the extension: the bearer token's subject, with the admin
 * permissions the admin REST API would give it (its realm-management roles), so that each
 * endpoint asks for what the matching admin REST call asks for, no more.
 */
public final class EndpointCaller {

    private EndpointCaller() {}

    /** The caller's admin permissions; 401 without a valid bearer token of the realm. */
    public static AdminPermissionEvaluator permissions(KeycloakSession session) {
        RealmModel realm = session.getContext().getRealm();
        AuthResult caller = new AppAuthManager.BearerTokenAuthenticator(session).authenticate();
        if (caller == null) {
            throw new NotAuthorizedException("Bearer");
        }
        return AdminPermissions.evaluator(
                session, realm, new AdminAuth(realm, caller.token(), caller.user(), caller.client()));
    }
}
