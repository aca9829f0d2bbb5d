package fr.lehavre.hariane.idp.identifier;

import com.ibm.icu.text.Transliterator;
import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The generated login identifier: {@code pro.} + first name + {@code .} + last name, lower
 * case, other alphabets transliterated (ICU's {@value #TRANSFORM}: « Иванов » gives
 * {@code ivanov}, « 王 » {@code wang}), accents folded, spaces and apostrophes turned into
 * hyphens; a numeric suffix makes it unique ({@code pro.john.doe}, {@code pro.john.doe2}, ...).
 * The Python adapter applies the same ICU transform (login_identifier.py). Pure logic, no
 * Keycloak types.
 */
public final class LoginIdentifier {

    public static final String PREFIX = "pro.";
    /** The ICU transform, the same ID as the Python adapter's. */
    public static final String TRANSFORM = "Any-Latin; Latin-ASCII";

    /** A compiled transform is not documented as thread-safe: used under its own lock. */
    private static final Transliterator TO_ASCII = Transliterator.getInstance(TRANSFORM);

    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    /** Any Unicode white space (no-break spaces too, as the Python adapter), apostrophes, dashes. */
    private static final Pattern SEPARATORS = Pattern.compile("[\\p{IsWhite_Space}'’ʼ‘`´_\\-‐‑–—]+");

    private static final Pattern NOT_ALLOWED = Pattern.compile("[^a-z0-9-]");
    private static final Pattern HYPHENS = Pattern.compile("-{2,}");

    private LoginIdentifier() {}

    /**
     * The identifier without suffix, e.g. « Jean-Éric » « Le Gall » gives {@code pro.jean-eric.le-gall}.
     *
     * @throws IllegalArgumentException when a name has no letter usable in an identifier
     *     (see {@link #isUsable(String)})
     */
    public static String base(String firstName, String lastName) {
        return PREFIX + part(firstName, "first name") + "." + part(lastName, "last name");
    }

    /** Whether a name gives at least one letter or digit of an identifier (« ꆈꌠ » does not). */
    public static boolean isUsable(String name) {
        return name != null && !fold(name).isEmpty();
    }

    /** The {@code attempt}-th candidate: 1 is the base itself, then {@code base2}, {@code base3}... */
    public static String candidate(String base, int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt starts at 1");
        }
        return attempt == 1 ? base : base + attempt;
    }

    /** One name folded to lower-case ASCII letters, digits and single hyphens. */
    static String part(String name, String what) {
        if (name == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        String folded = fold(name);
        if (folded.isEmpty()) {
            throw new IllegalArgumentException(what + " has no letter usable in an identifier");
        }
        return folded;
    }

    private static String fold(String name) {
        String latin;
        synchronized (TO_ASCII) {
            latin = TO_ASCII.transliterate(name.strip());
        }
        String folded = latin.toLowerCase(Locale.ROOT)
                .replace("œ", "oe")
                .replace("æ", "ae")
                .replace("ß", "ss")
                .replace("ø", "o")
                .replace("ł", "l")
                .replace("đ", "d");
        folded =
                MARKS.matcher(Normalizer.normalize(folded, Normalizer.Form.NFD)).replaceAll("");
        folded = SEPARATORS.matcher(folded).replaceAll("-");
        folded = NOT_ALLOWED.matcher(folded).replaceAll("");
        folded = HYPHENS.matcher(folded).replaceAll("-");
        return trimHyphens(folded);
    }

    private static String trimHyphens(String value) {
        int start = 0;
        int end = value.length();
        while (start < end && value.charAt(start) == '-') {
            start++;
        }
        while (end > start && value.charAt(end - 1) == '-') {
            end--;
        }
        return value.substring(start, end);
    }
}
