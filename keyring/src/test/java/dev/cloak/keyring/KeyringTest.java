package dev.cloak.keyring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.DeterministicAead;
import dev.cloak.keyring.Fixtures.CountingKeyStore;
import dev.cloak.keyring.Fixtures.ManualTicker;
import dev.cloak.keyring.Fixtures.MemoryKeyStore;
import dev.cloak.keyring.local.LocalMasterKeyProvider;
import dev.cloak.keyring.store.KeyStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyringTest {

    private static final byte[] PLAINTEXT = "123-45-6789".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private Keyring open(KeyStore store) throws KeyringException {
        return Fixtures.open(Fixtures.settings(dir.resolve("master.json"), true), store);
    }

    @Test
    void aeadRoundTripsThroughANewDomain() throws Exception {
        try (Keyring keyring = open(new MemoryKeyStore())) {
            Aead aead = keyring.aead("patients.name");
            byte[] ciphertext = aead.encrypt(PLAINTEXT, Fixtures.AD);

            assertThat(ciphertext).isNotEqualTo(aead.encrypt(PLAINTEXT, Fixtures.AD));
            assertThat(aead.decrypt(ciphertext, Fixtures.AD)).isEqualTo(PLAINTEXT);
            assertThat(aead).as("a keyset the keyring creates gets a cipher per key version")
                    .isInstanceOf(AesGcmKeysetAead.class);
        }
    }

    @Test
    void deterministicAeadRoundTripsAndRepeatsCiphertexts() throws Exception {
        try (Keyring keyring = open(new MemoryKeyStore())) {
            DeterministicAead daead = keyring.deterministicAead("patients.ssn");
            byte[] ciphertext = daead.encryptDeterministically(PLAINTEXT, Fixtures.AD);

            assertThat(daead.encryptDeterministically(PLAINTEXT, Fixtures.AD)).isEqualTo(ciphertext);
            assertThat(daead.decryptDeterministically(ciphertext, Fixtures.AD)).isEqualTo(PLAINTEXT);
        }
    }

    @Test
    void aSecondKeyringOverTheSameStoreDecryptsWhatTheFirstEncrypted() throws Exception {
        MemoryKeyStore store = new MemoryKeyStore();
        byte[] randomized;
        byte[] deterministic;
        try (Keyring first = open(store)) {
            randomized = first.aead("patients.name").encrypt(PLAINTEXT, Fixtures.AD);
            deterministic = first.deterministicAead("patients.ssn").encryptDeterministically(PLAINTEXT, Fixtures.AD);
        }
        assertThat(store.keysets).containsOnlyKeys("patients.name", "patients.ssn");

        try (Keyring second = open(store)) {
            assertThat(second.aead("patients.name").decrypt(randomized, Fixtures.AD)).isEqualTo(PLAINTEXT);
            assertThat(second.deterministicAead("patients.ssn").decryptDeterministically(deterministic, Fixtures.AD))
                    .isEqualTo(PLAINTEXT);
        }
        assertThat(store.keysets).hasSize(2);
    }

    @Test
    void newKeysetIsStoredWrappedWithItsPurposeAndMasterKey() throws Exception {
        MemoryKeyStore store = new MemoryKeyStore();
        KeyringSettings settings = Fixtures.settings(dir.resolve("master.json"), true);
        try (Keyring keyring = Fixtures.open(settings, store)) {
            keyring.deterministicAead("patients.ssn");
        }
        WrappedKeyset stored = store.keysets.get("patients.ssn");
        assertThat(stored.purpose()).isEqualTo("deterministic-aead");
        assertThat(stored.masterKeyUri()).isEqualTo(settings.masterKeyUri());
        assertThat(stored.ciphertext()).isNotEmpty();
    }

    @Test
    void warmCacheMakesNoStoreCall() throws Exception {
        CountingKeyStore store = new CountingKeyStore(new MemoryKeyStore());
        try (Keyring keyring = open(store)) {
            Aead first = keyring.aead("patients.name");
            DeterministicAead firstDeterministic = keyring.deterministicAead("patients.ssn");
            int callsWhenWarm = store.calls();

            for (int i = 0; i < 100; i++) {
                assertThat(keyring.aead("patients.name")).isSameAs(first);
                assertThat(keyring.deterministicAead("patients.ssn")).isSameAs(firstDeterministic);
            }
            assertThat(callsWhenWarm).isEqualTo(4);
            assertThat(store.calls()).isEqualTo(callsWhenWarm);
        }
    }

    @Test
    void warmCacheMakesNoMasterKeyCall() throws Exception {
        AtomicInteger masterKeyCalls = new AtomicInteger();
        MasterKeyProvider counting = new MasterKeyProvider() {
            private final LocalMasterKeyProvider local = new LocalMasterKeyProvider();

            @Override
            public String scheme() {
                return local.scheme();
            }

            @Override
            public Aead open(String uri) throws KeyringException {
                Aead master = local.open(uri);
                return new Aead() {
                    @Override
                    public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
                        masterKeyCalls.incrementAndGet();
                        return master.encrypt(plaintext, associatedData);
                    }

                    @Override
                    public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
                        masterKeyCalls.incrementAndGet();
                        return master.decrypt(ciphertext, associatedData);
                    }
                };
            }
        };
        MemoryKeyStore store = new MemoryKeyStore();
        try (Keyring creator = open(store)) {
            creator.aead("patients.name");
        }
        KeyringSettings settings = Fixtures.settings(dir.resolve("master.json"), false);
        try (Keyring keyring = Fixtures.open(settings, store, List.of(counting), System::nanoTime)) {
            keyring.aead("patients.name");
            assertThat(masterKeyCalls.get()).isEqualTo(1);

            for (int i = 0; i < 100; i++) {
                keyring.aead("patients.name").encrypt(PLAINTEXT, Fixtures.AD);
            }
            assertThat(masterKeyCalls.get()).isEqualTo(1);
        }
    }

    @Test
    void expiredTtlReloadsFromTheStore() throws Exception {
        CountingKeyStore store = new CountingKeyStore(new MemoryKeyStore());
        ManualTicker ticker = new ManualTicker();
        KeyringSettings settings = new KeyringSettings("local:file:" + dir.resolve("master.json"),
                Duration.ofMinutes(15), 100, true);
        try (Keyring keyring = Fixtures.open(settings, store, ticker)) {
            byte[] ciphertext = keyring.aead("patients.name").encrypt(PLAINTEXT, Fixtures.AD);
            ticker.advance(Duration.ofMinutes(14));
            keyring.aead("patients.name");
            assertThat(store.reads.get()).isEqualTo(1);

            ticker.advance(Duration.ofMinutes(2));
            Aead reloaded = keyring.aead("patients.name");

            assertThat(store.reads.get()).isEqualTo(2);
            assertThat(store.inserts.get()).isEqualTo(1);
            assertThat(reloaded.decrypt(ciphertext, Fixtures.AD)).isEqualTo(PLAINTEXT);
        }
    }

    @Test
    void missingDomainWithoutAutoCreateIsNoSuchKeyNamingCloakKeysInit() throws Exception {
        MemoryKeyStore store = new MemoryKeyStore();
        try (Keyring keyring = Fixtures.open(Fixtures.settings(dir.resolve("master.json"), false), store)) {
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> keyring.aead("patients.name"));

            assertThat(e.kind()).isEqualTo(KeyringException.Kind.NO_SUCH_KEY);
            assertThat(e.getMessage()).contains("cloak keys init patients.name");
            assertThat(store.keysets).isEmpty();
        }
    }

    @Test
    void existingDomainIsUsedWithoutAutoCreate() throws Exception {
        MemoryKeyStore store = new MemoryKeyStore();
        byte[] ciphertext;
        try (Keyring creator = open(store)) {
            ciphertext = creator.aead("patients.name").encrypt(PLAINTEXT, Fixtures.AD);
        }
        try (Keyring keyring = Fixtures.open(Fixtures.settings(dir.resolve("master.json"), false), store)) {
            assertThat(keyring.aead("patients.name").decrypt(ciphertext, Fixtures.AD)).isEqualTo(PLAINTEXT);
        }
    }

    @Test
    void differentMasterKeyFailsToUnwrapAndNothingDecrypts() throws Exception {
        MemoryKeyStore store = new MemoryKeyStore();
        try (Keyring first = open(store)) {
            first.aead("patients.name");
        }
        KeyringSettings otherMaster = Fixtures.settings(dir.resolve("other-master.json"), true);
        try (Keyring second = Fixtures.open(otherMaster, store)) {
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> second.aead("patients.name"));
            assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNWRAP_FAILED);
            assertThat(e.getMessage()).contains("patients.name").contains("does not unwrap");

            // the failure is not cached and no replacement keyset is created
            assertThatThrownBy(() -> second.aead("patients.name")).isInstanceOf(KeyringException.class);
            assertThat(store.keysets).hasSize(1);
        }
    }

    @Test
    void keysetMovedToAnotherDomainDoesNotUnwrap() throws Exception {
        MemoryKeyStore store = new MemoryKeyStore();
        try (Keyring keyring = open(store)) {
            keyring.aead("patients.name");
            WrappedKeyset original = store.keysets.get("patients.name");
            store.keysets.put("visits.notes", new WrappedKeyset("visits.notes", original.purpose(),
                    original.ciphertext(), original.masterKeyUri()));

            KeyringException e = catchThrowableOfType(KeyringException.class, () -> keyring.aead("visits.notes"));
            assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNWRAP_FAILED);
        }
    }

    @Test
    void domainStoredWithTheOtherPurposeIsInvalid() throws Exception {
        try (Keyring keyring = open(new MemoryKeyStore())) {
            keyring.aead("patients.name");

            KeyringException e = catchThrowableOfType(KeyringException.class,
                    () -> keyring.deterministicAead("patients.name"));
            assertThat(e.kind()).isEqualTo(KeyringException.Kind.INVALID);
            assertThat(e.getMessage()).contains("'aead'").contains("'deterministic-aead'");
        }
    }

    @Test
    void storeThatThrowsIsUnavailable() throws Exception {
        KeyStore broken = new KeyStore() {
            @Override
            public Optional<WrappedKeyset> read(String domain) throws KeyringException {
                throw new KeyringException(KeyringException.Kind.UNAVAILABLE, "key store unavailable: connection refused");
            }

            @Override
            public WrappedKeyset insertIfAbsent(WrappedKeyset keyset) throws KeyringException {
                throw new KeyringException(KeyringException.Kind.UNAVAILABLE, "key store unavailable: connection refused");
            }
        };
        try (Keyring keyring = open(broken)) {
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> keyring.aead("patients.name"));
            assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
        }
    }

    @Test
    void storeThatThrowsUncheckedIsUnavailableNamingTheStore() throws Exception {
        KeyStore broken = new KeyStore() {
            @Override
            public Optional<WrappedKeyset> read(String domain) {
                throw new IllegalStateException("pool exhausted");
            }

            @Override
            public WrappedKeyset insertIfAbsent(WrappedKeyset keyset) {
                throw new IllegalStateException("pool exhausted");
            }
        };
        try (Keyring keyring = open(broken)) {
            KeyringException e = catchThrowableOfType(KeyringException.class,
                    () -> keyring.deterministicAead("patients.ssn"));
            assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
            assertThat(e.getMessage()).contains("key store");
            assertThat(e.getCause()).hasMessage("pool exhausted");
        }
    }

    @Test
    void loadingFailureIsNotCached() throws Exception {
        AtomicBoolean down = new AtomicBoolean(true);
        MemoryKeyStore healthy = new MemoryKeyStore();
        KeyStore flaky = new KeyStore() {
            @Override
            public Optional<WrappedKeyset> read(String domain) throws KeyringException {
                if (down.get()) {
                    throw new KeyringException(KeyringException.Kind.UNAVAILABLE, "key store unavailable");
                }
                return healthy.read(domain);
            }

            @Override
            public WrappedKeyset insertIfAbsent(WrappedKeyset keyset) {
                return healthy.insertIfAbsent(keyset);
            }
        };
        try (Keyring keyring = open(flaky)) {
            assertThatThrownBy(() -> keyring.aead("patients.name")).isInstanceOf(KeyringException.class);
            down.set(false);

            assertThat(keyring.aead("patients.name").decrypt(
                    keyring.aead("patients.name").encrypt(PLAINTEXT, Fixtures.AD), Fixtures.AD)).isEqualTo(PLAINTEXT);
        }
    }

    @Test
    void masterKeyThatCannotBeReachedIsUnavailable() throws Exception {
        MemoryKeyStore store = new MemoryKeyStore();
        try (Keyring creator = open(store)) {
            creator.aead("patients.name");
        }
        MasterKeyProvider unreachable = new MasterKeyProvider() {
            @Override
            public String scheme() {
                return "test-kms";
            }

            @Override
            public Aead open(String uri) {
                return new Aead() {
                    @Override
                    public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
                        throw new GeneralSecurityException("KMS call failed", new java.net.ConnectException("refused"));
                    }

                    @Override
                    public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
                        throw new GeneralSecurityException("KMS call failed", new java.net.ConnectException("refused"));
                    }
                };
            }
        };
        KeyringSettings settings = new KeyringSettings("test-kms://region/key", Duration.ofMinutes(1), 10, true);
        try (Keyring keyring = Fixtures.open(settings, store, List.of(unreachable), System::nanoTime)) {
            KeyringException unwrap = catchThrowableOfType(KeyringException.class, () -> keyring.aead("patients.name"));
            KeyringException wrap = catchThrowableOfType(KeyringException.class, () -> keyring.aead("visits.notes"));

            assertThat(unwrap.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
            assertThat(unwrap.getMessage()).contains("master key");
            assertThat(wrap.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
            assertThat(wrap.getMessage()).contains("master key");
            assertThat(store.keysets).containsOnlyKeys("patients.name");
        }
    }

    @Test
    void unknownSchemeIsInvalidNamingOnlyTheScheme() {
        KeyringSettings settings = new KeyringSettings("azure-keyvault://token=s3cr3t@vault/key",
                Duration.ofMinutes(1), 10, true);

        KeyringException e = catchThrowableOfType(KeyringException.class,
                () -> Fixtures.open(settings, new MemoryKeyStore()));

        assertThat(e.kind()).isEqualTo(KeyringException.Kind.INVALID);
        assertThat(e.getMessage()).contains("'azure-keyvault'").doesNotContain("s3cr3t");
    }

    @Test
    void closedKeyringRefusesToHandOutPrimitives() throws Exception {
        Keyring keyring = open(new MemoryKeyStore());
        keyring.aead("patients.name");
        keyring.close();

        KeyringException e = catchThrowableOfType(KeyringException.class, () -> keyring.aead("patients.name"));
        assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
        assertThat(e.getMessage()).contains("closed");
    }

    @Test
    void noExceptionMessageContainsKeysetBytes() throws Exception {
        MemoryKeyStore store = new MemoryKeyStore();
        try (Keyring keyring = open(store)) {
            keyring.aead("patients.name");
        }
        WrappedKeyset wrapped = store.keysets.get("patients.name");
        byte[] bytes = wrapped.ciphertext();
        List<Throwable> failures = new ArrayList<>();
        try (Keyring wrongMaster = Fixtures.open(Fixtures.settings(dir.resolve("other.json"), false), store)) {
            failures.add(catchThrowableOfType(KeyringException.class, () -> wrongMaster.aead("patients.name")));
            failures.add(catchThrowableOfType(KeyringException.class, () -> wrongMaster.deterministicAead("patients.name")));
            failures.add(catchThrowableOfType(KeyringException.class, () -> wrongMaster.aead("visits.notes")));
        }
        store.keysets.put("visits.notes", new WrappedKeyset("visits.notes", "aead",
                java.util.Arrays.copyOf(bytes, bytes.length / 2), wrapped.masterKeyUri()));
        try (Keyring keyring = open(store)) {
            failures.add(catchThrowableOfType(KeyringException.class, () -> keyring.aead("visits.notes")));
        }
        assertThat(failures).hasSize(4).doesNotContainNull();

        String base64 = Base64.getEncoder().encodeToString(bytes);
        String hex = HexFormat.of().formatHex(bytes);
        for (Throwable failure : failures) {
            for (Throwable t = failure; t != null; t = t.getCause()) {
                String text = t.toString().toLowerCase(java.util.Locale.ROOT);
                assertThat(text).doesNotContain(base64.substring(0, 16).toLowerCase(java.util.Locale.ROOT))
                        .doesNotContain(hex.substring(0, 16));
            }
        }
    }
}
