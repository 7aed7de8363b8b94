import com.zaxxer.hikari.*;
import dev.bulwark.core.internal.PgAdvisoryLock;
import java.sql.*;

/** core PgAdvisoryLock on a pooled DataSource (as the sample wires it): an unlock that fails leaves the lock in the pool. */
public class PooledUnlock {
    static HikariDataSource pool() {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl("jdbc:postgresql://127.0.0.1:5432/bulwark"); c.setUsername("bulwark"); c.setPassword("bulwark");
        c.setMaximumPoolSize(1); return new HikariDataSource(c);
    }
    public static void main(String[] a) throws Exception {
        long key = 424242L;
        try (HikariDataSource replicaA = pool(); HikariDataSource replicaB = pool()) {
            Connection held = PgAdvisoryLock.tryLock(replicaA, key).orElseThrow();
            // something made the session unable to run the unlock (here: an aborted transaction)
            held.setAutoCommit(false);
            try (Statement s = held.createStatement()) { s.execute("SELECT 1/0"); } catch (SQLException expected) { }
            PgAdvisoryLock.release(held, key);   // swallows the failure, then close() = back to the pool
            System.out.println("A released; B tryLock: " + PgAdvisoryLock.tryLock(replicaB, key).isPresent());
            try (Connection c = replicaB.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_locks WHERE locktype='advisory' AND objid=" + key)) {
                rs.next(); System.out.println("advisory locks with that key still held: " + rs.getInt(1));
            }
        }
    }
}
