package fr.lehavre.hariane.idp.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The vectors of the adapter's tests/test_siret_rules.py, plus what forged forms send. */
class SiretFormTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "20008495200015",
                "73282932000074",
                "39860733300059",
                "21920023500014",
                "88087814500015",
                "35600000000048",
                "35600000009075",
                "35600000049837",
                "200 084 952 00015",
                "200.084.952.00015",
                " 20008495200015 ",
                "200\u00a0084\u00a0952\u00a000015",
                "200-084-952-00015"
            })
    @DisplayName("Given a well-formed SIRET, then the adapter may be asked")
    void wellFormed(String typed) {
        assertEquals(Optional.empty(), SiretForm.error(typed));
        assertTrue(SiretForm.normalise(typed).matches("[0-9]{14}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "   \t ", "\u00a0"})
    @DisplayName("Given nothing, then the SIRET is required")
    void required(String typed) {
        assertEquals(Optional.of("haErrorSiretRequired"), SiretForm.error(typed));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "1234567890123",
                "2000849520001A",
                "200084952000150",
                "２０００８４９５２０００１５",
                "200 084 952\n00015",
                "20008495200015\r\n",
                "200084952\u000000015"
            })
    @DisplayName("Given no 14 digits (line breaks included), then the format is refused")
    void format(String typed) {
        assertEquals(Optional.of("haErrorSiretFormat"), SiretForm.error(typed));
    }

    @ParameterizedTest
    @ValueSource(ints = {41, 4096, 100_000})
    @DisplayName("Given a very long value, then the format is refused")
    void tooLong(int length) {
        assertEquals(Optional.of("haErrorSiretFormat"), SiretForm.error("2".repeat(length)));
        assertEquals(Optional.of("haErrorSiretFormat"), SiretForm.error(" ".repeat(length - 14) + "20008495200015"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"20008495200016", "73282932000079", "35600000049838", "12345678901234"})
    @DisplayName("Given a wrong checksum, then it is refused")
    void checksum(String typed) {
        assertEquals(Optional.of("haErrorSiretChecksum"), SiretForm.error(typed));
    }
}
