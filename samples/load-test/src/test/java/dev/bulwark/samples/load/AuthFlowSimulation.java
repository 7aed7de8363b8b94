package dev.bulwark.samples.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.during;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.headerRegex;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;

/**
 * 100 virtual users ramped at 10/s, each for 60 s: login → GET /api/me ×10 → POST /auth/refresh,
 * repeated. Cookies are carried by hand (Gatling's jar would not send Secure/__Host- cookies
 * over plain http://localhost), exactly as a browser sends them.
 */
public class AuthFlowSimulation extends Simulation {

    static final String BASE = System.getProperty("base.url", "http://localhost:8080");
    static final String PASSWORD = System.getProperty("demo.password", "load-test-password");

    HttpProtocolBuilder protocol = http.baseUrl(BASE).disableCaching().header("Origin", BASE)
            .contentTypeHeader("application/json").disableFollowRedirect();

    ScenarioBuilder flow = scenario("login, me x10, refresh")
            .exec(http("login").post("/auth/login")
                    .body(StringBody("{\"username\":\"demo\",\"password\":\"" + PASSWORD + "\"}"))
                    .check(status().is(200))
                    .check(headerRegex("Set-Cookie", "__Host-access_token=([^;]+)").saveAs("access"))
                    .check(headerRegex("Set-Cookie", "__Secure-refresh_token=([^;]+)").saveAs("refresh"))
                    .check(headerRegex("Set-Cookie", "__Host-csrf=([^;]+)").saveAs("csrf")))
            // A user whose login failed stops here: without it, it loops through the rest without
            // cookies and, sending nothing, spins Gatling's threads on the service's two cores.
            .exitHereIfFailed()
            .exec(during(Duration.ofSeconds(60)).on(
                    repeat(10).on(http("me").get("/api/me")
                            .header("Cookie", "__Host-access_token=#{access}")
                            .check(status().is(200)))
                    .exec(http("refresh").post("/auth/refresh")
                            .header("Cookie", "__Secure-refresh_token=#{refresh}; __Host-csrf=#{csrf}")
                            .header("X-CSRF-Token", "#{csrf}")
                            .check(status().is(200))
                            .check(headerRegex("Set-Cookie", "__Host-access_token=([^;]+)").saveAs("access"))
                            .check(headerRegex("Set-Cookie", "__Secure-refresh_token=([^;]+)").saveAs("refresh"))
                            .check(headerRegex("Set-Cookie", "__Host-csrf=([^;]+)").saveAs("csrf")))));

    {
        setUp(flow.injectOpen(rampUsers(100).during(Duration.ofSeconds(10))))
                .protocols(protocol)
                .assertions(global().failedRequests().percent().lt(1.0));
    }
}
