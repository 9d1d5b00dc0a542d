package dev.cloak.cli;

import dev.cloak.driver.internal.codec.CellCodec;
import dev.cloak.driver.internal.codec.CellFormat;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Reads every row once and checks that its copy holds its value: the cell decrypts to the plaintext, both are NULL,
 * or the copy is NULL because the row changed since the backfill (pending: the next catch-up fills it). Lists the
 * primary keys of rows whose copy is wrong, never a value.
 */
final class ShadowVerification {

    private static final int LISTED = 20;
    private static final int FETCH = 1000;

    /** What verification found. */
    record Outcome(long rows, long pending, long bad, List<Long> badKeys) {
    }

    private final MigratedColumn m;
    private final CellCodec codec;
    /** For a re-key: the key version every copy must be under (both columns hold cells); null otherwise. */
    private final Integer keyVersion;

    ShadowVerification(MigratedColumn column, CellCodec codec) {
        this(column, codec, null);
    }

    /** @param keyVersion for a re-key, the Tink key id each copy must carry; null for an encryption or decryption */
    ShadowVerification(MigratedColumn column, CellCodec codec, Integer keyVersion) {
        this.m = column;
        this.codec = codec;
        this.keyVersion = keyVersion;
    }

    /**
     * @param plain the column holding plaintext
     * @param cells the column holding cells
     */
    Outcome run(Connection connection, String plain, String cells, boolean pendingIsCells) throws SQLException {
        long rows = 0;
        long pending = 0;
        long bad = 0;
        List<Long> badKeys = new ArrayList<>();
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false); // PostgreSQL streams a result only inside a transaction
        try (Statement s = connection.createStatement()) {
            s.setFetchSize(FETCH);
            try (ResultSet r = s.executeQuery("SELECT " + m.q(m.key()) + ", " + m.q(plain) + ", " + m.q(cells)
                    + " FROM " + m.table())) {
                while (r.next()) {
                    rows++;
                    Object value = keyVersion != null ? r.getBytes(2) : r.getObject(2);
                    byte[] cell = r.getBytes(3);
                    boolean copyMissing = pendingIsCells ? cell == null && value != null
                            : value == null && cell != null;
                    if (copyMissing) {
                        pending++;
                    } else if (!matches(value, cell)) {
                        bad++;
                        if (badKeys.size() < LISTED) {
                            badKeys.add(r.getLong(1));
                        }
                    }
                }
            }
            connection.commit();
        } finally {
            connection.setAutoCommit(autoCommit);
        }
        return new Outcome(rows, pending, bad, badKeys);
    }

    private boolean matches(Object value, byte[] cell) {
        if (value == null || cell == null) {
            return value == null && cell == null;
        }
        try {
            if (keyVersion != null) {
                return CellFormat.usesKey(cell, keyVersion)
                        && Objects.deepEquals(codec.decrypt((byte[]) value), codec.decrypt(cell));
            }
            byte[] again = codec.encrypt(value, Types.OTHER);
            if (Arrays.equals(again, cell)) {
                return true; // deterministic, same version
            }
            return Objects.deepEquals(codec.decrypt(cell), codec.decrypt(again));
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }
}
