package dev.cloak.cli;

import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.internal.migration.MigrationDirection;
import dev.cloak.driver.internal.policy.RewriterColumns;
import dev.cloak.rewriter.Dialect;
import dev.cloak.rewriter.EncryptedSchema;
import dev.cloak.rewriter.SqlRewriter;
import dev.cloak.rewriter.UnsupportedStatementException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The DDL of a shadow migration on PostgreSQL, MariaDB and H2: the shadow column and its indexes, the trigger that
 * empties a row's copy whenever the row's value changes (so a copy is never older than its value, whoever writes the
 * row), the renames of the cut-over and their reversal, and dropping what is left at the end.
 *
 * <p>The trigger is the migration's invariant, on every writer (Cloak or not): a non-NULL copy was written by the
 * backfill with compare-and-set against the value the row holds, and any later change of the value emptied it again.
 * So once no row has a value without a copy, every copy is right, which the cut-over checks under the table's lock.
 */
final class ShadowSchema {

    private final MigratedColumn m;

    ShadowSchema(MigratedColumn column) {
        this.m = column;
    }

    /** The binary type of a shadow of cells for the column's declared type, as Cloak's DDL rewriting sizes it. */
    String cellType(String declaredType) {
        ColumnPolicy p = m.policy();
        ColumnPolicy shadowPolicy = new ColumnPolicy(p.schema(), p.table(), m.shadow(), p.quoted(), p.type(),
                p.mode(), p.keyDomain(), p.pad(), p.size(), p.scale(), p.padBuckets());
        SqlRewriter rewriter = new SqlRewriter(EncryptedSchema.of(List.of(RewriterColumns.of(shadowPolicy))), 0,
                m.dialect());
        String ddl = "ALTER TABLE " + m.q(m.found().table()) + " ADD COLUMN " + m.q(m.shadow()) + " " + declaredType;
        try {
            String sent = rewriter.plan(ddl).sql();
            return sent.substring(sent.indexOf(m.q(m.shadow())) + m.q(m.shadow()).length()).strip();
        } catch (UnsupportedStatementException e) {
            throw new IllegalArgumentException("cannot size the shadow column of " + p.name() + ": " + e.getMessage(),
                    e);
        }
    }

    /** The column's declared type as DDL writes it, read from the catalog. */
    String declaredType(Connection connection) throws SQLException {
        if (m.dialect() == Dialect.MARIADB) {
            try (PreparedStatement s = connection.prepareStatement("SELECT COLUMN_TYPE FROM information_schema.COLUMNS "
                    + "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?")) {
                s.setString(1, m.found().table());
                s.setString(2, m.column());
                try (ResultSet r = s.executeQuery()) {
                    if (r.next()) {
                        return r.getString(1);
                    }
                }
            }
        }
        try (ResultSet c = connection.getMetaData().getColumns(m.found().catalog(), m.found().schema(),
                m.found().table(), m.column())) {
            while (c.next()) {
                if (c.getString("COLUMN_NAME").equals(m.column())) {
                    String type = c.getString("TYPE_NAME");
                    int size = c.getInt("COLUMN_SIZE");
                    boolean sized = type.toLowerCase().contains("char") && size > 0 && size < Integer.MAX_VALUE;
                    return sized ? "VARCHAR(" + size + ")" : type;
                }
            }
        }
        throw new IllegalArgumentException("the database has no column " + m.policy().name());
    }

    /** Adds the shadow column, NULL in every row. */
    void addShadow(Connection connection, String type) throws SQLException {
        execute(connection, "ALTER TABLE " + m.table() + " ADD COLUMN " + m.q(m.shadow()) + " " + type);
    }

    /**
     * The trigger: a row inserted, or updated with a new value in {@code watched}, gets NULL in {@code cleared}. The
     * backfill writes {@code cleared} only, so it keeps what it wrote.
     */
    void createTrigger(Connection connection, String watched, String cleared) throws SQLException {
        String name = m.objectName("cloak_mig");
        String w = m.q(watched);
        String c = m.q(cleared);
        switch (m.dialect()) {
            case POSTGRESQL -> {
                execute(connection, "CREATE OR REPLACE FUNCTION " + name + "() RETURNS trigger LANGUAGE plpgsql AS $$ "
                        + "BEGIN IF TG_OP = 'INSERT' OR NEW." + w + " IS DISTINCT FROM OLD." + w + " THEN NEW." + c
                        + " := NULL; END IF; RETURN NEW; END $$");
                execute(connection, "CREATE TRIGGER " + name + " BEFORE INSERT OR UPDATE ON " + m.table()
                        + " FOR EACH ROW EXECUTE FUNCTION " + name + "()");
            }
            case MARIADB -> {
                execute(connection, "CREATE TRIGGER " + name + "_i BEFORE INSERT ON " + m.table()
                        + " FOR EACH ROW SET NEW." + c + " = NULL");
                // BINARY: a change of case or trailing spaces is a change, whatever the column's collation says
                execute(connection, "CREATE TRIGGER " + name + "_u BEFORE UPDATE ON " + m.table()
                        + " FOR EACH ROW IF NOT (BINARY NEW." + w + " <=> BINARY OLD." + w + ") THEN SET NEW." + c
                        + " = NULL; END IF");
            }
            case H2 -> execute(connection, "CREATE TRIGGER " + h2TriggerName(watched, cleared) + " BEFORE INSERT, "
                    + "UPDATE ON " + m.table() + " FOR EACH ROW CALL '" + H2ShadowTrigger.class.getName() + "'");
            default -> throw new IllegalStateException("unreachable");
        }
    }

    /** Drops the trigger (whichever way round it was made). */
    void dropTrigger(Connection connection, String watched, String cleared) throws SQLException {
        String name = m.objectName("cloak_mig");
        switch (m.dialect()) {
            case POSTGRESQL -> {
                execute(connection, "DROP TRIGGER IF EXISTS " + name + " ON " + m.table());
                execute(connection, "DROP FUNCTION IF EXISTS " + name + "()");
            }
            case MARIADB -> {
                execute(connection, "DROP TRIGGER IF EXISTS " + name + "_i");
                execute(connection, "DROP TRIGGER IF EXISTS " + name + "_u");
            }
            case H2 -> execute(connection, "DROP TRIGGER IF EXISTS " + h2TriggerName(watched, cleared));
            default -> throw new IllegalStateException("unreachable");
        }
    }

    /** H2 hands its trigger class only the trigger's name: the two columns travel in it. */
    private static String h2TriggerName(String watched, String cleared) {
        return "CLOAK_MIG_" + HexFormat.of().formatHex((watched + "\u0000" + cleared).getBytes(StandardCharsets.UTF_8))
                .toUpperCase();
    }

    /**
     * The indexes (unique ones being the point) that hold {@code column}, by name, each with its columns in order
     * and whether it is unique; primary keys are not among them.
     */
    Map<String, Index> indexesOn(Connection connection, String column) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        Map<String, TreeMap<Integer, String>> columns = new LinkedHashMap<>();
        Map<String, Boolean> unique = new LinkedHashMap<>();
        try (ResultSet r = meta.getIndexInfo(m.found().catalog(), m.found().schema(), m.found().table(), false,
                false)) {
            while (r.next()) {
                String name = r.getString("INDEX_NAME");
                String col = r.getString("COLUMN_NAME");
                if (name == null || col == null) {
                    continue;
                }
                columns.computeIfAbsent(name, n -> new TreeMap<>()).put(r.getInt("ORDINAL_POSITION"), col);
                unique.put(name, !r.getBoolean("NON_UNIQUE"));
            }
        }
        Map<String, Index> holding = new LinkedHashMap<>();
        for (Map.Entry<String, TreeMap<Integer, String>> e : columns.entrySet()) {
            List<String> cols = List.copyOf(e.getValue().values());
            boolean primary = e.getKey().equalsIgnoreCase("PRIMARY") || e.getKey().toLowerCase().endsWith("_pkey")
                    || e.getKey().toUpperCase().startsWith("PRIMARY_KEY");
            if (cols.contains(column) && !primary) {
                holding.put(e.getKey(), new Index(e.getKey(), cols, unique.get(e.getKey())));
            }
        }
        return holding;
    }

    /** Creates, for every index on the column, the same index with the shadow in the column's place. */
    List<String> copyIndexes(Connection connection, Map<String, Index> indexes) throws SQLException {
        List<String> created = new ArrayList<>();
        for (Index index : indexes.values()) {
            String name = shadowIndexName(index.name());
            List<String> cols = index.columns().stream().map(c -> m.q(c.equals(m.column()) ? m.shadow() : c)).toList();
            execute(connection, "CREATE " + (index.unique() ? "UNIQUE " : "") + "INDEX " + m.q(name) + " ON "
                    + m.table() + " (" + String.join(", ", cols) + ")");
            created.add(name);
        }
        return created;
    }

    /** The name of the shadow's copy of an index. */
    String shadowIndexName(String index) {
        String base = index + (index.equals(index.toUpperCase()) && !index.equals(index.toLowerCase()) ? "_CLOAK"
                : "_cloak");
        return base.length() <= 60 ? base : base.substring(0, 52) + Integer.toHexString(base.hashCode());
    }

    /** Drops an index (or the UNIQUE constraint behind it) of the table. */
    void dropIndex(Connection connection, String index) throws SQLException {
        switch (m.dialect()) {
            case MARIADB -> execute(connection, "DROP INDEX " + m.q(index) + " ON " + m.table());
            default -> {
                String schema = m.found().schema() == null ? "" : m.q(m.found().schema()) + ".";
                if (!executeIfConstraint(connection, index)) {
                    execute(connection, "DROP INDEX IF EXISTS " + schema + m.q(index));
                }
            }
        }
    }

    /** Drops the constraint behind {@code index}, if a constraint (UNIQUE, PRIMARY KEY) owns it. */
    private boolean executeIfConstraint(Connection connection, String index) throws SQLException {
        // PostgreSQL names a constraint's index after it; H2 names the index apart and records it
        String column = m.dialect() == Dialect.H2 ? "index_name" : "constraint_name";
        String constraint = null;
        try (PreparedStatement s = connection.prepareStatement("SELECT constraint_name FROM "
                + "information_schema.table_constraints WHERE " + column + " = ? AND table_name = ?")) {
            s.setString(1, index);
            s.setString(2, m.found().table());
            try (ResultSet r = s.executeQuery()) {
                if (r.next()) {
                    constraint = r.getString(1);
                }
            }
        }
        if (constraint == null) {
            return false;
        }
        execute(connection, "ALTER TABLE " + m.table() + " DROP CONSTRAINT " + m.q(constraint));
        return true;
    }

    /** Drops a column. */
    void dropColumn(Connection connection, String column) throws SQLException {
        execute(connection, "ALTER TABLE " + m.table() + " DROP COLUMN " + m.q(column));
    }

    /** What a swap does to the CHECKs Cloak keeps on the column that takes the name. */
    enum Check {
        /** Encrypt: a CHECK refuses a value that is not a Cloak cell (MariaDB, H2; PostgreSQL's bytea refuses text). */
        ADD_CELL,
        /** Decrypt, and the rollback of an encryption: that CHECK goes. */
        DROP_CELL,
        /** Re-key: a CHECK refuses a cell under another key version than the new one (every dialect). */
        ADD_KEY_VERSION,
        /** The rollback of a re-key: that CHECK goes. */
        DROP_KEY_VERSION
    }

    /**
     * The cut-over's DDL, run while the table is locked and no row has a value without a copy: the column takes the
     * retained name and admits NULL, the shadow takes the column's name and its NOT NULL, and a CHECK changes as
     * {@code check} says: after an encryption on MariaDB and H2 one refuses a stored value that is not a Cloak cell (an
     * instance that has not yet read the new state writing plaintext; PostgreSQL's bytea refuses text already), after
     * a re-key one refuses a cell under another key version (an instance that has not yet read the new state writing
     * under the old version). On MariaDB all of it is one ALTER TABLE, so no reader ever sees one rename without the
     * other (MariaDB has no transactional DDL; the table lock covers the catch-up before).
     *
     * @param shadowType  the shadow's type, to restate it on MariaDB
     * @param columnType  the column's declared type, to restate it on MariaDB
     * @param check       what happens to Cloak's CHECK on the column
     * @param keyVersion  for {@link Check#ADD_KEY_VERSION}: the Tink key id every cell must carry
     */
    void swap(Connection connection, String from, String to, String parked, String shadowType, String columnType,
              boolean notNull, Check check, int keyVersion) throws SQLException {
        String cellCheck = m.objectName("cloak_cell");
        String keyCheck = m.objectName("cloak_key");
        String versionBytes = HexFormat.of().formatHex(new byte[] {(byte) (keyVersion >>> 24),
                (byte) (keyVersion >>> 16), (byte) (keyVersion >>> 8), (byte) keyVersion}).toUpperCase();
        switch (m.dialect()) {
            case POSTGRESQL -> {
                if (check == Check.DROP_KEY_VERSION) {
                    execute(connection, "ALTER TABLE " + m.table() + " DROP CONSTRAINT IF EXISTS " + keyCheck);
                }
                execute(connection, "ALTER TABLE " + m.table() + " RENAME COLUMN " + m.q(from) + " TO " + m.q(parked));
                execute(connection, "ALTER TABLE " + m.table() + " RENAME COLUMN " + m.q(to) + " TO " + m.q(from));
                execute(connection, "ALTER TABLE " + m.table() + " ALTER COLUMN " + m.q(parked) + " DROP NOT NULL");
                if (notNull) {
                    execute(connection, "ALTER TABLE " + m.table() + " ALTER COLUMN " + m.q(from) + " SET NOT NULL");
                }
                if (check == Check.ADD_KEY_VERSION) {
                    // NOT VALID: every row was checked under the lock already; the table is not scanned again
                    execute(connection, "ALTER TABLE " + m.table() + " ADD CONSTRAINT " + keyCheck + " CHECK ("
                            + m.q(from) + " IS NULL OR substring(" + m.q(from) + " from 4 for 4) = '\\x"
                            + versionBytes + "'::bytea) NOT VALID");
                }
            }
            case MARIADB -> {
                List<String> parts = new ArrayList<>();
                parts.add("CHANGE COLUMN " + m.q(from) + " " + m.q(parked) + " " + columnType + " NULL");
                parts.add("CHANGE COLUMN " + m.q(to) + " " + m.q(from) + " " + shadowType
                        + (notNull ? " NOT NULL" : " NULL"));
                switch (check) {
                    case ADD_CELL -> parts.add("ADD CONSTRAINT " + cellCheck + " CHECK (" + m.q(from) + " IS NULL OR "
                            + "LEFT(" + m.q(from) + ", 1) = X'01')");
                    case DROP_CELL -> parts.add("DROP CONSTRAINT IF EXISTS " + cellCheck);
                    case ADD_KEY_VERSION -> parts.add("ADD CONSTRAINT " + keyCheck + " CHECK (" + m.q(from)
                            + " IS NULL OR SUBSTRING(" + m.q(from) + ", 4, 4) = X'" + versionBytes + "')");
                    case DROP_KEY_VERSION -> parts.add("DROP CONSTRAINT IF EXISTS " + keyCheck);
                    default -> throw new IllegalStateException("unreachable");
                }
                execute(connection, "ALTER TABLE " + m.table() + " " + String.join(", ", parts));
            }
            case H2 -> {
                if (check == Check.DROP_CELL) {
                    execute(connection, "ALTER TABLE " + m.table() + " DROP CONSTRAINT IF EXISTS " + cellCheck);
                } else if (check == Check.DROP_KEY_VERSION) {
                    execute(connection, "ALTER TABLE " + m.table() + " DROP CONSTRAINT IF EXISTS " + keyCheck);
                }
                execute(connection, "ALTER TABLE " + m.table() + " ALTER COLUMN " + m.q(from) + " RENAME TO "
                        + m.q(parked));
                execute(connection, "ALTER TABLE " + m.table() + " ALTER COLUMN " + m.q(to) + " RENAME TO "
                        + m.q(from));
                execute(connection, "ALTER TABLE " + m.table() + " ALTER COLUMN " + m.q(parked) + " SET NULL");
                if (notNull) {
                    execute(connection, "ALTER TABLE " + m.table() + " ALTER COLUMN " + m.q(from) + " SET NOT NULL");
                }
                if (check == Check.ADD_CELL) {
                    execute(connection, "ALTER TABLE " + m.table() + " ADD CONSTRAINT " + cellCheck + " CHECK ("
                            + m.q(from) + " IS NULL OR SUBSTRING(" + m.q(from) + " FROM 1 FOR 1) = X'01')");
                } else if (check == Check.ADD_KEY_VERSION) {
                    execute(connection, "ALTER TABLE " + m.table() + " ADD CONSTRAINT " + keyCheck + " CHECK ("
                            + m.q(from) + " IS NULL OR SUBSTRING(" + m.q(from) + " FROM 4 FOR 4) = X'" + versionBytes
                            + "')");
                }
            }
            default -> throw new IllegalStateException("unreachable");
        }
    }

    /** Drops the key-version CHECK a re-key's cut-over added (its finish: every instance writes the new version). */
    void dropKeyVersionCheck(Connection connection) throws SQLException {
        execute(connection, "ALTER TABLE " + m.table() + " DROP CONSTRAINT IF EXISTS " + m.objectName("cloak_key"));
    }

    /** The column's own type as DDL writes it, for a re-key's shadow (cells of the same size). */
    String cellColumnType(Connection connection) throws SQLException {
        if (m.dialect() == Dialect.MARIADB) {
            return declaredType(connection);
        }
        if (m.dialect() == Dialect.POSTGRESQL) {
            return "bytea";
        }
        try (ResultSet c = connection.getMetaData().getColumns(m.found().catalog(), m.found().schema(),
                m.found().table(), m.column())) {
            while (c.next()) {
                if (c.getString("COLUMN_NAME").equals(m.column())) {
                    int size = c.getInt("COLUMN_SIZE");
                    return size > 0 && size < 1_000_000_000 ? "VARBINARY(" + size + ")" : "VARBINARY";
                }
            }
        }
        throw new IllegalArgumentException("the database has no column " + m.policy().name());
    }

    /** Drops the CHECK that the cut-over of an encryption added (before a rollback renames the columns back). */
    void dropCellCheck(Connection connection) throws SQLException {
        if (m.dialect() != Dialect.POSTGRESQL) {
            execute(connection, "ALTER TABLE " + m.table() + " DROP CONSTRAINT IF EXISTS "
                    + m.objectName("cloak_cell"));
        }
    }

    /** Whether the column (as now named) admits NULL. */
    boolean nullable(Connection connection, String column) throws SQLException {
        try (ResultSet c = connection.getMetaData().getColumns(m.found().catalog(), m.found().schema(),
                m.found().table(), null)) {
            while (c.next()) {
                if (c.getString("COLUMN_NAME").equals(column)) {
                    return c.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls;
                }
            }
        }
        throw new IllegalArgumentException("table " + m.found().table() + " has no column " + column);
    }

    /** The type of a column as DDL writes it (MariaDB restates types when it changes a column). */
    String typeOf(Connection connection, String column) throws SQLException {
        if (m.dialect() != Dialect.MARIADB) {
            return null;
        }
        try (PreparedStatement s = connection.prepareStatement("SELECT COLUMN_TYPE FROM information_schema.COLUMNS "
                + "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?")) {
            s.setString(1, m.found().table());
            s.setString(2, column);
            try (ResultSet r = s.executeQuery()) {
                if (r.next()) {
                    return r.getString(1);
                }
            }
        }
        throw new IllegalArgumentException("table " + m.found().table() + " has no column " + column);
    }

    /** Whether the shadow column exists (a prepare interrupted after adding it). */
    boolean hasColumn(Connection connection, String column) throws SQLException {
        try (ResultSet c = connection.getMetaData().getColumns(m.found().catalog(), m.found().schema(),
                m.found().table(), null)) {
            while (c.next()) {
                if (c.getString("COLUMN_NAME").equals(column)) {
                    return true;
                }
            }
        }
        return false;
    }

    static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Which direction's column holds cells before the cut-over. */
    static boolean shadowHoldsCells(MigrationDirection direction) {
        return direction == MigrationDirection.ENCRYPT;
    }

    /** An index of the table: its name, its columns in order, whether it is unique. */
    record Index(String name, List<String> columns, boolean unique) {
    }
}
