package dev.cloak.keyring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WrappedKeysetTest {

    @BeforeAll
    static void tink() throws GeneralSecurityException {
        KeyPurpose.ensureRegistered();
    }

    /** A master key whose every call fails with {@code failure}. */
    private static MasterKey failing(GeneralSecurityException failure) {
        return new MasterKey("test-kms://key", new Aead() {
            @Override
            public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
                throw failure;
            }

            @Override
            public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
                throw failure;
            }
        });
    }

    /** A keyset really wrapped for patients.ssn, under a master key that is not the failing one. */
    private static WrappedKeyset stored() throws GeneralSecurityException, KeyringException {
        Aead master = KeysetHandle.generateNew(KeyPurpose.AEAD.template())
                .getPrimitive(RegistryConfiguration.get(), Aead.class);
        return WrappedKeyset.wrap(KeysetHandle.generateNew(KeyPurpose.AEAD.template()), "patients.ssn",
                KeyPurpose.AEAD, new MasterKey("test-kms://key", master), 1);
    }

    @Test
    void anAuthenticationFailureOfTheMasterKeyIsAKeysetThatDoesNotUnwrap() throws Exception {
        WrappedKeyset stored = stored();

        KeyringException e = catchThrowableOfType(KeyringException.class,
                () -> stored.unwrap(failing(new GeneralSecurityException("decryption failed"))));

        assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNWRAP_FAILED);
        assertThat(e.getMessage()).contains("patients.ssn").contains("does not unwrap");
    }

    @Test
    void aMasterKeyFailureCausedByIoIsUnavailableForUnwrapAndWrap() throws Exception {
        GeneralSecurityException io = new GeneralSecurityException("KMS call failed", new IOException("reset"));
        KeysetHandle handle = KeysetHandle.generateNew(KeyPurpose.AEAD.template());
        WrappedKeyset stored = stored();

        KeyringException unwrap = catchThrowableOfType(KeyringException.class, () -> stored.unwrap(failing(io)));
        KeyringException wrap = catchThrowableOfType(KeyringException.class,
                () -> WrappedKeyset.wrap(handle, "patients.ssn", KeyPurpose.AEAD, failing(io), 1));

        assertThat(unwrap.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
        assertThat(wrap.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
    }

    @Test
    void aMasterKeyThatNamesItsFailureKindIsReportedWithThatKind() throws Exception {
        MasterKey denying = failing(new MasterKeyException(KeyringException.Kind.ACCESS_DENIED,
                "KMS denied kms:Decrypt", null));
        KeysetHandle handle = KeysetHandle.generateNew(KeyPurpose.AEAD.template());
        WrappedKeyset stored = stored();

        KeyringException unwrap = catchThrowableOfType(KeyringException.class, () -> stored.unwrap(denying));
        KeyringException wrap = catchThrowableOfType(KeyringException.class,
                () -> WrappedKeyset.wrap(handle, "patients.ssn", KeyPurpose.AEAD, denying, 1));

        assertThat(unwrap.kind()).isEqualTo(KeyringException.Kind.ACCESS_DENIED);
        assertThat(unwrap.getMessage()).contains("patients.ssn").contains("access denied");
        assertThat(wrap.kind()).isEqualTo(KeyringException.Kind.ACCESS_DENIED);
    }

    @Test
    void aKeysetStoredForAnUnknownPurposeIsInvalid() {
        WrappedKeyset odd = new WrappedKeyset("patients.ssn", "streaming", BYTES, "test-kms://key");

        KeyringException e = catchThrowableOfType(KeyringException.class,
                () -> odd.unwrap(failing(new GeneralSecurityException("never called"))));

        assertThat(e.kind()).isEqualTo(KeyringException.Kind.INVALID);
    }

    private static final byte[] BYTES = {0x01, (byte) 0xAB, (byte) 0xCD, (byte) 0xEF, 0x10, 0x32, 0x54, 0x76, (byte) 0x98};

    @Test
    void toStringShowsNeitherBytesNorTheMasterKeyUri() {
        WrappedKeyset keyset = new WrappedKeyset("patients.ssn", "deterministic-aead", BYTES,
                "local:file:/secret/place/master.json");

        String text = keyset.toString();

        assertThat(text).contains("patients.ssn").contains("deterministic-aead").contains("9 bytes")
                .doesNotContain(Base64.getEncoder().encodeToString(BYTES))
                .doesNotContain(HexFormat.of().formatHex(BYTES))
                .doesNotContainIgnoringCase(HexFormat.of().withUpperCase().formatHex(BYTES))
                .doesNotContain(java.util.Arrays.toString(BYTES))
                .doesNotContain("/secret/place");
    }

    @Test
    void ciphertextIsCopiedInAndOut() {
        byte[] original = BYTES.clone();
        WrappedKeyset keyset = new WrappedKeyset("patients.ssn", "aead", original, "local:m.json");

        original[0] = 0x7F;
        keyset.ciphertext()[1] = 0x7F;

        assertThat(keyset.ciphertext()).isEqualTo(BYTES);
    }

    @Test
    void equalityComparesCiphertextContent() {
        WrappedKeyset a = new WrappedKeyset("patients.ssn", "aead", BYTES, "local:m.json");
        WrappedKeyset b = new WrappedKeyset("patients.ssn", "aead", BYTES.clone(), "local:m.json");
        WrappedKeyset c = new WrappedKeyset("patients.ssn", "aead", new byte[] {1}, "local:m.json");

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(c);
    }
}
