package dev.cloak.driver;

import java.sql.Connection;

/**
 * A connection through Cloak. Reach it with {@code connection.unwrap(CloakConnection.class)}, also through
 * a pool's proxy, to set the principal that the access policy decides on.
 */
public interface CloakConnection extends Connection {

    /** Sets the principal that reads through this connection are decided for (SPEC §2.5). */
    void setPrincipal(String principal);

    /** The principal: property {@code cloak.principal}, else the one set, else the JDBC user name. */
    String getPrincipal();
}
