package fr.lehavre.hariane.idp.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RegistrationFormTest {

    private static Map<String, String> structure() {
        return new HashMap<>(Map.of(
                RegistrationForm.STRUCTURE_TYPE, "intercommunalite",
                RegistrationForm.PHONE, "02 35 19 45 45",
                RegistrationForm.STRUCTURE_EMAIL, "contact@exemple.fr",
                RegistrationForm.COUNTRY, "FRANCE",
                RegistrationForm.POSTAL_CODE, "76085",
                RegistrationForm.CITY, "LE HAVRE CEDEX",
                RegistrationForm.RECIPIENT, "LE HAVRE SEINE METROPOLE"));
    }

    /** A complete personal step. */
    static Map<String, String> person() {
        return new HashMap<>(Map.of(
                RegistrationForm.FIRST_NAME, "Jeanne",
                RegistrationForm.LAST_NAME, "Martin",
                RegistrationForm.EMAIL, "jeanne.martin@exemple.fr",
                RegistrationForm.JOB_TITLE, "Cheffe de projet"));
    }

    @Test
    @DisplayName("Given a complete structure step, then it is valid")
    void completeStructure() {
        assertTrue(RegistrationForm.validateStructure(structure()).isEmpty());
    }

    @Test
    @DisplayName("Given a bad phone, e-mail and type, then each field has its own error")
    void fieldErrors() {
        Map<String, String> values = structure();
        values.put(RegistrationForm.PHONE, "123");
        values.put(RegistrationForm.STRUCTURE_EMAIL, "pas-un-courriel");
        values.put(RegistrationForm.STRUCTURE_TYPE, "<script>");
        Map<String, String> errors = RegistrationForm.validateStructure(values);
        assertEquals("haErrorPhoneInvalid", errors.get(RegistrationForm.PHONE));
        assertEquals("haErrorEmailInvalid", errors.get(RegistrationForm.STRUCTURE_EMAIL));
        assertEquals("haErrorStructureTypeRequired", errors.get(RegistrationForm.STRUCTURE_TYPE));
    }

    @Test
    @DisplayName("Given markup in a name, then it is refused; accented compound names are fine")
    void names() {
        Map<String, String> person = new HashMap<>(Map.of(
                RegistrationForm.FIRST_NAME,
                "Jean-Éric",
                RegistrationForm.LAST_NAME,
                "D'Œillet Le Gall",
                RegistrationForm.EMAIL,
                "je@exemple.fr",
                RegistrationForm.JOB_TITLE,
                "Responsable <b>travaux</b>"));
        assertTrue(RegistrationForm.validatePerson(person).isEmpty());
        person.put(RegistrationForm.FIRST_NAME, "<script>alert(1)</script>");
        assertEquals(
                "haErrorNameInvalid", RegistrationForm.validatePerson(person).get(RegistrationForm.FIRST_NAME));
    }

    @Test
    @DisplayName(
            "Given a name in another alphabet, then it is accepted; with no letter ICU can transliterate, it is refused")
    void namesInOtherAlphabets() {
        Map<String, String> person = new HashMap<>(Map.of(RegistrationForm.FIRST_NAME, "Сергей"));
        person.put(RegistrationForm.LAST_NAME, "Иванов");
        person.put(RegistrationForm.EMAIL, "si@exemple.fr");
        person.put(RegistrationForm.JOB_TITLE, "Conducteur de travaux");
        assertTrue(RegistrationForm.validatePerson(person).isEmpty());
        person.put(RegistrationForm.LAST_NAME, "ꆈꌠ");
        assertEquals(
                "haErrorNameNoIdentifier",
                RegistrationForm.validatePerson(person).get(RegistrationForm.LAST_NAME));
        person.put(RegistrationForm.LAST_NAME, "ꆈꌠ Nuosu");
        assertTrue(RegistrationForm.validatePerson(person).isEmpty());
    }
}
