package fr.lehavre.hariane.idp.registration;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.Properties;

/** The login theme's French messages as a page shows them (formatted: {@code ''} is one apostrophe). */
final class ThemeMessages {

    private static final String FRENCH = "theme/hariane/login/messages/messages_fr.properties";

    private ThemeMessages() {}

    static String french(String key) {
        Properties messages = new Properties();
        try (InputStream in = ThemeMessages.class.getClassLoader().getResourceAsStream(FRENCH)) {
            messages.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new MessageFormat(messages.getProperty(key)).format(new Object[0]);
    }
}
