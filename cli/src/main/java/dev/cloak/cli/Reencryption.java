package dev.cloak.cli;

import dev.cloak.driver.internal.codec.CellCodec;
import dev.cloak.driver.internal.codec.CellFormat;
import dev.cloak.driver.internal.error.SqlState;
import dev.cloak.keyring.KeyVersion;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;

/**
 * Moves the cells of one encrypted column to its key domain's active version. Walks the table in
 * primary-key order, a batch per transaction (keyset pagination), through a raw connection; decrypts every cell
 * under an older version with the column's {@link CellCodec} and encrypts it again, which uses the active
 * version; writes it back only if the row still holds the cell that was read
 * ({@code UPDATE … WHERE key = ? AND column = old}), so a concurrent write is never overwritten. Such rows are
 * retried once at the end. Cells already under the active version are not touched, so a re-run continues
 * where an interrupted one stopped. Finally every cell is checked again.
 */
final class Reencryption {

    /** At most this many row keys of skipped or failed rows are kept to explain what verification finds. */
    private static final int REMEMBERED_KEYS = 100_000;
    private static final int VERIFY_FETCH_SIZE = 1000;

    private final CellCodec codec;
    private final KeyVersion active;
    private final StoredTable table;
    private final int batchSize;
    private final LongConsumer progress;
    private final Runnable afterRead;
    private final String firstBatch;
    private final String nextBatch;
    private final String update;
    private final String reread;
    private final String verify;

    private long scanned;
    private long reencrypted;
    private long current;
    private long skipped;
    private long nulls;
    private long failed;
    private String firstFailure;
    private Set<RowKey> skippedKeys = new HashSet<>();
    private final Set<RowKey> failedKeys = new HashSet<>();

    /**
     * @param codec      the column's codec; it encrypts under the key domain's active version
     * @param active     that version, as the key store names it
     * @param limit      whether the database understands {@code LIMIT n} (otherwise only {@code setMaxRows}
     *                   bounds a batch)
     * @param progress   told how many rows each batch scanned
     * @param afterRead  run after each batch is read and before it is written back (tests use it to write concurrently)
     */
    Reencryption(CellCodec codec, KeyVersion active, StoredTable table, int batchSize, boolean limit,
                 LongConsumer progress, Runnable afterRead) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("the batch size must be at least 1");
        }
        this.codec = codec;
        this.active = active;
        this.table = table;
        this.batchSize = batchSize;
        this.progress = progress;
        this.afterRead = afterRead;
        String keys = String.join(", ", table.keyColumns());
        String select = "SELECT " + keys + ", " + table.column() + " FROM " + table.table();
        String order = " ORDER BY " + keys + (limit ? " LIMIT " + batchSize : "");
        this.firstBatch = select + order;
        this.nextBatch = select + " WHERE " + after(table.keyColumns()) + order;
        this.update = "UPDATE " + table.table() + " SET " + table.column() + " = ? WHERE " + byKey(table.keyColumns())
                + " AND " + table.column() + " = ?";
        this.reread = "SELECT " + table.column() + " FROM " + table.table() + " WHERE " + byKey(table.keyColumns());
        this.verify = select + " WHERE " + table.column() + " IS NOT NULL";
    }

    /**
     * What a run did and what verification found.
     *
     * @param scanned       rows read in the walk
     * @param reencrypted   cells rewritten under the active version
     * @param current       cells that already were under it
     * @param skipped       rows that changed between read and write-back, also on the retry
     * @param nulls         SQL NULLs (never encrypted, nothing to do)
     * @param failed        cells that could not be decrypted or encrypted again
     * @param firstFailure  why the first of those failed (never a value), or null
     * @param leftChanged   cells verification found under an older version in rows that were skipped
     * @param leftUnknown   cells verification found under an older version in rows this run neither skipped nor
     *                      failed: written after the walk passed them, by someone still encrypting with an old version
     */
    record Outcome(long scanned, long reencrypted, long current, long skipped, long nulls, long failed,
                   String firstFailure, long leftChanged, long leftUnknown) {
    }

    /** Runs the walk, the retry and the verification on {@code connection}, committing per batch. */
    Outcome run(Connection connection) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        if (connection.getMetaData().supportsTransactionIsolationLevel(Connection.TRANSACTION_READ_COMMITTED)) {
            // each batch reads what is committed now; the compare-and-set guards the write-back either way
            connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        }
        try {
            walk(connection);
            retrySkipped(connection);
            return verify(connection);
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(connection, e);
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private void walk(Connection connection) throws SQLException {
        Object[] last = null;
        while (true) {
            List<Row> rows = readBatch(connection, last);
            if (rows.isEmpty()) {
                return;
            }
            afterRead.run();
            List<Write> writes = new ArrayList<>();
            for (Row row : rows) {
                scanned++;
                classify(row, writes);
            }
            write(connection, writes, skippedKeys);
            connection.commit();
            progress.accept(rows.size());
            if (rows.size() < batchSize) {
                return;
            }
            last = rows.get(rows.size() - 1).key();
        }
    }

    private List<Row> readBatch(Connection connection, Object[] last) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(last == null ? firstBatch : nextBatch)) {
            select.setMaxRows(batchSize);
            if (last != null) {
                bindAfter(select, last);
            }
            List<Row> rows = new ArrayList<>(batchSize);
            int keyCount = table.keyColumns().size();
            try (ResultSet results = select.executeQuery()) {
                while (results.next()) {
                    Object[] key = new Object[keyCount];
                    for (int i = 0; i < keyCount; i++) {
                        key[i] = results.getObject(i + 1);
                    }
                    rows.add(new Row(key, results.getBytes(keyCount + 1)));
                }
            }
            return rows;
        }
    }

    /** Counts a row, or queues its cell, encrypted again, for the write-back. */
    private void classify(Row row, List<Write> writes) throws SQLException {
        byte[] cell = row.cell();
        if (cell == null) {
            nulls++;
        } else if (CellFormat.usesKey(cell, active.id())) {
            current++;
        } else {
            byte[] fresh;
            try {
                fresh = codec.encrypt(codec.decrypt(cell), Types.OTHER);
            } catch (SQLException e) {
                if (!isCellFailure(e)) {
                    throw e;
                }
                failed++;
                remember(failedKeys, row.key());
                if (firstFailure == null) {
                    firstFailure = CloakCommand.reason(e);
                }
                return;
            }
            if (!CellFormat.usesKey(fresh, active.id())) {
                throw new IllegalStateException("key domain " + codec.column().keyDomain() + " encrypts under another "
                        + "version than " + active.idText() + " (rotated again during the run?): run again");
            }
            writes.add(new Write(row.key(), cell, fresh));
        }
    }

    /** A data exception: this cell cannot be decrypted or its value not encrypted again; other cells can. */
    private static boolean isCellFailure(SQLException e) {
        return SqlState.isDataException(e);
    }

    /** Compare-and-set write-back; rows whose cell changed since they were read are counted as skipped. */
    private void write(Connection connection, List<Write> writes, Set<RowKey> skippedInto) throws SQLException {
        if (writes.isEmpty()) {
            return;
        }
        int[] counts;
        try (PreparedStatement statement = connection.prepareStatement(update)) {
            for (Write w : writes) {
                statement.setBytes(1, w.fresh());
                bindKey(statement, 2, w.key());
                statement.setBytes(2 + w.key().length, w.old());
                statement.addBatch();
            }
            counts = statement.executeBatch();
        }
        if (counts.length != writes.size()) {
            throw new SQLException("the database answered " + counts.length + " update counts for " + writes.size()
                    + " rows of table " + table.table());
        }
        for (int i = 0; i < counts.length; i++) {
            Write w = writes.get(i);
            int count = counts[i] == Statement.SUCCESS_NO_INFO ? (holds(connection, w) ? 1 : 0) : counts[i];
            if (count == 1) {
                reencrypted++;
            } else if (count == 0) {
                skipped++;
                remember(skippedInto, w.key());
            } else {
                throw new SQLException("updating one row of table " + table.table() + " by its primary key changed "
                        + count + " rows");
            }
        }
    }

    /** Whether the row now holds the new cell: for drivers that do not report a batch's update counts. */
    private boolean holds(Connection connection, Write w) throws SQLException {
        Row now = reread(connection, w.key());
        return now != null && Arrays.equals(now.cell(), w.fresh());
    }

    /** Rows that changed between read and write-back get one more try each. */
    private void retrySkipped(Connection connection) throws SQLException {
        if (skippedKeys.isEmpty()) {
            return;
        }
        List<RowKey> retry = new ArrayList<>(skippedKeys);
        Set<RowKey> stillSkipped = new HashSet<>();
        for (int from = 0; from < retry.size(); from += batchSize) {
            List<Write> writes = new ArrayList<>();
            List<RowKey> chunk = retry.subList(from, Math.min(retry.size(), from + batchSize));
            List<Row> rows = new ArrayList<>(chunk.size());
            for (RowKey key : chunk) {
                Row row = reread(connection, key.bindable());
                if (row == null) {
                    stillSkipped.add(key); // deleted meanwhile: it did change concurrently, and nothing is left to do
                } else {
                    rows.add(row);
                }
            }
            afterRead.run();
            for (Row row : rows) {
                skipped--;
                classify(row, writes);
            }
            write(connection, writes, stillSkipped);
            connection.commit();
        }
        skippedKeys = stillSkipped;
    }

    /** The row with primary key {@code key} as it is now, or null when there is none. */
    private Row reread(Connection connection, Object[] key) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(reread)) {
            bindKey(select, 1, key);
            try (ResultSet results = select.executeQuery()) {
                return results.next() ? new Row(key, results.getBytes(1)) : null;
            }
        }
    }

    /** Reads every cell again and explains each one still under an older version. */
    private Outcome verify(Connection connection) throws SQLException {
        long leftChanged = 0;
        long leftUnknown = 0;
        int keyCount = table.keyColumns().size();
        try (Statement statement = connection.createStatement()) {
            statement.setFetchSize(VERIFY_FETCH_SIZE);
            try (ResultSet results = statement.executeQuery(verify)) {
                while (results.next()) {
                    if (CellFormat.usesKey(results.getBytes(keyCount + 1), active.id())) {
                        continue;
                    }
                    Object[] key = new Object[keyCount];
                    for (int i = 0; i < keyCount; i++) {
                        key[i] = results.getObject(i + 1);
                    }
                    RowKey rowKey = RowKey.of(key);
                    if (skippedKeys.contains(rowKey)) {
                        leftChanged++;
                    } else if (!failedKeys.contains(rowKey)) {
                        leftUnknown++;
                    }
                }
            }
        }
        connection.commit();
        return new Outcome(scanned, reencrypted, current, skipped, nulls, failed, firstFailure, leftChanged,
                leftUnknown);
    }

    private static void bindAfter(PreparedStatement statement, Object[] last) throws SQLException {
        int index = 1;
        for (int level = 0; level < last.length; level++) {
            for (int i = 0; i <= level; i++) {
                statement.setObject(index++, last[i]);
            }
        }
    }

    private static void bindKey(PreparedStatement statement, int first, Object[] key) throws SQLException {
        for (int i = 0; i < key.length; i++) {
            statement.setObject(first + i, key[i]);
        }
    }

    /** {@code (k1 > ?) OR (k1 = ? AND k2 > ?) OR …}: the rows after the last one read, in key order. */
    private static String after(List<String> keys) {
        List<String> levels = new ArrayList<>();
        for (int level = 0; level < keys.size(); level++) {
            List<String> terms = new ArrayList<>();
            for (int i = 0; i < level; i++) {
                terms.add(keys.get(i) + " = ?");
            }
            terms.add(keys.get(level) + " > ?");
            levels.add("(" + String.join(" AND ", terms) + ")");
        }
        return String.join(" OR ", levels);
    }

    private static String byKey(List<String> keys) {
        return keys.stream().map(k -> k + " = ?").collect(Collectors.joining(" AND "));
    }

    private static void remember(Set<RowKey> keys, Object[] key) {
        if (keys.size() < REMEMBERED_KEYS) {
            keys.add(RowKey.of(key));
        }
    }

    private static void rollbackQuietly(Connection connection, Exception failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    /** One row as read: its primary key and the stored cell (null for SQL NULL). */
    private record Row(Object[] key, byte[] cell) {
    }

    /** A cell to write back: the row's key, the cell read and the cell under the active version. */
    private record Write(Object[] key, byte[] old, byte[] fresh) {
    }

    /** A primary key value that can be kept in a set: binary parts compare by content. */
    private record RowKey(List<Object> parts) {

        static RowKey of(Object[] key) {
            List<Object> parts = new ArrayList<>(key.length);
            for (Object part : key) {
                parts.add(part instanceof byte[] bytes ? ByteBuffer.wrap(bytes.clone()) : part);
            }
            return new RowKey(parts);
        }

        /** The values to bind again. */
        Object[] bindable() {
            Object[] values = new Object[parts.size()];
            for (int i = 0; i < values.length; i++) {
                Object part = parts.get(i);
                values[i] = part instanceof ByteBuffer buffer ? buffer.array().clone() : part;
            }
            return values;
        }
    }
}
