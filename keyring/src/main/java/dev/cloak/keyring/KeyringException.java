package dev.cloak.keyring;

import java.util.Objects;

/**
 * A keyring operation failed. The {@link Kind} tells the caller what it means (the driver maps
 * {@link Kind#UNAVAILABLE} to SQLState 58030); the message never holds key or keyset bytes.
 */
public final class KeyringException extends Exception {

    private static final long serialVersionUID = 1L;

    /** What went wrong, as far as a caller needs to decide. */
    public enum Kind {
        /** The KMS, master key or key store cannot be reached; maps to SQLState 58030. */
        UNAVAILABLE,
        /** The key domain has no keyset and auto-create is off. */
        NO_SUCH_KEY,
        /** A keyset that does not unwrap, a keyset of the wrong purpose, or a bad master-key URI. */
        INVALID
    }

    private final Kind kind;

    /** Creates an exception of the given kind; {@code message} must not contain key material. */
    public KeyringException(Kind kind, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** Creates an exception of the given kind with its cause; {@code message} must not contain key material. */
    public KeyringException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** What went wrong. */
    public Kind kind() {
        return kind;
    }
}
