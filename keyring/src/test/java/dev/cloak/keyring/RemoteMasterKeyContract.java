package dev.cloak.keyring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.DeterministicAead;
import dev.cloak.keyring.Fixtures.ManualTicker;
import dev.cloak.keyring.Fixtures.MemoryKeyStore;
import dev.cloak.keyring.audit.AuditEvent;
import dev.cloak.keyring.audit.AuditOutcome;
import dev.cloak.keyring.audit.AuditTrail;
import dev.cloak.keyring.kmsdouble.Fault;
import dev.cloak.keyring.kmsdouble.KmsDouble;
import dev.cloak.keyring.kmsdouble.KmsDoubles;
import dev.cloak.keyring.local.LocalMasterKeyProvider;
import dev.cloak.keyring.store.FileKeyStore;
import dev.cloak.keyring.store.GenerationLedger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * What every remote master key must do, run against each KMS's protocol double with the real client: keysets round
 * trip, each KMS call is bound to (and names) its key domain, a keyset moved to another domain is refused by the KMS
 * itself, throttling, server errors and dropped connections are retried, a refusal is not, a slow or failing KMS
 * fails a cold key within {@code keyring.kms-timeout} as unavailable and works again once the KMS is back, warm keys
 * keep serving until their TTL, and a role that may only decrypt serves existing keys.
 */
public abstract class RemoteMasterKeyContract {

    protected static final Duration TIMEOUT = Duration.ofSeconds(4);
    /** How much later than the timeout a refusal may come on a busy machine (thread scheduling, a cold client). */
    protected static final Duration SLACK = Duration.ofMillis(1500);
    protected static final byte[] VALUE = "900-12-3456".getBytes(StandardCharsets.UTF_8);

    protected String uri;
    private String keyName;

    /** The double the provider's client is pointed at. */
    protected abstract KmsDouble kms();

    /** A URI of a new key in the double, named {@code name}. */
    protected abstract String newKey(String name);

    /** The provider under test. */
    protected abstract MasterKeyProvider provider();

    /** From now on, the application's credentials may decrypt but not encrypt. */
    protected abstract void allowDecryptOnly();

    @BeforeEach
    void newKey(TestInfo test) {
        KmsDoubles.reset();
        keyName = "k" + Integer.toHexString(test.getDisplayName().hashCode() & 0x7fffffff) + "-"
                + Long.toHexString(System.nanoTime());
        uri = newKey(keyName);
    }

    @AfterEach
    void recover() {
        KmsDoubles.reset();
    }

    protected KeyringSettings settings() {
        return new KeyringSettings(uri, Duration.ofMinutes(15), 100, true, TIMEOUT);
    }

    protected Keyring open(MemoryKeyStore store) throws KeyringException {
        return open(store, AuditTrail.NONE);
    }

    protected Keyring open(MemoryKeyStore store, AuditTrail audit) throws KeyringException {
        return Keyring.open(settings(), store, MasterKeys.of(List.of(provider())), System::nanoTime, audit,
                DomainUsage.UNCHECKED, GenerationLedger.NONE);
    }

    /** A store holding keysets of {@code patients.ssn} and {@code patients.name} created under the key. */
    protected MemoryKeyStore storeWithKeys() throws Exception {
        MemoryKeyStore store = new MemoryKeyStore();
        try (Keyring keyring = open(store)) {
            keyring.deterministicAead("patients.ssn");
            keyring.aead("patients.name");
        }
        kms().clearCalls();
        return store;
    }

    @Test
    void keysetsCreatedUnderTheKmsKeyUnwrapInAnotherKeyring() throws Exception {
        MemoryKeyStore store = new MemoryKeyStore();
        byte[] randomized;
        byte[] deterministic;
        try (Keyring keyring = open(store)) {
            randomized = keyring.aead("patients.name").encrypt(VALUE, Fixtures.AD);
            deterministic = keyring.deterministicAead("patients.ssn").encryptDeterministically(VALUE, Fixtures.AD);
        }

        try (Keyring keyring = open(store)) {
            assertThat(keyring.aead("patients.name").decrypt(randomized, Fixtures.AD)).isEqualTo(VALUE);
            assertThat(keyring.deterministicAead("patients.ssn").decryptDeterministically(deterministic, Fixtures.AD))
                    .isEqualTo(VALUE);
        }
        assertThat(store.keysets.get("patients.ssn").masterKeyUri()).isEqualTo(uri);
    }

    @Test
    void everyKmsCallIsBoundToAndNamesTheKeyDomainItServes() throws Exception {
        MemoryKeyStore store = storeWithKeys();

        try (Keyring keyring = open(store)) {
            keyring.deterministicAead("patients.ssn");
        }

        assertThat(kms().calls()).hasSize(1);
        assertThat(kms().calls().get(0).binding()).contains("patients.ssn");
    }

    @Test
    void aKeysetMovedToAnotherDomainIsRefusedByTheKms() throws Exception {
        MemoryKeyStore store = storeWithKeys();
        WrappedKeyset ssn = store.keysets.get("patients.ssn");
        store.keysets.put("visits.ssn", new WrappedKeyset("visits.ssn", ssn.purpose(), ssn.ciphertext(),
                ssn.masterKeyUri(), ssn.generation()));

        try (Keyring keyring = open(store)) {
            KeyringException e = catchThrowableOfType(KeyringException.class,
                    () -> keyring.deterministicAead("visits.ssn"));

            assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNWRAP_FAILED);
        }
        assertThat(kms().calls()).hasSize(1);
        assertThat(kms().calls().get(0).status()).isEqualTo(400);
        assertThat(kms().calls().get(0).binding()).contains("visits.ssn");
    }

    @Test
    void aThrottledCallIsRetriedUntilItIsServed() throws Exception {
        MemoryKeyStore store = storeWithKeys();
        kms().failNext(Fault.THROTTLE, 2);

        try (Keyring keyring = open(store)) {
            assertThat(keyring.deterministicAead("patients.ssn")).isNotNull();
        }
        assertThat(kms().operations()).isEqualTo(3);
    }

    @Test
    void aServerErrorIsRetried() throws Exception {
        MemoryKeyStore store = storeWithKeys();
        kms().failNext(Fault.SERVER_ERROR, 1);

        try (Keyring keyring = open(store)) {
            assertThat(keyring.aead("patients.name")).isNotNull();
        }
        assertThat(kms().operations()).isEqualTo(2);
    }

    @Test
    void aDroppedConnectionIsRetried() throws Exception {
        MemoryKeyStore store = storeWithKeys();
        kms().failNext(Fault.DROP_CONNECTION, 1);

        try (Keyring keyring = open(store)) {
            assertThat(keyring.aead("patients.name")).isNotNull();
        }
        assertThat(kms().operations()).isEqualTo(2);
    }

    @Test
    void aRefusalIsAccessDeniedAndIsNeverRetried() throws Exception {
        MemoryKeyStore store = storeWithKeys();
        kms().failAlways(Fault.ACCESS_DENIED);
        List<AuditOutcome> failures = new CopyOnWriteArrayList<>();
        AuditTrail audit = (principal, event, domain, version, outcome) -> {
            if (event == AuditEvent.KMS_FAILURE) {
                failures.add(outcome);
            }
        };

        try (Keyring keyring = open(store, audit)) {
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> keyring.aead("patients.name"));

            assertThat(e.kind()).isEqualTo(KeyringException.Kind.ACCESS_DENIED);
        }
        assertThat(kms().operations()).isEqualTo(1);
        assertThat(failures).containsExactly(AuditOutcome.FAILED);
    }

    @Test
    void aColdKeyDuringAnOutageFailsWithinTheTimeoutAndWorksOnceTheKmsIsBack() throws Exception {
        MemoryKeyStore store = storeWithKeys();
        kms().failAlways(Fault.SERVER_ERROR);

        try (Keyring keyring = open(store)) {
            long start = System.nanoTime();
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> keyring.aead("patients.name"));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
            assertThat(took).isLessThan(TIMEOUT.plus(SLACK));
            kms().recover();
            assertThat(keyring.aead("patients.name").decrypt(keyring.aead("patients.name").encrypt(VALUE,
                    Fixtures.AD), Fixtures.AD)).isEqualTo(VALUE);
        }
    }

    @Test
    void aKmsThatDoesNotAnswerFailsAColdKeyWithinTheTimeout() throws Exception {
        MemoryKeyStore store = storeWithKeys();
        kms().slowness(Duration.ofSeconds(20)).failAlways(Fault.SLOW);

        try (Keyring keyring = open(store)) {
            long start = System.nanoTime();
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> keyring.aead("patients.name"));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
            assertThat(e.getMessage()).contains("keyring.kms-timeout");
            assertThat(took).isBetween(TIMEOUT.minusMillis(100), TIMEOUT.plus(SLACK));
        }
    }

    @Test
    void warmKeysKeepServingDuringAnOutageUntilTheirTtl() throws Exception {
        MemoryKeyStore store = storeWithKeys();
        ManualTicker ticker = new ManualTicker();
        try (Keyring keyring = Fixtures.open(settings(), store, List.of(provider()), ticker)) {
            DeterministicAead warm = keyring.deterministicAead("patients.ssn");
            byte[] cell = warm.encryptDeterministically(VALUE, Fixtures.AD);
            kms().failAlways(Fault.SERVER_ERROR);
            int before = kms().operations();

            ticker.advance(Duration.ofMinutes(14));
            assertThat(keyring.deterministicAead("patients.ssn").decryptDeterministically(cell, Fixtures.AD))
                    .isEqualTo(VALUE);
            assertThat(kms().operations()).isEqualTo(before);

            ticker.advance(Duration.ofMinutes(2));
            KeyringException e = catchThrowableOfType(KeyringException.class,
                    () -> keyring.deterministicAead("patients.ssn"));
            assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
        }
    }

    @Test
    void aRoleThatMayOnlyDecryptServesExistingKeysButCreatesNone() throws Exception {
        MemoryKeyStore store = storeWithKeys();
        allowDecryptOnly();

        try (Keyring keyring = open(store)) {
            assertThat(keyring.aead("patients.name")).isNotNull();
            keyring.checkMasterKey("patients.name");
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> keyring.aead("patients.dob"));

            assertThat(e.kind()).isEqualTo(KeyringException.Kind.ACCESS_DENIED);
        }
        assertThat(store.keysets).doesNotContainKey("patients.dob");
    }

    @Test
    void theMasterKeyCheckAsksTheKms() throws Exception {
        try (Keyring keyring = open(new MemoryKeyStore())) {
            keyring.checkMasterKey();
            assertThat(kms().calls()).extracting(KmsDouble.Call::operation).hasSize(2);

            kms().failAlways(Fault.SERVER_ERROR);
            KeyringException e = catchThrowableOfType(KeyringException.class, keyring::checkMasterKey);
            assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
        }
    }

    @Test
    void keysAreRewrappedFromThisKmsToALocalKeyAndBack() throws Exception {
        Path dir = Files.createTempDirectory("rewrap");
        FileKeyStore store = new FileKeyStore(dir.resolve("keys.json"));
        byte[] cell;
        try (Keyring keyring = Keyring.open(settings(), store, MasterKeys.of(List.of(provider())), System::nanoTime,
                AuditTrail.NONE, DomainUsage.UNCHECKED, GenerationLedger.NONE)) {
            keyring.deterministicAead("patients.ssn");
            cell = keyring.aead("patients.name").encrypt(VALUE, Fixtures.AD);
        }
        String local = "local:file:" + dir.resolve("master.json");
        List<MasterKeyProvider> providers = List.of(provider(), new LocalMasterKeyProvider());
        AtomicInteger rewrapped = new AtomicInteger();
        AuditTrail audit = (principal, event, domain, version, outcome) -> {
            if (event == AuditEvent.REWRAPPED) {
                rewrapped.incrementAndGet();
            }
        };

        try (KeyAdministration admin = Fixtures.administration(uri, store, audit, providers)) {
            assertThat(admin.rewrap(local)).isEqualTo(2);
        }
        assertThat(store.read("patients.name").orElseThrow().masterKeyUri()).isEqualTo(local);
        kms().clearCalls();
        try (KeyAdministration admin = Fixtures.administration(local, store, audit, providers)) {
            assertThat(admin.rewrap(uri)).isEqualTo(2);
        }

        assertThat(rewrapped).hasValue(4);
        assertThat(kms().calls()).extracting(KmsDouble.Call::binding)
                .anyMatch(binding -> binding.contains("patients.ssn"))
                .anyMatch(binding -> binding.contains("patients.name"));
        try (Keyring keyring = Keyring.open(settings(), store, MasterKeys.of(List.of(provider())), System::nanoTime,
                AuditTrail.NONE, DomainUsage.UNCHECKED, GenerationLedger.NONE)) {
            Aead aead = keyring.aead("patients.name");
            assertThat(aead.decrypt(cell, Fixtures.AD)).isEqualTo(VALUE);
        }
    }
}
