package dev.bulwark.jwt;

import dev.bulwark.testsupport.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The attacks on JWT validation, each one refused for the right reason. */
class TokenAttackTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
    ECKey serverKey;
    JwtCookieAuth auth;
    String access;
    JWTClaimsSet claims;

    @BeforeEach
    void issueARealToken() throws Exception {
        serverKey = new ECKeyGenerator(Curve.P_256).keyID("es1").generate();
        auth = JwtCookieAuth.create(JwtSettings.builder(JwtKeys.of(List.of(serverKey))).build(), new InMemoryTokenStore(),
                new MetricRegistry(), clock);
        FakeHttp.Response session = new FakeHttp.Response();
        auth.login("alice", List.of("trader"), session);
        access = session.cookies().get("__Host-access_token");
        claims = SignedJWT.parse(access).getJWTClaimsSet();
    }

    private Refusal present(String token) {
        AuthResult result = auth.authenticate(new FakeHttp.Request("GET").cookie("__Host-access_token", token));
        assertThat(result.authenticated()).as("attack token was accepted").isFalse();
        return result.refusal();
    }

    private JWSHeader.Builder header(JWSAlgorithm alg, String kid) {
        return new JWSHeader.Builder(alg).keyID(kid).type(new JOSEObjectType("at+jwt"));
    }

    @Test
    void theRealTokenIsAccepted() {
        assertThat(auth.authenticate(new FakeHttp.Request("GET").cookie("__Host-access_token", access)).authenticated()).isTrue();
    }

    @Test
    void refusesAlgNone() {
        String header = Base64URL.encode("{\"alg\":\"none\",\"kid\":\"es1\",\"typ\":\"at+jwt\"}").toString();
        String payload = access.split("\\.")[1];

        assertThat(present(header + "." + payload + ".")).isEqualTo(Refusal.ALGORITHM_NOT_ALLOWED);
        String noneUpper = Base64URL.encode("{\"alg\":\"None\",\"kid\":\"es1\"}").toString();
        assertThat(present(noneUpper + "." + payload + ".")).isIn(Refusal.ALGORITHM_NOT_ALLOWED, Refusal.MALFORMED);
    }

    @Test
    void refusesAnHmacTokenSignedWithTheServersPublicKey() throws Exception {
        byte[] publicKeyBytes = serverKey.toECPublicKey().getEncoded();
        SignedJWT forged = new SignedJWT(header(JWSAlgorithm.HS256, "es1").build(), claims);
        forged.sign(new MACSigner(publicKeyBytes));

        assertThat(present(forged.serialize())).isEqualTo(Refusal.ALGORITHM_NOT_ALLOWED);
        String jsonKey = serverKey.toPublicJWK().toJSONString();
        SignedJWT forged2 = new SignedJWT(header(JWSAlgorithm.HS256, "es1").build(), claims);
        forged2.sign(new MACSigner(jsonKey.getBytes(StandardCharsets.UTF_8)));
        assertThat(present(forged2.serialize())).isEqualTo(Refusal.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void refusesAnotherAlgorithmThanTheKeys() throws Exception {
        RSAKey rsa = new RSAKeyGenerator(2048).generate();
        SignedJWT forged = new SignedJWT(header(JWSAlgorithm.RS256, "es1").build(), claims);
        forged.sign(new RSASSASigner(rsa));

        assertThat(present(forged.serialize())).isEqualTo(Refusal.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void ignoresAnEmbeddedJwkAndRefusesTheAttackersSignature() throws Exception {
        ECKey attacker = new ECKeyGenerator(Curve.P_256).keyID("es1").generate();
        SignedJWT forged = new SignedJWT(header(JWSAlgorithm.ES256, "es1").jwk(attacker.toPublicJWK()).build(), claims);
        forged.sign(new ECDSASigner(attacker));

        assertThat(present(forged.serialize())).isEqualTo(Refusal.BAD_SIGNATURE);
    }

    @Test
    void ignoresJkuAndX5uAndRefusesAnUnknownKid() throws Exception {
        ECKey attacker = new ECKeyGenerator(Curve.P_256).keyID("attacker").generate();
        SignedJWT forged = new SignedJWT(header(JWSAlgorithm.ES256, "attacker")
                .jwkURL(URI.create("https://evil.example/jwks.json"))
                .x509CertURL(URI.create("https://evil.example/cert.pem")).build(), claims);
        forged.sign(new ECDSASigner(attacker));

        assertThat(present(forged.serialize())).isEqualTo(Refusal.UNKNOWN_KEY);
        SignedJWT pathKid = new SignedJWT(header(JWSAlgorithm.ES256, "../../etc/passwd' OR '1'='1").build(), claims);
        pathKid.sign(new ECDSASigner(attacker));
        assertThat(present(pathKid.serialize())).isEqualTo(Refusal.UNKNOWN_KEY);
        SignedJWT noKid = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("at+jwt")).build(),
                claims);
        noKid.sign(new ECDSASigner(serverKey));
        assertThat(present(noKid.serialize())).isEqualTo(Refusal.UNKNOWN_KEY);
    }

    @Test
    void refusesAnUnknownCriticalHeader() throws Exception {
        SignedJWT critical = new SignedJWT(header(JWSAlgorithm.ES256, "es1").criticalParams(Set.of("bulwark-unknown"))
                .customParam("bulwark-unknown", true).build(), claims);
        critical.sign(new ECDSASigner(serverKey));

        assertThat(present(critical.serialize())).isEqualTo(Refusal.BAD_SIGNATURE);
    }

    @Test
    void refusesPsychicSignaturesWithZeroROrS() {
        String[] parts = access.split("\\.");
        String zeros = Base64URL.encode(new byte[64]).toString();
        byte[] rZero = new byte[64];
        System.arraycopy(Base64URL.from(parts[2]).decode(), 32, rZero, 32, 32);
        byte[] allOnes = new byte[64];
        java.util.Arrays.fill(allOnes, (byte) 0xff);

        assertThat(present(parts[0] + "." + parts[1] + "." + zeros)).isEqualTo(Refusal.BAD_SIGNATURE);
        assertThat(present(parts[0] + "." + parts[1] + "." + Base64URL.encode(rZero))).isEqualTo(Refusal.BAD_SIGNATURE);
        assertThat(present(parts[0] + "." + parts[1] + "." + Base64URL.encode(allOnes))).isEqualTo(Refusal.BAD_SIGNATURE);
    }

    @Test
    void refusesATamperedPayload() throws Exception {
        String[] parts = access.split("\\.");
        JWTClaimsSet admin = new JWTClaimsSet.Builder(claims).claim("roles", List.of("admin")).build();
        String payload = Base64URL.encode(admin.toString()).toString();

        assertThat(present(parts[0] + "." + payload + "." + parts[2])).isEqualTo(Refusal.BAD_SIGNATURE);
    }

    @Test
    void refusesATokenWithoutExpiry() throws Exception {
        JWTClaimsSet noExp = new JWTClaimsSet.Builder(claims).expirationTime(null).build();
        SignedJWT token = new SignedJWT(header(JWSAlgorithm.ES256, "es1").build(), noExp);
        token.sign(new ECDSASigner(serverKey));

        assertThat(present(token.serialize())).isEqualTo(Refusal.MALFORMED);
    }
}
