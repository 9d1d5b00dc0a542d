package dev.cloak.driver;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A connection through Cloak. Reach it with {@code connection.unwrap(CloakConnection.class)}, also through
 * a pool's proxy, to see the principal that the access policy decides on, or to name it where the policy allows.
 */
public interface CloakConnection extends Connection {

    /**
     * Names the principal that statements through this connection are decided for, where the policy says
     * {@code access.principal: asserted}; {@code null} goes back to the connection's own principal. A pool that ends
     * a request ({@code endRequest}) gets the connection's own principal back.
     *
     * @throws SQLException 28000 when the policy decides on the database session's user
     *     ({@code access.principal: session}, the default), or when {@code cloak.principal} or
     *     {@code CloakDataSource.setPrincipal} fixed another principal for the whole connection
     */
    void setPrincipal(String principal) throws SQLException;

    /**
     * The principal: the database session's own user (read once per physical connection), or, where the policy says
     * {@code access.principal: asserted}, {@code cloak.principal}, else the one set, else the session's user.
     */
    String getPrincipal();
}
