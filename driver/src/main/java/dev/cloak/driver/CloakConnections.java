package dev.cloak.driver;

import dev.cloak.driver.jdbc.CompiledPolicy;
import dev.cloak.driver.jdbc.EncryptingConnection;
import java.sql.Connection;
import java.sql.SQLException;

/** Turns a delegate connection into a Cloak connection, or closes it when the session may not be used. */
final class CloakConnections {

    private CloakConnections() {
    }

    static Connection open(Connection connection, CompiledPolicy policy, String principal) throws SQLException {
        try {
            if (policy.config().requireTls()) {
                TlsRequirement.check(connection);
            }
        } catch (SQLException | RuntimeException e) {
            try {
                connection.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        return new EncryptingConnection(connection, policy, principal);
    }
}
