package dev.cloak.keyring;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.subtle.EngineFactory;
import com.google.crypto.tink.subtle.Random;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A randomized key domain's AES256_GCM keyset as one {@link Aead} whose ciphertexts are Tink's, byte for byte
 * (output prefix, 12-byte random IV, ciphertext, 16-byte tag), with one JCE {@code Cipher} per key version and
 * thread.
 *
 * <p>Why not Tink's own primitive: Tink keeps a single AES-GCM {@code Cipher} per thread for every key, so when
 * consecutive cells on a thread belong to different columns, each call makes the JDK recompute the AES key
 * schedule. That cost more than the encryption itself (32-byte decrypt: 0.36 µs with one key, 1.5 µs with two
 * alternating, on JDK 17). A cipher per key and thread removes it; the price is one cipher (a few hundred bytes
 * and the expanded key) per key version on each thread that used it, until the thread ends or the keyring's
 * cache drops the primitive and the thread's stale entry is cleared. Everything else stays Tink's: key generation,
 * keysets, key ids and output prefixes, the IV's randomness ({@link Random}), the provider choice
 * ({@link EngineFactory}); the AES-GCM itself is the JDK's, as it is under Tink. {@code AesGcmKeysetAeadTest}
 * checks that Tink's primitive and this one decrypt each other's ciphertexts under every version.
 *
 * <p>Only keysets made of what Cloak creates qualify (every enabled key an {@link AesGcmKey} with a 12-byte IV, a
 * 16-byte tag and a key-id prefix) and only outside Tink's FIPS-only mode; {@link #of} returns {@code null} for
 * any other, and the keyring keeps Tink's primitive for it.
 */
final class AesGcmKeysetAead implements FramedAead {

    private static final int IV_SIZE = 12;
    private static final int TAG_SIZE = 16;

    /** The enabled versions, the primary first, then the others in keyset order. */
    private final Version[] versions;

    private AesGcmKeysetAead(Version[] versions) {
        this.versions = versions;
    }

    /** This primitive over the enabled keys of {@code handle}, or {@code null} when the keyset does not qualify. */
    static Aead of(KeysetHandle handle) throws GeneralSecurityException {
        List<Version> versions = EnabledVersions.of(handle, Version::of);
        if (versions == null) {
            return null;
        }
        return new AesGcmKeysetAead(versions.toArray(new Version[0]));
    }

    @Override
    public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
        return versions[0].encrypt(plaintext, associatedData, 0);
    }

    @Override
    public byte[] encrypt(byte[] plaintext, byte[] associatedData, int headroom) throws GeneralSecurityException {
        if (headroom < 0) {
            throw new IllegalArgumentException("headroom must not be negative");
        }
        return versions[0].encrypt(plaintext, associatedData, headroom);
    }

    @Override
    public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
        return decrypt(ciphertext, 0, associatedData);
    }

    /** Tries each enabled version whose key id the ciphertext carries, as Tink's keyset primitive does. */
    @Override
    public byte[] decrypt(byte[] buffer, int offset, byte[] associatedData) throws GeneralSecurityException {
        if (offset < 0 || offset > buffer.length) {
            throw new GeneralSecurityException("ciphertext offset out of range");
        }
        for (Version version : versions) {
            if (version.carries(buffer, offset)) {
                try {
                    return version.decrypt(buffer, offset, associatedData);
                } catch (GeneralSecurityException e) {
                    // as Tink: a failure under one key says nothing; the next key with that id may still match
                }
            }
        }
        throw new GeneralSecurityException("decryption failed");
    }

    @Override
    public String toString() {
        return "AesGcmKeysetAead[" + versions.length + " enabled versions]";
    }

    /**
     * One key version: its output prefix, its key and, on each thread that uses it, a cipher already set to that
     * key. Per thread, not shared: a pool of ciphers shared by all threads put their slots in one cache line, and
     * with 8 threads on 2 cores that cost more than the key schedule it saved ({@code scan-100-8t} fell from 0.27
     * to 0.12 of raw throughput).
     */
    private static final class Version {
        private final byte[] prefix;
        private final SecretKeySpec key;
        private final ThreadLocal<Cipher> cipher = ThreadLocal.withInitial(Version::newCipher);

        private Version(byte[] prefix, SecretKeySpec key) {
            this.prefix = prefix;
            this.key = key;
        }

        static Version of(KeysetHandle.Entry entry) {
            if (!(entry.getKey() instanceof AesGcmKey gcm)) {
                return null;
            }
            AesGcmParameters parameters = gcm.getParameters();
            byte[] prefix = gcm.getOutputPrefix().toByteArray();
            if (parameters.getIvSizeBytes() != IV_SIZE || parameters.getTagSizeBytes() != TAG_SIZE
                    || prefix.length == 0) {
                return null;
            }
            byte[] key = gcm.getKeyBytes().toByteArray(InsecureSecretKeyAccess.get());
            try {
                return new Version(prefix, new SecretKeySpec(key, "AES"));
            } finally {
                Arrays.fill(key, (byte) 0); // SecretKeySpec keeps its own copy
            }
        }

        private static Cipher newCipher() {
            try {
                return EngineFactory.CIPHER.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("this JVM offers no AES/GCM/NoPadding cipher", e);
            }
        }

        boolean carries(byte[] buffer, int offset) {
            if (buffer.length - offset < prefix.length) {
                return false;
            }
            for (int i = 0; i < prefix.length; i++) {
                if (buffer[offset + i] != prefix[i]) {
                    return false;
                }
            }
            return true;
        }

        /** Into a new array: {@code headroom} zero bytes, then the prefix, the IV, the ciphertext and the tag. */
        byte[] encrypt(byte[] plaintext, byte[] associatedData, int headroom) throws GeneralSecurityException {
            if (plaintext.length > Integer.MAX_VALUE - headroom - prefix.length - IV_SIZE - TAG_SIZE) {
                throw new GeneralSecurityException("plaintext too long");
            }
            byte[] out = new byte[headroom + prefix.length + IV_SIZE + plaintext.length + TAG_SIZE];
            System.arraycopy(prefix, 0, out, headroom, prefix.length);
            int iv = headroom + prefix.length;
            System.arraycopy(Random.randBytes(IV_SIZE), 0, out, iv, IV_SIZE);
            Cipher c = cipher.get();
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_SIZE * 8, out, iv, IV_SIZE));
            if (associatedData != null) {
                c.updateAAD(associatedData);
            }
            int written = c.doFinal(plaintext, 0, plaintext.length, out, iv + IV_SIZE);
            if (written != plaintext.length + TAG_SIZE) {
                throw new GeneralSecurityException("AES-GCM wrote " + written + " bytes, not "
                        + (plaintext.length + TAG_SIZE));
            }
            return out;
        }

        /** The ciphertext from {@code offset} to the end of {@code buffer}. */
        byte[] decrypt(byte[] buffer, int offset, byte[] associatedData) throws GeneralSecurityException {
            if (buffer.length - offset < prefix.length + IV_SIZE + TAG_SIZE) {
                throw new GeneralSecurityException("ciphertext too short");
            }
            int iv = offset + prefix.length;
            Cipher c = cipher.get();
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_SIZE * 8, buffer, iv, IV_SIZE));
            if (associatedData != null) {
                c.updateAAD(associatedData);
            }
            int body = iv + IV_SIZE;
            return c.doFinal(buffer, body, buffer.length - body);
        }
    }
}
