package dev.cloak.keyring;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.DeterministicAead;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds what the keyring caches for an unwrapped keyset: for a randomized domain one {@link Aead} (an
 * {@link AesGcmKeysetAead} with a cipher per key version when the keyset qualifies), for a deterministic domain
 * the keyset's primitive (an {@link AesSivKeysetDaead}, which decrypts from an offset, when the keyset qualifies) and
 * one primitive per enabled version.
 */
final class KeysetPrimitives {

    private KeysetPrimitives() {
    }

    /** The primitive of {@code handle} for {@code purpose}: an {@link Aead} or a {@link DeterministicKeys}. */
    static Object build(KeysetHandle handle, String domain, KeyPurpose purpose) throws KeyringException {
        try {
            Object primitive = handle.getPrimitive(RegistryConfiguration.get(), purpose.primitive());
            if (purpose == KeyPurpose.AEAD) {
                Aead pinned = AesGcmKeysetAead.of(handle);
                return pinned != null ? pinned : primitive;
            }
            List<DeterministicAead> byVersion = new ArrayList<>();
            byVersion.add(versionPrimitive(handle.getPrimary()));
            for (int i = 0; i < handle.size(); i++) {
                KeysetHandle.Entry entry = handle.getAt(i);
                if (!entry.isPrimary() && entry.getStatus() == KeyStatus.ENABLED) {
                    byVersion.add(versionPrimitive(entry));
                }
            }
            DeterministicAead all = (DeterministicAead) primitive;
            DeterministicAead framed = AesSivKeysetDaead.of(handle, all);
            return new DeterministicKeys(framed != null ? framed : all, List.copyOf(byVersion));
        } catch (GeneralSecurityException e) {
            throw new KeyringException(KeyringException.Kind.INVALID,
                    "keyset of key domain " + domain + " is not a " + purpose.storedName() + " keyset", e);
        }
    }

    /** The primitive of one key version alone: it encrypts under that version, whatever the keyset's primary. */
    private static DeterministicAead versionPrimitive(KeysetHandle.Entry entry) throws GeneralSecurityException {
        KeysetHandle single = KeysetHandle.newBuilder()
                .addEntry(KeysetHandle.importKey(entry.getKey()).withFixedId(entry.getId()).makePrimary())
                .build();
        return single.getPrimitive(RegistryConfiguration.get(), DeterministicAead.class);
    }

    /** What a deterministic domain caches: the whole keyset's primitive and one per enabled version. */
    record DeterministicKeys(DeterministicAead all, List<DeterministicAead> byVersion) {
    }
}
