package dev.cloak.keyring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.crypto.tink.Aead;
import dev.cloak.keyring.Fixtures.CountingKeyStore;
import dev.cloak.keyring.Fixtures.MemoryKeyStore;
import dev.cloak.keyring.audit.AuditEvent;
import dev.cloak.keyring.audit.AuditTrail;
import dev.cloak.keyring.local.LocalMasterKeyProvider;
import dev.cloak.keyring.store.GenerationLedger;
import dev.cloak.keyring.store.KeyStore;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keyring's health checks: the key store and the master key asked past the cache, nothing kept or audited. */
class KeyringCheckTest {

    @TempDir
    Path dir;

    /** A local master key that counts its calls and fails while {@code down} is set, as an unreachable KMS would. */
    private final AtomicInteger masterKeyCalls = new AtomicInteger();
    private final AtomicBoolean down = new AtomicBoolean();

    private final MasterKeyProvider testKms = new MasterKeyProvider() {
        private final LocalMasterKeyProvider local = new LocalMasterKeyProvider();

        @Override
        public String scheme() {
            return "test-kms";
        }

        @Override
        public Aead open(String uri) throws KeyringException {
            Aead master = local.open("local:" + uri.substring("test-kms:".length()));
            return new Aead() {
                @Override
                public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
                    return call(() -> master.encrypt(plaintext, associatedData));
                }

                @Override
                public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
                    return call(() -> master.decrypt(ciphertext, associatedData));
                }
            };
        }
    };

    private interface KmsCall {
        byte[] run() throws GeneralSecurityException;
    }

    private byte[] call(KmsCall call) throws GeneralSecurityException {
        masterKeyCalls.incrementAndGet();
        if (down.get()) {
            throw new GeneralSecurityException("KMS call failed", new java.net.ConnectException("refused"));
        }
        return call.run();
    }

    private Keyring open(KeyStore store, AuditTrail audit) throws KeyringException {
        KeyringSettings settings = new KeyringSettings("test-kms:file:" + dir.resolve("master.json"),
                Duration.ofMinutes(15), 100, true);
        return Keyring.open(settings, store, MasterKeys.of(List.of(testKms)), System::nanoTime, audit,
                DomainUsage.UNCHECKED, GenerationLedger.NONE);
    }

    @Test
    void masterKeyCheckAsksTheMasterKeyEveryTimeEvenWhenTheCacheIsWarm() throws Exception {
        try (Keyring keyring = open(new MemoryKeyStore(), AuditTrail.NONE)) {
            keyring.aead("patients.name");
            int warm = masterKeyCalls.get();

            keyring.checkMasterKey();
            keyring.checkMasterKey();

            assertThat(masterKeyCalls.get() - warm).as("an encrypt and a decrypt per check").isEqualTo(4);
        }
    }

    @Test
    void masterKeyCheckFailsAsUnavailableWhileTheMasterKeyDoesNotAnswer() throws Exception {
        try (Keyring keyring = open(new MemoryKeyStore(), AuditTrail.NONE)) {
            down.set(true);
            KeyringException e = catchThrowableOfType(KeyringException.class, keyring::checkMasterKey);
            down.set(false);

            assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
            assertThat(e.getMessage()).isEqualTo("master key (scheme 'test-kms') does not answer");
            keyring.checkMasterKey();
        }
    }

    @Test
    void keyStoreCheckReadsPastTheCacheAndTellsWhetherTheDomainHasAKeyset() throws Exception {
        CountingKeyStore store = new CountingKeyStore(new MemoryKeyStore());
        try (Keyring keyring = open(store, AuditTrail.NONE)) {
            keyring.aead("patients.name");
            int reads = store.reads.get();

            assertThat(keyring.checkKeyStore("patients.name")).isTrue();
            assertThat(keyring.checkKeyStore("visits.notes")).isFalse();
            assertThat(store.reads.get() - reads).isEqualTo(2);
            assertThat(store.inserts.get()).as("a check creates no key").isEqualTo(1);
        }
    }

    @Test
    void keyStoreCheckFailsAsUnavailableWhenTheStoreCannotBeRead() throws Exception {
        KeyStore broken = new KeyStore() {
            @Override
            public java.util.Optional<WrappedKeyset> read(String domain) {
                throw new IllegalStateException("disk gone");
            }

            @Override
            public WrappedKeyset insertIfAbsent(WrappedKeyset keyset) {
                throw new IllegalStateException("disk gone");
            }
        };
        try (Keyring keyring = open(broken, AuditTrail.NONE)) {
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> keyring.checkKeyStore("patients.name"));

            assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
        }
    }

    @Test
    void checksAreNotKeyEventsAndLeaveNoAuditRecord() throws Exception {
        List<AuditEvent> events = new ArrayList<>();
        AuditTrail audit = (principal, event, domain, version, outcome) -> events.add(event);
        try (Keyring keyring = open(new MemoryKeyStore(), audit)) {
            keyring.checkMasterKey();
            keyring.checkKeyStore("patients.name");
            down.set(true);
            catchThrowableOfType(KeyringException.class, keyring::checkMasterKey);
        }

        assertThat(events).isEmpty();
    }

    @Test
    void closedKeyringFailsBothChecks() throws Exception {
        Keyring keyring = open(new MemoryKeyStore(), AuditTrail.NONE);
        keyring.close();

        assertThat(catchThrowableOfType(KeyringException.class, keyring::checkMasterKey).kind())
                .isEqualTo(KeyringException.Kind.UNAVAILABLE);
        assertThat(catchThrowableOfType(KeyringException.class, () -> keyring.checkKeyStore("patients.name")).kind())
                .isEqualTo(KeyringException.Kind.UNAVAILABLE);
    }
}
