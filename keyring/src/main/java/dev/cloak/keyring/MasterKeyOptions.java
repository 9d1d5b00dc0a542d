package dev.cloak.keyring;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link MasterKeyProvider} is told besides the URI when it opens a master key.
 *
 * @param kmsTimeout the longest one wrap or unwrap by a remote KMS may take, retries included
 *                   ({@code keyring.kms-timeout}); a call that has not answered by then fails as
 *                   {@link KeyringException.Kind#UNAVAILABLE}
 */
public record MasterKeyOptions(Duration kmsTimeout) {

    /** The default {@code keyring.kms-timeout}: long enough for a few retries, short enough to fail a statement. */
    public static final Duration DEFAULT_KMS_TIMEOUT = Duration.ofSeconds(5);

    /** The options of a keyring that sets nothing. */
    public static final MasterKeyOptions DEFAULTS = new MasterKeyOptions(DEFAULT_KMS_TIMEOUT);

    /** Validates the options: a security setting is never silently corrected. */
    public MasterKeyOptions {
        Objects.requireNonNull(kmsTimeout, "kmsTimeout");
        if (kmsTimeout.isNegative() || kmsTimeout.isZero()) {
            throw new IllegalArgumentException("kmsTimeout must be positive: " + kmsTimeout);
        }
    }
}
