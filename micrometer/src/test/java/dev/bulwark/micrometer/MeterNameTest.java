package dev.bulwark.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Tags;
import org.junit.jupiter.api.Test;

class MeterNameTest {

    @Test
    void hikariSeriesGetMicrometersHikariBindingNamesWithAPoolTag() {
        assertThat(MeterName.of("orders.pool.ActiveConnections"))
                .isEqualTo(new MeterName("hikaricp.connections.active", Tags.of("pool", "orders"), false));
        assertThat(MeterName.of("orders.pool.TotalConnections").name()).isEqualTo("hikaricp.connections");
        assertThat(MeterName.of("orders.pool.Wait").name()).isEqualTo("hikaricp.connections.acquire");
        assertThat(MeterName.of("orders.pool.ConnectionTimeoutRate").name()).isEqualTo("hikaricp.connections.timeout");
    }

    @Test
    void bulwarkPoolSeriesLoseThePoolNameToAPoolTag() {
        assertThat(MeterName.of("bulwark.pool.orders.exhaustion.events"))
                .isEqualTo(new MeterName("bulwark.pool.exhaustion.events", Tags.of("pool", "orders"), false));
        assertThat(MeterName.of("bulwark.pool.orders.exhaustion.seconds").runningTotal()).isTrue();
        assertThat(MeterName.of("bulwark.pool.orders.server.limit").name()).isEqualTo("bulwark.pool.server.limit.connections");
    }

    @Test
    void perReasonRefusalsBecomeOneNameWithAReasonTag() {
        assertThat(MeterName.of("bulwark.jwt.refused.csrf_origin"))
                .isEqualTo(new MeterName("bulwark.jwt.refused", Tags.of("reason", "csrf_origin"), false));
    }

    @Test
    void perNotifierDeliveriesBecomeOneNamePerOutcomeWithANotifierTag() {
        assertThat(MeterName.of("bulwark.alerting.notifications.sent.log"))
                .isEqualTo(new MeterName("bulwark.alerting.notifications.sent", Tags.of("notifier", "log"), false));
    }

    @Test
    void otherNamesAreKeptAsTheyAre() {
        assertThat(MeterName.of("bulwark.jwt.logins")).isEqualTo(new MeterName("bulwark.jwt.logins", Tags.empty(), false));
    }
}
