package fr.lehavre.hariane.idp.registration;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * French telephone numbers as people type them (« 02 35 19 45 45 », « 02.35.19.45.45 »,
 * « +33 2 35 19 45 45 », « 0033235194545 »), stored normalised in E.164 ({@code +33235194545}).
 */
public final class PhoneNumbers {

    private static final Pattern SEPARATORS = Pattern.compile("[\\s.\\-()/\\u00a0]");
    private static final Pattern NATIONAL = Pattern.compile("0[1-9][0-9]{8}");
    private static final Pattern INTERNATIONAL = Pattern.compile("(?:\\+|00)33([1-9][0-9]{8})");

    private PhoneNumbers() {}

    public static Optional<String> normalise(String typed) {
        if (typed == null) {
            return Optional.empty();
        }
        String compact = SEPARATORS.matcher(typed.strip().replace("(0)", "")).replaceAll("");
        if (NATIONAL.matcher(compact).matches()) {
            return Optional.of("+33" + compact.substring(1));
        }
        var international = INTERNATIONAL.matcher(compact);
        if (international.matches()) {
            return Optional.of("+33" + international.group(1));
        }
        return Optional.empty();
    }
}
