package dev.cloak.keyring;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.DeterministicAead;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
            DeterministicAead all = (DeterministicAead) primitive;
            List<DeterministicAead> byVersion = new ArrayList<>();
            List<Integer> ids = new ArrayList<>();
            byVersion.add(versionPrimitive(handle.getPrimary()));
            ids.add(handle.getPrimary().getId());
            for (int i = 0; i < handle.size(); i++) {
                KeysetHandle.Entry entry = handle.getAt(i);
                if (!entry.isPrimary() && entry.getStatus() == KeyStatus.ENABLED) {
                    byVersion.add(versionPrimitive(entry));
                    ids.add(entry.getId());
                }
            }
            DeterministicAead framed = AesSivKeysetDaead.of(handle, all);
            DeterministicAead decrypting = framed != null ? framed : all;
            Map<Integer, Pinned> pinned = new HashMap<>();
            for (int i = 0; i < byVersion.size(); i++) {
                List<DeterministicAead> order = new ArrayList<>(byVersion);
                DeterministicAead version = order.remove(i);
                order.add(0, version);
                pinned.put(ids.get(i), new Pinned(new PinnedDeterministicAead(version, decrypting),
                        List.copyOf(order)));
            }
            return new DeterministicKeys(decrypting, List.copyOf(byVersion), Map.copyOf(pinned));
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

    /**
     * What a deterministic domain caches: the whole keyset's primitive, one per enabled version, and for each
     * enabled version (by Tink key id) the same two with that version in the primary's place ({@link Pinned}).
     */
    record DeterministicKeys(DeterministicAead all, List<DeterministicAead> byVersion, Map<Integer, Pinned> pinned) {
    }

    /**
     * The primitives of a deterministic domain with one enabled version pinned in the primary's place, built once per
     * loaded keyset so that the same objects answer on every call: {@code all} encrypts under the pinned version and
     * decrypts under every enabled one; {@code byVersion} lists the pinned version first.
     */
    record Pinned(DeterministicAead all, List<DeterministicAead> byVersion) {
    }

    /** Encrypts under one version, decrypts under every enabled version of the keyset. */
    private record PinnedDeterministicAead(DeterministicAead encryptUnder, DeterministicAead decryptAll)
            implements DeterministicAead {

        @Override
        public byte[] encryptDeterministically(byte[] plaintext, byte[] associatedData)
                throws GeneralSecurityException {
            return encryptUnder.encryptDeterministically(plaintext, associatedData);
        }

        @Override
        public byte[] decryptDeterministically(byte[] ciphertext, byte[] associatedData)
                throws GeneralSecurityException {
            return decryptAll.decryptDeterministically(ciphertext, associatedData);
        }

        @Override
        public String toString() {
            return "PinnedDeterministicAead";
        }
    }
}
