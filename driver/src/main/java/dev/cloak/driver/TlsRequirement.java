package dev.cloak.driver;

import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.driver.internal.error.SqlState;
import dev.cloak.keyring.store.ConnectionSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * Asks the database whether the session is encrypted (PostgreSQL's {@code pg_stat_ssl}, MariaDB's
 * {@code Ssl_cipher}; H2 by its URL: embedded or {@code ssl:}) and refuses it with SQLState 08004 if not.
 */
final class TlsRequirement {

    private TlsRequirement() {
    }

    /**
     * Throws 08004 (after which the caller closes the connection) unless the session is proven encrypted. Leaves
     * no transaction open: the connection goes back to its caller as it came.
     */
    static void check(Connection connection) throws SQLException {
        verify(connection);
        if (!connection.getAutoCommit()) {
            // The check's query opened a transaction; hand the connection back as it was given.
            connection.rollback();
        }
    }

    /**
     * {@code source}, with every connection it opens checked as the application's are: the {@code database} key
     * store's own connections carry wrapped keysets and key metadata, and the policy's network.require-tls holds
     * for them too. A connection that fails the check is closed.
     */
    static ConnectionSource checking(ConnectionSource source) {
        return () -> {
            Connection connection = source.open();
            try {
                check(connection);
                return connection;
            } catch (SQLException | RuntimeException e) {
                CloakConnections.closeAfter(connection, e);
                throw e;
            }
        };
    }

    private static void verify(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName();
        String name = product == null ? "" : product.toLowerCase(Locale.ROOT);
        boolean encrypted;
        if (name.contains("postgres")) {
            encrypted = "t".equalsIgnoreCase(single(connection,
                    "SELECT CASE WHEN ssl THEN 't' ELSE 'f' END FROM pg_stat_ssl WHERE pid = pg_backend_pid()"));
        } else if (name.contains("mariadb") || name.contains("mysql")) {
            encrypted = !isBlank(secondColumn(connection, "SHOW SESSION STATUS LIKE 'Ssl_cipher'"));
        } else if (name.equals("h2")) {
            encrypted = isEmbeddedOrSslH2(connection.getMetaData().getURL());
        } else {
            throw refused("Cloak cannot verify that a " + product + " session is encrypted");
        }
        if (!encrypted) {
            throw refused("The " + product + " session is not encrypted (TLS)");
        }
    }

    private static boolean isEmbeddedOrSslH2(String url) {
        String u = url == null ? "" : url.toLowerCase(Locale.ROOT);
        if (u.startsWith("jdbc:h2:ssl:")) {
            return true;
        }
        // An embedded H2 database has no network; tcp: sends data in clear.
        return !u.startsWith("jdbc:h2:tcp:");
    }

    private static SQLException refused(String why) {
        return SqlErrors.of(SqlState.TLS_REQUIRED, why + " and network.require-tls is true. Enable TLS on the"
                + " connection, or set network.require-tls: false in the policy if plaintext on the network is"
                + " acceptable.");
    }

    private static String single(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static String secondColumn(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(2) : null;
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
