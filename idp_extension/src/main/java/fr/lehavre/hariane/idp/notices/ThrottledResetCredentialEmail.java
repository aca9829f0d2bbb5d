package fr.lehavre.hariane.idp.notices;

import fr.lehavre.hariane.idp.adapter.AdapterClient;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.resetcred.ResetCredentialEmail;
import org.keycloak.models.DefaultActionTokenKey;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.services.messages.Messages;

/**
 * « Mot de passe oublié »'s e-mail step, throttled: Keycloak's {@code reset-credential-email},
 * which first asks the portal adapter whether a reset e-mail may go to this address from this
 * client address (docs/throttles.md). When it may not, nothing is sent and the page is Keycloak's
 * usual « Vous allez recevoir un courriel… », the one an unknown address gets. When the adapter
 * cannot answer, the e-mail goes (a person's way back into their account does not depend on it).
 */
public final class ThrottledResetCredentialEmail extends ResetCredentialEmail {

    public static final String PROVIDER_ID = "hariane-reset-credential-email";
    public static final String ACTION = "password_reset";
    private static final Logger LOG = Logger.getLogger(ThrottledResetCredentialEmail.class);

    private AdapterClient adapter;

    @Override
    public void init(Config.Scope config) {
        adapter = AdapterClient.configured(config, "throttleTimeoutSeconds", "HARIANE_THROTTLE_TIMEOUT_SECONDS", "3");
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        UserModel user = context.getUser();
        boolean sends = user != null
                && user.getEmail() != null
                && !user.getEmail().isBlank()
                && context.getAuthenticationSession().getAuthNote(DefaultActionTokenKey.ACTION_TOKEN_USER_ID) == null;
        if (sends
                && !adapter.mayEmail(
                        ACTION, user.getEmail(), context.getConnection().getRemoteAddr())) {
            LOG.infof("password reset e-mail to user %s throttled: nothing sent", user.getId());
            context.forkWithSuccessMessage(new FormMessage(Messages.EMAIL_SENT));
            return;
        }
        super.authenticate(context);
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return this;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Hariane PRO: Send Reset Email (throttled)";
    }

    @Override
    public String getHelpText() {
        return "Keycloak's Send Reset Email, after asking the portal adapter's throttle (per address and client address).";
    }
}
