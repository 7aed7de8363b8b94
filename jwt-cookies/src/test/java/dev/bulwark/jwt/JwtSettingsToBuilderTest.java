package dev.bulwark.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testsupport.SameValues;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code toBuilder()} gives back every value, so a caller can change one and keep the rest. */
class JwtSettingsToBuilderTest {

    @Test
    void aRoundTripKeepsEveryValueAndAChangeChangesOnlyItself() {
        JwtSettings s = JwtSettings.fromEnvironment(Map.of("JWT_SECRET", Base64.getEncoder().encodeToString(JwtCookieAuthTest.SECRET),
                "JWT_ALLOWED_ORIGINS", "https://a.example,https://b.example", "JWT_ACCESS_TTL_SECONDS", "300",
                "JWT_REFRESH_REUSE_GRACE", "2", "JWT_MAX_SESSIONS_PER_USER", "3"));
        assertThat(SameValues.differences(s, s.toBuilder().build())).isEmpty();
        JwtSettings shorter = s.toBuilder().accessTtl(Duration.ofMinutes(2)).build();
        assertThat(SameValues.differences(s, shorter)).singleElement().asString().startsWith("accessTtl: PT5M -> PT2M");
    }
}
