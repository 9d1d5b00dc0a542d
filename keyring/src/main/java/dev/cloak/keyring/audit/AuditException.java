package dev.cloak.keyring.audit;

/**
 * The audit trail could not be written (or its last record could not be read back). The operation
 * being audited must fail: an event that cannot be recorded did not happen. The message names the
 * trail file and never holds key material or plaintext.
 */
public final class AuditException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Creates an exception; {@code message} must not contain key material or plaintext. */
    public AuditException(String message) {
        super(message);
    }

    /** Creates an exception with its cause; {@code message} must not contain key material or plaintext. */
    public AuditException(String message, Throwable cause) {
        super(message, cause);
    }
}
