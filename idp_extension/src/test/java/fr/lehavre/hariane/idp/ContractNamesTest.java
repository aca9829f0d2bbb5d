package fr.lehavre.hariane.idp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import fr.lehavre.hariane.idp.activation.ActivationRequiredAction;
import fr.lehavre.hariane.idp.profile.Profile;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ContractNamesTest {

    /** The sections of contract/names.json that are objects: constant name to value. */
    private static Map<String, String> contractNames() {
        Map<String, String> shared = new HashMap<>();
        for (JsonNode section : Contract.load("names")) {
            if (section.isObject()) {
                section.properties()
                        .forEach(e -> shared.put(e.getKey(), e.getValue().asText()));
            }
        }
        return shared;
    }

    @Test
    @DisplayName("Every name of IdentityNames is the one contract/names.json gives")
    void identityNamesAreTheContractNames() throws IllegalAccessException {
        Map<String, String> shared = contractNames();
        int checked = 0;
        for (Field field : IdentityNames.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                assertEquals(shared.get(field.getName()), field.get(null), field.getName());
                checked++;
            }
        }
        assertFalse(checked == 0);
    }

    @Test
    @DisplayName("The profiles and the activation action are the contract's")
    void profilesAndActivationAreTheContracts() {
        JsonNode names = Contract.load("names");
        List<String> profiles = new ArrayList<>();
        names.get("profiles").forEach(p -> profiles.add(p.asText()));
        assertEquals(
                profiles,
                List.of(Profile.values()).stream().map(Profile::claimValue).toList());
        for (Profile profile : Profile.values()) {
            assertEquals(contractNames().get("PROFILE_ROLE_PREFIX") + profile.claimValue(), profile.roleName());
        }
        assertEquals(contractNames().get("ACTIVATION_ACTION"), ActivationRequiredAction.PROVIDER_ID);
    }
}
