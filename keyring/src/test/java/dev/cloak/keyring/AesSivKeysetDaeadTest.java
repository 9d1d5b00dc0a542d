package dev.cloak.keyring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.DeterministicAead;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.daead.AesSivParameters;
import com.google.crypto.tink.daead.PredefinedDeterministicAeadParameters;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link AesSivKeysetDaead} must be Tink's AES256_SIV keyset primitive in everything but its copies: the same
 * ciphertexts, each decrypts the other's under every enabled version, from an offset too, and it refuses whatever
 * Tink refuses.
 */
class AesSivKeysetDaeadTest {

    private static final byte[] AD = "cloak/v1/patients.ssn".getBytes(StandardCharsets.UTF_8);

    @BeforeAll
    static void register() throws GeneralSecurityException {
        KeyPurpose.ensureRegistered();
    }

    private static KeysetHandle keyset() throws GeneralSecurityException {
        return KeysetHandle.generateNew(PredefinedDeterministicAeadParameters.AES256_SIV);
    }

    private static KeysetHandle rotated(KeysetHandle old) throws GeneralSecurityException {
        KeysetHandle.Builder builder = KeysetHandle.newBuilder(old);
        builder.addEntry(KeysetHandle.generateEntryFromParameters(PredefinedDeterministicAeadParameters.AES256_SIV)
                .withRandomId().makePrimary());
        return builder.build();
    }

    private static DeterministicAead tink(KeysetHandle handle) throws GeneralSecurityException {
        return handle.getPrimitive(RegistryConfiguration.get(), DeterministicAead.class);
    }

    private static FramedDeterministicAead framed(KeysetHandle handle) throws GeneralSecurityException {
        DeterministicAead daead = AesSivKeysetDaead.of(handle, tink(handle));
        assertThat(daead).as("a keyset Cloak creates qualifies").isInstanceOf(FramedDeterministicAead.class);
        return (FramedDeterministicAead) daead;
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    @Test
    void sameCiphertextsAsTinkAndEachDecryptsTheOthers() throws GeneralSecurityException {
        KeysetHandle handle = keyset();
        DeterministicAead tink = tink(handle);
        FramedDeterministicAead framed = framed(handle);
        for (int length = 0; length <= 70; length++) {
            byte[] plaintext = random(length);
            byte[] ours = framed.encryptDeterministically(plaintext, AD);
            assertThat(ours).isEqualTo(tink.encryptDeterministically(plaintext, AD));
            assertThat(tink.decryptDeterministically(ours, AD)).isEqualTo(plaintext);
            assertThat(framed.decryptDeterministically(ours, AD)).isEqualTo(plaintext);
        }
    }

    @Test
    void decryptsFromAnOffsetWhateverIsInFront() throws GeneralSecurityException {
        KeysetHandle handle = rotated(keyset());
        DeterministicAead tink = tink(handle);
        FramedDeterministicAead framed = framed(handle);
        byte[] plaintext = random(30);
        byte[] theirs = tink.encryptDeterministically(plaintext, AD);
        for (int offset : new int[] {0, 2, 7}) {
            byte[] inFrame = new byte[offset + theirs.length];
            Arrays.fill(inFrame, 0, offset, (byte) 0x5a);
            System.arraycopy(theirs, 0, inFrame, offset, theirs.length);
            assertThat(framed.decryptDeterministically(inFrame, offset, AD)).isEqualTo(plaintext);
        }
        byte[] cell = new byte[2 + theirs.length];
        System.arraycopy(theirs, 0, cell, 2, theirs.length);
        cell[cell.length - 1] ^= 1;
        assertThatThrownBy(() -> framed.decryptDeterministically(cell, 2, AD))
                .isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> framed.decryptDeterministically(cell, cell.length + 1, AD))
                .isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> framed.decryptDeterministically(cell, cell.length - 3, AD))
                .isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> framed.decryptDeterministically(cell, -1, AD))
                .isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void everyEnabledVersionDecryptsThePrimaryEncryptsAndADisabledOneNothing() throws GeneralSecurityException {
        KeysetHandle before = keyset();
        byte[] plaintext = "123-45-6789".getBytes(StandardCharsets.UTF_8);
        byte[] underOld = tink(before).encryptDeterministically(plaintext, AD);

        KeysetHandle after = rotated(before);
        FramedDeterministicAead framed = framed(after);
        assertThat(framed.decryptDeterministically(underOld, AD)).isEqualTo(plaintext);
        byte[] underNew = framed.encryptDeterministically(plaintext, AD);
        assertThat(Arrays.copyOf(underNew, 5)).as("under the new primary").isNotEqualTo(Arrays.copyOf(underOld, 5));
        assertThat(tink(after).decryptDeterministically(underNew, AD)).isEqualTo(plaintext);

        KeysetHandle.Builder disabling = KeysetHandle.newBuilder(after);
        for (int i = 0; i < disabling.size(); i++) {
            if (!disabling.getAt(i).isPrimary()) {
                disabling.getAt(i).setStatus(KeyStatus.DISABLED);
            }
        }
        KeysetHandle oldDisabled = disabling.build();
        assertThatThrownBy(() -> framed(oldDisabled).decryptDeterministically(underOld, AD))
                .as("a disabled version decrypts nothing, as with Tink").isInstanceOf(GeneralSecurityException.class);
        assertThat(framed(oldDisabled).decryptDeterministically(underNew, AD)).isEqualTo(plaintext);
    }

    @Test
    void refusesWhatTinkRefuses() throws GeneralSecurityException {
        KeysetHandle handle = keyset();
        FramedDeterministicAead framed = framed(handle);
        byte[] ciphertext = framed.encryptDeterministically(random(16), AD);
        assertThatThrownBy(() -> framed.decryptDeterministically(ciphertext, "other".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(GeneralSecurityException.class);
        byte[] otherKey = tink(keyset()).encryptDeterministically(random(16), AD);
        assertThatThrownBy(() -> framed.decryptDeterministically(otherKey, AD))
                .isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> framed.decryptDeterministically(Arrays.copyOf(ciphertext, 20), AD))
                .isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> framed.decryptDeterministically(new byte[3], AD))
                .isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void aKeysetWithoutTinksPrefixDoesNotQualify() throws GeneralSecurityException {
        KeysetHandle raw = KeysetHandle.generateNew(AesSivParameters.builder().setKeySizeBytes(64)
                .setVariant(AesSivParameters.Variant.NO_PREFIX).build());
        assertThat(AesSivKeysetDaead.of(raw, tink(raw))).isNull();
    }
}
