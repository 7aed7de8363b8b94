package dev.bulwark.jwt;

import dev.bulwark.testsupport.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JwtCookieAuthTest {

    static final String ORIGIN = "https://app.example.com";
    static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
    final MetricRegistry metrics = new MetricRegistry();
    final InMemoryTokenStore store = new InMemoryTokenStore();

    JwtSettings.Builder settings() {
        return JwtSettings.builder(JwtKeys.hmac("k1", SECRET)).allowOrigin(ORIGIN);
    }

    JwtCookieAuth auth(JwtSettings settings) {
        return JwtCookieAuth.create(settings, store, metrics, clock);
    }

    final JwtCookieAuth auth = auth(settings().build());

    FakeHttp.Response login() {
        FakeHttp.Response response = new FakeHttp.Response();
        auth.login("alice", List.of("trader", "admin"), response);
        return response;
    }

    static FakeHttp.Request get(FakeHttp.Response session) {
        return new FakeHttp.Request("GET").cookiesFrom(session);
    }

    static FakeHttp.Request unsafe(String method, FakeHttp.Response session) {
        return new FakeHttp.Request(method).cookiesFrom(session).header("Origin", ORIGIN)
                .header("X-CSRF-Token", session.cookies().get("__Host-csrf"));
    }

    @Test
    void loginSetsHardenedCookiesWithMaxAgeMatchingTheLifetimes() {
        FakeHttp.Response response = login();

        assertThat(response.setCookie("__Host-access_token"))
                .matches("__Host-access_token=[\\w-]+\\.[\\w-]+\\.[\\w-]+; Max-Age=900; Path=/; Secure; HttpOnly; SameSite=Strict");
        assertThat(response.setCookie("__Secure-refresh_token"))
                .matches("__Secure-refresh_token=[\\w-]+\\.[\\w-]+\\.[\\w-]+; Max-Age=604800; Path=/auth; Secure; HttpOnly; SameSite=Strict");
        assertThat(response.setCookie("__Host-csrf"))
                .matches("__Host-csrf=[\\w-]{43}; Max-Age=604800; Path=/; Secure; SameSite=Strict");
        assertThat(metrics.counter("bulwark.jwt.logins").getCount()).isEqualTo(1);
    }

    @Test
    void authenticatesTheAccessCookie() {
        AuthResult result = auth.authenticate(get(login()));

        assertThat(result.authenticated()).isTrue();
        assertThat(result.authentication().subject()).isEqualTo("alice");
        assertThat(result.authentication().roles()).containsExactly("trader", "admin");
        assertThat(result.authentication().via()).isEqualTo(Authentication.Via.COOKIE);
        assertThat(result.authentication().expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(15)));
    }

    @Test
    void acceptsABearerHeaderWhenNoCookieIsSent() {
        String token = login().cookies().get("__Host-access_token");

        AuthResult result = auth.authenticate(new FakeHttp.Request("POST").header("Authorization", "Bearer " + token));

        assertThat(result.authenticated()).isTrue();
        assertThat(result.authentication().via()).isEqualTo(Authentication.Via.BEARER);
    }

    @Test
    void theCookieWinsWhenBothAreSent() {
        String good = login().cookies().get("__Host-access_token");

        AuthResult result = auth.authenticate(new FakeHttp.Request("GET").cookie("__Host-access_token", "garbage")
                .header("Authorization", "Bearer " + good));

        assertThat(result.refusal()).isEqualTo(Refusal.MALFORMED);
    }

    @Test
    void refusesTheBearerHeaderWhenFallbackIsOff() {
        JwtCookieAuth strict = auth(settings().bearerFallback(false).build());
        String token = login().cookies().get("__Host-access_token");

        AuthResult result = strict.authenticate(new FakeHttp.Request("GET").header("Authorization", "Bearer " + token));

        assertThat(result.refusal()).isEqualTo(Refusal.MISSING);
        assertThat(result.refusal().wwwAuthenticate()).isEqualTo("Bearer");
    }

    @Test
    void refusesAnExpiredTokenButHonoursTheClockSkew() {
        FakeHttp.Response session = login();

        clock.advance(Duration.ofMinutes(15).plusSeconds(29));
        assertThat(auth.authenticate(get(session)).authenticated()).isTrue();
        clock.advance(Duration.ofSeconds(2));
        AuthResult result = auth.authenticate(get(session));

        assertThat(result.refusal()).isEqualTo(Refusal.EXPIRED);
        assertThat(result.refusal().wwwAuthenticate()).isEqualTo("Bearer error=\"invalid_token\", error_description=\"token_expired\"");
    }

    @Test
    void refusesATokenFromTheFuture() {
        MutableClock ahead = new MutableClock(clock.instant().plus(Duration.ofMinutes(5)));
        FakeHttp.Response session = new FakeHttp.Response();
        JwtCookieAuth.create(settings().build(), store, metrics, ahead).login("alice", List.of(), session);

        assertThat(auth.authenticate(get(session)).refusal()).isEqualTo(Refusal.NOT_YET_VALID);
    }

    @Test
    void refusesAnotherIssuerOrAudience() {
        FakeHttp.Response session = login();

        assertThat(auth(settings().issuer("other").build()).authenticate(get(session)).refusal())
                .isEqualTo(Refusal.WRONG_ISSUER);
        assertThat(auth(settings().audience("other").build()).authenticate(get(session)).refusal())
                .isEqualTo(Refusal.WRONG_AUDIENCE);
    }

    @Test
    void refusesOversizedTokensBeforeParsing() {
        AuthResult result = auth.authenticate(new FakeHttp.Request("GET").cookie("__Host-access_token", "a".repeat(9000)));

        assertThat(result.refusal()).isEqualTo(Refusal.TOO_LARGE);
    }

    @Test
    void malformedTokensAreA401NotACrash() {
        for (String junk : List.of("abc", "a.b.c", "%%%.***.!!!", "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln", "..", "")) {
            AuthResult result = auth.authenticate(new FakeHttp.Request("GET").cookie("__Host-access_token", junk));
            assertThat(result.refusal()).as(junk).isIn(Refusal.MALFORMED, Refusal.UNKNOWN_KEY);
            assertThat(result.refusal().status()).isEqualTo(401);
        }
    }

    @Test
    void accessAndRefreshTokensAreNotInterchangeable() {
        FakeHttp.Response session = login();
        String access = session.cookies().get("__Host-access_token");
        String refresh = session.cookies().get("__Secure-refresh_token");

        AuthResult refreshAsAccess = auth.authenticate(new FakeHttp.Request("GET").cookie("__Host-access_token", refresh));
        AuthResult accessAsRefresh = auth.refresh(unsafe("POST", session).cookie("__Secure-refresh_token", access),
                new FakeHttp.Response());

        assertThat(refreshAsAccess.refusal()).isEqualTo(Refusal.WRONG_TOKEN_TYPE);
        assertThat(accessAsRefresh.refusal()).isEqualTo(Refusal.WRONG_TOKEN_TYPE);
    }

    @Test
    void refreshRotatesAndAReusedRefreshTokenRevokesTheFamily() {
        FakeHttp.Response session = login();
        FakeHttp.Response rotated = new FakeHttp.Response();

        AuthResult first = auth.refresh(unsafe("POST", session), rotated);
        assertThat(first.authenticated()).isTrue();
        assertThat(rotated.cookies().get("__Secure-refresh_token")).isNotEqualTo(session.cookies().get("__Secure-refresh_token"));
        FakeHttp.Request withNewCookies = get(session).cookiesFrom(rotated);
        assertThat(auth.authenticate(withNewCookies).authenticated()).isTrue();

        clock.advance(JwtSettings.DEFAULT_REFRESH_REUSE_GRACE.plusSeconds(1));
        FakeHttp.Response reuse = new FakeHttp.Response();
        AuthResult replay = auth.refresh(unsafe("POST", session), reuse);

        assertThat(replay.refusal()).isEqualTo(Refusal.REFRESH_REUSED);
        assertThat(reuse.setCookie("__Host-access_token")).contains("Max-Age=0");
        assertThat(auth.authenticate(withNewCookies).refusal()).isEqualTo(Refusal.REVOKED);
        FakeHttp.Request newest = unsafe("POST", session).cookiesFrom(rotated)
                .header("X-CSRF-Token", rotated.cookies().get("__Host-csrf"));
        assertThat(auth.refresh(newest, new FakeHttp.Response()).refusal()).isEqualTo(Refusal.REVOKED);
    }

    @Test
    void logoutClearsEveryCookieAndRevokesTheTokens() {
        FakeHttp.Response session = login();
        FakeHttp.Response out = new FakeHttp.Response();

        assertThat(auth.logout(unsafe("POST", session), out)).isEmpty();

        assertThat(out.setCookie("__Host-access_token")).isEqualTo("__Host-access_token=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Strict");
        assertThat(out.setCookie("__Secure-refresh_token")).isEqualTo("__Secure-refresh_token=; Max-Age=0; Path=/auth; Secure; HttpOnly; SameSite=Strict");
        assertThat(out.setCookie("__Host-csrf")).isEqualTo("__Host-csrf=; Max-Age=0; Path=/; Secure; SameSite=Strict");
        assertThat(auth.authenticate(get(session)).refusal()).isEqualTo(Refusal.REVOKED);
        String token = session.cookies().get("__Host-access_token");
        assertThat(auth.authenticate(new FakeHttp.Request("GET").header("Authorization", "Bearer " + token)).refusal())
                .isEqualTo(Refusal.REVOKED);
        assertThat(auth.refresh(unsafe("POST", session), new FakeHttp.Response()).refusal()).isEqualTo(Refusal.REVOKED);
    }

    @Test
    void csrfRefusesCookieAuthenticatedUnsafeRequestsWithoutAnAllowedOrigin() {
        FakeHttp.Response session = login();

        assertThat(auth.authenticate(unsafe("POST", session).header("Origin", "https://evil.example")).refusal())
                .isEqualTo(Refusal.CSRF_ORIGIN);
        FakeHttp.Request noOrigin = new FakeHttp.Request("DELETE").cookiesFrom(session)
                .header("X-CSRF-Token", session.cookies().get("__Host-csrf"));
        assertThat(auth.authenticate(noOrigin).refusal()).isEqualTo(Refusal.CSRF_ORIGIN);
        assertThat(auth.authenticate(unsafe("PUT", session).header("Origin", "null")).refusal())
                .isEqualTo(Refusal.CSRF_ORIGIN);
        assertThat(Refusal.CSRF_ORIGIN.status()).isEqualTo(403);
    }

    @Test
    void fetchMetadataRefusesACrossSiteRequestThatOriginAndTokenWouldPass() {
        FakeHttp.Response session = login();
        FakeHttp.Request crossSite = unsafe("POST", session).header("Sec-Fetch-Site", "cross-site");

        assertThat(auth.authenticate(crossSite).refusal()).isEqualTo(Refusal.CSRF_CROSS_SITE);
        assertThat(auth.refresh(crossSite, new FakeHttp.Response()).refusal()).isEqualTo(Refusal.CSRF_CROSS_SITE);
        assertThat(auth.logout(crossSite, new FakeHttp.Response())).contains(Refusal.CSRF_CROSS_SITE);
        assertThat(Refusal.CSRF_CROSS_SITE.status()).isEqualTo(403);
        assertThat(auth.authenticate(unsafe("POST", session)).authenticated()).isTrue(); // session not ended
    }

    @Test
    void fetchMetadataSameOriginStillNeedsAnAllowedOriginAndTheToken() {
        FakeHttp.Response session = login();

        assertThat(auth.authenticate(unsafe("POST", session).header("Sec-Fetch-Site", "same-origin")).authenticated())
                .isTrue();
        assertThat(auth.authenticate(unsafe("POST", session).header("Sec-Fetch-Site", "none")).authenticated()).isTrue();
        assertThat(auth.authenticate(unsafe("POST", session).header("Sec-Fetch-Site", "same-origin")
                .header("Origin", "https://evil.example")).refusal()).isEqualTo(Refusal.CSRF_ORIGIN);
        assertThat(auth.authenticate(unsafe("POST", session).header("Sec-Fetch-Site", "same-site")
                .header("Origin", "https://other.example.com")).refusal()).isEqualTo(Refusal.CSRF_ORIGIN);
        assertThat(auth.authenticate(unsafe("POST", session).header("Sec-Fetch-Site", "same-origin")
                .header("X-CSRF-Token", "wrong")).refusal()).isEqualTo(Refusal.CSRF_TOKEN);
    }

    @Test
    void csrfFallsBackToTheRefererOrigin() {
        FakeHttp.Response session = login();
        FakeHttp.Request viaReferer = new FakeHttp.Request("PATCH").cookiesFrom(session)
                .header("Referer", ORIGIN + "/notes?x=1").header("X-CSRF-Token", session.cookies().get("__Host-csrf"));

        assertThat(auth.authenticate(viaReferer).authenticated()).isTrue();
    }

    @Test
    void csrfNeedsTheDoubleSubmitTokenBoundToTheSession() {
        FakeHttp.Response session = login();
        FakeHttp.Response attacker = login();

        assertThat(auth.authenticate(unsafe("POST", session)).authenticated()).isTrue();
        assertThat(auth.authenticate(unsafe("POST", session).header("X-CSRF-Token", "wrong")).refusal())
                .isEqualTo(Refusal.CSRF_TOKEN);
        FakeHttp.Request noHeader = new FakeHttp.Request("POST").cookiesFrom(session).header("Origin", ORIGIN);
        assertThat(auth.authenticate(noHeader).refusal()).isEqualTo(Refusal.CSRF_TOKEN);
        String planted = attacker.cookies().get("__Host-csrf");
        FakeHttp.Request plantedPair = unsafe("POST", session).cookie("__Host-csrf", planted).header("X-CSRF-Token", planted);
        assertThat(auth.authenticate(plantedPair).refusal()).isEqualTo(Refusal.CSRF_TOKEN);
    }

    @Test
    void safeMethodsAndBearerRequestsSkipTheCsrfCheck() {
        FakeHttp.Response session = login();
        String token = session.cookies().get("__Host-access_token");

        assertThat(auth.authenticate(new FakeHttp.Request("GET").cookiesFrom(session).header("Origin", "https://evil.example"))
                .authenticated()).isTrue();
        assertThat(auth.authenticate(new FakeHttp.Request("POST").header("Authorization", "Bearer " + token)
                .header("Origin", "https://evil.example")).authenticated()).isTrue();
    }

    @Test
    void fingerprintBindsTheTokenToItsHardenedCookie() {
        JwtCookieAuth bound = auth(settings().fingerprint(true).build());
        FakeHttp.Response session = new FakeHttp.Response();
        bound.login("alice", List.of(), session);

        assertThat(session.setCookie("__Host-fgp")).matches("__Host-fgp=[\\w-]{43}; Max-Age=604800; Path=/; Secure; HttpOnly; SameSite=Strict");
        assertThat(bound.authenticate(get(session)).authenticated()).isTrue();
        String token = session.cookies().get("__Host-access_token");
        AuthResult stolen = bound.authenticate(new FakeHttp.Request("GET").header("Authorization", "Bearer " + token));
        assertThat(stolen.refusal()).isEqualTo(Refusal.FINGERPRINT_MISMATCH);
        assertThat(bound.authenticate(get(session).cookie("__Host-fgp", "forged")).refusal())
                .isEqualTo(Refusal.FINGERPRINT_MISMATCH);
    }

    @Test
    void countsEachRefusalByReason() {
        auth.authenticate(new FakeHttp.Request("GET"));
        auth.authenticate(new FakeHttp.Request("GET").cookie("__Host-access_token", "x.y.z"));

        assertThat(metrics.counter("bulwark.jwt.refused.missing_token").getCount()).isEqualTo(1);
        assertThat(metrics.counter("bulwark.jwt.refused.malformed_token").getCount()).isEqualTo(1);
        assertThat(metrics.getCounters().keySet()).contains("bulwark.jwt.refused.csrf_origin", "bulwark.jwt.refused.token_revoked");
    }

    @Test
    void cachedTokensAreStillCheckedForRevocationAndExpiry() {
        FakeHttp.Response session = login();
        assertThat(auth.authenticate(get(session)).authenticated()).isTrue();
        assertThat(auth.authenticate(get(session)).authenticated()).isTrue();
        assertThat(metrics.counter("bulwark.jwt.cache.hits").getCount()).isEqualTo(1);

        clock.advance(Duration.ofMinutes(16));
        assertThat(auth.authenticate(get(session)).refusal()).isEqualTo(Refusal.EXPIRED);

        FakeHttp.Response other = login();
        auth.authenticate(get(other));
        store.revokeFamily(auth.authenticate(get(other)).authentication().familyId());
        assertThat(auth.authenticate(get(other)).refusal()).isEqualTo(Refusal.REVOKED);
    }

    @Test
    void loginsPurgeExpiredStoreEntriesAtMostHourly() {
        java.util.concurrent.atomic.AtomicInteger purges = new java.util.concurrent.atomic.AtomicInteger();
        InMemoryTokenStore counted = new InMemoryTokenStore();
        TokenStore counting = new TokenStore() {
            @Override
            public void startFamily(String f, String s, String t, Instant c, Instant e, String h) {
                counted.startFamily(f, s, t, c, e, h);
            }

            @Override
            public List<StoredSession> sessions(String s, Instant now) {
                return counted.sessions(s, now);
            }

            @Override
            public boolean endSession(String s, String f) {
                return counted.endSession(s, f);
            }

            @Override
            public int endAllSessions(String s) {
                return counted.endAllSessions(s);
            }

            @Override
            public RotationResult rotate(String f, String p, String n, Instant now, Duration grace, Instant e) {
                return counted.rotate(f, p, n, now, grace, e);
            }

            @Override
            public void revokeFamily(String f) {
                counted.revokeFamily(f);
            }

            @Override
            public void revokeToken(String t, Instant e) {
                counted.revokeToken(t, e);
            }

            @Override
            public boolean isRevoked(String t, String f) {
                return counted.isRevoked(t, f);
            }

            @Override
            public int purgeExpired(Instant now) {
                purges.incrementAndGet();
                return counted.purgeExpired(now);
            }
        };
        JwtCookieAuth purging = JwtCookieAuth.create(settings().build(), counting, metrics, clock);
        FakeHttp.Response first = new FakeHttp.Response();
        purging.login("alice", List.of(), first);
        String family = purging.authenticate(get(first)).authentication().familyId();

        purging.login("bob", List.of(), new FakeHttp.Response());
        assertThat(purges.get()).isEqualTo(1);
        clock.advance(Duration.ofDays(8));
        purging.login("carol", List.of(), new FakeHttp.Response());

        assertThat(purges.get()).isEqualTo(2);
        assertThat(counted.rotate(family, "any", "next", clock.instant(), Duration.ZERO, clock.instant()).outcome())
                .isEqualTo(TokenStore.Rotation.UNKNOWN);
    }

    @Test
    void developmentSwitchDropsSecureAndThePrefixes() {
        JwtCookieAuth dev = auth(settings().insecureCookiesForLocalDevelopment().build());
        FakeHttp.Response session = new FakeHttp.Response();
        dev.login("alice", List.of(), session);

        assertThat(session.setCookie("access_token")).isEqualTo(session.setCookies().get(0)).doesNotContain("Secure")
                .contains("HttpOnly");
        assertThat(dev.authenticate(get(session)).authenticated()).isTrue();
    }
    /** Refreshes with the session's latest cookies; returns the new cookies (or the refusal's). */
    AuthResult refreshInto(JwtCookieAuth auth, FakeHttp.Response session, FakeHttp.Response into) {
        return auth.refresh(unsafe("POST", session), into);
    }

    @Test
    void aSessionRefreshedEveryTwelveHoursEndsThirtyDaysAfterTheLogin() {
        FakeHttp.Response session = login();
        for (int halfDays = 1; halfDays <= 58; halfDays++) {
            clock.advance(Duration.ofHours(12));
            FakeHttp.Response next = new FakeHttp.Response();
            assertThat(refreshInto(auth, session, next).authenticated()).as("refresh after %s hours", halfDays * 12).isTrue();
            session = next;
        }
        // Day 29: still refreshable; the tokens issued now end with the session.
        assertThat(session.setCookie("__Secure-refresh_token")).contains("Max-Age=86400;");
        assertThat(auth.authenticate(get(session)).authenticated()).isTrue();

        clock.advance(Duration.ofHours(24));
        FakeHttp.Response end = new FakeHttp.Response();
        AuthResult refused = refreshInto(auth, session, end);

        assertThat(refused.refusal()).isEqualTo(Refusal.SESSION_EXPIRED);
        assertThat(end.setCookie("__Secure-refresh_token")).contains("Max-Age=0");
        assertThat(metrics.counter("bulwark.jwt.refused.session_expired").getCount()).isEqualTo(1);
    }

    @Test
    void theSessionLifetimeIsConfigurableAndCapsTheCookies() {
        JwtCookieAuth shortSessions = auth(settings().sessionMaxAge(Duration.ofHours(2)).build());
        FakeHttp.Response session = new FakeHttp.Response();
        shortSessions.login("alice", List.of(), session);
        assertThat(session.setCookie("__Secure-refresh_token")).contains("Max-Age=7200;");

        clock.advance(Duration.ofMinutes(119));
        FakeHttp.Response next = new FakeHttp.Response();
        assertThat(refreshInto(shortSessions, session, next).authenticated()).isTrue();
        assertThat(next.setCookie("__Host-access_token")).contains("Max-Age=60;");
        clock.advance(Duration.ofMinutes(1));

        assertThat(refreshInto(shortSessions, next, new FakeHttp.Response()).refusal()).isEqualTo(Refusal.SESSION_EXPIRED);
    }

    @Test
    void aRefreshTokenUnusedPastTheIdleLimitIsRefused() {
        JwtCookieAuth idle = auth(settings().sessionIdleTimeout(Duration.ofHours(8)).build());
        FakeHttp.Response session = new FakeHttp.Response();
        idle.login("alice", List.of(), session);
        clock.advance(Duration.ofHours(8));
        FakeHttp.Response next = new FakeHttp.Response();
        assertThat(refreshInto(idle, session, next).authenticated()).isTrue();

        clock.advance(Duration.ofHours(8).plusSeconds(1));

        assertThat(refreshInto(idle, next, new FakeHttp.Response()).refusal()).isEqualTo(Refusal.SESSION_IDLE);
    }

    @Test
    void theDefaultIdleLimitIsOneDay() {
        FakeHttp.Response session = login();
        clock.advance(Duration.ofDays(1).plusSeconds(1));

        assertThat(refreshInto(auth, session, new FakeHttp.Response()).refusal()).isEqualTo(Refusal.SESSION_IDLE);
    }

    @Test
    void theSessionValidatorCanChangeTheRolesAtRefresh() {
        List<SessionValidator.Session> seen = new java.util.ArrayList<>();
        JwtCookieAuth checked = JwtCookieAuth.create(settings().build(), store, metrics, clock, s -> {
            seen.add(s);
            return SessionValidator.Decision.allow(List.of("trader"));
        });
        FakeHttp.Response session = new FakeHttp.Response();
        checked.login("alice", List.of("trader", "admin"), session);
        clock.advance(Duration.ofMinutes(10));
        FakeHttp.Response next = new FakeHttp.Response();

        AuthResult refreshed = refreshInto(checked, session, next);

        assertThat(refreshed.authentication().roles()).containsExactly("trader");
        assertThat(checked.authenticate(get(next)).authentication().roles()).containsExactly("trader");
        assertThat(seen).singleElement().satisfies(s -> {
            assertThat(s.subject()).isEqualTo("alice");
            assertThat(s.roles()).containsExactly("trader", "admin");
            assertThat(s.authTime()).isEqualTo(Instant.parse("2026-11-25T12:00:00Z"));
            assertThat(s.lastRefreshAt()).isEqualTo(Instant.parse("2026-11-25T12:00:00Z"));
        });
    }

    @Test
    void theSessionValidatorCanEndTheSessionAtRefresh() {
        java.util.concurrent.atomic.AtomicBoolean disabled = new java.util.concurrent.atomic.AtomicBoolean();
        JwtCookieAuth checked = JwtCookieAuth.create(settings().build(), store, metrics, clock,
                s -> disabled.get() ? SessionValidator.Decision.refuse() : SessionValidator.Decision.allow(s.roles()));
        FakeHttp.Response session = new FakeHttp.Response();
        checked.login("alice", List.of("trader"), session);
        disabled.set(true);
        FakeHttp.Response out = new FakeHttp.Response();

        AuthResult refused = refreshInto(checked, session, out);

        assertThat(refused.refusal()).isEqualTo(Refusal.SESSION_REFUSED);
        assertThat(out.setCookie("__Host-access_token")).contains("Max-Age=0");
        assertThat(checked.authenticate(get(session)).refusal()).isEqualTo(Refusal.REVOKED);
    }

    @Test
    void aSessionValidatorThatThrowsLeavesTheSessionAsItWas() {
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        JwtCookieAuth checked = JwtCookieAuth.create(settings().build(), store, metrics, clock, s -> {
            if (down.get()) {
                throw new IllegalStateException("user directory unreachable");
            }
            return SessionValidator.Decision.allow(s.roles());
        });
        FakeHttp.Response session = new FakeHttp.Response();
        checked.login("alice", List.of("trader"), session);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> refreshInto(checked, session, new FakeHttp.Response()))
                .hasMessage("user directory unreachable");
        down.set(false);
        clock.advance(Duration.ofMinutes(1));

        assertThat(refreshInto(checked, session, new FakeHttp.Response()).authenticated()).isTrue();
    }

    @Test
    void afterARefreshTheTokenIdNamesTheNewAccessToken() throws Exception {
        FakeHttp.Response session = login();
        FakeHttp.Response next = new FakeHttp.Response();

        AuthResult refreshed = refreshInto(auth, session, next);

        String accessJti = com.nimbusds.jwt.SignedJWT.parse(next.cookies().get("__Host-access_token")).getJWTClaimsSet()
                .getJWTID();
        assertThat(refreshed.authentication().tokenId()).isEqualTo(accessJti);
        assertThat(auth.authenticate(get(next)).authentication().tokenId()).isEqualTo(accessJti);
    }

    @Test
    void aConcurrentRefreshWithinTheGraceGetsTheSameSuccessor() throws Exception {
        FakeHttp.Response session = login();
        FakeHttp.Response tabA = new FakeHttp.Response();
        FakeHttp.Response tabB = new FakeHttp.Response();

        assertThat(refreshInto(auth, session, tabA).authenticated()).isTrue();
        clock.advance(JwtSettings.DEFAULT_REFRESH_REUSE_GRACE);
        assertThat(refreshInto(auth, session, tabB).authenticated()).isTrue();

        String jtiA = com.nimbusds.jwt.SignedJWT.parse(tabA.cookies().get("__Secure-refresh_token")).getJWTClaimsSet().getJWTID();
        String jtiB = com.nimbusds.jwt.SignedJWT.parse(tabB.cookies().get("__Secure-refresh_token")).getJWTClaimsSet().getJWTID();
        assertThat(jtiB).isEqualTo(jtiA);
        assertThat(metrics.counter("bulwark.jwt.refreshes.grace").getCount()).isEqualTo(1);
        assertThat(auth.authenticate(get(tabA)).authenticated()).isTrue();
        assertThat(auth.authenticate(get(tabB)).authenticated()).isTrue();
    }

    @Test
    void aZeroGraceMakesEveryReplayRevokeTheFamily() {
        JwtCookieAuth strict = auth(settings().refreshReuseGrace(Duration.ZERO).build());
        FakeHttp.Response session = new FakeHttp.Response();
        strict.login("alice", List.of(), session);
        FakeHttp.Response rotated = new FakeHttp.Response();
        assertThat(refreshInto(strict, session, rotated).authenticated()).isTrue();

        assertThat(refreshInto(strict, session, new FakeHttp.Response()).refusal()).isEqualTo(Refusal.REFRESH_REUSED);
        assertThat(strict.authenticate(get(rotated)).refusal()).isEqualTo(Refusal.REVOKED);
    }

    @Test
    void aLogoutWithoutTokenCookiesIsCsrfChecked() {
        FakeHttp.Response session = login();
        FakeHttp.Request crossSite = new FakeHttp.Request("POST").header("Origin", "https://evil.example");
        FakeHttp.Response out = new FakeHttp.Response();

        assertThat(auth.logout(crossSite, out)).contains(Refusal.CSRF_ORIGIN);
        assertThat(out.setCookies()).isEmpty();
        FakeHttp.Request noHeaders = new FakeHttp.Request("POST");
        assertThat(auth.logout(noHeaders, new FakeHttp.Response())).contains(Refusal.CSRF_ORIGIN);
        assertThat(auth.authenticate(get(session)).authenticated()).isTrue();
    }

    @Test
    void aLogoutWithBrokenCookiesIsCsrfChecked() {
        FakeHttp.Request forged = new FakeHttp.Request("POST").cookie("__Host-access_token", "garbage")
                .header("Origin", "https://evil.example");
        FakeHttp.Response out = new FakeHttp.Response();

        assertThat(auth.logout(forged, out)).contains(Refusal.CSRF_ORIGIN);
        assertThat(out.setCookies()).isEmpty();
    }

    @Test
    void aBearerLogoutNeedsNoCsrfTokenButAValidToken() {
        String token = login().cookies().get("__Host-access_token");

        assertThat(auth.logout(new FakeHttp.Request("POST").header("Authorization", "Bearer " + token),
                new FakeHttp.Response())).isEmpty();
        assertThat(auth.authenticate(new FakeHttp.Request("GET").header("Authorization", "Bearer " + token)).refusal())
                .isEqualTo(Refusal.REVOKED);
        assertThat(auth.logout(new FakeHttp.Request("POST").header("Authorization", "Bearer x.y.z"), new FakeHttp.Response()))
                .isPresent();
    }

    @Test
    void logoutAcceptsAnExpiredButValidlySignedAccessToken() {
        FakeHttp.Response session = login();
        String family = auth.authenticate(get(session)).authentication().familyId();
        clock.advance(Duration.ofHours(1));
        FakeHttp.Request onlyAccess = unsafe("POST", session);
        onlyAccess.cookies.remove("__Secure-refresh_token");
        assertThat(auth.authenticate(onlyAccess).refusal()).isEqualTo(Refusal.EXPIRED);

        assertThat(auth.logout(onlyAccess, new FakeHttp.Response())).isEmpty();

        assertThat(store.isRevoked("any", family)).isTrue();
        assertThat(auth.refresh(unsafe("POST", session), new FakeHttp.Response()).refusal()).isEqualTo(Refusal.REVOKED);
    }

    @Test
    void logoutStillRefusesAForgedAccessToken() {
        FakeHttp.Response session = login();
        String family = auth.authenticate(get(session)).authentication().familyId();
        String token = session.cookies().get("__Host-access_token");
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + "AAAA";
        FakeHttp.Request request = unsafe("POST", session).cookie("__Host-access_token", forged);
        request.cookies.remove("__Secure-refresh_token");

        assertThat(auth.logout(request, new FakeHttp.Response())).isEmpty();

        assertThat(store.isRevoked("any", family)).isFalse();
    }

    @Test
    void originNullIsRefusedEvenWithAnAllowedReferer() {
        FakeHttp.Response session = login();
        FakeHttp.Request request = unsafe("POST", session).header("Origin", "null").header("Referer", ORIGIN + "/notes");

        assertThat(auth.authenticate(request).refusal()).isEqualTo(Refusal.CSRF_ORIGIN);
        assertThat(auth.refresh(request, new FakeHttp.Response()).refusal()).isEqualTo(Refusal.CSRF_ORIGIN);
    }

    @Test
    void everyMethodButGetHeadAndOptionsIsCsrfChecked() {
        FakeHttp.Response session = login();
        for (String method : List.of("POST", "PUT", "PATCH", "DELETE", "PROPFIND", "MKCOL", "LOCK", "TRACE", "CONNECT",
                "REPORT", "post")) {
            FakeHttp.Request forged = new FakeHttp.Request(method).cookiesFrom(session).header("Origin", "https://evil.example");
            assertThat(auth.authenticate(forged).refusal()).as(method).isEqualTo(Refusal.CSRF_ORIGIN);
        }
        for (String method : List.of("GET", "HEAD", "OPTIONS")) {
            FakeHttp.Request plain = new FakeHttp.Request(method).cookiesFrom(session).header("Origin", "https://evil.example");
            assertThat(auth.authenticate(plain).authenticated()).as(method).isTrue();
        }
    }

    @Test
    void aStolenSessionIsEndedWhenTheVictimComesBackAfterTheIdleLimitWithTheSpentToken() {
        FakeHttp.Response victim = login(); // the victim logs in, then leaves the device alone
        clock.advance(Duration.ofHours(20));
        FakeHttp.Response thief = new FakeHttp.Response();
        assertThat(refreshInto(auth, victim, thief).authenticated()).isTrue(); // a copy of the cookies, refreshed first
        for (int i = 0; i < 4; i++) { // the thief keeps the session alive
            clock.advance(Duration.ofHours(12));
            FakeHttp.Response next = new FakeHttp.Response();
            assertThat(refreshInto(auth, thief, next).authenticated()).isTrue();
            thief = next;
        }

        // Two days later the victim's spent refresh token comes back: it is past the idle limit, and it is a reuse.
        AuthResult back = refreshInto(auth, victim, new FakeHttp.Response());

        assertThat(back.refusal()).isEqualTo(Refusal.SESSION_IDLE);
        assertThat(auth.authenticate(get(thief)).refusal()).isEqualTo(Refusal.REVOKED);
        assertThat(refreshInto(auth, thief, new FakeHttp.Response()).refusal()).isEqualTo(Refusal.REVOKED);
    }

    @Test
    void aStolenSessionIsEndedWhenTheVictimComesBackWithTheSpentTokenAfterItExpired() {
        JwtCookieAuth shortRefresh = auth(settings().refreshTtl(Duration.ofHours(1)).build()); // expires before the idle limit
        FakeHttp.Response victim = new FakeHttp.Response();
        shortRefresh.login("alice", List.of(), victim);
        clock.advance(Duration.ofMinutes(50));
        FakeHttp.Response thief = new FakeHttp.Response();
        assertThat(refreshInto(shortRefresh, victim, thief).authenticated()).isTrue();
        for (int i = 0; i < 2; i++) {
            clock.advance(Duration.ofMinutes(50));
            FakeHttp.Response next = new FakeHttp.Response();
            assertThat(refreshInto(shortRefresh, thief, next).authenticated()).isTrue();
            thief = next;
        }

        assertThat(refreshInto(shortRefresh, victim, new FakeHttp.Response()).refusal()).isEqualTo(Refusal.EXPIRED);

        assertThat(shortRefresh.authenticate(get(thief)).refusal()).isEqualTo(Refusal.REVOKED);
    }

    @Test
    void anExpiredRefreshTokenEndsNoSessionWithoutPassingTheCsrfDefence() {
        JwtCookieAuth shortRefresh = auth(settings().refreshTtl(Duration.ofHours(1)).build());
        FakeHttp.Response victim = new FakeHttp.Response();
        shortRefresh.login("alice", List.of(), victim);
        clock.advance(Duration.ofMinutes(50));
        FakeHttp.Response rotated = new FakeHttp.Response();
        assertThat(refreshInto(shortRefresh, victim, rotated).authenticated()).isTrue();
        clock.advance(Duration.ofMinutes(11)); // the old refresh token has expired, the new access token not yet

        AuthResult crossSite = shortRefresh.refresh(new FakeHttp.Request("POST").cookiesFrom(victim)
                .header("Origin", "https://evil.example"), new FakeHttp.Response());

        assertThat(crossSite.refusal()).isEqualTo(Refusal.EXPIRED);
        assertThat(shortRefresh.authenticate(get(rotated)).authenticated()).isTrue();
    }

    @Test
    void aThiefWhoGetsTheCurrentTokenThroughTheGraceLosesTheSessionAtTheVictimsNextRefresh() {
        FakeHttp.Response stolen = login(); // the thief holds a copy of these cookies
        FakeHttp.Response victim = new FakeHttp.Response();
        assertThat(refreshInto(auth, stolen, victim).authenticated()).isTrue();
        clock.advance(Duration.ofSeconds(2));
        FakeHttp.Response thief = new FakeHttp.Response();
        assertThat(refreshInto(auth, stolen, thief).authenticated()).isTrue(); // within the grace: the current token
        clock.advance(Duration.ofSeconds(1));
        FakeHttp.Response thiefNext = new FakeHttp.Response();
        assertThat(refreshInto(auth, thief, thiefNext).authenticated()).isTrue(); // the thief moves the family on

        clock.advance(Duration.ofMinutes(14)); // the victim's next refresh, long after the grace
        AuthResult victimRefresh = refreshInto(auth, victim, new FakeHttp.Response());

        assertThat(victimRefresh.refusal()).isEqualTo(Refusal.REFRESH_REUSED);
        assertThat(auth.authenticate(get(thiefNext)).refusal()).isEqualTo(Refusal.REVOKED);
        assertThat(refreshInto(auth, thiefNext, new FakeHttp.Response()).refusal()).isEqualTo(Refusal.REVOKED);
        clock.advance(Duration.ofSeconds(1));
        assertThat(refreshInto(auth, stolen, new FakeHttp.Response()).refusal()).isEqualTo(Refusal.REVOKED);
    }

    @Test
    void aLogoutCarryingTheCookiesAndABearerHeaderIsJudgedByItsCookiesAndCsrfChecked() {
        FakeHttp.Response session = login();
        String attackersOwn = login().cookies().get("__Host-access_token");
        FakeHttp.Request crossSite = new FakeHttp.Request("POST").cookiesFrom(session)
                .header("Authorization", "Bearer " + attackersOwn).header("Origin", "https://evil.example");
        FakeHttp.Response out = new FakeHttp.Response();

        assertThat(auth.logout(crossSite, out)).contains(Refusal.CSRF_ORIGIN);
        assertThat(out.setCookies()).isEmpty();
        assertThat(auth.authenticate(get(session)).authenticated()).isTrue();
    }
}
