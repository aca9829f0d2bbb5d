package fr.lehavre.hariane.idp.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CguTest {

    @Test
    @DisplayName("The theme links the CGU version the activation records")
    void themeLinksTheRecordedVersion() throws IOException {
        Properties theme = new Properties();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("theme/hariane/login/theme.properties")) {
            theme.load(in);
        }
        assertEquals(Cgu.RESOURCE, theme.getProperty("haCguResource"));
        assertTrue(Cgu.sha256().matches("[0-9a-f]{64}"));
    }
}
