package dev.cloak.driver.hikari;

import com.zaxxer.hikari.SQLExceptionOverride;
import dev.cloak.rewriter.RejectedStatementException;
import java.sql.SQLException;

/**
 * Tells HikariCP that a statement Cloak refused (SQLState 0A000, never sent to the database) leaves the
 * connection healthy. HikariCP reads 0A000 as "connection broken" and would evict it, and a transaction around
 * the refused statement would then fail on rollback, hiding Cloak's message. The database's own errors keep
 * Hikari's usual handling. Set it with {@code HikariConfig.setExceptionOverrideClassName} or
 * {@code spring.datasource.hikari.exception-override-class-name=dev.cloak.driver.hikari.CloakExceptionOverride}.
 */
public final class CloakExceptionOverride implements SQLExceptionOverride {

    @java.lang.Override // qualified: Hikari names its verdict type Override too
    public Override adjudicate(SQLException e) {
        return e instanceof RejectedStatementException ? Override.DO_NOT_EVICT : Override.CONTINUE_EVICT;
    }
}
