package fr.lehavre.hariane.idp.secondfactor;

import java.util.Set;
import java.util.stream.Stream;

/**
 * Who must give a second factor, and when (pure logic; the realm's browser flow applies it, see
 * realm-config/README.md). Levels of authentication are the realm's {@code acr.loa.map}: 1 is
 * {@code pwd} (the password), 2 is {@code mfa} (a second factor).
 */
public final class SecondFactorPolicy {

    public static final int LEVEL_PASSWORD = 1;
    public static final int LEVEL_SECOND_FACTOR = 2;

    /**
     * Credential types the browser flow can ask as a second factor: a TOTP application
     * ({@code otp}) or a passkey / security key registered as a second factor ({@code webauthn}).
     * Recovery codes alone do not count: they are the way back in, not a factor to keep using.
     */
    static final Set<String> FACTOR_TYPES = Set.of("otp", "webauthn");

    private SecondFactorPolicy() {}

    /** Whether the user holds a second factor, given the types of their stored credentials. */
    public static boolean isEnrolled(Stream<String> credentialTypes) {
        return credentialTypes.anyMatch(FACTOR_TYPES::contains);
    }

    /**
     * The level this login must reach: the second factor's for a user who must hold one or holds
     * one (then it is asked at every login), else what the client asked ({@code acr_values}).
     *
     * @param requestedByClient the level the client asked, -1 when none
     */
    public static int levelToRequest(int requestedByClient, boolean required, boolean enrolled) {
        if (required || enrolled) {
            return Math.max(requestedByClient, LEVEL_SECOND_FACTOR);
        }
        return requestedByClient;
    }

    /**
     * Whether the login goes through the enrolment (« Protéger votre compte ») once the password is
     * given: the user holds no factor, and their profile demands one or the client asked for the
     * second factor's level.
     */
    public static boolean mustEnrol(int requestedByClient, boolean required, boolean enrolled) {
        return !enrolled && (required || requestedByClient >= LEVEL_SECOND_FACTOR);
    }
}
