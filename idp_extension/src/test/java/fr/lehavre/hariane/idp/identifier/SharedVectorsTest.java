package fr.lehavre.hariane.idp.identifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import fr.lehavre.hariane.idp.Contract;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SharedVectorsTest {

    @Test
    @DisplayName("The identifier rules give the vectors the Python adapter is tested with too")
    void sharedVectors() {
        for (JsonNode vector : Contract.vectors("login-identifier-vectors")) {
            assertEquals(
                    vector.get("identifier").asText(),
                    LoginIdentifier.base(
                            vector.get("first").asText(), vector.get("last").asText()));
        }
    }
}
