package fr.lehavre.hariane.idp.activation;

import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.AuthenticationProcessor;
import org.keycloak.authentication.actiontoken.ActionTokenContext;
import org.keycloak.authentication.actiontoken.execactions.ExecuteActionsActionToken;
import org.keycloak.authentication.actiontoken.execactions.ExecuteActionsActionTokenHandler;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.services.Urls;
import org.keycloak.sessions.AuthenticationSessionCompoundId;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * The activation link's first page, Hariane PRO's « Activer mon compte » (template
 * {@value #TEMPLATE}: the identifier and one button) instead of Keycloak's generic « Réalisez
 * la(les) action(s) suivante(s) ». Like Keycloak's, the page only links to the same token bound
 * to the new authentication session, so a mail scanner following the e-mail's link consumes
 * nothing. Replaces Keycloak's handler of {@code execute-actions} tokens (same provider ID,
 * higher order); tokens for other actions go through Keycloak's own code.
 */
public final class ActivationLinkHandler extends ExecuteActionsActionTokenHandler {

    static final String TEMPLATE = "hariane-activation-confirm.ftl";

    @Override
    public Response handleToken(
            ExecuteActionsActionToken token, ActionTokenContext<ExecuteActionsActionToken> tokenContext) {
        if (!tokenContext.isAuthenticationSessionFresh()
                || !token.getRequiredActions().contains(ActivationRequiredAction.PROVIDER_ID)) {
            return super.handleToken(token, tokenContext);
        }
        // As Keycloak's handler: bind the token to the new authentication session, link to it.
        AuthenticationSessionModel authSession = tokenContext.getAuthenticationSession();
        token.setCompoundAuthenticationSessionId(
                AuthenticationSessionCompoundId.fromAuthSession(authSession).getEncodedId());
        String confirmUri = Urls.actionTokenBuilder(
                        tokenContext.getUriInfo().getBaseUri(),
                        token.serialize(tokenContext.getSession(), tokenContext.getRealm(), tokenContext.getUriInfo()),
                        authSession.getClient().getClientId(),
                        authSession.getTabId(),
                        AuthenticationProcessor.getClientData(tokenContext.getSession(), authSession))
                .build(tokenContext.getRealm().getName())
                .toString();
        return tokenContext
                .getSession()
                .getProvider(LoginFormsProvider.class)
                .setAuthenticationSession(authSession)
                .setUser(authSession.getAuthenticatedUser())
                .setAttribute("actionUri", confirmUri)
                .setAttribute("username", authSession.getAuthenticatedUser().getUsername())
                .createForm(TEMPLATE);
    }

    @Override
    public int order() {
        return 100;
    }
}
