package dev.cloak.keyring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cloak.keyring.Fixtures.MemoryKeyStore;
import dev.cloak.keyring.audit.AuditTrail;
import dev.cloak.keyring.store.FileKeyStore;
import dev.cloak.keyring.store.GenerationLedger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A key is created only for columns that hold no value yet: the keyring asks its {@link DomainUsage} first. */
class KeysAreNeverReplacedTest {

    private static final byte[] PLAINTEXT = "123-45-6789".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private Keyring open(MemoryKeyStore store, DomainUsage usage) throws KeyringException {
        return Keyring.open(Fixtures.settings(dir.resolve("master.json"), true), store, AuditTrail.NONE, usage,
                GenerationLedger.NONE);
    }

    @Test
    void aMissingKeyOfColumnsThatHoldValuesIsAnErrorNamingDomainStoreAndColumnAndNoKeyIsCreated() throws Exception {
        MemoryKeyStore store = new MemoryKeyStore();
        try (Keyring keyring = open(store, domain -> Optional.of("tenant_a.patients.ssn"))) {
            KeyringException e = catchThrowableOfType(KeyringException.class,
                    () -> keyring.deterministicAead("tenant_a.patients.ssn"));

            assertThat(e.kind()).isEqualTo(KeyringException.Kind.NO_SUCH_KEY);
            assertThat(e.getMessage()).contains("key domain tenant_a.patients.ssn").contains(store.toString())
                    .contains("column tenant_a.patients.ssn already holds values");
            assertThat(store.keysets).isEmpty();
        }
    }

    @Test
    void aKeyIsCreatedForColumnsThatHoldNoValueAndTheQuestionIsAskedOncePerDomain() throws Exception {
        MemoryKeyStore store = new MemoryKeyStore();
        AtomicInteger asked = new AtomicInteger();
        try (Keyring keyring = open(store, domain -> {
            asked.incrementAndGet();
            return Optional.empty();
        })) {
            byte[] cell = keyring.aead("patients.name").encrypt(PLAINTEXT, Fixtures.AD);

            assertThat(keyring.aead("patients.name").decrypt(cell, Fixtures.AD)).isEqualTo(PLAINTEXT);
            assertThat(store.keysets).containsOnlyKeys("patients.name");
            assertThat(store.keysets.get("patients.name").generation()).isEqualTo(1);
            assertThat(asked).hasValue(1);
        }
    }

    @Test
    void aKeyCreatedByAnotherProcessWhileTheColumnsWereCheckedIsUsed() throws Exception {
        MemoryKeyStore store = new MemoryKeyStore();
        byte[] cell;
        try (Keyring other = open(store, DomainUsage.UNCHECKED)) {
            cell = other.aead("patients.name").encrypt(PLAINTEXT, Fixtures.AD);
        }
        WrappedKeyset othersKey = store.keysets.remove("patients.name");
        // the other process stores its key and writes its first cell while this one asks whether the column is empty
        DomainUsage racing = domain -> {
            store.keysets.put(domain, othersKey);
            return Optional.of("patients.name");
        };

        try (Keyring keyring = open(store, racing)) {
            assertThat(keyring.aead("patients.name").decrypt(cell, Fixtures.AD)).isEqualTo(PLAINTEXT);
        }
        assertThat(store.keysets).containsEntry("patients.name", othersKey).hasSize(1);
    }

    @Test
    void aColumnCheckThatFailsCreatesNoKeyAndIsUnavailable() throws Exception {
        MemoryKeyStore store = new MemoryKeyStore();
        DomainUsage unreachable = domain -> {
            throw new KeyringException(KeyringException.Kind.UNAVAILABLE, "database unreachable");
        };
        try (Keyring keyring = open(store, unreachable)) {
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> keyring.aead("patients.name"));

            assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
            assertThat(store.keysets).isEmpty();
        }
    }

    @Test
    void aColumnCheckThatThrowsUncheckedCreatesNoKey() throws Exception {
        MemoryKeyStore store = new MemoryKeyStore();
        try (Keyring keyring = open(store, domain -> {
            throw new IllegalStateException("pool closed");
        })) {
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> keyring.aead("patients.name"));

            assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
            assertThat(e.getMessage()).contains("patients.name").contains("no key is created");
            assertThat(store.keysets).isEmpty();
        }
    }

    @Test
    void anExistingKeyIsUsedWithoutAskingWhetherTheColumnsHoldValues() throws Exception {
        MemoryKeyStore store = new MemoryKeyStore();
        byte[] cell;
        try (Keyring creator = open(store, DomainUsage.UNCHECKED)) {
            cell = creator.aead("patients.name").encrypt(PLAINTEXT, Fixtures.AD);
        }

        try (Keyring keyring = open(store, domain -> {
            throw new AssertionError("asked about " + domain);
        })) {
            assertThat(keyring.aead("patients.name").decrypt(cell, Fixtures.AD)).isEqualTo(PLAINTEXT);
        }
    }

    @Test
    void keysInitRefusesADomainWhoseColumnsHoldValues() throws Exception {
        FileKeyStore store = new FileKeyStore(dir.resolve("keys.json"));
        KeyAdministration admin = KeyAdministration.open("local:file:" + dir.resolve("master.json"), store,
                AuditTrail.NONE, GenerationLedger.NONE);

        KeyringException e = catchThrowableOfType(KeyringException.class,
                () -> admin.init("patients.ssn", KeyPurpose.DETERMINISTIC_AEAD, domain -> Optional.of("patients.ssn")));

        assertThat(e.kind()).isEqualTo(KeyringException.Kind.NO_SUCH_KEY);
        assertThat(e.getMessage()).contains("key domain patients.ssn").contains(store.toString())
                .contains("column patients.ssn already holds values");
        assertThat(store.list()).isEmpty();
    }
}
