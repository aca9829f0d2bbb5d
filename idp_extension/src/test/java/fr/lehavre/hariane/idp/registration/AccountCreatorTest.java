package fr.lehavre.hariane.idp.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AccountCreatorTest {

    private static NewAccount account() {
        return new NewAccount(
                "20008495200015",
                Map.of(
                        "name",
                        "LE HAVRE SEINE METROPOLE",
                        "city",
                        "LE HAVRE CEDEX",
                        "postalCode",
                        "76085",
                        "source",
                        "recherche-entreprises",
                        "fetched_at",
                        "2026-11-26T10:00:00Z"),
                Map.of(
                        "city",
                        "LE HAVRE",
                        "postalCode",
                        "76085",
                        "phone",
                        "02 35 19 45 45",
                        "structureNewsletter",
                        "on"),
                Map.of());
    }

    @Test
    @DisplayName("Given a declared value that differs from the register, then both are kept")
    void keepsRegisterAndDeclaredValues() {
        Map<String, List<String>> attributes = AccountCreator.organizationAttributes(account());
        assertEquals(List.of("LE HAVRE"), attributes.get("city"));
        assertEquals(List.of("LE HAVRE CEDEX"), attributes.get("register.city"));
        assertFalse(attributes.containsKey("register.postalCode"));
        assertEquals(List.of("+33235194545"), attributes.get("phone"));
        assertEquals(List.of("true"), attributes.get("structureNewsletter"));
        assertEquals(List.of("200084952"), attributes.get("siren"));
        assertEquals(List.of("recherche-entreprises"), attributes.get("source"));
    }

    @Test
    @DisplayName("The organization name carries the SIRET, so two establishments of one company never clash")
    void organizationName() {
        assertEquals(
                "LE HAVRE SEINE METROPOLE (20008495200015)",
                AccountCreator.organizationName("LE HAVRE SEINE METROPOLE", "20008495200015"));
        assertEquals("Structure (91234567500017)", AccountCreator.organizationName(null, "91234567500017"));
    }
}
