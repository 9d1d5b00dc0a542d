package dev.cloak.driver.internal.migration;

import dev.cloak.keyring.store.DatabaseStates;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Table {@code cloak_migrations} (one row per column on its way in or out of encryption) and
 * {@code cloak_migration_ranges} (the primary-key ranges of a backfill, each with its checkpoint), in the
 * application's database beside the key store's tables, created like them with SQL that runs on H2, PostgreSQL and
 * MariaDB the first time a migration starts. Every Cloak instance reads {@code cloak_migrations}
 * ({@link ColumnMigrations}); only {@code cloak migrate} writes it. Each method runs on the connection it is given
 * and leaves committing to the caller.
 */
public final class MigrationStore {

    private static final String CREATE_MIGRATIONS = "CREATE TABLE IF NOT EXISTS cloak_migrations ("
            + "column_name VARCHAR(255) NOT NULL PRIMARY KEY, direction VARCHAR(16) NOT NULL, "
            + "state VARCHAR(32) NOT NULL, shadow_column VARCHAR(255) NOT NULL, "
            + "retained_column VARCHAR(255) NOT NULL, rows_done BIGINT DEFAULT 0 NOT NULL, "
            + "changed_at TIMESTAMP NOT NULL, from_version BIGINT, to_version BIGINT)";
    /** A table created before re-keys recorded key versions gets the two columns. */
    private static final List<String> ADD_VERSIONS = List.of(
            "ALTER TABLE cloak_migrations ADD COLUMN from_version BIGINT",
            "ALTER TABLE cloak_migrations ADD COLUMN to_version BIGINT");
    private static final String CREATE_RANGES = "CREATE TABLE IF NOT EXISTS cloak_migration_ranges ("
            + "column_name VARCHAR(255) NOT NULL, range_no INT NOT NULL, first_key BIGINT NOT NULL, "
            + "last_key BIGINT NOT NULL, done_through BIGINT, finished INT DEFAULT 0 NOT NULL, "
            + "PRIMARY KEY (column_name, range_no))";
    private static final String SELECT_ALL = "SELECT column_name, direction, state, shadow_column, retained_column, "
            + "rows_done, from_version, to_version FROM cloak_migrations ORDER BY column_name";
    private static final String SELECT_ONE = "SELECT column_name, direction, state, shadow_column, "
            + "retained_column, rows_done, from_version, to_version FROM cloak_migrations WHERE column_name = ?";
    private static final String INSERT = "INSERT INTO cloak_migrations (column_name, direction, state, "
            + "shadow_column, retained_column, rows_done, changed_at, from_version, to_version) "
            + "VALUES (?, ?, ?, ?, ?, 0, CURRENT_TIMESTAMP, ?, ?)";
    private static final String UPDATE_STATE = "UPDATE cloak_migrations SET state = ?, changed_at = CURRENT_TIMESTAMP "
            + "WHERE column_name = ? AND state = ?";
    private static final String ADD_ROWS = "UPDATE cloak_migrations SET rows_done = rows_done + ? "
            + "WHERE column_name = ?";
    private static final String DELETE = "DELETE FROM cloak_migrations WHERE column_name = ?";
    private static final String SELECT_RANGES = "SELECT range_no, first_key, last_key, done_through, finished "
            + "FROM cloak_migration_ranges WHERE column_name = ? ORDER BY range_no";
    private static final String INSERT_RANGE = "INSERT INTO cloak_migration_ranges (column_name, range_no, "
            + "first_key, last_key, done_through, finished) VALUES (?, ?, ?, ?, NULL, 0)";
    private static final String CHECKPOINT = "UPDATE cloak_migration_ranges SET done_through = ?, finished = ? "
            + "WHERE column_name = ? AND range_no = ?";
    private static final String DELETE_RANGES = "DELETE FROM cloak_migration_ranges WHERE column_name = ?";

    private MigrationStore() {
    }

    /** Creates both tables if they do not exist (needs the right to create tables, once). */
    public static void createTables(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(CREATE_MIGRATIONS);
            statement.execute(CREATE_RANGES);
        }
        boolean hasVersions;
        try (Statement statement = connection.createStatement();
             ResultSet ignored = statement.executeQuery("SELECT from_version, to_version FROM cloak_migrations "
                     + "WHERE 1 = 0")) {
            hasVersions = true;
        } catch (SQLException e) {
            hasVersions = false;
        }
        if (!hasVersions) {
            try (Statement statement = connection.createStatement()) {
                for (String sql : ADD_VERSIONS) {
                    statement.execute(sql);
                }
            }
        }
    }

    /** Every migration; none when the table does not exist. */
    public static List<ColumnMigration> list(Connection connection) throws SQLException {
        List<ColumnMigration> all = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(SELECT_ALL)) {
            while (rows.next()) {
                all.add(migration(rows));
            }
        } catch (SQLException e) {
            if (DatabaseStates.isNoSuchTable(e)) {
                return List.of();
            }
            throw e;
        }
        return all;
    }

    /** The migration of {@code column}, if one was started. */
    public static Optional<ColumnMigration> find(Connection connection, String column) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(SELECT_ONE)) {
            statement.setString(1, column);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(migration(rows)) : Optional.empty();
            }
        } catch (SQLException e) {
            if (DatabaseStates.isNoSuchTable(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Records a new migration in state {@link MigrationState#PREPARED}. */
    public static void insert(Connection connection, ColumnMigration migration) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(INSERT)) {
            statement.setString(1, migration.column());
            statement.setString(2, migration.direction().storedName());
            statement.setString(3, migration.state().storedName());
            statement.setString(4, migration.shadow());
            statement.setString(5, migration.retained());
            setVersion(statement, 6, migration.fromVersion());
            setVersion(statement, 7, migration.toVersion());
            statement.executeUpdate();
        }
    }

    /**
     * Moves {@code column} from state {@code from} to {@code to} (compare-and-set).
     *
     * @throws SQLException when it is no longer in state {@code from} (another run moved it)
     */
    public static void move(Connection connection, String column, MigrationState from, MigrationState to)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(UPDATE_STATE)) {
            statement.setString(1, to.storedName());
            statement.setString(2, column);
            statement.setString(3, from.storedName());
            if (statement.executeUpdate() != 1) {
                throw new SQLException("the migration of column " + column + " is no longer in state "
                        + from.storedName() + ": another run changed it; see `cloak migrate status`");
            }
        }
    }

    /** Adds {@code rows} to the rows the backfill wrote. */
    public static void addRows(Connection connection, String column, long rows) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(ADD_ROWS)) {
            statement.setLong(1, rows);
            statement.setString(2, column);
            statement.executeUpdate();
        }
    }

    /** Forgets the migration of {@code column} and its ranges. */
    public static void delete(Connection connection, String column) throws SQLException {
        for (String sql : List.of(DELETE_RANGES, DELETE)) {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setString(1, column);
                statement.executeUpdate();
            }
        }
    }

    /** Forgets the backfill ranges of {@code column} (a rolled-back or finished migration). */
    public static void deleteRanges(Connection connection, String column) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(DELETE_RANGES)) {
            statement.setString(1, column);
            statement.executeUpdate();
        }
    }

    /** The backfill ranges of {@code column}, in order; empty before the backfill first started. */
    public static List<KeyRange> ranges(Connection connection, String column) throws SQLException {
        List<KeyRange> ranges = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(SELECT_RANGES)) {
            statement.setString(1, column);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    long done = rows.getLong(4);
                    ranges.add(new KeyRange(rows.getInt(1), rows.getLong(2), rows.getLong(3),
                            rows.wasNull() ? null : done, rows.getInt(5) != 0));
                }
            }
        }
        return ranges;
    }

    /** Stores the ranges a backfill splits the table into. */
    public static void insertRanges(Connection connection, String column, List<KeyRange> ranges)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(INSERT_RANGE)) {
            for (KeyRange range : ranges) {
                statement.setString(1, column);
                statement.setInt(2, range.number());
                statement.setLong(3, range.first());
                statement.setLong(4, range.last());
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    /** Records that range {@code number} is done through key {@code through} (and whether it is finished). */
    public static void checkpoint(Connection connection, String column, int number, long through, boolean finished)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(CHECKPOINT)) {
            statement.setLong(1, through);
            statement.setInt(2, finished ? 1 : 0);
            statement.setString(3, column);
            statement.setInt(4, number);
            statement.executeUpdate();
        }
    }

    private static ColumnMigration migration(ResultSet rows) throws SQLException {
        return new ColumnMigration(rows.getString(1), MigrationDirection.ofStored(rows.getString(2)),
                MigrationState.ofStored(rows.getString(3)), rows.getString(4), rows.getString(5), rows.getLong(6),
                version(rows, 7), version(rows, 8));
    }

    /** A Tink key id, stored unsigned in a BIGINT. */
    private static void setVersion(PreparedStatement statement, int index, Integer version) throws SQLException {
        if (version == null) {
            statement.setNull(index, java.sql.Types.BIGINT);
        } else {
            statement.setLong(index, Integer.toUnsignedLong(version));
        }
    }

    private static Integer version(ResultSet rows, int index) throws SQLException {
        long stored = rows.getLong(index);
        return rows.wasNull() ? null : (int) stored;
    }

    /**
     * A range of primary-key values a backfill walks in order.
     *
     * @param doneThrough the last key whose row is done (its checkpoint), or null before the first batch
     */
    public record KeyRange(int number, long first, long last, Long doneThrough, boolean finished) {
    }
}
