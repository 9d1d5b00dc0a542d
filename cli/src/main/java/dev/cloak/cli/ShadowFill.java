package dev.cloak.cli;

import com.google.crypto.tink.DeterministicAead;
import dev.cloak.driver.internal.codec.CellCodec;
import dev.cloak.rewriter.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * Fills one column of a table from another, a batch of rows at a time in primary-key order: each row whose target is
 * NULL and whose source is not gets the source's value encrypted (or decrypted) in the target, written with
 * compare-and-set on the source ({@code WHERE key = ? AND source = <the value read>}), so a row the application
 * changed since it was read keeps an empty target (the migration's trigger also empties it on every later change)
 * and is taken by a later pass. Values are never logged.
 */
final class ShadowFill {

    /** What one batch did. */
    record Batch(int read, int written, Long lastKey) {
    }

    private final MigratedColumn m;
    private final CellCodec codec;
    private final boolean encrypting;
    /** For a re-key: the key version the target's cells are written under (the source holds cells too). */
    private final DeterministicAead reencryptUnder;
    private final String select;
    private final String update;

    /**
     * @param source     the column read
     * @param target     the column filled
     * @param encrypting true: the source holds plaintext and the target gets cells; false: the other way round
     */
    ShadowFill(MigratedColumn column, CellCodec codec, String source, String target, boolean encrypting) {
        this(column, codec, source, target, encrypting, null);
    }

    /**
     * A re-key's fill: the source holds cells, the target gets each cell's value encrypted under {@code version}.
     *
     * @param version one key version's primitive of the column's key domain
     */
    ShadowFill(MigratedColumn column, CellCodec codec, String source, String target, DeterministicAead version) {
        this(column, codec, source, target, false, version);
    }

    private ShadowFill(MigratedColumn column, CellCodec codec, String source, String target, boolean encrypting,
                       DeterministicAead reencryptUnder) {
        this.m = column;
        this.codec = codec;
        this.encrypting = encrypting;
        this.reencryptUnder = reencryptUnder;
        String key = column.q(column.key());
        String s = column.q(source);
        String t = column.q(target);
        // H2 reads "target IS NULL" through the target's index (the copy of a UNIQUE), every NULL row per batch once
        // the application inserts faster than the fill: the OR (the key is never NULL) keeps it on the key's range
        String empty = column.dialect() == Dialect.H2 ? "(" + t + " IS NULL OR " + key + " IS NULL)" : t + " IS NULL";
        this.select = "SELECT " + key + ", " + s + " FROM " + column.table() + " WHERE " + key + " > ? AND " + key
                + " <= ? AND " + empty + " AND " + s + " IS NOT NULL ORDER BY " + key + " LIMIT ?";
        // MariaDB compares strings under the column's collation ('a' = 'A '): compare the bytes
        String compare = column.dialect() == Dialect.MARIADB ? "BINARY " + s + " = BINARY ?" : s + " = ?";
        this.update = "UPDATE " + column.table() + " SET " + t + " = ? WHERE " + key + " = ? AND " + compare + " AND "
                + t + " IS NULL";
    }

    /**
     * Fills the rows with keys in {@code (after, last]}, at most {@code limit} of them, on {@code connection} without
     * committing.
     */
    Batch batch(Connection connection, long after, long last, int limit) throws SQLException {
        List<Long> keys = new ArrayList<>(limit);
        List<Object> values = new ArrayList<>(limit);
        try (PreparedStatement s = connection.prepareStatement(select)) {
            bindKey(s, 1, after);
            bindKey(s, 2, last);
            s.setInt(3, limit);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    keys.add(r.getLong(1));
                    values.add(encrypting ? r.getObject(2) : r.getBytes(2));
                }
            }
        }
        if (keys.isEmpty()) {
            return new Batch(0, 0, null);
        }
        int written = 0;
        try (PreparedStatement u = connection.prepareStatement(update)) {
            for (int i = 0; i < keys.size(); i++) {
                Object value = values.get(i);
                if (encrypting) {
                    u.setBytes(1, codec.encrypt(value, Types.OTHER));
                    u.setObject(3, value);
                } else if (reencryptUnder != null) {
                    u.setBytes(1, codec.encryptUnder(codec.decrypt((byte[]) value), Types.OTHER, reencryptUnder));
                    u.setBytes(3, (byte[]) value);
                } else {
                    u.setObject(1, codec.decrypt((byte[]) value));
                    u.setBytes(3, (byte[]) value);
                }
                bindKey(u, 2, keys.get(i));
                u.addBatch();
            }
            for (int count : u.executeBatch()) {
                written += count == Statement.SUCCESS_NO_INFO ? 1 : Math.max(0, count);
            }
        }
        return new Batch(keys.size(), written, keys.get(keys.size() - 1));
    }

    /** Binds a key bound as the key's own type, clamped to its range. */
    private void bindKey(PreparedStatement statement, int index, long key) throws SQLException {
        if (m.intKey()) {
            statement.setInt(index, (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, key)));
        } else {
            statement.setLong(index, key);
        }
    }

    /**
     * One pass, in key order, over the rows whose key is at most the table's highest key when the pass starts, filling
     * every row with a source but no target, committing per batch unless {@code commit} is false (the cut-over runs
     * it inside its locked transaction). Bounded so that it ends while the application keeps inserting rows above
     * it: rows written after the pass reached them are left to the next pass (the cut-over's, under the table's lock,
     * leaves none).
     *
     * @return rows written
     */
    long catchUp(Connection connection, int batchSize, boolean commit) throws SQLException {
        Long highest = highestKey(connection);
        if (highest == null) {
            return 0;
        }
        long total = 0;
        long after = Long.MIN_VALUE;
        while (true) {
            Batch b = batch(connection, after, highest, batchSize);
            if (commit) {
                connection.commit();
            }
            total += b.written();
            if (b.lastKey() == null || b.read() < batchSize) {
                return total;
            }
            after = b.lastKey();
        }
    }

    /** The table's highest primary key, or null when it has no rows. */
    Long highestKey(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery("SELECT MAX(" + m.q(m.key())
                + ") FROM " + m.table())) {
            r.next();
            long highest = r.getLong(1);
            return r.wasNull() ? null : highest;
        }
    }

    /** Rows that have a source but no target (after a catch-up under the table's lock: must be 0). */
    long pending(Connection connection, String source, String target) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM "
                + m.table() + " WHERE " + m.q(target) + " IS NULL AND " + m.q(source) + " IS NOT NULL")) {
            r.next();
            return r.getLong(1);
        }
    }
}
