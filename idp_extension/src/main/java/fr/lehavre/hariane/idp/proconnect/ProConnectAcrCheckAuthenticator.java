package fr.lehavre.hariane.idp.proconnect;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.broker.util.PostBrokerLoginConstants;
import org.keycloak.authentication.authenticators.broker.util.SerializedBrokeredIdentityContext;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.events.Details;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Every login through ProConnect of an account already linked (the provider's post-broker-login
 * flow): the {@code acr} ProConnect asserted must be one of the accepted ones, as at the first login.
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
