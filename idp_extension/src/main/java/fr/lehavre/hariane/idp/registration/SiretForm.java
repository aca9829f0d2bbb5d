package fr.lehavre.hariane.idp.registration;

import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.commons.validator.routines.checkdigit.LuhnCheckDigit;

/**
 * The form of a typed SIRET, checked before the adapter is asked (pure logic): required;
 * 14 digits once the spaces, dots and hyphens people type are removed (a line break is not one
 * of them); the checksums of python-stdnum's {@code stdnum.fr.siret}, as the adapter's
 * {@code siret.py}: Luhn on the SIREN and on the SIRET, except La Poste's establishments
 * (SIREN 356000000, head office apart) whose digits sum to a multiple of 5. Both sides run
 * {@code contract/siret-vectors.json}.
 * Errors are message keys of the login theme.
 */
public final class SiretForm {

    /** Longer than any SIRET typed with separators: refused without further work. */
    static final int MAX_TYPED_LENGTH = 40;

    private static final Pattern SEPARATORS = Pattern.compile("[\\p{Zs}\\t.\\-]");
    private static final Pattern FOURTEEN_DIGITS = Pattern.compile("[0-9]{14}");
    private static final String LA_POSTE_SIREN = "356000000";
    private static final String LA_POSTE_HEAD_OFFICE = "35600000000048";

    private SiretForm() {}

    /** The SIRET without its separators. */
    public static String normalise(String typed) {
        return typed == null ? "" : SEPARATORS.matcher(typed).replaceAll("");
    }

    /** The message key of what is wrong with the typed SIRET; empty when it can be looked up. */
    public static Optional<String> error(String typed) {
        String number = normalise(typed);
        if (number.isBlank()) { // nothing but white space and separators
            return Optional.of("haErrorSiretRequired");
        }
        if (typed.length() > MAX_TYPED_LENGTH
                || !FOURTEEN_DIGITS.matcher(number).matches()) {
            return Optional.of("haErrorSiretFormat");
        }
        return checksumsHold(number) ? Optional.empty() : Optional.of("haErrorSiretChecksum");
    }

    private static boolean checksumsHold(String number) {
        boolean siretHolds = number.startsWith(LA_POSTE_SIREN) && !number.equals(LA_POSTE_HEAD_OFFICE)
                ? number.chars().map(c -> c - '0').sum() % 5 == 0
                : LuhnCheckDigit.LUHN_CHECK_DIGIT.isValid(number);
        return siretHolds && LuhnCheckDigit.LUHN_CHECK_DIGIT.isValid(number.substring(0, 9));
    }
}
