package dev.bulwark.jwt;

import dev.bulwark.testsupport.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtKeysTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
    final InMemoryTokenStore store = new InMemoryTokenStore();

    private JwtCookieAuth auth(JwtKeys keys) {
        return JwtCookieAuth.create(JwtSettings.builder(keys).build(), store, new MetricRegistry(), clock);
    }

    private static String issue(JwtCookieAuth auth) {
        FakeHttp.Response session = new FakeHttp.Response();
        auth.login("alice", List.of(), session);
        return session.cookies().get("__Host-access_token");
    }

    private static boolean accepts(JwtCookieAuth auth, String token) {
        return auth.authenticate(new FakeHttp.Request("GET").cookie("__Host-access_token", token)).authenticated();
    }

    @Test
    void refusesAnHmacSecretShorterThan256Bits() {
        assertThatThrownBy(() -> JwtKeys.hmac("k1", new byte[31]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("248 bits").hasMessageContaining("at least 256 bits");
    }

    @Test
    void everySupportedAlgorithmSignsAndVerifies() throws Exception {
        for (JwtKeys keys : List.of(
                JwtKeys.of(List.of(new OctetSequenceKeyGenerator(256).keyID("hs").generate())),
                JwtKeys.of(List.of(new ECKeyGenerator(Curve.P_256).keyID("es").generate())),
                JwtKeys.of(List.of(new OctetKeyPairGenerator(Curve.Ed25519).keyID("ed").generate())),
                JwtKeys.of(List.of(new RSAKeyGenerator(2048).keyID("rs").generate())))) {
            JwtCookieAuth auth = auth(keys);
            String token = issue(auth);
            assertThat(SignedJWT.parse(token).getHeader().getAlgorithm().getName()).isEqualTo(keys.currentAlgorithm());
            assertThat(accepts(auth, token)).as(keys.currentAlgorithm()).isTrue();
        }
    }

    @Test
    void rotationSignsWithTheNewestAndStillVerifiesTheOld() throws Exception {
        ECKey old = new ECKeyGenerator(Curve.P_256).keyID("2026-10").generate();
        ECKey next = new ECKeyGenerator(Curve.P_256).keyID("2026-11").generate();
        String oldToken = issue(auth(JwtKeys.of(List.of(old))));

        JwtCookieAuth rotated = auth(JwtKeys.of(List.of(next, old)));
        String newToken = issue(rotated);

        assertThat(SignedJWT.parse(newToken).getHeader().getKeyID()).isEqualTo("2026-11");
        assertThat(accepts(rotated, oldToken)).isTrue();
        assertThat(accepts(rotated, newToken)).isTrue();
        assertThat(accepts(auth(JwtKeys.of(List.of(next))), oldToken)).isFalse();
    }

    @Test
    void anExpiredKeyNoLongerVerifies() throws Exception {
        ECKey old = new ECKeyGenerator(Curve.P_256).keyID("old").expirationTime(java.util.Date.from(clock.instant().plusSeconds(60))).generate();
        ECKey next = new ECKeyGenerator(Curve.P_256).keyID("new").generate();
        String oldToken = issue(auth(JwtKeys.of(List.of(old))));
        JwtCookieAuth rotated = auth(JwtKeys.of(List.of(next, old)));

        assertThat(accepts(rotated, oldToken)).isTrue();
        clock.advance(java.time.Duration.ofSeconds(61));
        assertThat(rotated.authenticate(new FakeHttp.Request("GET").cookie("__Host-access_token", oldToken)).refusal())
                .isEqualTo(Refusal.UNKNOWN_KEY);
    }

    @Test
    void aSpentRefreshTokenSignedByAKeyExpiredSinceStillEndsTheFamily() throws Exception {
        ECKey old = ecKey("old", null, clock.instant().plus(java.time.Duration.ofHours(1)));
        ECKey next = ecKey("next", clock.instant().plus(java.time.Duration.ofMinutes(30)), null);
        JwtCookieAuth auth = JwtCookieAuth.create(JwtSettings.builder(JwtKeys.of(List.of(next, old)))
                .allowOrigin(JwtCookieAuthTest.ORIGIN).build(), store, new MetricRegistry(), clock);
        FakeHttp.Response victim = new FakeHttp.Response();
        auth.login("alice", List.of("trader"), victim);                      // signed by "old"
        clock.advance(java.time.Duration.ofMinutes(40));
        FakeHttp.Response thief = new FakeHttp.Response();
        assertThat(auth.refresh(JwtCookieAuthTest.unsafe("POST", victim), thief).authenticated()).isTrue(); // "next" signs
        clock.advance(java.time.Duration.ofMinutes(30));                    // "old" has expired

        assertThat(auth.refresh(JwtCookieAuthTest.unsafe("POST", victim), new FakeHttp.Response()).refusal())
                .isEqualTo(Refusal.UNKNOWN_KEY);
        assertThat(auth.refresh(JwtCookieAuthTest.unsafe("POST", thief), new FakeHttp.Response()).refusal())
                .as("the victim's spent token ended the family the thief carried on").isEqualTo(Refusal.REVOKED);
    }

    @Test
    void loadsAJwksFileAndRefusesUnusableKeys(@TempDir Path dir) throws Exception {
        ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("es").generate();
        Path file = dir.resolve("jwks.json");
        Files.writeString(file, new JWKSet(ec).toString(false));

        assertThat(JwtKeys.fromJwksFile(file).currentKeyId()).isEqualTo("es");
        assertThatThrownBy(() -> JwtKeys.fromJwks(new JWKSet(ec.toPublicJWK()).toString()))
                .hasMessageContaining("no key can sign");
        assertThatThrownBy(() -> JwtKeys.of(List.of(new ECKeyGenerator(Curve.P_384).keyID("p384").generate())))
                .hasMessageContaining("only P-256");
        assertThatThrownBy(() -> JwtKeys.of(List.of(new RSAKeyGenerator(2048, true).keyID("x").generate(),
                new ECKeyGenerator(Curve.P_256).keyID("x").generate()))).hasMessageContaining("appears twice");
        assertThatThrownBy(() -> JwtKeys.of(List.of(new ECKeyGenerator(Curve.P_256).generate())))
                .hasMessageContaining("no 'kid'");
        assertThatThrownBy(() -> JwtKeys.fromJwks("{not json")).hasMessageContaining("not a valid JWK");
        assertThatThrownBy(() -> JwtKeys.fromJwksFile(dir.resolve("missing.json"))).hasMessageContaining("JWT_JWKS_FILE");
    }

    @Test
    void settingsComeFromTheEnvironment() throws Exception {
        OctetSequenceKey hs = new OctetSequenceKeyGenerator(256).keyID("env").generate();
        JwtSettings fromJwks = JwtSettings.fromEnvironment(Map.of("JWT_JWKS", new JWKSet(hs).toString(false),
                "JWT_ISSUER", "https://issuer", "JWT_AUDIENCE", "api", "JWT_ACCESS_TTL_SECONDS", "300",
                "JWT_ALLOWED_ORIGINS", "https://a.example, https://b.example:8443", "JWT_FINGERPRINT", "true"));
        assertThat(fromJwks.keys().currentKeyId()).isEqualTo("env");
        assertThat(fromJwks.issuer()).isEqualTo("https://issuer");
        assertThat(fromJwks.accessTtl()).hasSeconds(300);
        assertThat(fromJwks.allowedOrigins()).containsExactlyInAnyOrder("https://a.example", "https://b.example:8443");
        assertThat(fromJwks.fingerprint()).isTrue();

        String secret = Base64.getEncoder().encodeToString(new byte[32]);
        assertThat(JwtSettings.fromEnvironment(Map.of("JWT_SECRET", secret)).keys().currentKeyId()).isEqualTo("k1");
        assertThatThrownBy(() -> JwtSettings.fromEnvironment(Map.of())).hasMessageContaining("JWT_SECRET");
        assertThatThrownBy(() -> JwtSettings.fromEnvironment(Map.of("JWT_SECRET", "c2hvcnQ=")))
                .hasMessageContaining("at least 256 bits");
        assertThatThrownBy(() -> JwtSettings.fromEnvironment(Map.of("JWT_SECRET", secret, "JWT_ACCESS_TTL_SECONDS", "ten")))
                .hasMessage("JWT_ACCESS_TTL_SECONDS must be a whole number from 0 to 316224000, got 'ten'");
        assertThatThrownBy(() -> JwtSettings.fromEnvironment(Map.of("JWT_SECRET", secret, "JWT_REFRESH_TTL_SECONDS", "60")))
                .hasMessageContaining("JWT_REFRESH_TTL_SECONDS").hasMessageContaining("longer than the access TTL");
        assertThatThrownBy(() -> JwtSettings.fromEnvironment(Map.of("JWT_SECRET", secret, "JWT_ALLOWED_ORIGINS", "evil.example/x")))
                .hasMessageContaining("JWT_ALLOWED_ORIGINS");
        assertThatThrownBy(() -> JwtSettings.fromEnvironment(Map.of("JWT_SECRET", "not base64!")))
                .hasMessageContaining("JWT_SECRET must be base64");
    }

    @Test
    void toStringNamesKeysButNoSecret() {
        byte[] secret = "super-secret-value-0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        JwtSettings settings = JwtSettings.builder(JwtKeys.hmac("k1", secret)).build();

        assertThat(settings.toString()).contains("k1").doesNotContain("super-secret");
    }
    private static ECKey ecKey(String kid, Instant notBefore, Instant expires) throws Exception {
        com.nimbusds.jose.jwk.gen.JWKGenerator<ECKey> gen = new ECKeyGenerator(Curve.P_256).keyID(kid);
        if (notBefore != null) {
            gen.notBeforeTime(java.util.Date.from(notBefore));
        }
        if (expires != null) {
            gen.expirationTime(java.util.Date.from(expires));
        }
        return gen.generate();
    }

    @Test
    void anExpiredFirstKeyNoLongerSignsTheNextValidKeyDoes() throws Exception {
        ECKey expiring = ecKey("old", null, clock.instant().plusSeconds(60));
        ECKey next = ecKey("new", null, null);
        JwtCookieAuth auth = auth(JwtKeys.of(List.of(expiring, next)));
        assertThat(SignedJWT.parse(issue(auth)).getHeader().getKeyID()).isEqualTo("old");

        clock.advance(java.time.Duration.ofSeconds(61));
        String token = issue(auth);

        assertThat(SignedJWT.parse(token).getHeader().getKeyID()).isEqualTo("new");
        assertThat(accepts(auth, token)).isTrue();
    }

    @Test
    void aKeyNotYetValidDoesNotSignUntilItsNotBefore() throws Exception {
        ECKey upcoming = ecKey("upcoming", clock.instant().plusSeconds(3600), null);
        ECKey current = ecKey("current", null, null);
        JwtKeys keys = JwtKeys.of(List.of(upcoming, current));
        JwtCookieAuth auth = auth(keys);

        assertThat(SignedJWT.parse(issue(auth)).getHeader().getKeyID()).isEqualTo("current");
        clock.advance(java.time.Duration.ofHours(1));
        assertThat(SignedJWT.parse(issue(auth)).getHeader().getKeyID()).isEqualTo("upcoming");
        assertThat(keys.signingKeyId(clock.instant())).contains("upcoming");
    }

    @Test
    void whenEverySigningKeyHasExpiredTheErrorNamesTheKeysAndTheFix() throws Exception {
        ECKey expiring = ecKey("only", null, clock.instant().plusSeconds(60));
        JwtKeys keys = JwtKeys.of(List.of(expiring));
        JwtCookieAuth auth = auth(keys);
        clock.advance(java.time.Duration.ofSeconds(61));

        assertThatThrownBy(() -> issue(auth)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no signing key is valid").hasMessageContaining("only (nbf=-, exp=")
                .hasMessageContaining("JWT_JWKS");
        assertThatThrownBy(() -> auth(keys)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no signing key is valid now");
    }

    @Test
    void signingKeysEndingWithinAWeekAreReportedAhead() throws Exception {
        JwtKeys ending = JwtKeys.of(List.of(ecKey("a", null, clock.instant().plus(java.time.Duration.ofDays(3))),
                ecKey("b", null, clock.instant().plus(java.time.Duration.ofDays(5)))));
        JwtKeys lasting = JwtKeys.of(List.of(ecKey("a", null, clock.instant().plus(java.time.Duration.ofDays(3))),
                ecKey("b", null, null)));

        assertThat(ending.signingPossibleUntil(clock.instant())).isEqualTo(clock.instant().plus(java.time.Duration.ofDays(5))
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        assertThat(lasting.signingPossibleUntil(clock.instant())).isNull();
    }

    @Test
    void numericSettingsAreRangeCheckedBeforeNarrowingSoTheyCannotWrap() {
        String secret = Base64.getEncoder().encodeToString(JwtCookieAuthTest.SECRET);
        String wrapsTo8192 = Long.toString((1L << 32) + 8192);
        String wrapsTo100 = Long.toString((1L << 32) + 100);

        assertThatThrownBy(() -> JwtSettings.fromEnvironment(Map.of("JWT_SECRET", secret, "JWT_MAX_TOKEN_BYTES", wrapsTo8192)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("JWT_MAX_TOKEN_BYTES must be from 512 to 65536, got " + wrapsTo8192);
        assertThatThrownBy(() -> JwtSettings.fromEnvironment(Map.of("JWT_SECRET", secret, "JWT_CACHE_SIZE", wrapsTo100)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("JWT_CACHE_SIZE must be from 0 to 1000000, got " + wrapsTo100);
        assertThatThrownBy(() -> JwtSettings.fromEnvironment(Map.of("JWT_SECRET", secret, "JWT_ACCESS_TTL_SECONDS",
                Long.toString(Long.MAX_VALUE)))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JWT_ACCESS_TTL_SECONDS");
    }

    @Test
    void sessionSettingsHaveSecureDefaultsAndAreReadFromTheEnvironment() {
        String secret = Base64.getEncoder().encodeToString(JwtCookieAuthTest.SECRET);
        JwtSettings defaults = JwtSettings.fromEnvironment(Map.of("JWT_SECRET", secret));
        assertThat(defaults.sessionMaxAge()).isEqualTo(java.time.Duration.ofDays(30));
        assertThat(defaults.sessionIdleTimeout()).isEqualTo(java.time.Duration.ofDays(1));
        assertThat(defaults.refreshReuseGrace()).isEqualTo(java.time.Duration.ofSeconds(5));

        JwtSettings set = JwtSettings.fromEnvironment(Map.of("JWT_SECRET", secret, "JWT_SESSION_MAX_AGE", "86400",
                "JWT_SESSION_IDLE_TIMEOUT", "3600", "JWT_REFRESH_REUSE_GRACE", "0"));
        assertThat(set.sessionMaxAge()).isEqualTo(java.time.Duration.ofDays(1));
        assertThat(set.sessionIdleTimeout()).isEqualTo(java.time.Duration.ofHours(1));
        assertThat(set.refreshReuseGrace()).isZero();
        assertThat(defaults.maxSessionsPerUser()).isZero();
        assertThat(JwtSettings.fromEnvironment(Map.of("JWT_SECRET", secret, "JWT_MAX_SESSIONS_PER_USER", "5"))
                .maxSessionsPerUser()).isEqualTo(5);
        assertThatThrownBy(() -> JwtSettings.fromEnvironment(Map.of("JWT_SECRET", secret, "JWT_MAX_SESSIONS_PER_USER", "-1")))
                .hasMessage("JWT_MAX_SESSIONS_PER_USER must be from 0 to 1000, got -1");

        assertThatThrownBy(() -> JwtSettings.fromEnvironment(Map.of("JWT_SECRET", secret, "JWT_REFRESH_REUSE_GRACE", "61")))
                .hasMessage("refreshReuseGrace (JWT_REFRESH_REUSE_GRACE) must be between 0 and 60 seconds, got 61 s");
        assertThatThrownBy(() -> JwtSettings.fromEnvironment(Map.of("JWT_SECRET", secret, "JWT_SESSION_IDLE_TIMEOUT", "600")))
                .hasMessageContaining("JWT_SESSION_IDLE_TIMEOUT").hasMessageContaining("longer than the access TTL (900 s)");
        assertThatThrownBy(() -> JwtSettings.fromEnvironment(Map.of("JWT_SECRET", secret, "JWT_SESSION_MAX_AGE", "31622400")))
                .hasMessageContaining("JWT_SESSION_MAX_AGE");
    }
}
