package dev.cloak.keyring.store;

import dev.cloak.keyring.KeyVersion;
import dev.cloak.keyring.KeyVersionStatus;
import dev.cloak.keyring.WrappedKeyset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a key store holds for one key domain: the wrapped keyset (whose keys are the live versions) and
 * the status of every version it ever had, destroyed ones included. Never shows key bytes.
 *
 * @param keyset   the keyset wrapped under the master key
 * @param versions every version in the order created; empty for a domain stored before versions were kept
 */
public record StoredKeyDomain(WrappedKeyset keyset, List<KeyVersion> versions) {

    /** Copies the versions so the record stays immutable. */
    public StoredKeyDomain {
        Objects.requireNonNull(keyset, "keyset");
        versions = List.copyOf(versions);
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
