package fr.lehavre.hariane.idp.activation;

import java.util.List;
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
 * with the e-mail theme's {@code executeActions} template, as the admin REST API does.
 */
public final class ActivationEmail {

    private ActivationEmail() {
    }

    public static void send(KeycloakSession session, RealmModel realm, UserModel user, String clientId, String redirectUri)
            throws EmailException {
        int lifespan = realm.getActionTokenGeneratedByAdminLifespan();
        ExecuteActionsActionToken token = new ExecuteActionsActionToken(user.getId(), user.getEmail(),
                Time.currentTime() + lifespan, List.of(ActivationRequiredAction.PROVIDER_ID), redirectUri, clientId);
        String link = LoginActionsService.actionTokenProcessor(session.getContext().getUri())
                .queryParam("key", token.serialize(session, realm, session.getContext().getUri()))
                .build(realm.getName()).toString();
        session.getProvider(EmailTemplateProvider.class)
                .setAttribute(Constants.TEMPLATE_ATTR_REQUIRED_ACTIONS, token.getRequiredActions())
                .setRealm(realm)
                .setUser(user)
                .sendExecuteActions(link, TimeUnit.SECONDS.toMinutes(lifespan));
    }
}
