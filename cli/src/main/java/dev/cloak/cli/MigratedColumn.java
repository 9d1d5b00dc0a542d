package dev.cloak.cli;

import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.internal.migration.MigrationDirection;
import dev.cloak.rewriter.Dialect;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A column on its way in or out of encryption, as the database names it: its table, its integer primary key (the
 * backfill walks and splits it into ranges), the column, the shadow column that is filled beside it and the name the
 * old column keeps after the cut-over. Names are as stored; {@link #q} quotes one for SQL.
 *
 * @param policy   the column's policy
 * @param dialect  the database's dialect
 * @param quote    the database's identifier quote
 * @param found    the table and column as the catalog names them
 * @param key      the primary key's one column, as stored
 * @param intKey   whether the key is a 32-bit (or smaller) integer: its bounds are bound as such, so the database
 *                 compares without converting the key (H2 would not use the key's index otherwise)
 * @param nullable whether the column admits NULL (its NOT NULL moves to the shadow at the cut-over)
 * @param shadow   the shadow column's name, as stored
 * @param retained the old column's name after the cut-over, as stored
 */
record MigratedColumn(ColumnPolicy policy, Dialect dialect, String quote, StoredTable.Found found, String key,
                      boolean intKey, boolean nullable, String shadow, String retained) {

    private static final Set<Integer> INTEGER_KEYS = Set.of(Types.INTEGER, Types.BIGINT, Types.SMALLINT,
            Types.TINYINT);

    /**
     * Finds the column and checks what a shadow migration needs: one integer primary-key column that is not the
     * column itself.
     *
     * @param names when not null, the shadow and retained names a migration already recorded
     */
    static MigratedColumn resolve(Connection connection, ColumnPolicy policy, MigrationDirection direction,
                                  String[] names) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        String product = meta.getDatabaseProductName();
        Dialect dialect = Dialect.of(product).orElseThrow(() -> new IllegalArgumentException(
                "cloak migrate encrypt, decrypt and rekey know PostgreSQL, MariaDB and H2, not " + product));
        String quote = meta.getIdentifierQuoteString() == null ? "" : meta.getIdentifierQuoteString().strip();
        StoredTable.Found found = StoredTable.locate(connection, policy);
        List<String> keys = StoredTable.primaryKeyOf(connection, found);
        if (keys.size() != 1) {
            throw new IllegalArgumentException("table " + found.table() + " needs a primary key of one integer column "
                    + "for a shadow migration (it walks and splits the table by key): it has " + keys.size());
        }
        String key = keys.get(0);
        if (key.equalsIgnoreCase(found.column())) {
            throw new IllegalArgumentException("column " + policy.name() + " is the primary key of table "
                    + found.table() + ": it cannot be migrated in place");
        }
        int keyType = -1;
        boolean nullable = true;
        try (ResultSet columns = meta.getColumns(found.catalog(), found.schema(), found.table(), null)) {
            while (columns.next()) {
                String name = columns.getString("COLUMN_NAME");
                if (name.equals(key)) {
                    keyType = columns.getInt("DATA_TYPE");
                } else if (name.equals(found.column())) {
                    nullable = columns.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls;
                }
            }
        }
        if (!INTEGER_KEYS.contains(keyType)) {
            throw new IllegalArgumentException("table " + found.table() + " needs a primary key of one integer column "
                    + "for a shadow migration: " + key + " is not an integer");
        }
        String shadow = names != null ? names[0] : suffixed(found.column(), switch (direction) {
            case ENCRYPT -> "_cloak";
            case DECRYPT -> "_plain";
            case REKEY -> "_newkey";
        });
        String retained = names != null ? names[1] : suffixed(found.column(), switch (direction) {
            case ENCRYPT -> "_plaintext";
            case DECRYPT -> "_cells";
            case REKEY -> "_oldkey";
        });
        return new MigratedColumn(policy, dialect, quote, found, key, keyType != Types.BIGINT, nullable, shadow,
                retained);
    }

    /** {@code name} with a suffix in the same case, so an unquoted name folds the same way. */
    private static String suffixed(String name, String suffix) {
        boolean upper = name.equals(name.toUpperCase(Locale.ROOT)) && !name.equals(name.toLowerCase(Locale.ROOT));
        return name + (upper ? suffix.toUpperCase(Locale.ROOT) : suffix);
    }

    /** {@code identifier} quoted for SQL. */
    String q(String identifier) {
        return StoredTable.quoted(identifier, quote);
    }

    /** The table, schema-qualified when the database names a schema, quoted. */
    String table() {
        return (found.schema() == null ? "" : q(found.schema()) + ".") + q(found.table());
    }

    /** The column as stored. */
    String column() {
        return found.column();
    }

    /** A name for objects Cloak creates for this migration (triggers, functions, constraints): lower-case, short. */
    String objectName(String prefix) {
        String base = (prefix + "_" + found.table() + "_" + found.column()).toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9_]", "_");
        return base.length() <= 60 ? base : base.substring(0, 52) + Integer.toHexString(base.hashCode());
    }
}
