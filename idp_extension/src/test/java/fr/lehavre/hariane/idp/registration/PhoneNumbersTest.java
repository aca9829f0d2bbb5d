package fr.lehavre.hariane.idp.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PhoneNumbersTest {

    @ParameterizedTest(name = "« {0} » is +33235194545")
    @ValueSource(
            strings = {
                "02 35 19 45 45",
                "02.35.19.45.45",
                "0235194545",
                "+33 2 35 19 45 45",
                "0033235194545",
                "+33 (0)2 35 19 45 45",
                " 02-35-19-45-45 "
            })
    void frenchFormatsAreNormalised(String typed) {
        assertEquals(Optional.of("+33235194545"), PhoneNumbers.normalise(typed));
    }

    @ParameterizedTest(name = "« {0} » is refused")
    @ValueSource(strings = {"", "12345", "0035194545", "02 35 19 45 4", "+44 20 7946 0958", "02 35 19 45 45 45", "abc"})
    void othersAreRefused(String typed) {
        assertTrue(PhoneNumbers.normalise(typed).isEmpty());
    }
}
