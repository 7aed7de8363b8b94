package dev.bulwark.samples.spring;

import com.codahale.metrics.MetricRegistry;
import dev.bulwark.pool.PoolPrometheus;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The contract's {@code /metrics}: the dropwizard registry through the Prometheus client's bridge
 * and the pool's own exposition, exactly as the JDK sample serves it. Its own
 * {@link PrometheusRegistry}, not a bean: Actuator would otherwise take it for Micrometer's.
 */
final class ContractMetrics {

    private final PrometheusRegistry prometheus = new PrometheusRegistry();

    ContractMetrics(MetricRegistry metrics) {
        DropwizardExports.builder().dropwizardRegistry(metrics).metricFilter(PoolPrometheus.otherMetrics()).register(prometheus);
        PoolPrometheus.register(metrics, prometheus);
    }

    byte[] scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, prometheus.scrape());
        return out.toByteArray();
    }
}
