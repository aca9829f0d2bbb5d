package fr.lehavre.hariane.idp.notices;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.keycloak.events.EventType;

/**
 * Which security e-mail a Keycloak event calls for (docs/security-emails.md), if any. Keycloak 26
 * sends some changes twice (UPDATE_PASSWORD and UPDATE_CREDENTIAL for one new password,
 * UPDATE_TOTP and UPDATE_CREDENTIAL for one new OTP): both map to the same kind, and the
 * listener tells each user each kind once per request.
 */
public final class SecurityNotice {

    public static final String PASSWORD_CHANGED = "password_changed";
    public static final String FACTOR_ADDED = "factor_added";
    public static final String FACTOR_REMOVED = "factor_removed";
    public static final String EMAIL_CHANGED = "email_changed";

    static final String CREDENTIAL_TYPE = "credential_type"; // org.keycloak.events.Details.CREDENTIAL_TYPE
    static final String PREVIOUS_EMAIL = "previous_email"; // Details.PREVIOUS_EMAIL
    static final String UPDATED_EMAIL = "updated_email"; // Details.UPDATED_EMAIL
    static final String PASSWORD = "password";
    static final String OTP = "otp";
    /** Credential types that are a second factor (Keycloak 26's types). */
    static final Set<String> SECOND_FACTORS = Set.of(OTP, "webauthn", "webauthn-passwordless", "recovery-authn-codes");

    private SecurityNotice() {}

    /** The kind of e-mail {@code type} with {@code details} calls for; empty for any other event. */
    public static Optional<String> kindOf(EventType type, Map<String, String> details) {
        Map<String, String> d = details == null ? Map.of() : details;
        String credential = d.getOrDefault(CREDENTIAL_TYPE, "");
        return Optional.ofNullable(
                switch (type) {
                    case UPDATE_PASSWORD -> PASSWORD_CHANGED;
                    case UPDATE_TOTP -> FACTOR_ADDED;
                    case REMOVE_TOTP -> FACTOR_REMOVED;
                    case UPDATE_CREDENTIAL ->
                        PASSWORD.equals(credential)
                                ? PASSWORD_CHANGED
                                : SECOND_FACTORS.contains(credential) ? FACTOR_ADDED : null;
                    case REMOVE_CREDENTIAL -> SECOND_FACTORS.contains(credential) ? FACTOR_REMOVED : null;
                    case UPDATE_PROFILE, UPDATE_EMAIL -> emailChanged(d) ? EMAIL_CHANGED : null;
                    default -> null;
                });
    }

    /** The second factor's type the e-mail names ("otp" for the deprecated TOTP events). */
    public static String factorOf(EventType type, Map<String, String> details) {
        if (type == EventType.UPDATE_TOTP || type == EventType.REMOVE_TOTP) {
            return OTP;
        }
        return details == null ? "" : details.getOrDefault(CREDENTIAL_TYPE, "");
    }

    /** The address an e-mail change left, when the event says so. */
    public static String previousEmail(Map<String, String> details) {
        return details == null ? "" : details.getOrDefault(PREVIOUS_EMAIL, "");
    }

    private static boolean emailChanged(Map<String, String> details) {
        String before = details.get(PREVIOUS_EMAIL);
        String after = details.get(UPDATED_EMAIL);
        return before != null && !before.isBlank() && after != null && !before.equalsIgnoreCase(after);
    }
}
