package dev.cloak.driver.internal.policy;

import dev.cloak.rewriter.Catalog;
import dev.cloak.rewriter.Dialect;
import dev.cloak.rewriter.ViewDefinition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rewriter's {@link Catalog} over one connection's own session, so it sees what that session sees (a table or
 * view created earlier in its open transaction too): a table's columns and primary key through
 * {@link CatalogColumns}, and the views of the database with their definitions, a table's partition key and trigger
 * functions from the dialect's catalog tables. A failure is logged and answered with null; the rewriter then
 * refuses what needs the answer, and asks again later.
 */
final class ConnectionCatalog implements Catalog {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionCatalog.class);

    /** PostgreSQL views and materialized views, with pg_get_viewdef's text (shown to every user, unlike
     * information_schema's, which only the owner sees). */
    private static final String POSTGRESQL_VIEWS = "SELECT schemaname, viewname, definition FROM pg_catalog.pg_views"
            + " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            + " UNION ALL SELECT schemaname, matviewname, definition FROM pg_catalog.pg_matviews";
    private static final String POSTGRESQL_COLUMNS = "SELECT n.nspname, c.relname, a.attname"
            + " FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind IN ('v', 'm') AND a.attnum > 0 AND NOT a.attisdropped"
            + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY n.nspname, c.relname, a.attnum";
    /** A function without arguments (a trigger function): its language and source; no row when there is none. */
    private static final String POSTGRESQL_FUNCTION = "SELECT l.lanname, p.prosrc FROM pg_catalog.pg_proc p"
            + " JOIN pg_catalog.pg_language l ON l.oid = p.prolang WHERE p.oid = pg_catalog.to_regprocedure(?)";
    /** The tables whose (user) triggers run a function without arguments. */
    private static final String POSTGRESQL_TRIGGER_TABLES = "SELECT n.nspname, c.relname FROM pg_catalog.pg_trigger t"
            + " JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE NOT t.tgisinternal AND t.tgfoid = pg_catalog.to_regprocedure(?)";
    /** A table's partition key, the name resolved as the server resolves it; false first when there is none. */
    private static final String POSTGRESQL_PARTITION_KEY = "SELECT c IS NOT NULL, pg_catalog.pg_get_partkeydef(c)"
            + " FROM pg_catalog.to_regclass(?) AS c";
    /** A table's partitioning method and expression (null when not partitioned); no row when there is no table. */
    private static final String MARIADB_PARTITION_KEY = "SELECT PARTITION_METHOD, PARTITION_EXPRESSION"
            + " FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?"
            + " LIMIT 1";
    private static final String MARIADB_VIEWS = "SELECT TABLE_SCHEMA, TABLE_NAME, VIEW_DEFINITION"
            + " FROM information_schema.VIEWS"
            + " WHERE TABLE_SCHEMA NOT IN ('mysql', 'sys', 'information_schema', 'performance_schema')";
    private static final String MARIADB_COLUMNS = "SELECT c.TABLE_SCHEMA, c.TABLE_NAME, c.COLUMN_NAME"
            + " FROM information_schema.COLUMNS c JOIN information_schema.VIEWS v"
            + " ON v.TABLE_SCHEMA = c.TABLE_SCHEMA AND v.TABLE_NAME = c.TABLE_NAME"
            + " ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION";
    private static final String H2_VIEWS = "SELECT TABLE_SCHEMA, TABLE_NAME, VIEW_DEFINITION"
            + " FROM INFORMATION_SCHEMA.VIEWS WHERE TABLE_SCHEMA <> 'INFORMATION_SCHEMA'";
    private static final String H2_COLUMNS = "SELECT c.TABLE_SCHEMA, c.TABLE_NAME, c.COLUMN_NAME"
            + " FROM INFORMATION_SCHEMA.COLUMNS c JOIN INFORMATION_SCHEMA.VIEWS v"
            + " ON v.TABLE_SCHEMA = c.TABLE_SCHEMA AND v.TABLE_NAME = c.TABLE_NAME"
            + " ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION";

    /** A relation's columns in order, resolved as the server resolves the name ({@code pg_temp}, search path). */
    private static final String POSTGRESQL_RESOLVED_COLUMNS = "SELECT a.attname FROM pg_catalog.pg_attribute a"
            + " WHERE a.attrelid = pg_catalog.to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped"
            + " ORDER BY a.attnum";
    private static final String H2_RESOLVED_COLUMNS = "SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS"
            + " WHERE TABLE_SCHEMA = COALESCE(?, SCHEMA()) AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION";

    private final Connection connection;
    private final CatalogColumns columns;
    private final Dialect dialect;

    /** @param connection the raw connection statements run on (not Cloak's wrapper) */
    ConnectionCatalog(Connection connection, CatalogColumns columns, Dialect dialect) {
        this.connection = connection;
        this.columns = columns;
        this.dialect = dialect;
    }

    @Override
    public List<String> columns(String schema, String table) {
        return metadata("columns", table, () -> columns.of(connection, dialect, schema, table));
    }

    /**
     * The columns, in order, of the table the server takes the name for on this connection: a temporary table, the
     * first schema of the search path that holds one, the connection's database. Empty when there is no such table,
     * or when Cloak does not know the database's catalog.
     *
     * @param schema the schema as a SQL text names it (quotes kept), or null
     * @param table  the table as a SQL text names it (quotes kept)
     */
    List<String> resolvedColumns(String schema, String table) throws SQLException {
        if (dialect == null) {
            return List.of();
        }
        return guarded(() -> switch (dialect) {
            case POSTGRESQL -> names(POSTGRESQL_RESOLVED_COLUMNS, (schema == null ? "" : schema + ".") + table);
            case H2 -> names(H2_RESOLVED_COLUMNS, schema == null ? null : h2Name(schema), h2Name(table));
            case MARIADB -> {
                // SHOW COLUMNS resolves a temporary table first, as a statement does
                String name = (schema == null ? "" : backquoted(schema) + ".") + backquoted(table);
                List<String> names = new ArrayList<>();
                try (Statement statement = connection.createStatement();
                     ResultSet rs = statement.executeQuery("SHOW COLUMNS FROM " + name)) {
                    while (rs.next()) {
                        names.add(rs.getString("Field"));
                    }
                }
                yield names;
            }
        });
    }

    private List<String> names(String query, String... parameters) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    /** H2 folds an unquoted name to upper case and keeps a quoted one. */
    private static String h2Name(String name) {
        return name.startsWith("\"") && name.endsWith("\"") && name.length() >= 2
                ? name.substring(1, name.length() - 1).replace("\"\"", "\"") : name.toUpperCase(Locale.ROOT);
    }

    /** A MariaDB name as a text writes it (bare, backquoted or double-quoted), backquoted. */
    private static String backquoted(String name) {
        return "`" + bare(name).replace("`", "``") + "`";
    }

    /** A MariaDB name as a text writes it (bare, backquoted or double-quoted), without its quotes. */
    private static String bare(String name) {
        return name.length() >= 2 && (name.startsWith("`") && name.endsWith("`")
                || name.startsWith("\"") && name.endsWith("\""))
                ? name.substring(1, name.length() - 1).replace(name.substring(0, 1) + name.charAt(0),
                        name.substring(0, 1)) : name;
    }

    @Override
    public List<String> primaryKey(String schema, String table) {
        return metadata("primary key", table, () -> columns.primaryKey(connection, dialect, schema, table));
    }

    /** What the metadata says of a table; null, logged, when it cannot be read. */
    private List<String> metadata(String what, String table, Read<List<String>> read) {
        try {
            return guarded(read);
        } catch (SQLException e) {
            LOG.warn("Cloak could not read the {} of table {} from the database's metadata (SQLState {})", what,
                    table, e.getSQLState());
            return null;
        }
    }

    @Override
    public FunctionSource triggerFunction(String name) {
        return functionQuery(POSTGRESQL_FUNCTION, name, "a trigger function", rs -> rs.next()
                ? new FunctionSource(rs.getString(1), rs.getString(2)) : new FunctionSource(null, null));
    }

    @Override
    public List<Relation> triggerTables(String name) {
        return functionQuery(POSTGRESQL_TRIGGER_TABLES, name, "which triggers run a function", rs -> {
            List<Relation> tables = new ArrayList<>();
            while (rs.next()) {
                tables.add(new Relation(rs.getString(1), rs.getString(2)));
            }
            return tables;
        });
    }

    /**
     * Runs a PostgreSQL catalog query whose one parameter is {@code function()}; null on another database or when the
     * read fails ({@code what} names it in the warning).
     */
    private <T> T functionQuery(String query, String function, String what, Rows<T> rows) {
        return dialect == Dialect.POSTGRESQL ? catalogQuery(query, what, rows, function + "()") : null;
    }

    /**
     * The partition key as PostgreSQL's {@code pg_get_partkeydef} prints it, or MariaDB's partitioning method and
     * expression; empty for a table that is not partitioned; null when there is no such table, on another
     * database, or when the read fails.
     */
    @Override
    public String partitionKey(String schema, String table) {
        if (dialect == Dialect.POSTGRESQL) {
            return catalogQuery(POSTGRESQL_PARTITION_KEY, "a table's partition key", rs -> rs.next()
                    && rs.getBoolean(1) ? Objects.toString(rs.getString(2), "") : null,
                    (schema == null ? "" : schema + ".") + table);
        }
        if (dialect == Dialect.MARIADB) {
            return catalogQuery(MARIADB_PARTITION_KEY, "a table's partition key", rs -> !rs.next() ? null
                    : rs.getString(1) == null ? "" : rs.getString(1) + " (" + rs.getString(2) + ")",
                    schema == null ? null : bare(schema), bare(table));
        }
        return null;
    }

    /** Runs a catalog query with string parameters; null when the read fails ({@code what} names it in the warning). */
    private <T> T catalogQuery(String query, String what, Rows<T> rows, String... parameters) {
        try {
            return guarded(() -> {
                try (PreparedStatement statement = connection.prepareStatement(query)) {
                    for (int i = 0; i < parameters.length; i++) {
                        statement.setString(i + 1, parameters[i]);
                    }
                    try (ResultSet rs = statement.executeQuery()) {
                        return rows.read(rs);
                    }
                }
            });
        } catch (SQLException e) {
            LOG.warn("Cloak could not read {} from the database's catalog (SQLState {})", what, e.getSQLState());
            return null;
        }
    }

    /** Every view and its columns; none for a database whose catalog Cloak does not know. */
    @Override
    public List<ViewDefinition> views() {
        if (dialect == null) {
            return List.of();
        }
        String views = switch (dialect) {
            case POSTGRESQL -> POSTGRESQL_VIEWS;
            case MARIADB -> MARIADB_VIEWS;
            case H2 -> H2_VIEWS;
        };
        String viewColumns = switch (dialect) {
            case POSTGRESQL -> POSTGRESQL_COLUMNS;
            case MARIADB -> MARIADB_COLUMNS;
            case H2 -> H2_COLUMNS;
        };
        try {
            return guarded(() -> read(views, viewColumns));
        } catch (SQLException e) {
            LOG.warn("Cloak could not read the views from the database's catalog (SQLState {}); it tries again later,"
                    + " and until then knows only the views it read before or saw created", e.getSQLState());
            return null;
        }
    }

    private List<ViewDefinition> read(String views, String viewColumns) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            Map<List<String>, String> definitions = new LinkedHashMap<>();
            try (ResultSet rs = statement.executeQuery(views)) {
                while (rs.next()) {
                    definitions.put(List.of(rs.getString(1), rs.getString(2)), rs.getString(3));
                }
            }
            Map<List<String>, List<String>> columnsByView = new LinkedHashMap<>();
            try (ResultSet rs = statement.executeQuery(viewColumns)) {
                while (rs.next()) {
                    columnsByView.computeIfAbsent(List.of(rs.getString(1), rs.getString(2)), k -> new ArrayList<>())
                            .add(rs.getString(3));
                }
            }
            List<ViewDefinition> found = new ArrayList<>();
            definitions.forEach((name, definition) -> found.add(new ViewDefinition(name.get(0), name.get(1),
                    columnsByView.getOrDefault(name, List.of()), definition)));
            return found;
        }
    }

    /** A catalog read that runs inside the application's open transaction must not end it if it fails. */
    private <T> T guarded(Read<T> read) throws SQLException {
        if (connection.getAutoCommit()) {
            return read.run();
        }
        Savepoint savepoint = connection.setSavepoint();
        try {
            T result = read.run();
            connection.releaseSavepoint(savepoint);
            return result;
        } catch (SQLException e) {
            connection.rollback(savepoint);
            throw e;
        }
    }

    /** One read of the catalog. */
    @FunctionalInterface
    private interface Read<T> {
        T run() throws SQLException;
    }

    /** What a catalog query's rows give. */
    @FunctionalInterface
    private interface Rows<T> {
        T read(ResultSet rs) throws SQLException;
    }
}
