package dev.cloak.cli;

import dev.cloak.driver.config.ColumnPolicy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where an encrypted column of the policy lives in the database, as {@link DatabaseMetaData} names it: its
 * table, its primary key (in key order) and the column itself, each ready to be written into SQL. Tools that
 * walk a table row by row need the primary key, so a table without one is refused here.
 *
 * @param table      the table, schema-qualified when the database names a schema, quoted
 * @param keyColumns the primary key's columns in key order, quoted
 * @param column     the encrypted column, quoted
 */
record StoredTable(String table, List<String> keyColumns, String column) {

    private static final Set<Integer> BINARY_TYPES =
            Set.of(Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB);

    StoredTable {
        keyColumns = List.copyOf(keyColumns);
    }

    /**
     * Finds {@code policy}'s column through the connection's metadata. Unquoted policy names match as SQL matches
     * them (any case); quoted ones exactly. Without a schema in the policy, the connection's current schema wins
     * when the table exists in several.
     *
     * @throws IllegalArgumentException with a one-line reason when the table or column does not exist, is not
     *     binary, is ambiguous, has no primary key, or the column is part of the primary key
     */
    static StoredTable resolve(Connection connection, ColumnPolicy policy) throws SQLException {
        DatabaseMetaData metadata = connection.getMetaData();
        String quote = metadata.getIdentifierQuoteString() == null ? "" : metadata.getIdentifierQuoteString().strip();
        Found found = find(connection, metadata, policy);
        if (!BINARY_TYPES.contains(found.dataType())) {
            throw new IllegalArgumentException("column " + policy.name() + " is stored as " + found.typeName()
                    + ", not as a binary type: it holds no Cloak cells");
        }
        List<String> key = primaryKey(metadata, found);
        if (key.isEmpty()) {
            throw new IllegalArgumentException("table " + found.table() + " has no primary key: a re-encryption walks "
                    + "the table in key order and writes each row back by its key; add one first");
        }
        if (key.contains(found.column())) {
            throw new IllegalArgumentException("column " + policy.name() + " is part of the primary key of table "
                    + found.table() + ": rewriting it would change the rows' identity");
        }
        String table = (found.schema() == null ? "" : quoted(found.schema(), quote) + ".")
                + quoted(found.table(), quote);
        return new StoredTable(table, key.stream().map(k -> quoted(k, quote)).toList(), quoted(found.column(), quote));
    }

    /**
     * Finds {@code policy}'s column as {@link #resolve} does, whatever its type, for tools that also work on plaintext
     * columns ({@code cloak migrate encrypt}); nothing is checked but that it exists once.
     */
    static Found locate(Connection connection, ColumnPolicy policy) throws SQLException {
        return find(connection, connection.getMetaData(), policy);
    }

    /** The primary key's columns, in key order, as the database stores their names. */
    static List<String> primaryKeyOf(Connection connection, Found found) throws SQLException {
        return primaryKey(connection.getMetaData(), found);
    }

    /** The table's and column's names as the database stores them. */
    record Found(String catalog, String schema, String table, String column, int dataType, String typeName) {
    }

    private static Found find(Connection connection, DatabaseMetaData metadata, ColumnPolicy policy)
            throws SQLException {
        String escape = metadata.getSearchStringEscape();
        String catalog = connection.getCatalog();
        Map<String, Found> bySchema = new LinkedHashMap<>();
        for (String table : spellings(policy.table(), policy.quoted())) {
            try (ResultSet columns = metadata.getColumns(catalog, null, pattern(table, escape), null)) {
                while (columns.next()) {
                    Found candidate = new Found(columns.getString("TABLE_CAT"), columns.getString("TABLE_SCHEM"),
                            columns.getString("TABLE_NAME"), columns.getString("COLUMN_NAME"),
                            columns.getInt("DATA_TYPE"), columns.getString("TYPE_NAME"));
                    if (same(candidate.table(), policy.table(), policy.quoted())
                            && same(candidate.column(), policy.column(), policy.quoted())
                            && (policy.schema() == null
                                    || same(candidate.schema(), policy.schema(), policy.quoted()))) {
                        bySchema.putIfAbsent(String.valueOf(candidate.schema()), candidate);
                    }
                }
            }
        }
        if (bySchema.isEmpty()) {
            throw new IllegalArgumentException("the database has no column " + policy.name()
                    + " (as the policy names it): check --url and the table");
        }
        if (bySchema.size() == 1) {
            return bySchema.values().iterator().next();
        }
        String current = connection.getSchema();
        for (Found candidate : bySchema.values()) {
            if (current != null && current.equals(candidate.schema())) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("table " + policy.table() + " exists in several schemas ("
                + String.join(", ", bySchema.keySet()) + "): name the schema in the policy");
    }

    private static List<String> primaryKey(DatabaseMetaData metadata, Found found) throws SQLException {
        Map<Integer, String> bySequence = new TreeMap<>();
        try (ResultSet keys = metadata.getPrimaryKeys(found.catalog(), found.schema(), found.table())) {
            while (keys.next()) {
                bySequence.put(keys.getInt("KEY_SEQ"), keys.getString("COLUMN_NAME"));
            }
        }
        return List.copyOf(bySequence.values());
    }

    /** The spellings an identifier may be stored under: unquoted names are folded by the database. */
    private static Set<String> spellings(String name, boolean quoted) {
        Set<String> spellings = new LinkedHashSet<>();
        spellings.add(name);
        if (!quoted) {
            spellings.add(name.toUpperCase(Locale.ROOT));
            spellings.add(name.toLowerCase(Locale.ROOT));
        }
        return spellings;
    }

    private static boolean same(String stored, String named, boolean quoted) {
        return stored != null && (quoted ? stored.equals(named) : stored.equalsIgnoreCase(named));
    }

    /** A metadata search pattern that matches {@code name} only: {@code _} and {@code %} are wildcards there. */
    private static String pattern(String name, String escape) {
        if (escape == null || escape.isEmpty()) {
            return name;
        }
        StringBuilder pattern = new StringBuilder(name.length() + 8);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '_' || c == '%' || escape.indexOf(c) >= 0) {
                pattern.append(escape);
            }
            pattern.append(c);
        }
        return pattern.toString();
    }

    /** Quoted with the database's quote, doubling quotes inside, so the stored spelling is used exactly. */
    static String quoted(String identifier, String quote) {
        if (quote.isEmpty()) {
            return identifier;
        }
        return quote + identifier.replace(quote, quote + quote) + quote;
    }
}
