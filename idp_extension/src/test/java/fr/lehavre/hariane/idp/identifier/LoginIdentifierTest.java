package fr.lehavre.hariane.idp.identifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LoginIdentifierTest {

    @ParameterizedTest(name = "« {0} » « {1} » gives {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "John|Doe|pro.john.doe",
                "Jean-Éric|Le Gall|pro.jean-eric.le-gall",
                "François|Çelik|pro.francois.celik",
                "Cœur|D'Œillet|pro.coeur.d-oeillet",
                "  Anne  Marie |  DE LA   FONTAINE |pro.anne-marie.de-la-fontaine",
                "Zoë|N’Diaye|pro.zoe.n-diaye",
                "Hélène|Müller--Øster|pro.helene.muller-oster",
                "Jean--|-Paul|pro.jean.paul",
                "Ægir|Straße|pro.aegir.strasse",
            })
    @DisplayName("Given a first and a last name, then the base identifier folds them")
    void baseFoldsNames(String first, String last, String expected) {
        assertEquals(expected, LoginIdentifier.base(first, last));
    }

    @Test
    @DisplayName("Given a taken identifier, then the next candidates carry 2, 3...")
    void candidatesCarryNumericSuffix() {
        String base = LoginIdentifier.base("John", "Doe");
        assertEquals("pro.john.doe", LoginIdentifier.candidate(base, 1));
        assertEquals("pro.john.doe2", LoginIdentifier.candidate(base, 2));
        assertEquals("pro.john.doe10", LoginIdentifier.candidate(base, 10));
    }

    @Test
    @DisplayName("Given a name with no usable letter, then it is refused")
    void refusesNamesWithoutLetters() {
        assertThrows(IllegalArgumentException.class, () -> LoginIdentifier.base("<>", "Doe"));
        assertThrows(IllegalArgumentException.class, () -> LoginIdentifier.base("John", null));
        assertThrows(IllegalArgumentException.class, () -> LoginIdentifier.candidate("pro.a.b", 0));
    }
}
