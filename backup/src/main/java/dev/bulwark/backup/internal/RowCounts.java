package dev.bulwark.backup.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Exact row counts per table, the figures a restore test compares. */
public final class RowCounts {
    private RowCounts() {
    }

    /**
     * Returns {@code schema.table} to row count, in the query's order.
     *
     * @param c connection (its transaction decides which snapshot is counted)
     * @param tablesQuery a catalog query returning (schema, table) rows
     * @return {@code schema.table} to row count, in the query's order
     * @throws SQLException when a table cannot be read
     */
    public static Map<String, Long> count(Connection c, String tablesQuery) throws SQLException {
        List<String[]> tables = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(tablesQuery)) {
            while (rs.next()) {
                tables.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String[] t : tables) {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM " + quote(t[0]) + "." + quote(t[1]))) {
                rs.next();
                counts.put(t[0] + "." + t[1], rs.getLong(1));
            }
        }
        return counts;
    }

    /**
     * Returns it as a double-quoted SQL identifier.
     *
     * @param identifier a name from the catalog
     * @return it as a double-quoted SQL identifier
     */
    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
