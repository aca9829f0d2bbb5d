package fr.lehavre.hariane.idp.registration;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The SIRET already has a structure: a colleague administrator must add the person, or the person
 * asks to join it from the portal's public page {@code /rejoindre?siret=} (docs/join-requests.md).
 */
public final class StructureAlreadyRegistered extends RuntimeException {

    /** The portal client, whose root URL is the portal's public address. */
    static final String PORTAL_CLIENT = "portal";

    public StructureAlreadyRegistered(String siret) {
        super("structure already registered: " + siret);
    }

    /**
     * The portal's « Demander à rejoindre cette structure » page for this SIRET (14 digits only);
     * empty when the portal's address is unknown or not http(s), or the SIRET is not 14 digits.
     */
    public static Optional<String> joinUrl(String portalRoot, String siret) {
        if (portalRoot == null
                || !(portalRoot.startsWith("https://") || portalRoot.startsWith("http://"))
                || siret == null
                || !siret.matches("[0-9]{14}")) {
            return Optional.empty();
        }
        String root = portalRoot.replaceAll("/+$", "");
        return Optional.of(root + "/rejoindre?siret=" + URLEncoder.encode(siret, StandardCharsets.UTF_8));
    }
}
