package fr.lehavre.hariane.idp.proconnect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProConnectAssertionTest {

    private static final Set<String> ACCEPTED =
            ProConnectAssertion.acceptedLevels(" eidas1  https://proconnect.gouv.fr/assurance/consistency-checked ");

    private static ProConnectAssertion asserted(String acr, String siret, String email) {
        return new ProConnectAssertion("sub-1", acr, siret, email, "Lou", "Bernard");
    }

    @Test
    void acceptedLevelsAreTheSettingsWords() {
        assertEquals(Set.of("eidas1", "https://proconnect.gouv.fr/assurance/consistency-checked"), ACCEPTED);
        assertEquals(Set.of(), ProConnectAssertion.acceptedLevels("  "));
        assertEquals(Set.of(), ProConnectAssertion.acceptedLevels(null));
    }

    @Test
    void anAcceptedLevelWithSiretAndEmailGoesOn() {
        assertEquals(
                Optional.empty(),
                asserted("eidas1", "81234567600017", "lou@x.test").refusal(ACCEPTED));
    }

    @Test
    void aLevelNotAcceptedOrAbsentIsRefusedFirst() {
        assertFalse(asserted("https://proconnect.gouv.fr/assurance/self-asserted", "1", "e")
                .acrAccepted(ACCEPTED));
        assertEquals(
                Optional.of("haErrorProConnectAcr"),
                asserted("https://proconnect.gouv.fr/assurance/self-asserted", null, null)
                        .refusal(ACCEPTED));
        assertEquals(
                Optional.of("haErrorProConnectAcr"),
                asserted(null, "81234567600017", "e").refusal(ACCEPTED));
        assertEquals(
                Optional.of("haErrorProConnectAcr"),
                asserted(" ", "81234567600017", "e").refusal(ACCEPTED));
        assertTrue(asserted("eidas1", null, null).acrAccepted(ACCEPTED));
        assertFalse(asserted("eidas1", "1", "e").acrAccepted(Set.of()));
    }

    @Test
    void onlyTheMultiFactorLevelsCountAsASecondFactor() {
        Set<String> multiFactor = ProConnectAssertion.acceptedLevels(
                "eidas2 https://proconnect.gouv.fr/assurance/consistency-checked-2fa");
        assertTrue(asserted("eidas2", "1", "e").multiFactor(multiFactor));
        assertTrue(asserted(" https://proconnect.gouv.fr/assurance/consistency-checked-2fa", "1", "e")
                .multiFactor(multiFactor));
        assertFalse(asserted("eidas1", "1", "e").multiFactor(multiFactor));
        assertFalse(asserted(null, "1", "e").multiFactor(multiFactor));
        assertFalse(asserted("eidas2", "1", "e").multiFactor(Set.of()));
    }

    @Test
    void aMissingSiretThenAMissingEmailAreRefused() {
        assertEquals(
                Optional.of("haErrorProConnectNoSiret"),
                asserted("eidas1", " ", "e").refusal(ACCEPTED));
        assertEquals(
                Optional.of("haErrorProConnectNoSiret"),
                asserted("eidas1", null, null).refusal(ACCEPTED));
        assertEquals(
                Optional.of("haErrorProConnectNoEmail"),
                asserted("eidas1", "81234567600017", "").refusal(ACCEPTED));
    }
}
