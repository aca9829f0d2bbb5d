package fr.lehavre.hariane.idp.proconnect;

import fr.lehavre.hariane.idp.secondfactor.SecondFactorPolicy;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.broker.util.PostBrokerLoginConstants;
import org.keycloak.authentication.authenticators.broker.util.SerializedBrokeredIdentityContext;
import org.keycloak.authentication.authenticators.util.AcrStore;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.events.Details;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Every login through ProConnect (the provider's post-broker-login flow, after the first login
 * too): the {@code acr} ProConnect asserted must be one of the accepted ones, as at the first login;
 * the level it means is recorded: {@code mfa} (2) for the setting's multi-factor values, else
 * {@code pwd} (1). The flow's next steps are the browser flow's second-factor policy and factor
 * (realm-config/README.md), so administrators and privileged users give Hariane PRO's factor after a
 * single-factor ProConnect login.
 */
public final class ProConnectAcrCheckAuthenticator implements Authenticator {

    /** The user session note the realm's {@code idp_acr} mapper reads. */
    static final String ACR_NOTE = "idp_acr";

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        SerializedBrokeredIdentityContext serialized = SerializedBrokeredIdentityContext.readFromAuthenticationSession(
                context.getAuthenticationSession(), PostBrokerLoginConstants.PBL_BROKERED_IDENTITY_CONTEXT);
        if (serialized == null) {
            context.failure(AuthenticationFlowError.IDENTITY_PROVIDER_ERROR);
            return;
        }
        BrokeredIdentityContext broker =
                serialized.deserialize(context.getSession(), context.getAuthenticationSession());
        ProConnectAssertion assertion = ProConnectClaims.of(broker);
        if (assertion.acrAccepted(ProConnectFirstLoginAuthenticator.accepted(context))) {
            // the level ProConnect asserted, for the tokens' idp_acr claim (docs/claims.md)
            context.getAuthenticationSession().setUserSessionNote(ACR_NOTE, assertion.acr());
            context.getAuthenticationSession()
                    .setUserSessionNote(ProConnectAcrMapper.AMR_NOTE, ProConnectClaims.amr(broker));
            boolean multiFactor = assertion.multiFactor(
                    ProConnectFirstLoginAuthenticator.levels(context, ProConnectAssertion.MULTI_FACTOR_ACR));
            recordLevel(
                    context, multiFactor ? SecondFactorPolicy.LEVEL_SECOND_FACTOR : SecondFactorPolicy.LEVEL_PASSWORD);
            context.success();
            return;
        }
        context.getEvent().detail(Details.REASON, "haErrorProConnectAcr");
        context.failureChallenge(
                AuthenticationFlowError.IDENTITY_PROVIDER_ERROR,
                context.form()
                        .setAttribute("haRefusal", "haErrorProConnectAcr")
                        .createForm(ProConnectFirstLoginAuthenticator.REFUSED_TEMPLATE));
    }

    /**
     * The level this login reached at ProConnect, as the browser flow's level conditions record
     * theirs: for this login (the token's {@code acr}, Keycloak's {@code oidc-acr-mapper}) and for
     * the session's later logins (a client asking {@code mfa} within the session is asked the second
     * factor only, never a Hariane PRO password the person may not have). The flow's second-factor
     * steps that follow (level 2) then run only when that level is still to reach.
     */
    private static void recordLevel(AuthenticationFlowContext context, int level) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        new AcrStore(context.getSession(), authSession).setLevelAuthenticated(level);
        authSession.setUserSessionNote(Constants.LOA_MAP, authSession.getAuthNote(Constants.LOA_MAP));
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        authenticate(context);
    }

    @Override
    public boolean requiresUser() {
        return false;
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
