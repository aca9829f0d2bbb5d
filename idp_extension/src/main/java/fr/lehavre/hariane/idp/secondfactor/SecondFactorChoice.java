package fr.lehavre.hariane.idp.secondfactor;

import java.util.Arrays;
import java.util.Optional;
import org.keycloak.models.credential.RecoveryAuthnCodesCredentialModel;

/** The choices of « Protéger votre compte »: the form value and Keycloak's enrolment action. */
public enum SecondFactorChoice {
    /** A passkey or security key, registered as a second factor (WebAuthn). */
    PASSKEY("passkey", "webauthn-register"),
    /** An authenticator application giving 6-digit codes (TOTP). */
    APPLICATION("application", "CONFIGURE_TOTP");

    /** Keycloak's required action that offers recovery codes, run after either enrolment. */
    public static final String RECOVERY_CODES_ACTION = "CONFIGURE_RECOVERY_AUTHN_CODES";

    /**
     * The credential type recovery codes are stored as: Keycloak's own constant
     * ({@code recovery-authn-codes}; a hand-typed copy once missed its final « s », so a person who
     * held codes was offered new ones at every re-enrolment).
     */
    public static final String RECOVERY_CODES_TYPE = RecoveryAuthnCodesCredentialModel.TYPE;

    private final String formValue;
    private final String enrolmentAction;

    SecondFactorChoice(String formValue, String enrolmentAction) {
        this.formValue = formValue;
        this.enrolmentAction = enrolmentAction;
    }

    public String formValue() {
        return formValue;
    }

    public String enrolmentAction() {
        return enrolmentAction;
    }

    /** The choice a submitted form value names; empty for none or anything else. */
    public static Optional<SecondFactorChoice> fromFormValue(String value) {
        return Arrays.stream(values()).filter(c -> c.formValue.equals(value)).findFirst();
    }
}
