package dev.cloak.cli;

import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.keyring.KeyVersion;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.VersionUsage;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Counts the stored cells of a key domain's columns that were encrypted under one key version, by reading
 * the Tink key id that follows the two Cloak header bytes of each cell (SPEC §2.3). Reads raw bytes only.
 */
final class CellScan implements VersionUsage {

    // 2 Cloak header bytes, then Tink's output prefix: one type byte and a 4-byte big-endian key id
    private static final int KEY_ID_OFFSET = 3;
    private static final int MIN_CELL = KEY_ID_OFFSET + 4;
    private static final byte TINK_PREFIX = 0x01;
    private static final byte LEGACY_PREFIX = 0x00;

    private final CloakConfig policy;
    private final Callable<Connection> connections;

    CellScan(CloakConfig policy, Callable<Connection> connections) {
        this.policy = policy;
        this.connections = connections;
    }

    @Override
    public long cellsUsing(String domain, KeyVersion version) throws KeyringException {
        List<ColumnPolicy> columns = policy.columns().stream().filter(c -> c.keyDomain().equals(domain)).toList();
        long cells = 0;
        try (Connection connection = connections.call()) {
            String quote = connection.getMetaData().getIdentifierQuoteString().strip();
            for (ColumnPolicy column : columns) {
                cells += count(connection, select(column, quote), version.id());
            }
        } catch (Exception e) {
            throw new KeyringException(KeyringException.Kind.UNAVAILABLE, "cannot check which cells of key domain "
                    + domain + " use version " + version.idText() + ": " + CloakCommand.reason(e), e);
        }
        return cells;
    }

    /** Whether a stored cell was encrypted under key id {@code id}. */
    static boolean usesKey(byte[] cell, int id) {
        return cell != null && cell.length > MIN_CELL
                && (cell[KEY_ID_OFFSET - 1] == TINK_PREFIX || cell[KEY_ID_OFFSET - 1] == LEGACY_PREFIX)
                && ByteBuffer.wrap(cell, KEY_ID_OFFSET, 4).getInt() == id;
    }

    private static long count(Connection connection, String sql, int id) throws SQLException {
        long cells = 0;
        try (Statement statement = connection.createStatement()) {
            statement.setFetchSize(1000);
            try (ResultSet rows = statement.executeQuery(sql)) {
                while (rows.next()) {
                    if (usesKey(rows.getBytes(1), id)) {
                        cells++;
                    }
                }
            }
        }
        return cells;
    }

    private static String select(ColumnPolicy column, String quote) {
        String table = (column.schema() == null ? "" : name(column.schema(), column, quote) + ".")
                + name(column.table(), column, quote);
        String name = name(column.column(), column, quote);
        return "SELECT " + name + " FROM " + table + " WHERE " + name + " IS NOT NULL";
    }

    /** Quoted as the policy quoted it; policy names are identifiers, so quotes inside are doubled. */
    private static String name(String identifier, ColumnPolicy column, String quote) {
        if (!column.quoted() || quote.isEmpty()) {
            return identifier;
        }
        return quote + identifier.replace(quote, quote + quote) + quote;
    }
}
