package dev.bulwark.jwt.bench;

import com.codahale.metrics.MetricRegistry;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bulwark.jwt.AuthRequest;
import dev.bulwark.jwt.AuthResult;
import dev.bulwark.jwt.InMemoryTokenStore;
import dev.bulwark.jwt.JwtCookieAuth;
import dev.bulwark.jwt.JwtKeys;
import dev.bulwark.jwt.JwtSettings;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code authenticate(request)} against bare nimbus ({@code SignedJWT.parse} + {@code verify} +
 * claims checks) in the same run, for HS256 and ES256, and the verified-token cache on repeated
 * ES256 requests. Run: {@code scripts/benchmark.sh jwt-cookies AuthenticateBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AuthenticateBenchmark {

    private OctetSequenceKey hsKey;
    private ECKey esKey;
    private JwtCookieAuth hsAuth;
    private JwtCookieAuth esAuth;
    private JwtCookieAuth esAuthCached;
    private AuthRequest hsRequest;
    private AuthRequest esRequest;
    private String hsToken;
    private String esToken;
    private JWSVerifier hsVerifier;
    private JWSVerifier esVerifier;

    @Setup
    public void setUp() throws Exception {
        hsKey = new OctetSequenceKeyGenerator(256).keyID("hs").generate();
        esKey = new ECKeyGenerator(Curve.P_256).keyID("es").generate();
        hsAuth = auth(JwtKeys.of(List.of(hsKey)), 0);
        esAuth = auth(JwtKeys.of(List.of(esKey)), 0);
        esAuthCached = auth(JwtKeys.of(List.of(esKey)), 10_000);
        hsToken = login(hsAuth);
        esToken = login(esAuth);
        hsRequest = request(hsToken);
        esRequest = request(esToken);
        hsVerifier = new MACVerifier(hsKey);
        esVerifier = new ECDSAVerifier(esKey.toPublicJWK());
    }

    private static JwtCookieAuth auth(JwtKeys keys, int cache) {
        return JwtCookieAuth.create(JwtSettings.builder(keys).cacheSize(cache).build(), new InMemoryTokenStore(),
                new MetricRegistry());
    }

    private static String login(JwtCookieAuth auth) {
        List<String> cookies = new ArrayList<>();
        auth.login("alice", List.of("trader"), (name, value) -> cookies.add(value));
        String access = cookies.get(0);
        return access.substring(access.indexOf('=') + 1, access.indexOf(';'));
    }

    private static AuthRequest request(String token) {
        return new AuthRequest() {
            @Override
            public String method() {
                return "GET";
            }

            @Override
            public Optional<String> header(String name) {
                return Optional.empty();
            }

            @Override
            public Optional<String> cookie(String name) {
                return "__Host-access_token".equals(name) ? Optional.of(token) : Optional.empty();
            }
        };
    }

    /** What a careful hand-written check with bare nimbus does: parse, verify, check the claims. */
    private static JWTClaimsSet bareNimbus(String token, JWSVerifier verifier) throws Exception {
        SignedJWT jwt = SignedJWT.parse(token);
        if (!jwt.verify(verifier)) {
            throw new IllegalStateException("bad signature");
        }
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        Date now = new Date();
        if (claims.getExpirationTime() == null || claims.getExpirationTime().before(now)
                || !"bulwark".equals(claims.getIssuer()) || !claims.getAudience().contains("bulwark")) {
            throw new IllegalStateException("bad claims");
        }
        return claims;
    }

    @Benchmark
    public JWTClaimsSet hs256BareNimbus() throws Exception {
        return bareNimbus(hsToken, hsVerifier);
    }

    @Benchmark
    public AuthResult hs256Bulwark() {
        return hsAuth.authenticate(hsRequest);
    }

    @Benchmark
    public JWTClaimsSet es256BareNimbus() throws Exception {
        return bareNimbus(esToken, esVerifier);
    }

    @Benchmark
    public AuthResult es256Bulwark() {
        return esAuth.authenticate(esRequest);
    }

    @Benchmark
    public AuthResult es256BulwarkCached() {
        return esAuthCached.authenticate(esRequest);
    }
}
