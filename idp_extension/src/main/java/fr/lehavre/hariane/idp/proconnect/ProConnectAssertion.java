package fr.lehavre.hariane.idp.proconnect;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * What ProConnect asserted about a person (its ID token and signed userinfo), and whether Hariane
 * PRO accepts it (pure: no Keycloak types). Refusals are message keys of the login theme.
 */
public record ProConnectAssertion(
        String subject, String acr, String siret, String email, String givenName, String usualName) {

    /** The authenticator's setting holding the accepted {@code acr} values, separated by spaces. */
    public static final String ACCEPTED_ACR = "acceptedAcr";

    /**
     * The post-login check's setting holding the {@code acr} values that say the person gave a
     * second factor at ProConnect, separated by spaces: such a login counts as Hariane PRO's {@code mfa}.
     */
    public static final String MULTI_FACTOR_ACR = "mfaAcr";

    /** The accepted levels of a setting: its values separated by spaces (none when blank). */
    public static Set<String> acceptedLevels(String setting) {
        if (setting == null || setting.isBlank()) {
            return Set.of();
        }
        return new LinkedHashSet<>(Arrays.asList(setting.strip().split("\\s+")));
    }

    /** Whether ProConnect asserted one of the accepted levels (an absent {@code acr} never is). */
    public boolean acrAccepted(Set<String> accepted) {
        return acr != null && !acr.isBlank() && accepted.contains(acr.strip());
    }

    /** Whether ProConnect asserted one of the levels that mean a second factor was given there. */
    public boolean multiFactor(Set<String> multiFactorLevels) {
        return acr != null && multiFactorLevels.contains(acr.strip());
    }

    /**
     * Why a first login cannot go on, as a message key; empty when it can: the level first (an
     * assertion below it proves nothing else), then the SIRET and the e-mail address Hariane PRO needs.
     */
    public Optional<String> refusal(Set<String> accepted) {
        if (!acrAccepted(accepted)) {
            return Optional.of("haErrorProConnectAcr");
        }
        if (isBlank(siret)) {
            return Optional.of("haErrorProConnectNoSiret");
        }
        if (isBlank(email)) {
            return Optional.of("haErrorProConnectNoEmail");
        }
        return Optional.empty();
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
