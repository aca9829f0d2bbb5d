package fr.lehavre.hariane.idp.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import fr.lehavre.hariane.idp.Contract;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The cases are {@code contract/phone-vectors.json}, which pytest runs through the registration page. */
class PhoneNumbersTest {

    @Test
    @DisplayName("Telephone numbers are normalised or refused as contract/phone-vectors.json says")
    void sharedVectors() {
        for (JsonNode vector : Contract.vectors("phone-vectors")) {
            JsonNode normalised = vector.get("normalised");
            assertEquals(
                    normalised.isNull() ? Optional.empty() : Optional.of(normalised.asText()),
                    PhoneNumbers.normalise(vector.get("typed").asText()),
                    "« " + vector.get("typed").asText() + " »");
        }
    }

    @Test
    @DisplayName("Nothing typed is refused")
    void nullIsRefused() {
        assertTrue(PhoneNumbers.normalise(null).isEmpty());
    }
}
