package dev.cloak.keyring.store;

import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.WrappedKeyset;
import java.util.List;
import java.util.Optional;

/**
 * Where wrapped keysets are kept. Implementations must be safe for several threads and processes.
 * Failures to reach the store are reported as {@link KeyringException.Kind#UNAVAILABLE}, a store that refuses the
 * process as {@link KeyringException.Kind#ACCESS_DENIED}, content that is not Cloak's as
 * {@link KeyringException.Kind#INVALID}. The runtime
 * needs only {@link #read} and {@link #insertIfAbsent}; key administration also needs the versioned
 * operations, which a store that cannot keep versions refuses.
 */
public interface KeyStore {

    /** The wrapped keyset of a key domain, or empty when the domain has none. */
    Optional<WrappedKeyset> read(String domain) throws KeyringException;

    /** Stores keyset unless the domain already has one; returns the one stored (another process may have won). */
    WrappedKeyset insertIfAbsent(WrappedKeyset keyset) throws KeyringException;

    /** Every key domain with its versions, ordered by domain. */
    default List<StoredKeyDomain> list() throws KeyringException {
        throw unsupported();
    }

    /** One key domain with its versions, or empty when the domain has none. */
    default Optional<StoredKeyDomain> readDomain(String domain) throws KeyringException {
        throw unsupported();
    }

    /**
     * Stores a new key domain unless it already exists; returns what is stored, which is not {@code domain}
     * when another process created it first.
     */
    default StoredKeyDomain create(StoredKeyDomain domain) throws KeyringException {
        throw unsupported();
    }

    /**
     * Replaces a key domain atomically if its wrapped keyset is still the one in {@code expected}; returns
     * false (and changes nothing) when another process changed it in between.
     */
    default boolean replace(StoredKeyDomain expected, StoredKeyDomain updated) throws KeyringException {
        throw unsupported();
    }

    private KeyringException unsupported() {
        return new KeyringException(KeyringException.Kind.INVALID, this + " does not keep key versions");
    }
}
