package dev.cloak.keyring.store;

import java.sql.SQLException;
import java.util.Set;

/**
 * The databases' own SQLStates (and MariaDB's error codes) that Cloak reads, each in one place: what a failed
 * statement of the {@code database} key store, or of the check whether a column holds values, means. H2,
 * PostgreSQL and MariaDB/MySQL name the same failure differently. Cloak's own states, the ones it gives its
 * failures, are the driver's {@code SqlState}; no other class of Cloak's spells out a state.
 */
public final class DatabaseStates {

    /** Table or view does not exist: PostgreSQL; MariaDB/MySQL and H2; H2 naming a table being created; H2 empty. */
    private static final Set<String> NO_SUCH_TABLE = Set.of("42P01", "42S02", "42S03", "42S04");
    /** Column does not exist: PostgreSQL; MariaDB/MySQL and H2. */
    private static final Set<String> NO_SUCH_COLUMN = Set.of("42703", "42S22");
    /** Column already exists: PostgreSQL; MariaDB/MySQL and H2. */
    private static final Set<String> DUPLICATE_COLUMN = Set.of("42701", "42S21");
    /** PostgreSQL's insufficient_privilege; H2's NOT_ENOUGH_RIGHTS_FOR_1. */
    private static final Set<String> ACCESS_DENIED = Set.of("42501", "90096");
    /** MariaDB/MySQL report a denied command as a syntax error (this state) with one of the codes below. */
    private static final String MARIADB_SYNTAX_OR_ACCESS = "42000";
    /** MariaDB/MySQL: access denied to a database or user, table or column command denied, missing privilege. */
    private static final Set<Integer> MARIADB_ACCESS_DENIED = Set.of(1044, 1045, 1142, 1143, 1227);
    /** Class 23, integrity constraint violation: a unique key or primary key already holds the row. */
    private static final String INTEGRITY_CONSTRAINT_CLASS = "23";
    /** Class 28, invalid authorization specification. */
    private static final String AUTHORIZATION_CLASS = "28";

    /** A lock was not granted in time: PostgreSQL's lock_not_available; H2's LOCK_TIMEOUT_1. */
    private static final Set<String> LOCK_TIMEOUT = Set.of("55P03", "HYT00");
    /** MariaDB/MySQL: lock wait timeout exceeded. */
    private static final int MARIADB_LOCK_WAIT_TIMEOUT = 1205;

    private DatabaseStates() {
    }

    /** A lock the statement asked for was not granted in time (the statement may be tried again). */
    public static boolean isLockTimeout(SQLException e) {
        return e.getSQLState() != null && LOCK_TIMEOUT.contains(e.getSQLState())
                || e.getErrorCode() == MARIADB_LOCK_WAIT_TIMEOUT;
    }

    /** The statement named a table or view that does not exist. */
    public static boolean isNoSuchTable(SQLException e) {
        return e.getSQLState() != null && NO_SUCH_TABLE.contains(e.getSQLState());
    }

    /** The statement named a column that does not exist. */
    public static boolean isNoSuchColumn(SQLException e) {
        return e.getSQLState() != null && NO_SUCH_COLUMN.contains(e.getSQLState());
    }

    /** An {@code ALTER TABLE … ADD} named a column that exists already. */
    public static boolean isDuplicateColumn(SQLException e) {
        return e.getSQLState() != null && DUPLICATE_COLUMN.contains(e.getSQLState());
    }

    /** A unique or primary key already holds the row (another process inserted it first). */
    public static boolean isUniqueViolation(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith(INTEGRITY_CONSTRAINT_CLASS);
    }

    /** The database refused the role: class 28, PostgreSQL's and H2's missing rights, MariaDB's "command denied". */
    public static boolean isAccessDenied(SQLException e) {
        String state = e.getSQLState();
        if (state == null) {
            return false;
        }
        return state.startsWith(AUTHORIZATION_CLASS) || ACCESS_DENIED.contains(state)
                || state.equals(MARIADB_SYNTAX_OR_ACCESS) && MARIADB_ACCESS_DENIED.contains(e.getErrorCode());
    }
}
