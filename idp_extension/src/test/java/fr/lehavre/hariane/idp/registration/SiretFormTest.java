package fr.lehavre.hariane.idp.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import fr.lehavre.hariane.idp.Contract;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** contract/siret-vectors.json (which the adapter's tests/test_siret_rules.py runs too), plus what forged forms send. */
class SiretFormTest {

    @Test
    @DisplayName("Each typed SIRET of contract/siret-vectors.json gets its verdict, message included")
    void sharedVectors() {
        JsonNode contract = Contract.load("siret-vectors");
        for (JsonNode vector : contract.get("vectors")) {
            String typed = vector.get("typed").asText();
            if (vector.get("error").isNull()) {
                assertEquals(Optional.empty(), SiretForm.error(typed), typed);
                assertEquals(vector.get("siret").asText(), SiretForm.normalise(typed), typed);
            } else {
                JsonNode error = contract.get("errors").get(vector.get("error").asText());
                String key = error.get("message_key").asText();
                assertEquals(Optional.of(key), SiretForm.error(typed), typed);
                assertEquals(error.get("message").asText(), ThemeMessages.french(key), key);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "   \t ", "\u00a0"})
    @DisplayName("Given nothing, then the SIRET is required")
    void required(String typed) {
        assertEquals(Optional.of("haErrorSiretRequired"), SiretForm.error(typed));
    }

    @ParameterizedTest
    @ValueSource(ints = {41, 4096, 100_000})
    @DisplayName("Given a very long value, then the format is refused")
    void tooLong(int length) {
        assertEquals(Optional.of("haErrorSiretFormat"), SiretForm.error("2".repeat(length)));
        assertEquals(Optional.of("haErrorSiretFormat"), SiretForm.error(" ".repeat(length - 14) + "20008495200015"));
    }
}
