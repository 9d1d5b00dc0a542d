package dev.cloak.rewriter;

import java.sql.SQLException;

/**
 * A statement Cloak refuses to send because it cannot handle an encrypted column correctly.
 * SQLState {@code 0A000}; the message names the column, the construct and what to do instead, and never
 * contains the SQL text or any literal from it.
 */
public final class RejectedStatementException extends SQLException {

    private static final long serialVersionUID = 1L;

    /** SQLState for a feature not supported. */
    public static final String SQL_STATE = "0A000";

    /** Creates a rejection with a message that must not contain SQL text or literals. */
    public RejectedStatementException(String message) {
        super(message, SQL_STATE);
    }
}
