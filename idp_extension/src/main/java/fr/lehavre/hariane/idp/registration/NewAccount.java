package fr.lehavre.hariane.idp.registration;

import java.util.Locale;
import java.util.Map;

/** What the three steps collected: the register's record and the typed values. */
public record NewAccount(
        String siret, Map<String, String> registerValues, Map<String, String> structure, Map<String, String> person) {

    /** The person's address as the account keeps it (trimmed, lower case). */
    public String email() {
        return person.get(RegistrationForm.EMAIL).strip().toLowerCase(Locale.ROOT);
    }
}
