package fr.lehavre.hariane.idp.registration;

import fr.lehavre.hariane.idp.identifier.LoginIdentifier;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The fields of the three registration steps and their rules (pure: no Keycloak types).
 * Errors are message keys of the login theme ({@code messages_fr.properties}).
 */
public final class RegistrationForm {

    public static final String SIRET = "siret";

    public static final String ACRONYM = "sigle";
    public static final String STRUCTURE_TYPE = "structureType";
    public static final String PHONE = "phone";
    public static final String STRUCTURE_EMAIL = "structureEmail";
    public static final String COUNTRY = "country";
    public static final String POSTAL_CODE = "postalCode";
    public static final String CITY = "city";
    public static final String RECIPIENT = "recipient";
    public static final String APARTMENT = "apartment";
    public static final String BUILDING = "building";
    public static final String STREET_NUMBER = "streetNumber";
    public static final String STREET_NUMBER_SUFFIX = "streetNumberSuffix";
    public static final String STREET = "street";
    public static final String PO_BOX = "poBox";
    public static final String STRUCTURE_NEWSLETTER = "structureNewsletter";

    public static final String FIRST_NAME = "firstName";
    public static final String LAST_NAME = "lastName";
    public static final String EMAIL = "email";
    public static final String JOB_TITLE = "jobTitle";
    public static final String NEWSLETTER = "newsletter";

    public static final List<String> STRUCTURE_FIELDS = List.of(
            ACRONYM,
            STRUCTURE_TYPE,
            PHONE,
            STRUCTURE_EMAIL,
            COUNTRY,
            POSTAL_CODE,
            CITY,
            RECIPIENT,
            APARTMENT,
            BUILDING,
            STREET_NUMBER,
            STREET_NUMBER_SUFFIX,
            STREET,
            PO_BOX,
            STRUCTURE_NEWSLETTER);
    public static final List<String> PERSON_FIELDS = List.of(FIRST_NAME, LAST_NAME, EMAIL, JOB_TITLE, NEWSLETTER);

    /** « Type de structure » codes, in the order of {@code contract/structure-types.json} (checked by StructureTypesTest). */
    public static final List<String> STRUCTURE_TYPES = List.of(
            "entrepreneur_individuel",
            "societe_commerciale",
            "societe_civile",
            "association",
            "fondation",
            "collectivite_territoriale",
            "intercommunalite",
            "administration_etat",
            "etablissement_public_administratif",
            "epic",
            "autre_personne_publique",
            "organisme_social",
            "copropriete",
            "autre");

    private static final Set<String> CHECKBOXES = Set.of(STRUCTURE_NEWSLETTER, NEWSLETTER);
    private static final int MAX_LENGTH = 100;
    /**
     * Dot-separated atoms on the left (no leading, trailing or doubled dot: Keycloak refuses them),
     * at most 64 characters; then domain labels that neither start nor end with a hyphen. The same
     * rule as the adapter's {@code members/person_fields.py}: both run {@code
     * contract/email-vectors.json}.
     */
    private static final Pattern EMAIL_PATTERN = Pattern.compile(
            "(?=[^@]{1,64}@)[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                    + "@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");

    private static final Pattern POSTAL = Pattern.compile("^[0-9A-Za-z -]{2,10}$");
    /**
     * Letters of any alphabet (with their combining accents), spaces, hyphens, apostrophes and dots,
     * a letter first; no digit. The same rule as the adapter's {@code members/person_fields.py}: both
     * run {@code contract/person-name-vectors.json}. Leading spaces {@code strip()} leaves (no-break
     * ones) are ignored as Python's {@code strip()} does.
     */
    private static final Pattern NAME = Pattern.compile("\\p{Zs}*\\p{L}[\\p{L}\\p{M}\\p{Zs}'’.-]*");

    private RegistrationForm() {}

    public static boolean isCheckbox(String field) {
        return CHECKBOXES.contains(field);
    }

    /** Errors of the structure step, field name to message key; empty when valid. */
    public static Map<String, String> validateStructure(Map<String, String> values) {
        Map<String, String> errors = new LinkedHashMap<>();
        lengths(values, STRUCTURE_FIELDS, errors);
        if (!STRUCTURE_TYPES.contains(values.getOrDefault(STRUCTURE_TYPE, ""))) {
            errors.putIfAbsent(STRUCTURE_TYPE, "haErrorStructureTypeRequired");
        }
        String phone = values.get(PHONE);
        if (isBlank(phone)) {
            errors.putIfAbsent(PHONE, "haErrorPhoneRequired");
        } else if (PhoneNumbers.normalise(phone).isEmpty()) {
            errors.putIfAbsent(PHONE, "haErrorPhoneInvalid");
        }
        email(values.get(STRUCTURE_EMAIL), STRUCTURE_EMAIL, errors);
        required(values, COUNTRY, "haErrorCountryRequired", errors);
        required(values, CITY, "haErrorCityRequired", errors);
        required(values, RECIPIENT, "haErrorRecipientRequired", errors);
        String postal = values.get(POSTAL_CODE);
        if (isBlank(postal)) {
            errors.putIfAbsent(POSTAL_CODE, "haErrorPostalCodeRequired");
        } else if (!POSTAL.matcher(postal.strip()).matches()) {
            errors.putIfAbsent(POSTAL_CODE, "haErrorPostalCodeInvalid");
        }
        return errors;
    }

    /** Errors of the personal step, field name to message key; empty when valid. */
    public static Map<String, String> validatePerson(Map<String, String> values) {
        Map<String, String> errors = new LinkedHashMap<>();
        lengths(values, PERSON_FIELDS, errors);
        name(values, FIRST_NAME, "haErrorFirstNameRequired", errors);
        name(values, LAST_NAME, "haErrorLastNameRequired", errors);
        email(values.get(EMAIL), EMAIL, errors);
        required(values, JOB_TITLE, "haErrorJobTitleRequired", errors);
        return errors;
    }

    private static void name(Map<String, String> values, String field, String requiredKey, Map<String, String> errors) {
        String value = values.get(field);
        if (isBlank(value)) {
            errors.putIfAbsent(field, requiredKey);
        } else if (!NAME.matcher(value.strip()).matches()) {
            errors.putIfAbsent(field, "haErrorNameInvalid");
        } else if (!LoginIdentifier.isUsable(value)) {
            errors.putIfAbsent(field, "haErrorNameNoIdentifier");
        }
    }

    private static void email(String value, String field, Map<String, String> errors) {
        if (isBlank(value)) {
            errors.putIfAbsent(field, "haErrorEmailRequired");
        } else if (!EMAIL_PATTERN.matcher(value.strip()).matches()) {
            errors.putIfAbsent(field, "haErrorEmailInvalid");
        }
    }

    private static void required(Map<String, String> values, String field, String key, Map<String, String> errors) {
        if (isBlank(values.get(field))) {
            errors.putIfAbsent(field, key);
        }
    }

    private static void lengths(Map<String, String> values, List<String> fields, Map<String, String> errors) {
        for (String field : fields) {
            String value = values.get(field);
            if (value != null && value.length() > MAX_LENGTH) {
                errors.put(field, "haErrorTooLong");
            }
        }
    }

    static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
