package fr.lehavre.hariane.idp.secondfactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SecondFactorPolicyTest {

    private static final int NONE = -1;

    @Test
    @DisplayName("Given a standard user without factor, then the client's level is kept and no enrolment")
    void standardUserWithoutFactor() {
        assertEquals(NONE, SecondFactorPolicy.levelToRequest(NONE, false, false));
        assertEquals(1, SecondFactorPolicy.levelToRequest(1, false, false));
        assertFalse(SecondFactorPolicy.mustEnrol(NONE, false, false));
        assertFalse(SecondFactorPolicy.mustEnrol(1, false, false));
    }

    @Test
    @DisplayName("Given a user who must or did enrol a factor, then level 2 is asked whatever the client asked")
    void factorAskedAtEveryLogin() {
        assertEquals(2, SecondFactorPolicy.levelToRequest(NONE, true, true));
        assertEquals(2, SecondFactorPolicy.levelToRequest(1, false, true));
        assertEquals(2, SecondFactorPolicy.levelToRequest(2, true, false));
        assertFalse(SecondFactorPolicy.mustEnrol(NONE, true, true));
        assertFalse(SecondFactorPolicy.mustEnrol(2, false, true));
    }

    @Test
    @DisplayName("Given a user without factor, then enrolment when the profile demands it or the client asks mfa")
    void enrolment() {
        assertTrue(SecondFactorPolicy.mustEnrol(NONE, true, false));
        assertTrue(SecondFactorPolicy.mustEnrol(2, false, false));
    }

    @Test
    @DisplayName("Then OTP and WebAuthn count as factors; a password or recovery codes alone do not")
    void factors() {
        assertTrue(SecondFactorPolicy.isEnrolled(Stream.of("password", "otp")));
        assertTrue(SecondFactorPolicy.isEnrolled(Stream.of("password", "webauthn")));
        assertFalse(SecondFactorPolicy.isEnrolled(Stream.of("password", "recovery-authn-code")));
        assertFalse(SecondFactorPolicy.isEnrolled(Stream.empty()));
    }

    @Test
    @DisplayName("Then the choice page's values name Keycloak's enrolment actions; anything else is no choice")
    void choices() {
        assertEquals(Optional.of(SecondFactorChoice.PASSKEY), SecondFactorChoice.fromFormValue("passkey"));
        assertEquals("webauthn-register", SecondFactorChoice.PASSKEY.enrolmentAction());
        assertEquals(
                "CONFIGURE_TOTP",
                SecondFactorChoice.fromFormValue("application").orElseThrow().enrolmentAction());
        assertTrue(SecondFactorChoice.fromFormValue(null).isEmpty());
        assertTrue(SecondFactorChoice.fromFormValue("sms").isEmpty());
    }
}
