package dev.cloak.keyring;

import java.util.Optional;

/**
 * Tells key administration whether a UNIQUE constraint or a unique index covers a column of a key domain, which it
 * asks before it rotates a deterministic domain. Equal values of a deterministic column have equal cells only under
 * one key version: once a new version is active, a new row's cell differs from an old row's cell of the same value,
 * so the database would accept a duplicate and an upsert ({@code ON CONFLICT}, {@code ON DUPLICATE KEY}) would insert
 * instead of update. Such a column is re-keyed through a shadow column instead ({@code cloak migrate rekey}). The
 * keyring does not know tables: the driver answers from the database's catalog.
 */
@FunctionalInterface
public interface UniqueConstraints {

    /**
     * Never checked: for key domains known to have no unique column (tests, benchmarks, randomized domains). A real
     * rotation takes the driver's answer instead.
     */
    UniqueConstraints UNCHECKED = domain -> Optional.empty();

    /**
     * A description of a unique constraint or index over a column under {@code domain} (the column as the policy
     * names it and the index's name), or empty when none covers one.
     *
     * @throws KeyringException when the catalog cannot be read; nothing is rotated then
     */
    Optional<String> uniqueColumn(String domain) throws KeyringException;
}
