package fr.lehavre.hariane.idp.secondfactor;

import fr.lehavre.hariane.idp.IdentityNames;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.util.AcrStore;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Runs once the password is known (browser and reset-credentials flows), or once ProConnect
 * answered (its post-broker-login flow): raises the level this
 * login must reach to the second factor's for users who must hold one (realm role
 * {@code second-factor-required}, given by the {@code admin} and {@code privileged} groups) or who
 * hold one, so that the flow's level-2 sub-flow (a Keycloak level-of-authentication condition)
 * asks it; sends users who must hold one and hold none to « Protéger votre compte ». Does nothing
 * when this login already reached the second factor's level. Never fails.
 */
public final class SecondFactorPolicyAuthenticator implements Authenticator {

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        UserModel user = context.getUser();
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        int reached =
                new AcrStore(context.getSession(), authSession).getLevelOfAuthenticationFromCurrentAuthentication();
        if (reached >= SecondFactorPolicy.LEVEL_SECOND_FACTOR) {
            // already reached by this login (ProConnect asserted a second factor): nothing to ask nor enrol
            context.success();
            return;
        }
        boolean required = requiresSecondFactor(context.getRealm(), user);
        boolean enrolled = SecondFactorPolicy.isEnrolled(
                user.credentialManager().getStoredCredentialsStream().map(CredentialModel::getType));
        int requested = requestedLevel(authSession);
        int level = SecondFactorPolicy.levelToRequest(requested, required, enrolled);
        if (level != requested) {
            authSession.setClientNote(Constants.REQUESTED_LEVEL_OF_AUTHENTICATION, String.valueOf(level));
        }
        if (SecondFactorPolicy.mustEnrol(requested, required, enrolled)) {
            authSession.addRequiredAction(SecondFactorChoiceAction.PROVIDER_ID);
        }
        context.success();
    }

    static boolean requiresSecondFactor(RealmModel realm, UserModel user) {
        RoleModel role = realm.getRole(IdentityNames.SECOND_FACTOR_ROLE);
        return role != null && user.hasRole(role);
    }

    private static int requestedLevel(AuthenticationSessionModel authSession) {
        String note = authSession.getClientNote(Constants.REQUESTED_LEVEL_OF_AUTHENTICATION);
        return note == null ? Constants.NO_LOA : Integer.parseInt(note);
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        context.success();
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {}

    @Override
    public void close() {}
}
