package dev.cloak.samples.hibernate;

import com.zaxxer.hikari.SQLExceptionOverride;
import dev.cloak.rewriter.RejectedStatementException;
import java.sql.SQLException;

/**
 * Tells HikariCP that a statement Cloak refused (SQLState 0A000, never sent to the database) leaves the
 * connection healthy. Without it Hikari, which reads 0A000 as "connection broken", evicts and closes the
 * connection, and a transaction around the refused query then fails on rollback with "Connection is closed",
 * hiding Cloak's message. The database's own 0A000 errors keep Hikari's usual handling.
 */
public final class CloakRejectionsKeepConnections implements SQLExceptionOverride {

    @java.lang.Override // qualified: Hikari names its verdict type Override too
    public Override adjudicate(SQLException e) {
        return e instanceof RejectedStatementException ? Override.DO_NOT_EVICT : Override.CONTINUE_EVICT;
    }
}
