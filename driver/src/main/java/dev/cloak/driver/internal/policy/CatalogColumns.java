package dev.cloak.driver.internal.policy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cloak.rewriter.Dialect;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The column order of the tables an INSERT without a column list fills, as {@link DatabaseMetaData#getColumns}
 * reports it, and the primary keys of the tables a {@code SELECT DISTINCT} reads, as
 * {@link DatabaseMetaData#getPrimaryKeys} does: read once per table and policy, kept for the key cache's TTL, and
 * dropped when Cloak plans DDL that changes the table. Thread-safe.
 */
final class CatalogColumns {

    /** A table as a SQL text names it (schema null when it names none), quotes kept. */
    private record TableName(String schema, String table) {
    }

    private final Cache<TableName, List<String>> columns;
    private final Cache<TableName, List<String>> primaryKeys;

    CatalogColumns(Duration ttl) {
        this.columns = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(10_000).build();
        this.primaryKeys = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(10_000).build();
    }

    /**
     * The table's columns in order, read over {@code connection} when not cached; null when the metadata does not
     * name exactly one table by that name (nothing is cached then).
     */
    List<String> of(Connection connection, Dialect dialect, String schema, String table) throws SQLException {
        TableName key = new TableName(schema, table);
        List<String> cached = columns.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        List<String> read = read(connection, dialect, schema, table);
        if (read != null) {
            columns.put(key, read);
        }
        return read;
    }

    /**
     * The columns of the table's primary key in key order, read over {@code connection} when not cached; empty when
     * it has none; null when the metadata does not name exactly one table by that name (nothing is cached then).
     */
    List<String> primaryKey(Connection connection, Dialect dialect, String schema, String table) throws SQLException {
        TableName key = new TableName(schema, table);
        List<String> cached = primaryKeys.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        if (of(connection, dialect, schema, table) == null) {
            return null;
        }
        List<String> read = read(connection, dialect, schema, table, CatalogColumns::keyNames);
        List<String> found = read == null ? List.of() : read;
        primaryKeys.put(key, found);
        return found;
    }

    /** Forgets the tables of these lower-case names, in any schema. */
    void invalidate(Set<String> lowerCaseTables) {
        for (Cache<TableName, List<String>> cache : List.of(columns, primaryKeys)) {
            cache.asMap().keySet()
                    .removeIf(key -> lowerCaseTables.contains(unquoted(key.table()).toLowerCase(Locale.ROOT)));
        }
    }

    /** Forgets the table a SQL text names so (quotes kept), in any schema. */
    void invalidate(String table) {
        invalidate(Set.of(unquoted(table).toLowerCase(Locale.ROOT)));
    }

    private static List<String> read(Connection connection, Dialect dialect, String schema, String table)
            throws SQLException {
        return read(connection, dialect, schema, table, CatalogColumns::names);
    }

    /** One reading of the metadata about a table named exactly: its columns, or its key's. */
    @FunctionalInterface
    private interface Names {
        List<String> of(DatabaseMetaData metaData, String catalog, String schema, String table) throws SQLException;
    }

    /** What {@code names} reads under the one spelling of the table that gives an answer; null when not one. */
    private static List<String> read(Connection connection, Dialect dialect, String schema, String table,
                                     Names reader) throws SQLException {
        DatabaseMetaData metaData = connection.getMetaData();
        String current = dialect == Dialect.MARIADB ? connection.getCatalog() : connection.getSchema();
        List<String> schemas = schema == null ? Collections.singletonList(current) : spellings(schema);
        Set<List<String>> found = new LinkedHashSet<>();
        for (String tableSpelling : spellings(table)) {
            for (String schemaSpelling : schemas) {
                List<String> names = dialect == Dialect.MARIADB
                        ? reader.of(metaData, schemaSpelling, null, tableSpelling)
                        : reader.of(metaData, connection.getCatalog(), schemaSpelling, tableSpelling);
                if (!names.isEmpty()) {
                    found.add(names);
                }
            }
        }
        return found.size() == 1 ? List.copyOf(found.iterator().next()) : null;
    }

    private static List<String> names(DatabaseMetaData metaData, String catalog, String schema, String table)
            throws SQLException {
        String escape = metaData.getSearchStringEscape();
        List<String> names = new ArrayList<>();
        try (ResultSet rs = metaData.getColumns(catalog, escaped(schema, escape), escaped(table, escape), "%")) {
            while (rs.next()) {
                names.add(rs.getString("COLUMN_NAME"));
            }
        }
        return names;
    }

    /** The columns of the primary key of the table named exactly so, in key order. */
    private static List<String> keyNames(DatabaseMetaData metaData, String catalog, String schema, String table)
            throws SQLException {
        Map<Short, String> byPosition = new TreeMap<>();
        try (ResultSet rs = metaData.getPrimaryKeys(catalog, schema, table)) {
            while (rs.next()) {
                byPosition.put(rs.getShort("KEY_SEQ"), rs.getString("COLUMN_NAME"));
            }
        }
        return new ArrayList<>(byPosition.values());
    }

    /** Quoted names as written; unquoted ones as written, upper- and lower-case (databases fold differently). */
    private static List<String> spellings(String name) {
        if (name.length() > 1 && (name.charAt(0) == '"' || name.charAt(0) == '`')) {
            return List.of(unquoted(name));
        }
        return List.copyOf(new LinkedHashSet<>(
                List.of(name, name.toUpperCase(Locale.ROOT), name.toLowerCase(Locale.ROOT))));
    }

    private static String unquoted(String name) {
        if (name.length() > 1 && (name.charAt(0) == '"' || name.charAt(0) == '`')) {
            String quote = name.substring(0, 1);
            return name.substring(1, name.length() - 1).replace(quote + quote, quote);
        }
        return name;
    }

    private static String escaped(String pattern, String escape) {
        if (pattern == null || escape == null || escape.isEmpty()) {
            return pattern;
        }
        return pattern.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }
}
