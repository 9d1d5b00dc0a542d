package dev.cloak.keyring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link AesGcmKeysetAead} must be Tink's AES256_GCM keyset primitive in everything but speed: each decrypts
 * the other's ciphertexts under every enabled version, and it refuses whatever Tink refuses.
 */
class AesGcmKeysetAeadTest {

    private static final byte[] AD = "cloak/v1/patients.name".getBytes(StandardCharsets.UTF_8);

    @BeforeAll
    static void register() throws GeneralSecurityException {
        KeyPurpose.ensureRegistered();
    }

    private static KeysetHandle keyset() throws GeneralSecurityException {
        return KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
    }

    /** A keyset rotated once: the new key primary, the first still enabled for decryption. */
    private static KeysetHandle rotated(KeysetHandle old) throws GeneralSecurityException {
        KeysetHandle.Builder builder = KeysetHandle.newBuilder(old);
        builder.addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                .withRandomId().makePrimary());
        return builder.build();
    }

    private static Aead tink(KeysetHandle handle) throws GeneralSecurityException {
        return handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
    }

    private static Aead pinned(KeysetHandle handle) throws GeneralSecurityException {
        Aead aead = AesGcmKeysetAead.of(handle);
        assertThat(aead).as("a keyset Cloak creates qualifies").isNotNull();
        return aead;
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    @Test
    void tinkAndPinnedDecryptEachOther() throws GeneralSecurityException {
        KeysetHandle handle = keyset();
        Aead tink = tink(handle);
        Aead pinned = pinned(handle);
        for (int length = 0; length <= 100; length++) {
            byte[] plaintext = random(length);
            byte[] ours = pinned.encrypt(plaintext, AD);
            byte[] theirs = tink.encrypt(plaintext, AD);
            assertThat(ours).hasSameSizeAs(theirs);
            assertThat(Arrays.copyOf(ours, 5)).as("the key-id prefix").isEqualTo(Arrays.copyOf(theirs, 5));
            assertThat(tink.decrypt(ours, AD)).isEqualTo(plaintext);
            assertThat(pinned.decrypt(theirs, AD)).isEqualTo(plaintext);
        }
        byte[] noAd = pinned.encrypt(random(20), null);
        assertThat(tink.decrypt(noAd, null)).hasSize(20);
        assertThat(pinned.decrypt(tink.encrypt(new byte[3], new byte[0]), null)).hasSize(3);
    }

    @Test
    void framedCiphertextsAreTinksWithRoomInFront() throws GeneralSecurityException {
        KeysetHandle handle = rotated(keyset());
        Aead tink = tink(handle);
        FramedAead framed = (FramedAead) pinned(handle);
        for (int headroom : new int[] {0, 2, 7}) {
            byte[] plaintext = random(40);
            byte[] out = framed.encrypt(plaintext, AD, headroom);
            assertThat(Arrays.copyOf(out, headroom)).as("left for the caller").isEqualTo(new byte[headroom]);
            byte[] ciphertext = Arrays.copyOfRange(out, headroom, out.length);
            assertThat(tink.decrypt(ciphertext, AD)).isEqualTo(plaintext);
            if (headroom > 0) {
                out[0] = 0x5a; // the caller's header does not matter to the decryption
            }
            assertThat(framed.decrypt(out, headroom, AD)).isEqualTo(plaintext);
            byte[] theirs = tink.encrypt(plaintext, AD);
            byte[] inFrame = new byte[headroom + theirs.length];
            System.arraycopy(theirs, 0, inFrame, headroom, theirs.length);
            assertThat(framed.decrypt(inFrame, headroom, AD)).isEqualTo(plaintext);
        }
        byte[] cell = framed.encrypt(random(10), AD, 2);
        cell[cell.length - 1] ^= 1;
        assertThatThrownBy(() -> framed.decrypt(cell, 2, AD)).isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> framed.decrypt(cell, cell.length + 1, AD))
                .isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> framed.decrypt(cell, cell.length - 3, AD))
                .isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void everyEnabledVersionDecryptsAndThePrimaryEncrypts() throws GeneralSecurityException {
        KeysetHandle before = keyset();
        byte[] plaintext = "Ada Lovelace".getBytes(StandardCharsets.UTF_8);
        byte[] underOld = tink(before).encrypt(plaintext, AD);
        byte[] underOldPinned = pinned(before).encrypt(plaintext, AD);

        KeysetHandle after = rotated(before);
        Aead tink = tink(after);
        Aead pinned = pinned(after);
        assertThat(pinned.decrypt(underOld, AD)).isEqualTo(plaintext);
        assertThat(pinned.decrypt(underOldPinned, AD)).isEqualTo(plaintext);
        byte[] underNew = pinned.encrypt(plaintext, AD);
        assertThat(Arrays.copyOf(underNew, 5)).as("encrypted under the new primary")
                .isEqualTo(Arrays.copyOf(tink.encrypt(plaintext, AD), 5))
                .isNotEqualTo(Arrays.copyOf(underOld, 5));
        assertThat(tink.decrypt(underNew, AD)).isEqualTo(plaintext);

        KeysetHandle.Builder disabling = KeysetHandle.newBuilder(after);
        for (int i = 0; i < disabling.size(); i++) {
            if (!disabling.getAt(i).isPrimary()) {
                disabling.getAt(i).setStatus(KeyStatus.DISABLED);
            }
        }
        KeysetHandle oldDisabled = disabling.build();
        assertThatThrownBy(() -> tink(oldDisabled).decrypt(underOld, AD)).isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> pinned(oldDisabled).decrypt(underOld, AD))
                .as("a disabled version decrypts nothing, as with Tink").isInstanceOf(GeneralSecurityException.class);
        assertThat(pinned(oldDisabled).decrypt(underNew, AD)).isEqualTo(plaintext);
    }

    @Test
    void refusesWhatTinkRefuses() throws GeneralSecurityException {
        KeysetHandle handle = keyset();
        Aead pinned = pinned(handle);
        byte[] plaintext = random(32);
        byte[] ciphertext = pinned.encrypt(plaintext, AD);

        for (int i = 0; i < ciphertext.length; i++) {
            byte[] tampered = ciphertext.clone();
            tampered[i] ^= 0x01;
            int at = i;
            assertThatThrownBy(() -> pinned.decrypt(tampered, AD)).as("byte %d flipped", at)
                    .isInstanceOf(GeneralSecurityException.class);
        }
        for (int length = 0; length < ciphertext.length; length++) {
            byte[] truncated = Arrays.copyOf(ciphertext, length);
            assertThatThrownBy(() -> pinned.decrypt(truncated, AD)).isInstanceOf(GeneralSecurityException.class);
        }
        assertThatThrownBy(() -> pinned.decrypt(ciphertext, "cloak/v1/patients.email".getBytes(StandardCharsets.UTF_8)))
                .as("another column's associated data").isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> pinned(keyset()).decrypt(ciphertext, AD))
                .as("another keyset").isInstanceOf(GeneralSecurityException.class);
        assertThat(pinned.encrypt(plaintext, AD)).as("randomized").isNotEqualTo(ciphertext);
    }

    @Test
    void keysetsCloakDoesNotCreateKeepTinksPrimitive() throws GeneralSecurityException {
        KeysetHandle noPrefix = KeysetHandle.generateNew(AesGcmParameters.builder().setKeySizeBytes(32)
                .setIvSizeBytes(12).setTagSizeBytes(16).setVariant(AesGcmParameters.Variant.NO_PREFIX).build());
        KeysetHandle longIv = KeysetHandle.generateNew(AesGcmParameters.builder().setKeySizeBytes(32)
                .setIvSizeBytes(16).setTagSizeBytes(16).setVariant(AesGcmParameters.Variant.TINK).build());
        KeysetHandle mixed = KeysetHandle.newBuilder(keyset())
                .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_EAX).withRandomId())
                .build();
        assertThat(AesGcmKeysetAead.of(noPrefix)).isNull();
        assertThat(AesGcmKeysetAead.of(longIv)).isNull();
        assertThat(AesGcmKeysetAead.of(mixed)).isNull();
    }

    /**
     * Threads that alternate between keysets on every call, more of them than a key version keeps idle ciphers
     * for, so ciphers are taken, put back and dropped concurrently.
     */
    @Test
    void safeForConcurrentUseAcrossKeys() throws Exception {
        List<KeysetHandle> handles = List.of(keyset(), rotated(keyset()), keyset());
        List<Aead> pinned = new ArrayList<>();
        List<Aead> tink = new ArrayList<>();
        for (KeysetHandle handle : handles) {
            pinned.add(pinned(handle));
            tink.add(tink(handle));
        }
        ExecutorService pool = Executors.newFixedThreadPool(24);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 24; t++) {
                results.add(pool.submit(() -> {
                    int checked = 0;
                    for (int i = 0; i < 2_000; i++) {
                        int k = i % handles.size();
                        byte[] plaintext = random(i % 64);
                        byte[] ciphertext = pinned.get(k).encrypt(plaintext, AD);
                        assertThat(pinned.get(k).decrypt(ciphertext, AD)).isEqualTo(plaintext);
                        assertThat(tink.get(k).decrypt(ciphertext, AD)).isEqualTo(plaintext);
                        assertThatThrownBy(() -> pinned.get((k + 1) % handles.size()).decrypt(ciphertext, AD))
                                .isInstanceOf(GeneralSecurityException.class);
                        checked++;
                    }
                    return checked;
                }));
            }
            for (Future<Integer> result : results) {
                assertThat(result.get()).isEqualTo(2_000);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void toStringNamesNoKey() throws GeneralSecurityException {
        assertThat(pinned(rotated(keyset())).toString()).isEqualTo("AesGcmKeysetAead[2 enabled versions]");
    }
}
