package dev.cloak.keyring;

import java.util.Objects;

/**
 * A keyring operation failed. The {@link Kind} tells the caller what it means and whether trying again can help:
 * only {@link Kind#UNAVAILABLE} is transient. The driver gives each kind its own SQLState (see each kind); the
 * message never holds key or keyset bytes.
 */
public final class KeyringException extends Exception {

    private static final long serialVersionUID = 1L;

    /** What went wrong, as far as a caller needs to decide; one kind per way a key can fail to be served. */
    public enum Kind {
        /**
         * The key store, the KMS or the HSM cannot be reached now (network, pool, token, file system): transient, so
         * the same call may succeed later. SQLState {@code 58030} (the I/O error of class 58, errors outside the
         * database), thrown as an {@code SQLTransientConnectionException}: JDBC callers see a transient failure,
         * Spring translates it to {@code TransientDataAccessResourceException} (a plain {@code SQLTransientException}
         * would fall through to the class-58 rule and become non-transient), and pools keep the connection (not
         * class 08).
         */
        UNAVAILABLE,
        /**
         * A key domain has no keyset, and none may be created: auto-create is off, or the domain's columns already
         * hold values (a missing, moved or emptied key store). Not transient: the key store must be restored or
         * the key created with {@code cloak keys init}. SQLState {@code 58K01}: no standard state means "key not
         * found", so Cloak uses class 58 (implementation-defined, errors outside the database), which Spring reads
         * as a non-transient {@code DataAccessResourceFailureException} and pools do not read as a broken connection.
         */
        NO_SUCH_KEY,
        /**
         * A stored keyset does not unwrap under the configured master key: another master key wrapped it, it was
         * altered, or it was moved to another key domain. Retrying cannot help. SQLState {@code 58K02} (class 58 as
         * for {@link #NO_SUCH_KEY}).
         */
        UNWRAP_FAILED,
        /**
         * The KMS or HSM answered and refused: a wrong PIN, credentials without the right to use the master key.
         * Retrying with the same credentials cannot help. SQLState {@code 58K03} (class 58 as for
         * {@link #NO_SUCH_KEY}), not class 28: JDBC and Spring read class 28 as the database session's own
         * authorization (and Cloak's access policy answers 28000), while this is the process's key service refusing
         * it, an operations failure that no end user caused.
         */
        ACCESS_DENIED,
        /**
         * The key store holds an older keyset of a domain than one already seen (a restored backup, a rolled-back
         * table or file), or lost a domain that was seen, as the generation ledger records. Using it could bring
         * back destroyed or retired key versions, so it is refused until an operator restores the newest keys.
         * SQLState {@code 58K04} (class 58 as for {@link #NO_SUCH_KEY}).
         */
        ROLLED_BACK,
        /**
         * Cloak refuses the configuration or the request: a master-key URI it cannot use (unknown scheme, missing
         * PIN source, extractable or unknown HSM key), a key store whose content is not Cloak's, a key domain stored
         * for the other mode, a blank domain, or an administrative change that is not allowed (the active version
         * retired, an existing domain created again). SQLState {@code F0000}, as Cloak's policy errors: the policy
         * or the key store must be fixed, retrying cannot help.
         */
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
