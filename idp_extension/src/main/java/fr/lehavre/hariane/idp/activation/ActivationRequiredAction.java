package fr.lehavre.hariane.idp.activation;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.events.Details;
import org.keycloak.events.EventType;
import org.keycloak.models.ModelException;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;

/**
 * « Activer mon compte »: choose the password (realm policy) and accept the CGU, on one page.
 * The acceptance is recorded as admin-only attributes: version, SHA-256 of the text, UTC time.
 */
public final class ActivationRequiredAction implements RequiredActionProvider {

    public static final String PROVIDER_ID = "hariane-activation";
    static final String TEMPLATE = "hariane-activate.ftl";
    static final String FIELD_PASSWORD = "password-new";
    static final String FIELD_CONFIRM = "password-confirm";
    static final String FIELD_CGU = "acceptCgu";

    @Override
    public void evaluateTriggers(RequiredActionContext context) {}

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        context.challenge(form(context, null, false));
    }

    @Override
    public void processAction(RequiredActionContext context) {
        MultivaluedMap<String, String> data = context.getHttpRequest().getDecodedFormParameters();
        String password = data.getFirst(FIELD_PASSWORD);
        String confirm = data.getFirst(FIELD_CONFIRM);
        boolean cguAccepted = "on".equals(data.getFirst(FIELD_CGU));
        UserModel user = context.getUser();

        FormMessage error = null;
        if (password == null || password.isEmpty()) {
            error = new FormMessage(FIELD_PASSWORD, "haErrorPasswordRequired");
        } else if (!password.equals(confirm)) {
            error = new FormMessage(FIELD_CONFIRM, "haErrorPasswordMismatch");
        } else if (!cguAccepted) {
            error = new FormMessage(FIELD_CGU, "haErrorCguRequired");
        }
        if (error != null) {
            context.challenge(form(context, error, cguAccepted));
            return;
        }
        try {
            user.credentialManager().updateCredential(UserCredentialModel.password(password, false));
        } catch (ModelException e) {
            context.getEvent()
                    .clone()
                    .event(EventType.UPDATE_CREDENTIAL_ERROR)
                    .detail(Details.REASON, e.getMessage())
                    .error("password_rejected");
            context.challenge(form(context, new FormMessage(FIELD_PASSWORD, e.getMessage(), e.getParameters()), true));
            return;
        }
        Cgu.record(user);
        user.setEmailVerified(true);
        context.getEvent()
                .clone()
                .event(EventType.UPDATE_CREDENTIAL)
                .detail("cgu_version", Cgu.VERSION)
                .success();
        context.success();
    }

    private Response form(RequiredActionContext context, FormMessage error, boolean cguTicked) {
        var form = context.form()
                .setAttribute("username", context.getUser().getUsername())
                .setAttribute("cguResource", Cgu.RESOURCE)
                .setAttribute("cguTicked", cguTicked);
        if (error != null) {
            form.addError(error);
        }
        return form.createForm(TEMPLATE);
    }

    @Override
    public void close() {}
}
