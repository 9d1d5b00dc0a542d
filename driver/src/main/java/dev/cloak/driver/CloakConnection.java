package dev.cloak.driver;

import java.sql.Connection;

/**
 * A connection through Cloak. Reach it with {@code connection.unwrap(CloakConnection.class)}, also through
 * a pool's proxy, to set the principal that the access policy decides on.
 */
public interface CloakConnection extends Connection {

    /**
     * Sets the principal that reads through this connection are decided for; refused when {@code cloak.principal}
     * fixed it. A pool that ends a request ({@code endRequest}) gets the connection's own principal back.
     */
    void setPrincipal(String principal);

    /** The principal: property {@code cloak.principal}, else the one set, else the JDBC user name. */
    String getPrincipal();
}
