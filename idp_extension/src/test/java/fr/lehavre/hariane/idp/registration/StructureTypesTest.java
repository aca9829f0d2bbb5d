package fr.lehavre.hariane.idp.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import fr.lehavre.hariane.idp.Contract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The « Type de structure » choices of contract/structure-types.json, which pytest checks too. */
class StructureTypesTest {

    @Test
    @DisplayName("The registration offers the contract's structure types, in its order, with its French labels")
    void structureTypesAreTheContracts() {
        List<String> codes = new ArrayList<>();
        for (JsonNode type : Contract.load("structure-types").get("types")) {
            String code = type.get("code").asText();
            codes.add(code);
            assertEquals(type.get("label").asText(), ThemeMessages.french("haType_" + code), code);
        }
        assertEquals(codes, RegistrationForm.STRUCTURE_TYPES);
    }
}
