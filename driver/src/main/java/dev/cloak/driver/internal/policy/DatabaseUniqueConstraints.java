package dev.cloak.driver.internal.policy;

import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.config.EncryptionMode;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.UniqueConstraints;
import dev.cloak.keyring.store.ConnectionSource;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Answers key administration's question before it rotates a deterministic key domain: does a UNIQUE constraint or a
 * unique index (a primary key included) cover one of the domain's deterministic columns? It reads the database's
 * catalog through {@link DatabaseMetaData#getIndexInfo} (PostgreSQL, MariaDB and H2 list the index behind every
 * UNIQUE constraint there), for the table as the policy names it, as written and folded to upper and lower case, in
 * the policy's schema or in every schema when the policy names none (a same-named table in another schema errs
 * towards refusing). Any unique index that holds the column counts, also one over several columns.
 */
public final class DatabaseUniqueConstraints implements UniqueConstraints {

    private final List<ColumnPolicy> columns;
    private final ConnectionSource source;

    /**
     * @param columns the policy's encrypted columns
     * @param source  opens a raw connection to the application's database, closed after use
     */
    public DatabaseUniqueConstraints(List<ColumnPolicy> columns, ConnectionSource source) {
        this.columns = List.copyOf(columns);
        this.source = source;
    }

    @Override
    public Optional<String> uniqueColumn(String domain) throws KeyringException {
        List<ColumnPolicy> sharing = columns.stream()
                .filter(c -> c.keyDomain().equals(domain) && c.mode() == EncryptionMode.DETERMINISTIC).toList();
        if (sharing.isEmpty()) {
            return Optional.empty();
        }
        try (Connection connection = source.open()) {
            for (ColumnPolicy column : sharing) {
                Optional<String> index = uniqueIndexOver(connection.getMetaData(), column);
                if (index.isPresent()) {
                    return Optional.of("column " + column.name() + " is covered by unique index or constraint "
                            + index.get());
                }
            }
            return Optional.empty();
        } catch (SQLException | RuntimeException e) {
            // fail closed: a deterministic key is rotated only when the catalog has shown no unique index covers it
            throw new KeyringException(KeyringException.Kind.UNAVAILABLE, "cannot read the unique constraints of the "
                    + "columns of key domain " + domain + " from the database, so it is not rotated: "
                    + e.getMessage(), e);
        }
    }

    /** The name of a unique index holding {@code column}, or empty. */
    static Optional<String> uniqueIndexOver(DatabaseMetaData meta, ColumnPolicy column) throws SQLException {
        Set<String> tables = new LinkedHashSet<>();
        tables.add(column.table());
        if (!column.quoted()) {
            tables.add(column.table().toUpperCase(Locale.ROOT));
            tables.add(column.table().toLowerCase(Locale.ROOT));
        }
        Set<String> schemas = new LinkedHashSet<>();
        if (column.schema() == null) {
            schemas.add(null);
        } else {
            schemas.add(column.schema());
            if (!column.quoted()) {
                schemas.add(column.schema().toUpperCase(Locale.ROOT));
                schemas.add(column.schema().toLowerCase(Locale.ROOT));
            }
        }
        for (String schema : schemas) {
            for (String table : tables) {
                // MariaDB names databases as catalogs, PostgreSQL and H2 as schemas: ask both ways
                Optional<String> index = uniqueIndexOver(meta, schema, null, table, column);
                if (index.isEmpty() && schema != null) {
                    index = uniqueIndexOver(meta, null, schema, table, column);
                }
                if (index.isPresent()) {
                    return index;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> uniqueIndexOver(DatabaseMetaData meta, String schema, String catalog, String table,
                                                    ColumnPolicy column) throws SQLException {
        try (ResultSet indexes = meta.getIndexInfo(catalog, schema, table, true, true)) {
            while (indexes.next()) {
                String name = indexes.getString("COLUMN_NAME");
                if (indexes.getBoolean("NON_UNIQUE") || name == null) {
                    continue;
                }
                boolean same = column.quoted() ? name.equals(column.column()) : name.equalsIgnoreCase(column.column());
                if (same) {
                    return Optional.of(String.valueOf(indexes.getString("INDEX_NAME")));
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "DatabaseUniqueConstraints[" + columns.size() + " columns]";
    }
}
