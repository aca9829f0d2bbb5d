package fr.lehavre.hariane.idp.identifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SharedVectorsTest {

    @Test
    @DisplayName("The identifier rules give the vectors the Python adapter is tested with too")
    void sharedVectors() throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("login-identifier-vectors.json")) {
            JsonNode vectors = new ObjectMapper().readTree(in).get("vectors");
            for (JsonNode vector : vectors) {
                assertEquals(
                        vector.get("identifier").asText(),
                        LoginIdentifier.base(
                                vector.get("first").asText(), vector.get("last").asText()));
            }
        }
    }
}
