package fr.lehavre.hariane.idp.notices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.keycloak.events.EventType;

class SecurityNoticeTest {

    private static Optional<String> kind(EventType type, String... details) {
        Map<String, String> map = new java.util.HashMap<>();
        for (int i = 0; i < details.length; i += 2) {
            map.put(details[i], details[i + 1]);
        }
        return SecurityNotice.kindOf(type, map);
    }

    @Test
    void aNewPasswordIsOneKindWhicheverOfItsTwoEventsArrives() {
        assertEquals(Optional.of("password_changed"), kind(EventType.UPDATE_PASSWORD));
        assertEquals(Optional.of("password_changed"), kind(EventType.UPDATE_CREDENTIAL, "credential_type", "password"));
    }

    @Test
    void secondFactorsAddedOrRemovedAreTold() {
        for (String type : new String[] {"otp", "webauthn", "webauthn-passwordless", "recovery-authn-codes"}) {
            assertEquals(Optional.of("factor_added"), kind(EventType.UPDATE_CREDENTIAL, "credential_type", type));
            assertEquals(Optional.of("factor_removed"), kind(EventType.REMOVE_CREDENTIAL, "credential_type", type));
        }
        assertEquals(Optional.of("factor_added"), kind(EventType.UPDATE_TOTP));
        assertEquals(Optional.of("factor_removed"), kind(EventType.REMOVE_TOTP));
        assertEquals("otp", SecurityNotice.factorOf(EventType.REMOVE_TOTP, Map.of()));
        assertEquals(
                "webauthn",
                SecurityNotice.factorOf(EventType.UPDATE_CREDENTIAL, Map.of("credential_type", "webauthn")));
    }

    @Test
    void anEmailChangeIsToldOnlyWhenTheAddressChanged() {
        assertEquals(
                Optional.of("email_changed"),
                kind(EventType.UPDATE_PROFILE, "previous_email", "a@exemple.test", "updated_email", "b@exemple.test"));
        assertEquals(
                Optional.of("email_changed"),
                kind(EventType.UPDATE_EMAIL, "previous_email", "a@exemple.test", "updated_email", "b@exemple.test"));
        assertTrue(kind(EventType.UPDATE_PROFILE, "previous_first_name", "Ada", "updated_first_name", "Adèle")
                .isEmpty());
        assertTrue(kind(EventType.UPDATE_PROFILE, "previous_email", "a@exemple.test", "updated_email", "A@exemple.test")
                .isEmpty());
        assertEquals("a@exemple.test", SecurityNotice.previousEmail(Map.of("previous_email", "a@exemple.test")));
    }

    @Test
    void otherEventsAndOtherCredentialsCallForNothing() {
        assertTrue(kind(EventType.LOGIN).isEmpty());
        assertTrue(kind(EventType.SEND_RESET_PASSWORD).isEmpty());
        assertTrue(kind(EventType.UPDATE_CREDENTIAL, "credential_type", "something-else")
                .isEmpty());
        assertTrue(
                kind(EventType.REMOVE_CREDENTIAL, "credential_type", "password").isEmpty());
        assertTrue(SecurityNotice.kindOf(EventType.UPDATE_CREDENTIAL, null).isEmpty());
    }
}
