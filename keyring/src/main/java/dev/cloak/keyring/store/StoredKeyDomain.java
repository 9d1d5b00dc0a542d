package dev.cloak.keyring.store;

import dev.cloak.keyring.KeyVersion;
import dev.cloak.keyring.KeyVersionStatus;
import dev.cloak.keyring.WrappedKeyset;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a key store holds for one key domain: the wrapped keyset (whose keys are the live versions) and
 * the status of every version it ever had, destroyed ones included. Never shows key bytes.
 *
 * @param keyset   the keyset wrapped under the master key
 * @param versions  every version in the order created; empty for a domain stored before versions were kept
 * @param createdAt when the key domain was created, or null when not known (a domain about to be stored)
 */
public record StoredKeyDomain(WrappedKeyset keyset, List<KeyVersion> versions, Instant createdAt) {

    /** Copies the versions so the record stays immutable. */
    public StoredKeyDomain {
        Objects.requireNonNull(keyset, "keyset");
        versions = List.copyOf(versions);
    }

    /** A domain whose creation time the store sets (or does not know). */
    public StoredKeyDomain(WrappedKeyset keyset, List<KeyVersion> versions) {
        this(keyset, versions, null);
    }

    /**
     * Since when the active version encrypts: its creation time, or, when the store does not know it (a domain created
     * on first use, or versions kept before they had a creation time), the domain's, which is never later.
     */
    public Optional<Instant> primarySince() {
        Optional<Instant> primary = primary().map(KeyVersion::createdAt);
        return primary.isPresent() ? primary : Optional.ofNullable(createdAt);
    }

    /** The key domain's name. */
    public String domain() {
        return keyset.domain();
    }

    /** The active version, if the store knows it. */
    public Optional<KeyVersion> primary() {
        return versions.stream().filter(v -> v.status() == KeyVersionStatus.ACTIVE).findFirst();
    }

    /** The version with Tink key id {@code id}, if any. */
    public Optional<KeyVersion> version(int id) {
        return versions.stream().filter(v -> v.id() == id).findFirst();
    }
}
