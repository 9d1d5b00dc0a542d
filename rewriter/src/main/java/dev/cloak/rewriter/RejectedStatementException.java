package dev.cloak.rewriter;

import java.sql.SQLFeatureNotSupportedException;

/**
 * A statement Cloak refused to send because it cannot handle an encrypted column correctly: the one exception
 * applications catch for Cloak's refusals, and the one {@code dev.cloak.driver.hikari.CloakExceptionOverride}
 * keeps the connection for. Its message names the column, the construct and what to do instead, and never
 * contains the SQL text or any literal from it.
 *
 * <p>It stays in this package because applications name it here; the rewriter itself never throws it (it throws
 * {@link UnsupportedStatementException}, plain Java). The driver builds it, with its SQLState, in its error
 * funnel ({@code dev.cloak.driver.internal.error.SqlErrors}).
 */
public final class RejectedStatementException extends SQLFeatureNotSupportedException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates a refusal; the driver's error funnel is the one caller.
     *
     * @param message  what is refused and what to do instead, without SQL text or literals
     * @param sqlState the SQLState of a refusal, given by the driver
     */
    public RejectedStatementException(String message, String sqlState) {
        super(message, sqlState);
    }
}
