package dev.bulwark.samples.support;

import com.codahale.metrics.MetricRegistry;
import dev.bulwark.pool.PoolPrometheus;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The contract's {@code /metrics}: the dropwizard registry through the Prometheus client's bridge
 * and the pool's own exposition (named as Micrometer's HikariCP binding), as the JDK sample serves it.
 */
public final class ContractMetrics {

    /** The exposition's content type. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final PrometheusRegistry prometheus = new PrometheusRegistry();

    /**
     * Exposes a registry.
     *
     * @param metrics the registry the Bulwark modules write to
     */
    public ContractMetrics(MetricRegistry metrics) {
        DropwizardExports.builder().dropwizardRegistry(metrics).metricFilter(PoolPrometheus.otherMetrics()).register(prometheus);
        PoolPrometheus.register(metrics, prometheus);
    }

    /**
     * The text exposition now.
     *
     * @return the bytes
     * @throws IOException never, in practice (written to memory)
     */
    public byte[] scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, prometheus.scrape());
        return out.toByteArray();
    }
}
