package dev.cloak.driver.internal.policy;

import dev.cloak.rewriter.Dialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The user a database session runs as, asked of the database itself: the principal the access policy decides on
 * unless the policy lets the application name it. Never the user name the application passed, which the database
 * driver may have ignored (pgjdbc takes {@code ?user=} from the URL over the property).
 */
public final class SessionUser {

    private SessionUser() {
    }

    /**
     * The user of {@code connection}'s session. PostgreSQL: {@code session_user}, the role that logged in, never a
     * role it has set since: not {@code current_user}, which a role set at connect ({@code options=-c role=...}) or a
     * role default the user may give itself ({@code ALTER ROLE me SET role = ...}) makes another principal; MariaDB
     * and MySQL: the account {@code CURRENT_USER()} names, without its {@code @host} part (the same user from another
     * host is the same principal, and a rule names a user, not where it connects from); H2: {@code CURRENT_USER};
     * another database: what its driver's metadata reports. On a PostgreSQL connection handed over with auto-commit
     * off, pgjdbc's metadata instead, the same login user, because a query would open a transaction that keeps the
     * application from setting its isolation level.
     *
     * @return the user's name; empty for an anonymous account (H2's unnamed user, MariaDB's {@code ''@host}), which no
     *     rule can name, so it gets the policy's default
     * @throws SQLException the driver's own failure when the database cannot be asked
     */
    public static String of(Connection connection, Dialect dialect) throws SQLException {
        String user = read(connection, dialect);
        return user == null ? "" : user;
    }

    private static String read(Connection connection, Dialect dialect) throws SQLException {
        if (dialect == null || dialect == Dialect.POSTGRESQL && !connection.getAutoCommit()) {
            return connection.getMetaData().getUserName();
        }
        String user = query(connection, switch (dialect) {
            case POSTGRESQL -> "SELECT session_user";
            case MARIADB -> "SELECT CURRENT_USER()";
            case H2 -> "SELECT CURRENT_USER";
        });
        if (dialect == Dialect.MARIADB && user != null) {
            // user@host: a host name has no @, a quoted user name may
            int at = user.lastIndexOf('@');
            return at < 0 ? user : user.substring(0, at);
        }
        return user;
    }

    private static String query(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            return row.next() ? row.getString(1) : null;
        }
    }
}
