package dev.cloak.keyring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class WrappedKeysetTest {

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
