package dev.cloak.driver;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cloak.driver.internal.policy.CompiledPolicy;
import dev.cloak.driver.internal.jdbc.EncryptingConnection;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Turns delegate connections into Cloak connections: proves the session is encrypted when the policy
 * requires TLS (once per physical connection, so a pool's borrows cost nothing), fixes the principal, or
 * closes the connection when it may not be used.
 */
final class CloakConnections {

    /** Physical connections already proven encrypted; weak keys, compared by identity. */
    private final Cache<Connection, Boolean> verified = Caffeine.newBuilder().weakKeys().build();

    /**
     * @param fixedPrincipal {@code cloak.principal}, or null
     * @param user           the user name the caller connected with, or null when it did not name one
     */
    Connection open(Connection connection, CompiledPolicy policy, String fixedPrincipal, String user)
            throws SQLException {
        try {
            if (policy.config().requireTls()) {
                requireTls(connection);
            }
            if (fixedPrincipal != null) {
                return new EncryptingConnection(connection, policy, fixedPrincipal, true);
            }
            String principal = user != null && !user.isEmpty() ? user : connection.getMetaData().getUserName();
            return new EncryptingConnection(connection, policy, principal, false);
        } catch (SQLException | RuntimeException e) {
            closeAfter(connection, e);
            throw e;
        }
    }

    /** Closes {@code connection}, which {@code failure} made useless; a failure to close is kept as suppressed. */
    static void closeAfter(Connection connection, Exception failure) {
        try {
            connection.close();
        } catch (SQLException closing) {
            failure.addSuppressed(closing);
        }
    }

    private void requireTls(Connection connection) throws SQLException {
        Connection physical = connection.unwrap(Connection.class);
        if (verified.getIfPresent(physical) != null) {
            return;
        }
        TlsRequirement.check(connection);
        verified.put(physical, Boolean.TRUE);
    }
}
