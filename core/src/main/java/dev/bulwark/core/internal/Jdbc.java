package dev.bulwark.core.internal;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * One transaction of Bulwark's own on a pooled connection, committed whatever the pool's
 * {@code autoCommit} (services often run pools with {@code autoCommit=false}, and a write that is
 * never committed silently does nothing).
 */
public final class Jdbc {

    private Jdbc() {
    }

    /**
     * Work done on a connection inside the transaction.
     *
     * @param <T> the result
     */
    @FunctionalInterface
    public interface Work<T> {
        /**
         * Does the work.
         *
         * @param c the connection, in a transaction
         * @return the result
         * @throws SQLException when the database refuses
         */
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} in a transaction of its own at READ COMMITTED and commits it, whatever the
     * connection's {@code autoCommit} and isolation were; both are restored before the connection
     * goes back to the pool. On failure the transaction is rolled back (a failed rollback is added
     * to the failure as suppressed).
     *
     * @param dataSource where the connection comes from
     * @param work what to do
     * @param <T> the result
     * @return the work's result, committed
     * @throws SQLException when the database refuses
     */
    public static <T> T inTransaction(DataSource dataSource, Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            int isolation = c.getTransactionIsolation();
            try {
                if (!autoCommit) {
                    c.rollback(); // nothing of ours is pending; start from a clean transaction
                }
                if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
                    c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                }
                if (autoCommit) {
                    c.setAutoCommit(false);
                }
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException r) {
                    e.addSuppressed(r);
                }
                throw e;
            } finally {
                if (autoCommit) {
                    c.setAutoCommit(true);
                }
                if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
                    c.setTransactionIsolation(isolation);
                }
            }
        }
    }

    /**
     * Runs one read on a pooled connection as it comes, without changing its settings (cheap
     * enough for a hot path); under {@code autoCommit=false} the read transaction it opened is
     * ended (committed, or rolled back on failure), so the next read on that connection sees what
     * other instances committed since.
     *
     * @param dataSource where the connection comes from
     * @param work the read
     * @param <T> the result
     * @return the work's result
     * @throws SQLException when the database refuses
     */
    public static <T> T read(DataSource dataSource, Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try {
                T result = work.run(c);
                if (!c.getAutoCommit()) {
                    c.commit();
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    if (!c.getAutoCommit()) {
                        c.rollback();
                    }
                } catch (SQLException r) {
                    e.addSuppressed(r);
                }
                throw e;
            }
        }
    }
}
