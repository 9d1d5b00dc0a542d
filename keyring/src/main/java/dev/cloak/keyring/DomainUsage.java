package dev.cloak.keyring;

import java.util.Optional;

/**
 * Tells the keyring whether the columns of a key domain already hold values, which it asks before it creates the
 * domain's key: a domain without a keyset whose columns hold cells means the key store is missing, moved or emptied,
 * and a new key could never decrypt those cells (old rows would fail, lookups find nothing, a unique column accept a
 * duplicate). So a key is created only for columns that hold no value yet, and a missing key for columns with data is
 * an error. The keyring does not know tables: the driver answers from the database.
 */
@FunctionalInterface
public interface DomainUsage {

    /**
     * Never checked: for keyrings whose domains are known to hold no values (tests, benchmarks over fresh stores). A
     * keyring over real data takes the driver's answer instead.
     */
    DomainUsage UNCHECKED = domain -> Optional.empty();

    /**
     * A column under {@code domain} (as the policy names it) that holds at least one value, or empty when none does.
     *
     * @throws KeyringException when the columns cannot be checked; no key is created then
     */
    Optional<String> columnWithValues(String domain) throws KeyringException;
}
