package dev.bulwark.alerting.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testsupport.RequiresService;
import dev.bulwark.testsupport.Service;
import dev.bulwark.testsupport.TestServices;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The JDBC state store on a real PostgreSQL at the first start of two replicas. */
@RequiresService(Service.POSTGRESQL)
class StateStorePostgresIT {

    private static PGSimpleDataSource postgres(String schema) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(TestServices.postgresUrl());
        ds.setUser(TestServices.postgresUser());
        ds.setPassword(TestServices.postgresPassword());
        if (schema != null) {
            ds.setCurrentSchema(schema);
        }
        return ds;
    }

    @Test
    void twoReplicasCreatingTheTableAtOnceBothSucceed() throws Exception {
        List<String> failures = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            String schema = "alert_race_" + System.nanoTime();
            try (Connection c = postgres(null).getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE SCHEMA " + schema);
            }
            try {
                CyclicBarrier start = new CyclicBarrier(2);
                List<CompletableFuture<Void>> replicas = new ArrayList<>();
                for (int r = 0; r < 2; r++) {
                    StateStore store = StateStore.jdbc(postgres(schema));
                    replicas.add(CompletableFuture.runAsync(() -> {
                        try {
                            start.await(10, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        store.load("instance:x");
                    }));
                }
                for (CompletableFuture<Void> f : replicas) {
                    try {
                        f.get(30, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException e) {
                        failures.add("round " + round + ": " + e.getCause().getMessage());
                    }
                }
            } finally {
                try (Connection c = postgres(null).getConnection(); Statement st = c.createStatement()) {
                    st.execute("DROP SCHEMA " + schema + " CASCADE");
                }
            }
        }
        assertThat(failures).isEmpty();
    }
}
