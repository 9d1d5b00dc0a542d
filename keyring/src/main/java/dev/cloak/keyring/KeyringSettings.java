package dev.cloak.keyring;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Keyring} is configured: the master key that wraps every keyset, how long and how many
 * unwrapped primitives are cached, and whether a missing key domain is created on first use.
 *
 * @param masterKeyUri    the master key, e.g. {@code local:file:./cloak-master.json} (development only)
 * @param cacheTtl        how long an unwrapped primitive is kept after it was loaded; zero disables caching
 * @param cacheMaxEntries the most primitives kept at once; zero disables caching
 * @param autoCreate      whether a key domain without a keyset gets one on first use
 * @param kmsTimeout      the longest one call to a remote KMS may take, retries included, and the longest a
 *                        statement waits for another connection's load of the same key
 */
public record KeyringSettings(String masterKeyUri, Duration cacheTtl, long cacheMaxEntries,
                              boolean autoCreate, Duration kmsTimeout) {

    /** Validates the settings: a security setting is never silently corrected. */
    public KeyringSettings {
        Objects.requireNonNull(masterKeyUri, "masterKeyUri");
        Objects.requireNonNull(cacheTtl, "cacheTtl");
        Objects.requireNonNull(kmsTimeout, "kmsTimeout");
        if (masterKeyUri.isBlank()) {
            throw new IllegalArgumentException("masterKeyUri is blank");
        }
        if (cacheTtl.isNegative()) {
            throw new IllegalArgumentException("cacheTtl is negative: " + cacheTtl);
        }
        if (cacheMaxEntries < 0) {
            throw new IllegalArgumentException("cacheMaxEntries is negative: " + cacheMaxEntries);
        }
        if (kmsTimeout.isNegative() || kmsTimeout.isZero()) {
            throw new IllegalArgumentException("kmsTimeout must be positive: " + kmsTimeout);
        }
    }

    /** Settings with the default KMS timeout ({@link MasterKeyOptions#DEFAULT_KMS_TIMEOUT}). */
    public KeyringSettings(String masterKeyUri, Duration cacheTtl, long cacheMaxEntries, boolean autoCreate) {
        this(masterKeyUri, cacheTtl, cacheMaxEntries, autoCreate, MasterKeyOptions.DEFAULT_KMS_TIMEOUT);
    }

    /** What the master key's provider is told when it opens the key. */
    public MasterKeyOptions masterKeyOptions() {
        return new MasterKeyOptions(kmsTimeout);
    }
}
