package dev.cloak.cli;

import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.internal.codec.CellFormat;
import dev.cloak.keyring.KeyVersion;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.VersionUsage;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Counts the stored cells of a key domain's columns that were encrypted under one key version, by the Tink key id
 * in each cell's header ({@link CellFormat#usesKey}). Reads raw bytes only.
 */
final class CellScan implements VersionUsage {

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

    private static long count(Connection connection, String sql, int id) throws SQLException {
        long cells = 0;
        try (Statement statement = connection.createStatement()) {
            statement.setFetchSize(1000);
            try (ResultSet rows = statement.executeQuery(sql)) {
                while (rows.next()) {
                    if (CellFormat.usesKey(rows.getBytes(1), id)) {
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
