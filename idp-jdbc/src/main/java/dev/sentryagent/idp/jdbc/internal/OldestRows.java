package dev.sentryagent.idp.jdbc.internal;

import java.util.List;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The purge every time-indexed table shares: select at most {@code max} keys of rows older than a
 * cutoff, oldest first, through the time column's index, then delete those rows by primary key in
 * one batch. Both steps walk indexes on H2 and PostgreSQL, so a purge costs the rows it removes,
 * never a scan of the table; a single {@code DELETE ... WHERE key IN (SELECT ... LIMIT n)} is not
 * index-driven in H2 (docs/benchmarks.md, "Replay purge without a table scan").
 *
 * <p>Each delete re-checks the time column: a row whose time moved past the cutoff between the
 * two steps stays.
 */
final class OldestRows {
    private final String select;
    private final String delete;
    private final List<String> keyColumns;

    /**
     * @param table the table (a constant of ours, never user input)
     * @param timeColumn the indexed column in epoch milliseconds that the cutoff is compared with
     * @param keyColumns the primary key's columns, each read and bound back as what the driver
     *     returns for it ({@code String}, {@code Long}, ...), so a BIGINT key stays a number
     */
    OldestRows(String table, String timeColumn, String... keyColumns) {
        this.keyColumns = List.of(keyColumns);
        this.select = "SELECT " + String.join(", ", keyColumns) + " FROM " + table + " WHERE " + timeColumn
                + " < :cutoff ORDER BY " + timeColumn + " LIMIT :max";
        StringBuilder where = new StringBuilder();
        for (String column : keyColumns) {
            where.append(column).append(" = :").append(column).append(" AND ");
        }
        this.delete = "DELETE FROM " + table + " WHERE " + where + timeColumn + " < :cutoff";
    }

    /**
     * Deletes at most {@code max} rows older than {@code cutoff}, oldest first; returns how many.
     * Run it in a transaction: the select and the delete are one purge.
     */
    int purge(Handle handle, long cutoff, int max) {
        List<Object[]> keys = handle.createQuery(select)
                .bind("cutoff", cutoff)
                .bind("max", max)
                .map((rs, ctx) -> {
                    Object[] key = new Object[keyColumns.size()];
                    for (int i = 0; i < key.length; i++) {
                        key[i] = rs.getObject(i + 1);
                    }
                    return key;
                })
                .list();
        if (keys.isEmpty()) {
            return 0;
        }
        PreparedBatch batch = handle.prepareBatch(delete);
        for (Object[] key : keys) {
            for (int i = 0; i < key.length; i++) {
                batch.bind(keyColumns.get(i), key[i]);
            }
            batch.bind("cutoff", cutoff).add();
        }
        return IntStream.of(batch.execute()).sum();
    }

    /** The select, for plan tests. */
    String selectSql() {
        return select;
    }

    /** The delete, for plan tests. */
    String deleteSql() {
        return delete;
    }
}
