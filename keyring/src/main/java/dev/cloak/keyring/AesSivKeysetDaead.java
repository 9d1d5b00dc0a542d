package dev.cloak.keyring;

import com.google.crypto.tink.DeterministicAead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.daead.AesSivKey;
import com.google.crypto.tink.daead.AesSivParameters;
import com.google.crypto.tink.subtle.AesSiv;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;

/**
 * A deterministic key domain's AES256_SIV keyset as one {@link FramedDeterministicAead}: it encrypts with Tink's
 * keyset primitive (its ciphertexts are Tink's, byte for byte) and decrypts from an offset, with Tink's
 * {@link AesSiv} of the version whose output prefix the ciphertext carries.
 *
 * <p>Why: through Tink's {@link DeterministicAead} a cell was copied twice before AES-SIV saw it, once by the
 * caller out of its header and once by Tink's prefixed {@code AesSiv} out of the output prefix, and Tink's keyset
 * primitive looked the prefix up in a map on every call. Here the ciphertext after the prefix is copied once,
 * straight out of the caller's array, and the versions are a short array scanned in order (the primary first).
 * The AES-SIV itself stays Tink's. {@code AesSivKeysetDaeadTest} checks that Tink's primitive and this one decrypt
 * each other's ciphertexts under every enabled version.
 *
 * <p>Only keysets made of what Cloak creates qualify (every enabled key an {@link AesSivKey} of 64 bytes with
 * Tink's key-id prefix) and only outside Tink's FIPS-only mode; {@link #of} returns {@code null} for any other, and
 * the keyring keeps Tink's primitive for it.
 */
final class AesSivKeysetDaead implements FramedDeterministicAead {

    private static final int PREFIX_SIZE = 5;
    private static final int KEY_SIZE = 64;

    private final DeterministicAead tink;
    /** The enabled versions, the primary first, then the others in keyset order. */
    private final Version[] versions;

    private AesSivKeysetDaead(DeterministicAead tink, Version[] versions) {
        this.tink = tink;
        this.versions = versions;
    }

    /**
     * This primitive over the enabled keys of {@code handle}, encrypting with {@code tink} (the keyset's own
     * primitive), or {@code null} when the keyset does not qualify.
     */
    static DeterministicAead of(KeysetHandle handle, DeterministicAead tink) throws GeneralSecurityException {
        List<Version> versions = EnabledVersions.of(handle, Version::of);
        if (versions == null) {
            return null;
        }
        return new AesSivKeysetDaead(tink, versions.toArray(new Version[0]));
    }

    @Override
    public byte[] encryptDeterministically(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
        return tink.encryptDeterministically(plaintext, associatedData);
    }

    @Override
    public byte[] decryptDeterministically(byte[] ciphertext, byte[] associatedData)
            throws GeneralSecurityException {
        return decryptDeterministically(ciphertext, 0, associatedData);
    }

    /** Tries each enabled version whose key id the ciphertext carries, as Tink's keyset primitive does. */
    @Override
    public byte[] decryptDeterministically(byte[] buffer, int offset, byte[] associatedData)
            throws GeneralSecurityException {
        if (offset < 0 || offset > buffer.length - PREFIX_SIZE) {
            throw new GeneralSecurityException("decryption failed");
        }
        byte[] body = null;
        for (Version version : versions) {
            if (version.carries(buffer, offset)) {
                if (body == null) {
                    body = Arrays.copyOfRange(buffer, offset + PREFIX_SIZE, buffer.length);
                }
                try {
                    return version.siv.decryptDeterministically(body, associatedData);
                } catch (GeneralSecurityException e) {
                    // as Tink: a failure under one key says nothing; the next key with that id may still match
                }
            }
        }
        throw new GeneralSecurityException("decryption failed");
    }

    @Override
    public String toString() {
        return "AesSivKeysetDaead[" + versions.length + " enabled versions]";
    }

    /** One key version: its output prefix and Tink's AES-SIV of its key, without a prefix. */
    private static final class Version {
        private final byte[] prefix;
        private final AesSiv siv;

        private Version(byte[] prefix, AesSiv siv) {
            this.prefix = prefix;
            this.siv = siv;
        }

        static Version of(KeysetHandle.Entry entry) throws GeneralSecurityException {
            if (!(entry.getKey() instanceof AesSivKey key)) {
                return null;
            }
            AesSivParameters parameters = key.getParameters();
            byte[] prefix = key.getOutputPrefix().toByteArray();
            if (parameters.getKeySizeBytes() != KEY_SIZE || parameters.getVariant() != AesSivParameters.Variant.TINK
                    || prefix.length != PREFIX_SIZE) {
                return null;
            }
            byte[] bytes = key.getKeyBytes().toByteArray(InsecureSecretKeyAccess.get());
            try {
                return new Version(prefix, new AesSiv(bytes));
            } finally {
                Arrays.fill(bytes, (byte) 0); // AesSiv keeps its own copies
            }
        }

        boolean carries(byte[] buffer, int offset) {
            for (int i = 0; i < PREFIX_SIZE; i++) {
                if (buffer[offset + i] != prefix[i]) {
                    return false;
                }
            }
            return true;
        }
    }
}
