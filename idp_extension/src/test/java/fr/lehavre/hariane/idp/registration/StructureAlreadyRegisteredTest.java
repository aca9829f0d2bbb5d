package fr.lehavre.hariane.idp.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The link of « Demander à rejoindre cette structure » from the SIRET step to the portal. */
class StructureAlreadyRegisteredTest {

    @Test
    @DisplayName("Given the portal's root and a SIRET, then the portal's join page carries the SIRET")
    void joinUrl() {
        assertEquals(
                Optional.of("https://pro.lehavre-metro.fr/rejoindre?siret=20008495200015"),
                StructureAlreadyRegistered.joinUrl("https://pro.lehavre-metro.fr/", "20008495200015"));
        assertEquals(
                Optional.of("http://127.0.0.1:5000/rejoindre?siret=81234567600017"),
                StructureAlreadyRegistered.joinUrl("http://127.0.0.1:5000", "81234567600017"));
    }

    @Test
    @DisplayName("Given no portal address, another scheme or a SIRET that is not 14 digits, then no link")
    void noLink() {
        assertEquals(Optional.empty(), StructureAlreadyRegistered.joinUrl(null, "20008495200015"));
        assertEquals(Optional.empty(), StructureAlreadyRegistered.joinUrl("", "20008495200015"));
        assertEquals(Optional.empty(), StructureAlreadyRegistered.joinUrl("javascript:alert(1)//", "20008495200015"));
        assertEquals(Optional.empty(), StructureAlreadyRegistered.joinUrl("https://pro.test", "2000849520001"));
        assertEquals(Optional.empty(), StructureAlreadyRegistered.joinUrl("https://pro.test", "20008495200015&x=1"));
    }
}
