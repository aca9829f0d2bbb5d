package fr.lehavre.hariane.idp.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import fr.lehavre.hariane.idp.Contract;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The person-name and e-mail vectors of {@code contract/}, which pytest runs too. */
class SharedFieldVectorsTest {

    @Test
    @DisplayName("First and last names get the verdict of contract/person-name-vectors.json")
    void personNames() {
        assertEquals(Map.of(), RegistrationForm.validatePerson(RegistrationFormTest.person()));
        for (JsonNode vector : Contract.vectors("person-name-vectors")) {
            String value = vector.get("value").asText();
            for (String field : new String[] {RegistrationForm.FIRST_NAME, RegistrationForm.LAST_NAME}) {
                Map<String, String> values = RegistrationFormTest.person();
                values.put(field, value);
                assertEquals(
                        vector.get("valid").asBoolean(),
                        !RegistrationForm.validatePerson(values).containsKey(field),
                        field + " « " + value + " »");
            }
        }
    }

    @Test
    @DisplayName("E-mail addresses get the verdict of contract/email-vectors.json")
    void emails() {
        for (JsonNode vector : Contract.vectors("email-vectors")) {
            String value = vector.get("value").asText();
            Map<String, String> values = RegistrationFormTest.person();
            values.put(RegistrationForm.EMAIL, value);
            assertEquals(
                    vector.get("valid").asBoolean(),
                    !RegistrationForm.validatePerson(values).containsKey(RegistrationForm.EMAIL),
                    "« " + value + " »");
        }
    }
}
