package fr.lehavre.hariane.idp.lifecycle;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * The rule of the user attribute {@code harianeLastLoginDate}: the day of the last login, an ISO
 * date in UTC ({@code 2026-12-01}), written at most once a day per user (docs/account-lifecycle.md).
 */
public final class LastLoginDate {

    private LastLoginDate() {}

    /** The day of {@code epochMillis}, as the attribute stores it. */
    public static String dayOf(long epochMillis) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC)
                .toString();
    }

    /** The value to write after a login at {@code epochMillis}; empty when {@code stored} already says that day. */
    public static Optional<String> toWrite(String stored, long epochMillis) {
        String today = dayOf(epochMillis);
        return today.equals(stored) ? Optional.empty() : Optional.of(today);
    }
}
