package dev.cloak.keyring;

import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.config.TinkFips;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/**
 * The enabled versions of a keyset as one of the keyring's own primitives holds them ({@link AesGcmKeysetAead},
 * {@link AesSivKeysetDaead}): the primary first, then the other enabled ones in keyset order, or none at all when any
 * of them does not qualify or Tink runs in FIPS-only mode (the keyring then keeps Tink's own primitive).
 */
final class EnabledVersions {

    /** One version of the primitive, or {@code null} when the entry's key does not qualify. */
    @FunctionalInterface
    interface Qualifier<V> {
        V of(KeysetHandle.Entry entry) throws GeneralSecurityException;
    }

    private EnabledVersions() {
    }

    /** The versions of {@code handle} by {@code qualifier}, the primary first; null when one does not qualify. */
    static <V> List<V> of(KeysetHandle handle, Qualifier<V> qualifier) throws GeneralSecurityException {
        if (TinkFips.useOnlyFips()) {
            return null;
        }
        List<V> versions = new ArrayList<>();
        V primary = qualifier.of(handle.getPrimary());
        if (primary == null) {
            return null;
        }
        versions.add(primary);
        for (int i = 0; i < handle.size(); i++) {
            KeysetHandle.Entry entry = handle.getAt(i);
            if (entry.isPrimary() || entry.getStatus() != KeyStatus.ENABLED) {
                continue;
            }
            V version = qualifier.of(entry);
            if (version == null) {
                return null;
            }
            versions.add(version);
        }
        return versions;
    }
}
