package fr.lehavre.hariane.idp.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RegistrationPaceTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void beforeAnyCreationTheDefaultStandsForThem() {
        RegistrationPace pace = new RegistrationPace();
        assertEquals(RegistrationPace.DEFAULT_NANOS - 100 * MS, pace.remaining(100 * MS, 7));
    }

    @Test
    void anAnswerWaitsUntilItLastedOneOfTheCreationsKept() {
        RegistrationPace pace = new RegistrationPace();
        pace.recordCreation(300 * MS);
        pace.recordCreation(500 * MS);
        Set<Long> waits = new HashSet<>();
        for (int pick = -5; pick < 5; pick++) {
            waits.add(pace.remaining(100 * MS, pick));
        }
        assertEquals(Set.of(200 * MS, 400 * MS), waits); // only what was measured, never the default
        assertEquals(0, pace.remaining(600 * MS, 0)); // already slower: no wait
    }

    @Test
    void onlyTheLastCreationsCountAndASlowMailServerIsNoPace() {
        RegistrationPace pace = new RegistrationPace();
        for (int i = 0; i < RegistrationPace.KEPT; i++) {
            pace.recordCreation(900 * MS);
        }
        for (int i = 0; i < RegistrationPace.KEPT; i++) {
            pace.recordCreation(TimeUnit.SECONDS.toNanos(60));
        }
        for (int pick = 0; pick < RegistrationPace.KEPT; pick++) {
            assertEquals(RegistrationPace.MAX_NANOS, pace.remaining(0, pick));
        }
    }
}
