package dev.cloak.keyring;

import java.util.Optional;

/**
 * Where wrapped keysets are kept. Implementations must be safe for several threads and processes.
 * Failures to reach the store are reported as {@link KeyringException.Kind#UNAVAILABLE}.
 */
public interface KeyStore {

    /** The wrapped keyset of a key domain, or empty when the domain has none. */
    Optional<WrappedKeyset> read(String domain) throws KeyringException;

    /** Stores keyset unless the domain already has one; returns the one stored (another process may have won). */
    WrappedKeyset insertIfAbsent(WrappedKeyset keyset) throws KeyringException;
}
