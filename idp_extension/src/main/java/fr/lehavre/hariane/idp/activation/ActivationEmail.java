package fr.lehavre.hariane.idp.activation;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.keycloak.authentication.actiontoken.execactions.ExecuteActionsActionToken;
import org.keycloak.common.util.Time;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.resources.LoginActionsService;

/**
 * The activation e-mail: an execute-actions token for {@value ActivationRequiredAction#PROVIDER_ID}
 * (password + CGU), living the realm's admin action-token lifespan (72 h in realm-config), sent
 * with the e-mail theme's {@code executeActions} template, as the admin REST API does. The
 * template words it for the person who registered the structure ({@value #FOUNDER}), for a
 * colleague added by an administrator ({@value #COLLEAGUE}: structure, administrator, profile),
 * and neutrally when neither is given (a new link asked for later).
 */
public final class ActivationEmail {

    /** Template attribute: the e-mail follows the registration of the structure. */
    static final String FOUNDER = "haFounder";
    /** Template attribute: {@code structure}, {@code administrator}, {@code profile} of a colleague's invitation. */
    static final String COLLEAGUE = "haColleague";

    private ActivationEmail() {}

    /** After « Créer un compte Pro »: the structure's first administrator. */
    public static void send(
            KeycloakSession session, RealmModel realm, UserModel user, String clientId, String redirectUri)
            throws EmailException {
        send(session, realm, user, clientId, redirectUri, FOUNDER, Boolean.TRUE);
    }

    /** A colleague added in « Gestion des utilisateurs »: who added them, to which structure, with which profile. */
    static void sendToColleague(
            KeycloakSession session,
            RealmModel realm,
            UserModel user,
            String clientId,
            String redirectUri,
            Map<String, String> invitation)
            throws EmailException {
        send(session, realm, user, clientId, redirectUri, COLLEAGUE, invitation);
    }

    private static void send(
            KeycloakSession session,
            RealmModel realm,
            UserModel user,
            String clientId,
            String redirectUri,
            String wording,
            Object details)
            throws EmailException {
        int lifespan = realm.getActionTokenGeneratedByAdminLifespan();
        ExecuteActionsActionToken token = new ExecuteActionsActionToken(
                user.getId(),
                user.getEmail(),
                Time.currentTime() + lifespan,
                List.of(ActivationRequiredAction.PROVIDER_ID),
                redirectUri,
                clientId);
        String link = LoginActionsService.actionTokenProcessor(
                        session.getContext().getUri())
                .queryParam(
                        "key",
                        token.serialize(session, realm, session.getContext().getUri()))
                .build(realm.getName())
                .toString();
        session.getProvider(EmailTemplateProvider.class)
                .setAttribute(Constants.TEMPLATE_ATTR_REQUIRED_ACTIONS, token.getRequiredActions())
                .setAttribute(wording, details)
                .setRealm(realm)
                .setUser(user)
                .sendExecuteActions(link, TimeUnit.SECONDS.toMinutes(lifespan));
    }
}
