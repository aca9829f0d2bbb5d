package fr.lehavre.hariane.idp.secondfactor;

import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * « Protéger votre compte »: the user chooses a passkey or an authenticator application; the
 * chosen Keycloak enrolment follows, then the recovery codes (when the user has none). Added to a
 * login by {@link SecondFactorPolicyAuthenticator}, never triggered on its own.
 */
public final class SecondFactorChoiceAction implements RequiredActionProvider {

    public static final String PROVIDER_ID = "hariane-second-factor";
    static final String TEMPLATE = "hariane-second-factor.ftl";
    static final String FIELD = "factor";

    @Override
    public void evaluateTriggers(RequiredActionContext context) {}

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        context.challenge(form(context, null));
    }

    @Override
    public void processAction(RequiredActionContext context) {
        String value = context.getHttpRequest().getDecodedFormParameters().getFirst(FIELD);
        Optional<SecondFactorChoice> choice = SecondFactorChoice.fromFormValue(value);
        if (choice.isEmpty()) {
            context.challenge(form(context, new FormMessage(FIELD, "haErrorSecondFactorChoice")));
            return;
        }
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        authSession.addRequiredAction(choice.get().enrolmentAction());
        boolean hasRecoveryCodes = context.getUser()
                .credentialManager()
                .getStoredCredentialsStream()
                .map(CredentialModel::getType)
                .anyMatch(SecondFactorChoice.RECOVERY_CODES_TYPE::equals);
        if (!hasRecoveryCodes) {
            authSession.addRequiredAction(SecondFactorChoice.RECOVERY_CODES_ACTION);
        }
        context.getEvent()
                .clone()
                .detail("second_factor_choice", choice.get().formValue())
                .success();
        context.success();
    }

    private Response form(RequiredActionContext context, FormMessage error) {
        var form = context.form().setAttribute("choices", SecondFactorChoice.values());
        if (error != null) {
            form.addError(error);
        }
        return form.createForm(TEMPLATE);
    }

    @Override
    public void close() {}
}
