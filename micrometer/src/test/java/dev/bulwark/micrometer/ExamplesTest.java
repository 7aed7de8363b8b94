package dev.bulwark.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.bulwark.jwt.InMemoryTokenStore;
import dev.bulwark.jwt.JwtCookieAuth;
import dev.bulwark.jwt.JwtSettings;
import dev.bulwark.jwt.TokenStore;
import dev.bulwark.pool.ConnectionPoolMonitor;
import dev.bulwark.pool.PoolSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the README's example and checks the README shows exactly this code. */
class ExamplesTest {
    private static final Path SELF = Path.of("src/test/java/dev/bulwark/micrometer/ExamplesTest.java");

    @TempDir
    Path tmp;

    @AfterEach
    void clear() {
        System.clearProperty("DB_EMBEDDED_PATH");
        System.clearProperty("JWT_SECRET");
    }

    @Test
    void theReadmeExampleIsTheCodeThisTestRuns() throws Exception {
        Matcher readme = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(Path.of("README.md")));
        assertThat(readme.find()).isTrue();
        assertThat(normalized(readme.group(1))).isEqualTo(normalized(region("readme")));
    }

    @Test
    void theJavadocExampleIsTheCodeThisTestRuns() throws Exception {
        Matcher javadoc = Pattern.compile("<pre>\\{@code\\n(.*?)\\}</pre>", Pattern.DOTALL)
                .matcher(Files.readString(Path.of("src/main/java/dev/bulwark/micrometer/BulwarkMetrics.java")));
        assertThat(javadoc.find()).isTrue();
        assertThat(normalized(javadoc.group(1).replaceAll("(?m)^\\s*\\* ?", ""))).isEqualTo(normalized(region("javadoc")));
    }

    /** The code between a region marker and its end in this file (the markers spelled apart here, so they match only there). */
    private static String region(String name) throws Exception {
        Matcher region = Pattern.compile("//" + " region " + name + "\\n(.*?)\\n\\s*//" + " endregion", Pattern.DOTALL)
                .matcher(Files.readString(SELF));
        assertThat(region.find()).as("region " + name).isTrue();
        return region.group(1);
    }

    @Test
    void readmeExampleBridgesThePoolAndTheAuthMetrics() throws Exception {
        System.setProperty("DB_EMBEDDED_PATH", tmp.resolve("db").toString());
        System.setProperty("JWT_SECRET", Base64.getEncoder().encodeToString(new byte[32]));
        TokenStore store = new InMemoryTokenStore();
        SimpleMeterRegistry meterRegistry = new SimpleMeterRegistry();
        // region readme
        MetricRegistry metrics = new MetricRegistry();                 // what the Bulwark modules are given
        ConnectionPoolMonitor pool = ConnectionPoolMonitor.create(PoolSettings.fromEnvironment(), metrics);
        JwtCookieAuth auth = JwtCookieAuth.create(JwtSettings.fromEnvironment(), store, metrics);
        new BulwarkMetrics(metrics).bindTo(meterRegistry);             // every metric, now and added later

        // Spring Boot: a MeterBinder bean is bound to Actuator's registry (/actuator/prometheus):
        //   @Bean BulwarkMetrics bulwarkMetrics(MetricRegistry metrics) { return new BulwarkMetrics(metrics); }
        // endregion
        try (pool) {
            assertThat(auth.settings()).isNotNull();
            assertThat(meterRegistry.find("hikaricp.connections.max").tag("pool", "bulwark").gauge()).isNotNull();
            metrics.counter("bulwark.jwt.refused.csrf_origin").inc();
            assertThat(meterRegistry.find("bulwark.jwt.refused").tag("reason", "csrf_origin").meters()).isNotEmpty();
        }
    }

    @Test
    void theJavadocExampleBridgesThePool() throws Exception {
        System.setProperty("DB_EMBEDDED_PATH", tmp.resolve("db2").toString());
        SimpleMeterRegistry meterRegistry = new SimpleMeterRegistry();
        // region javadoc
        MetricRegistry metrics = new MetricRegistry();           // given to the Bulwark modules
        ConnectionPoolMonitor pool = ConnectionPoolMonitor.create(PoolSettings.fromEnvironment(), metrics);
        new BulwarkMetrics(metrics).bindTo(meterRegistry);       // or a @Bean MeterBinder in Spring Boot
        // endregion
        try (pool) {
            assertThat(meterRegistry.find("hikaricp.connections.active").tag("pool", "bulwark").gauge()).isNotNull();
        }
    }

    private static String normalized(String code) {
        return code.replaceAll("\\s+", " ").strip();
    }
}
