package fr.lehavre.hariane.idp.activation;

import fr.lehavre.hariane.idp.IdentityNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import org.keycloak.models.UserModel;

/**
 * The current « Conditions Générales d'Utilisation »: its version and the SHA-256 of its text.
 * The text is the login theme's resource {@code cgu/cgu-<version>.html}, served by Keycloak at
 * a versioned URL; a new version is a new file and a new {@link #VERSION}.
 */
public final class Cgu {

    public static final String VERSION = "2026-11";
    public static final String RESOURCE = "cgu/cgu-" + VERSION + ".html";
    private static final String CLASSPATH = "theme/hariane/login/resources/" + RESOURCE;

    private static final String SHA256 = hash();

    private Cgu() {}

    public static String sha256() {
        return SHA256;
    }

    /** Records that {@code user} accepted the current CGU now (admin-only attributes: version, SHA-256, UTC time). */
    public static void record(UserModel user) {
        user.setSingleAttribute(IdentityNames.ATTR_CGU_VERSION, VERSION);
        user.setSingleAttribute(IdentityNames.ATTR_CGU_TEXT_SHA256, SHA256);
        user.setSingleAttribute(
                IdentityNames.ATTR_CGU_ACCEPTED_AT,
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    }

    private static String hash() {
        try (InputStream text = Cgu.class.getClassLoader().getResourceAsStream(CLASSPATH)) {
            if (text == null) {
                throw new IllegalStateException("missing " + CLASSPATH);
            }
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
