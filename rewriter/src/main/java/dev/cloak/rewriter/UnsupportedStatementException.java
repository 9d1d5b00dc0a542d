package dev.cloak.rewriter;

/**
 * A statement the rewriter cannot plan safely for encrypted columns, so it must not be sent. The message names
 * the column, the construct and what to do instead, and never contains the SQL text or any literal from it.
 * Plain Java, no JDBC: the driver turns it into the {@link RejectedStatementException} applications catch.
 */
public final class UnsupportedStatementException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Creates a refusal with a message that must not contain SQL text or literals. */
    public UnsupportedStatementException(String message) {
        super(message);
    }
}
