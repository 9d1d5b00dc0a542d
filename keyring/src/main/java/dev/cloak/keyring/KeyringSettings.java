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
 */
public record KeyringSettings(String masterKeyUri, Duration cacheTtl, long cacheMaxEntries,
                              boolean autoCreate) {

    /** Validates the settings: a security setting is never silently corrected. */
    public KeyringSettings {
        Objects.requireNonNull(masterKeyUri, "masterKeyUri");
        Objects.requireNonNull(cacheTtl, "cacheTtl");
        if (masterKeyUri.isBlank()) {
            throw new IllegalArgumentException("masterKeyUri is blank");
        }
        if (cacheTtl.isNegative()) {
            throw new IllegalArgumentException("cacheTtl is negative: " + cacheTtl);
        }
        if (cacheMaxEntries < 0) {
            throw new IllegalArgumentException("cacheMaxEntries is negative: " + cacheMaxEntries);
        }
    }
}
