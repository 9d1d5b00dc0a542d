package dev.cloak.keyring;

import java.security.GeneralSecurityException;
import java.util.Objects;

/**
 * A master key's {@code encrypt} or {@code decrypt} failed in a way its provider can name: the KMS or HSM is
 * unreachable, refused the caller, or answered that the keyset does not authenticate. Thrown by the {@code Aead} a
 * {@link MasterKeyProvider} opens (Tink's interface allows only a {@link GeneralSecurityException}); the keyring
 * reports it as a {@link KeyringException} of the same kind. The message must not contain key material.
 */
public final class MasterKeyException extends GeneralSecurityException {

    private static final long serialVersionUID = 1L;

    private final KeyringException.Kind kind;

    /** A failure of the given kind. */
    public MasterKeyException(KeyringException.Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** What went wrong. */
    public KeyringException.Kind kind() {
        return kind;
    }
}
