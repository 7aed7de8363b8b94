package dev.bulwark.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvTest {

    @Test
    void blankAndAbsentValuesAreUnsetAndPresentOnesTrimmed() {
        Env env = Env.of(Map.of("A", "  x ", "B", "   "));
        assertThat(env.string("A")).contains("x");
        assertThat(env.string("B")).isEmpty();
        assertThat(env.string("C", "d")).isEqualTo("d");
        assertThat(env.has("B")).isFalse();
    }

    @Test
    void outOfRangeIntegerIsRefusedInsteadOfWrappingIntoRange() {
        // 4294967297 = 2^32 + 1 would become 1 after a (int) cast
        Env env = Env.of(Map.of("N", "4294967297"));
        assertThatThrownBy(() -> env.integer("N", 1, 100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("N must be from 1 to 100, got 4294967297");
        assertThatThrownBy(() -> env.integer("N"))
                .hasMessage("N must be from -2147483648 to 2147483647, got 4294967297");
        assertThatThrownBy(() -> Env.of(Map.of("N", "ten")).integer("N")).hasMessage("N must be a whole number, got 'ten'");
    }

    @Test
    void notANumberNamesTheVariableAndTheValue() {
        assertThatThrownBy(() -> Env.of(Map.of("N", "ten")).longValue("N", 0, 9))
                .hasMessage("N must be a whole number from 0 to 9, got 'ten'");
    }

    @Test
    void readsDurationsInTheirUnitAndRefusesOnesThatOverflow() {
        Env env = Env.of(Map.of("T", "1500", "U", "9223372036854775807", "V", "1.5"));
        assertThat(env.duration("T", ChronoUnit.MILLIS)).contains(Duration.ofMillis(1500));
        assertThat(env.duration("U", ChronoUnit.MILLIS)).contains(Duration.ofMillis(Long.MAX_VALUE));
        assertThatThrownBy(() -> env.duration("U", ChronoUnit.HOURS)).hasMessageStartingWith("U must be at most 2562047788015215 hours");
        assertThatThrownBy(() -> env.duration("V", ChronoUnit.SECONDS)).hasMessage("V must be a whole number of seconds, got '1.5'");
    }

    @Test
    void booleansAreTrueOrFalseOnly() {
        Env env = Env.of(Map.of("B", "TRUE", "C", "yes"));
        assertThat(env.bool("B")).contains(true);
        assertThatThrownBy(() -> env.bool("C")).hasMessage("C must be 'true' or 'false', got 'yes'");
    }

    @Test
    void decimalsAreRangeCheckedAndNaNRefused() {
        Env env = Env.of(Map.of("F", "0.5", "G", "NaN"));
        assertThat(env.decimal("F", 0, 1)).contains(0.5);
        assertThatThrownBy(() -> env.decimal("G", 0, 1)).hasMessage("G must be from 0.0 to 1.0, got NaN");
        assertThatThrownBy(() -> env.decimal("G")).hasMessage("G must be a finite number, got 'NaN'");
    }

    @Test
    void listsDropBlankItems() {
        assertThat(Env.of(Map.of("L", " a, ,b ,")).list("L")).containsExactly("a", "b");
    }

    @Test
    void urlsMustBeAbsoluteHttp() {
        Env env = Env.of(Map.of("U", "https://example.org/x", "V", "file:///etc/passwd", "W", "http//x"));
        assertThat(env.httpUrl("U")).map(Object::toString).contains("https://example.org/x");
        assertThatThrownBy(() -> env.httpUrl("V")).hasMessageContaining("V must be an absolute http:// or https:// URL");
        assertThatThrownBy(() -> env.httpUrl("W")).hasMessageStartingWith("W ");
    }

    @Test
    void parserErrorsArePrefixedWithTheVariable() {
        assertThatThrownBy(() -> Env.of(Map.of("P", "x")).parsed("P", v -> {
            throw new IllegalArgumentException("unknown value 'x'");
        })).hasMessage("P: unknown value 'x'");
    }

    @Test
    void systemPropertiesWithTheModulePrefixWinOverTheEnvironment() {
        System.setProperty("BULWARK_CORE_TEST_X", "from-property");
        try {
            assertThat(Env.system("BULWARK_CORE_TEST_")).containsEntry("BULWARK_CORE_TEST_X", "from-property");
            assertThat(Env.system("OTHER_")).doesNotContainKey("BULWARK_CORE_TEST_X");
        } finally {
            System.clearProperty("BULWARK_CORE_TEST_X");
        }
    }
}
