package fr.lehavre.hariane.idp.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class LastLoginDateTest {

    private static final long DEC_1_2026_23H59_UTC = 1_796_169_540_000L;

    @Test
    void theDayIsUtcsAndIsoFormatted() {
        assertEquals("2026-12-01", LastLoginDate.dayOf(DEC_1_2026_23H59_UTC));
        assertEquals("2026-12-02", LastLoginDate.dayOf(DEC_1_2026_23H59_UTC + 60_000L));
    }

    @Test
    void aFirstLoginOrANewDayIsWritten() {
        assertEquals(Optional.of("2026-12-01"), LastLoginDate.toWrite(null, DEC_1_2026_23H59_UTC));
        assertEquals(Optional.of("2026-12-01"), LastLoginDate.toWrite("2026-11-30", DEC_1_2026_23H59_UTC));
    }

    @Test
    void aSecondLoginTheSameDayWritesNothing() {
        assertEquals(Optional.empty(), LastLoginDate.toWrite("2026-12-01", DEC_1_2026_23H59_UTC));
    }
}
