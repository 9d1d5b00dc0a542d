package dev.cloak.driver.internal.error;

import dev.cloak.keyring.KeyringException;
import dev.cloak.rewriter.RejectedStatementException;
import dev.cloak.rewriter.UnsupportedStatementException;
import java.io.IOException;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLNonTransientException;
import java.sql.SQLTransientConnectionException;

/**
 * Builds every SQLException of Cloak's own: the state from {@link SqlState}, and the JDBC subclass that goes
 * with it, so that frameworks (Spring's translators, pools' retry logic) read a failure as Cloak means it. Every
 * refusal is a {@link RejectedStatementException}. Messages never hold a value, a key or SQL text.
 */
public final class SqlErrors {

    private SqlErrors() {
    }

    /** A failure with {@code state}; see {@link #of(SqlState, String, Throwable)}. */
    public static SQLException of(SqlState state, String message) {
        return of(state, message, null);
    }

    /**
     * A failure with {@code state}, as the JDBC subclass of its class: 08 a non-transient connection failure, 0A
     * a refusal, 22 a data exception, 28 an authorization failure, the others non-transient, except 58030: an
     * {@link SQLTransientConnectionException}, the transient subclass frameworks read as "retry later" (Spring's
     * translators make it a {@code TransientDataAccessResourceException}; a plain {@code SQLTransientException}
     * with class 58 would be a non-transient resource failure to them). No pool evicts for it: it is not class 08.
     *
     * @param cause the failure underneath, or null; its message must be as free of values as {@code message}
     */
    public static SQLException of(SqlState state, String message, Throwable cause) {
        String code = state.code();
        return switch (state) {
            case CONNECTION_NOT_OPENED, CONNECTION_CLOSED, DRIVER_SETTING_REFUSED, TLS_REQUIRED, SERVER_NOT_VERIFIED ->
                    new SQLNonTransientConnectionException(message, code, cause);
            case STATEMENT_REFUSED -> refusedWith(message, cause);
            case BAD_CELL, VALUE_TOO_LONG, NOT_CONVERTIBLE, INVALID_LENGTH ->
                    new SQLDataException(message, code, cause);
            case ACCESS_DENIED, PRINCIPAL_REFUSED -> new SQLInvalidAuthorizationSpecException(message, code, cause);
            case UNAVAILABLE -> new SQLTransientConnectionException(message, code, cause);
            case KEY_MISSING, KEYSET_DOES_NOT_UNWRAP, KEY_SERVICE_DENIED, KEY_STORE_ROLLED_BACK, POLICY_ERROR,
                    INTERNAL_ERROR -> new SQLNonTransientException(message, code, cause);
        };
    }

    /** A statement Cloak refuses to send; the connection stays healthy. */
    public static RejectedStatementException refused(String message) {
        return refusedWith(message, null);
    }

    /** The rewriter's refusal as the exception applications catch, with the same message. */
    public static RejectedStatementException refused(UnsupportedStatementException refusal) {
        return refusedWith(refusal.getMessage(), null);
    }

    /**
     * A keyring failure, with the state of its kind: only an unreachable key store or KMS is transient; none is
     * class 08, so pools keep the connection.
     */
    public static SQLException keyring(KeyringException failure) {
        SqlState state = switch (failure.kind()) {
            case UNAVAILABLE -> SqlState.UNAVAILABLE;
            case NO_SUCH_KEY -> SqlState.KEY_MISSING;
            case UNWRAP_FAILED -> SqlState.KEYSET_DOES_NOT_UNWRAP;
            case ACCESS_DENIED -> SqlState.KEY_SERVICE_DENIED;
            case ROLLED_BACK -> SqlState.KEY_STORE_ROLLED_BACK;
            case INVALID -> SqlState.POLICY_ERROR;
        };
        return of(state, failure.getMessage(), failure);
    }

    /**
     * The application's stream or reader failed while Cloak read a value to encrypt: the I/O failure is the
     * application's, so it keeps the JDK's convention of no SQLState.
     */
    public static SQLException unreadable(String message, IOException cause) {
        return new SQLException(message, cause);
    }

    /** A JDBC method Cloak does not offer (no SQLState, as the JDK's own {@code SQLFeatureNotSupportedException}). */
    public static SQLFeatureNotSupportedException notOffered(String message) {
        return new SQLFeatureNotSupportedException(message);
    }

    private static RejectedStatementException refusedWith(String message, Throwable cause) {
        RejectedStatementException refused = new RejectedStatementException(message, SqlState.STATEMENT_REFUSED.code());
        if (cause != null) {
            refused.initCause(cause);
        }
        return refused;
    }
}
