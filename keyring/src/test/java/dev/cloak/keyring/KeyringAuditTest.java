package dev.cloak.keyring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.daead.AesSivKey;
import dev.cloak.keyring.audit.AuditEvent;
import dev.cloak.keyring.audit.AuditException;
import dev.cloak.keyring.audit.AuditOutcome;
import dev.cloak.keyring.audit.AuditRecord;
import dev.cloak.keyring.audit.AuditTrail;
import dev.cloak.keyring.audit.AuditVerifier;
import dev.cloak.keyring.audit.FileAuditTrail;
import dev.cloak.keyring.store.FileKeyStore;
import dev.cloak.keyring.store.KeyStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyringAuditTest {

    @TempDir
    Path dir;

    private KeyringSettings settings() {
        return Fixtures.settings(dir.resolve("master.json"), true);
    }

    private List<AuditRecord> records(Path trail) throws Exception {
        return Files.readAllLines(trail).stream().map(AuditRecord::parse).collect(Collectors.toList());
    }

    @Test
    void aScriptedSessionRecordsCreatedThenUnwrappedOnCacheMissAndVerifies() throws Exception {
        Path trail = dir.resolve("audit.jsonl");
        KeyStore store = new FileKeyStore(dir.resolve("keys.json"));
        try (Keyring keyring = Fixtures.open(settings(), store, FileAuditTrail.open(trail))) {
            keyring.aead("patients.name");
            keyring.deterministicAead("patients.ssn");
            keyring.aead("patients.name"); // a cache hit: no record
        }
        try (Keyring restarted = Fixtures.open(settings(), store, FileAuditTrail.open(trail))) {
            restarted.aead("patients.name");
            restarted.deterministicAead("patients.ssn");
        }

        List<AuditRecord> records = records(trail);
        assertThat(records).extracting(r -> r.event().wireName() + " " + r.domain() + " " + r.outcome().wireName())
                .containsExactly("created patients.name ok", "created patients.ssn ok",
                        "unwrapped patients.name ok", "unwrapped patients.ssn ok");
        assertThat(records.get(0).version()).isEqualTo(records.get(2).version()).matches("\\d+");
        assertThat(AuditVerifier.verify(trail).describe()).isEqualTo("OK: 4 records, chain intact");
        assertNoKeyBytesIn(trail, store);
    }

    @Test
    void aKeyEventThatCannotBeAuditedFailsAsUnavailableAndIsNotCached() throws Exception {
        AuditTrail broken = (principal, event, domain, version, outcome) -> {
            throw new AuditException("audit trail /x cannot be written (IOException)");
        };
        try (Keyring keyring = Fixtures.open(settings(), new Fixtures.MemoryKeyStore(), broken)) {
            assertThatThrownBy(() -> keyring.aead("patients.name"))
                    .isInstanceOf(KeyringException.class)
                    .hasMessageContaining("key event created of key domain patients.name cannot be audited")
                    .extracting(e -> ((KeyringException) e).kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
            assertThatThrownBy(() -> keyring.aead("patients.name"))
                    .hasMessageContaining("key event unwrapped of key domain patients.name cannot be audited");
        }
    }

    @Test
    void aMasterKeyThatCannotBeOpenedIsRecordedAsAKmsFailure() throws Exception {
        Path trail = dir.resolve("audit.jsonl");
        Path notAKeyset = Files.writeString(dir.resolve("garbage.json"), "{}");
        KeyringSettings settings = new KeyringSettings("local:file:" + notAKeyset, java.time.Duration.ofMinutes(1), 10, true);

        assertThatThrownBy(() -> Fixtures.open(settings, new Fixtures.MemoryKeyStore(), FileAuditTrail.open(trail)))
                .isInstanceOf(KeyringException.class);
        List<AuditRecord> records = records(trail);
        assertThat(records).hasSize(1);
        assertThat(records.get(0).event()).isEqualTo(AuditEvent.KMS_FAILURE);
        assertThat(records.get(0).outcome()).isEqualTo(AuditOutcome.FAILED);
    }

    /** Neither the master key nor any data key, raw, hex or base64, nor a wrapped keyset appears in the trail. */
    private void assertNoKeyBytesIn(Path trail, KeyStore store) throws Exception {
        byte[] trailBytes = Files.readAllBytes(trail);
        String text = new String(trailBytes, StandardCharsets.UTF_8);
        KeysetHandle master = TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(dir.resolve("master.json")),
                InsecureSecretKeyAccess.get());
        Aead masterAead = master.getPrimitive(RegistryConfiguration.get(), Aead.class);
        List<byte[]> secrets = new ArrayList<>();
        secrets.add(((AesGcmKey) master.getPrimary().getKey()).getKeyBytes().toByteArray(InsecureSecretKeyAccess.get()));
        for (KeyPurpose purpose : KeyPurpose.values()) {
            String domain = purpose == KeyPurpose.AEAD ? "patients.name" : "patients.ssn";
            WrappedKeyset wrapped = store.read(domain).orElseThrow();
            secrets.add(wrapped.ciphertext());
            KeysetHandle keyset = TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped.ciphertext(), masterAead,
                    purpose.associatedData(domain, wrapped.generation()));
            secrets.add(TinkProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get()));
            Object key = keyset.getPrimary().getKey();
            secrets.add(key instanceof AesGcmKey gcm ? gcm.getKeyBytes().toByteArray(InsecureSecretKeyAccess.get())
                    : ((AesSivKey) key).getKeyBytes().toByteArray(InsecureSecretKeyAccess.get()));
        }
        for (byte[] secret : secrets) {
            assertThat(indexOf(trailBytes, secret)).isEqualTo(-1);
            assertThat(text).doesNotContainIgnoringCase(HexFormat.of().formatHex(secret).substring(0, 16))
                    .doesNotContain(Base64.getEncoder().encodeToString(secret).substring(0, 12));
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
