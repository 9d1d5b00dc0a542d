package dev.cloak.keyring;

/**
 * Tells key administration whether stored cells still use a key version, so destroying it cannot
 * shred data by accident. The CLI implements it by reading the Tink key id after the two Cloak header
 * bytes of every cell of the key domain's columns.
 */
@FunctionalInterface
public interface VersionUsage {

    /** Usage that is never checked: only for {@code --force}. */
    VersionUsage UNCHECKED = (domain, version) -> 0;

    /**
     * How many stored cells are encrypted under {@code version} of {@code domain}.
     *
     * @throws KeyringException when the cells cannot be read (destroying then fails closed)
     */
    long cellsUsing(String domain, KeyVersion version) throws KeyringException;
}
