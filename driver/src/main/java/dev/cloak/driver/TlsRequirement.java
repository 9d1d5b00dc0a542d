package dev.cloak.driver;

import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.TlsVersion;
import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.driver.internal.error.SqlState;
import dev.cloak.driver.network.SessionTls;
import dev.cloak.keyring.store.ConnectionSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Asks the database whether the session is encrypted ({@link SessionTls}: PostgreSQL's {@code pg_stat_ssl}, MariaDB's
 * {@code Ssl_cipher}; H2 by its URL: embedded or {@code ssl:}), with at least {@code network.min-tls} and, where the
 * policy asks, a client certificate the server saw, and refuses it with SQLState 08004 if not.
 */
final class TlsRequirement {

    private TlsRequirement() {
    }

    /**
     * Throws 08004 (after which the caller closes the connection) unless the session is proven encrypted. Leaves
     * no transaction open: the connection goes back to its caller as it came.
     */
    static void check(Connection connection, CloakConfig config) throws SQLException {
        verify(connection, config);
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
    static ConnectionSource checking(ConnectionSource source, CloakConfig config) {
        return () -> {
            Connection connection = source.open();
            try {
                check(connection, config);
                return connection;
            } catch (SQLException | RuntimeException e) {
                CloakConnections.closeAfter(connection, e);
                throw e;
            }
        };
    }

    private static void verify(Connection connection, CloakConfig config) throws SQLException {
        SessionTls tls = SessionTls.of(connection, config.requireClientCert());
        String product = tls.product();
        if (!tls.known()) {
            throw refused("Cloak cannot verify that a " + product + " session is encrypted");
        }
        if (!tls.encrypted()) {
            throw refused("The " + product + " session is not encrypted (TLS)");
        }
        if (!tls.network()) {
            return; // embedded: nothing crosses a network
        }
        TlsVersion min = config.minTls();
        if (min != null) {
            Optional<Integer> vs = min.compareReported(tls.version());
            if (vs.isEmpty() || vs.get() < 0) {
                throw SqlErrors.of(SqlState.TLS_REQUIRED, "The " + product + " session uses "
                        + (tls.version() == null ? "a TLS version the server does not report" : tls.version())
                        + " and network.min-tls is " + min.number() + ". Require TLS " + min.number()
                        + " on the server (PostgreSQL ssl_min_protocol_version, MariaDB tls_version), or lower"
                        + " network.min-tls in the policy.");
            }
        }
        if (config.requireClientCert() && !tls.clientCertificate()) {
            throw SqlErrors.of(SqlState.TLS_REQUIRED, "The " + product + " server saw no client certificate"
                    + " and network.require-client-cert is true. Give the certificate in the delegate URL"
                    + " (pgjdbc sslcert/sslkey, MariaDB keyStore) and require it on the server (PostgreSQL"
                    + " hostssl ... cert in pg_hba.conf, MariaDB REQUIRE X509), or set network.require-client-cert:"
                    + " false in the policy.");
        }
    }

    private static SQLException refused(String why) {
        return SqlErrors.of(SqlState.TLS_REQUIRED, why + " and network.require-tls is true. Enable TLS on the"
                + " connection, or set network.require-tls: false in the policy if plaintext on the network is"
                + " acceptable.");
    }



}
