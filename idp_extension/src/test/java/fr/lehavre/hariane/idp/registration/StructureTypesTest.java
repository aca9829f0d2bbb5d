package fr.lehavre.hariane.idp.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import fr.lehavre.hariane.idp.Contract;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The « Type de structure » choices of contract/structure-types.json, which pytest checks too. */
class StructureTypesTest {

    private static final String MESSAGES = "theme/hariane/login/messages/messages_fr.properties";

    @Test
    @DisplayName("The registration offers the contract's structure types, in its order, with its French labels")
    void structureTypesAreTheContracts() throws IOException {
        Properties messages = new Properties();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(MESSAGES)) {
            messages.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        List<String> codes = new ArrayList<>();
        for (JsonNode type : Contract.load("structure-types").get("types")) {
            String code = type.get("code").asText();
            codes.add(code);
            // the theme formats its messages with MessageFormat ('' is one apostrophe)
            assertEquals(
                    type.get("label").asText(),
                    new MessageFormat(messages.getProperty("haType_" + code)).format(new Object[0]),
                    code);
        }
        assertEquals(codes, RegistrationForm.STRUCTURE_TYPES);
    }
}
