package dev.cloak.driver;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cloak.driver.config.PrincipalSource;
import dev.cloak.driver.internal.jdbc.EncryptingConnection;
import dev.cloak.driver.internal.policy.CompiledPolicy;
import dev.cloak.driver.internal.policy.SessionUser;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Turns delegate connections into Cloak connections: proves the session is encrypted when the policy requires TLS,
 * finds the principal (the session's user, read from the database, or one the application asserts where the policy
 * allows it), each once per physical connection so a pool's borrows cost nothing, or closes the connection when it
 * may not be used.
 */
final class CloakConnections {

    /** Physical connections already proven encrypted; weak keys, compared by identity. */
    private final Cache<Connection, Boolean> verified = Caffeine.newBuilder().weakKeys().build();
    /** The session user of each physical connection, read once; weak keys, compared by identity. */
    private final Cache<Connection, String> sessionUsers = Caffeine.newBuilder().weakKeys().build();

    /**
     * @param asserted   the principal the application asserts for the connection, or null when it asserts none
     * @param assertedBy how it asserted it, for the message that refuses it ({@code cloak.principal})
     */
    Connection open(Connection connection, CompiledPolicy policy, String asserted, String assertedBy)
            throws SQLException {
        try {
            if (policy.config().requireTls()) {
                requireTls(connection, policy);
            }
            boolean assertable = policy.config().principalSource() == PrincipalSource.ASSERTED;
            if (asserted != null) {
                if (!assertable) {
                    throw EncryptingConnection.notAssertable(policy.config(), assertedBy);
                }
                return new EncryptingConnection(connection, policy, asserted, true, true);
            }
            return new EncryptingConnection(connection, policy, sessionUser(connection, policy), false, assertable);
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

    private void requireTls(Connection connection, CompiledPolicy policy) throws SQLException {
        Connection physical = connection.unwrap(Connection.class);
        if (verified.getIfPresent(physical) != null) {
            return;
        }
        TlsRequirement.check(connection, policy.config());
        verified.put(physical, Boolean.TRUE);
    }

    private String sessionUser(Connection connection, CompiledPolicy policy) throws SQLException {
        Connection physical = connection.unwrap(Connection.class);
        String known = sessionUsers.getIfPresent(physical);
        if (known != null) {
            return known;
        }
        String user = SessionUser.of(connection, policy.dialect());
        sessionUsers.put(physical, user);
        return user;
    }
}
