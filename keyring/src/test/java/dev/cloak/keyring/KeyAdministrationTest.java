package dev.cloak.keyring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.crypto.tink.Aead;
import dev.cloak.keyring.audit.AuditVerifier;
import dev.cloak.keyring.audit.FileAuditTrail;
import dev.cloak.keyring.local.LocalMasterKeyProvider;
import dev.cloak.keyring.store.DatabaseKeyStore;
import dev.cloak.keyring.store.FileKeyStore;
import dev.cloak.keyring.store.KeyStore;
import dev.cloak.keyring.store.StoredKeyDomain;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Key versions and their administration, run against both key stores. */
class KeyAdministrationTest {

    private static final byte[] PLAINTEXT = "123-45-6789".getBytes(StandardCharsets.UTF_8);
    private static final byte[] AD = "cloak/v1/patients.ssn".getBytes(StandardCharsets.UTF_8);
    private static final String DOMAIN = "patients.name";

    @TempDir
    Path dir;

    /** The two key stores, each opened fresh per call as a separate process would. */
    enum StoreKind {
        FILE, DATABASE;

        Supplier<KeyStore> stores(Path dir) {
            if (this == FILE) {
                Path file = dir.resolve("keys.json");
                return () -> new FileKeyStore(file);
            }
            String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
            return () -> new DatabaseKeyStore(() -> DriverManager.getConnection(url));
        }
    }

    private String master(String name) {
        return "local:file:" + dir.resolve(name + ".json");
    }

    private KeyAdministration admin(KeyStore store) throws KeyringException {
        return Fixtures.administration(master("master"), store, dev.cloak.keyring.audit.AuditTrail.NONE, List.of(new LocalMasterKeyProvider()));
    }

    private Keyring keyring(String masterUri, KeyStore store, Fixtures.ManualTicker ticker) throws KeyringException {
        return Fixtures.open(new KeyringSettings(masterUri, Duration.ofMinutes(15), 100, false), store, ticker);
    }

    private static int keyIdOf(byte[] tinkCiphertext) {
        assertThat(tinkCiphertext[0]).isEqualTo((byte) 0x01);
        return ByteBuffer.wrap(tinkCiphertext, 1, 4).getInt();
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void initCreatesADomainWithOneActiveVersion(StoreKind kind) throws Exception {
        KeyStore store = kind.stores(dir).get();

        StoredKeyDomain created = admin(store).init(DOMAIN, KeyPurpose.AEAD, DomainUsage.UNCHECKED);

        assertThat(created.versions()).hasSize(1);
        assertThat(created.primary()).isPresent();
        StoredKeyDomain listed = admin(store).list().get(0);
        assertThat(listed.domain()).isEqualTo(DOMAIN);
        assertThat(listed.keyset().purpose()).isEqualTo("aead");
        assertThat(listed.versions()).containsExactly(created.primary().get());
        byte[] cell = keyring(master("master"), store, new Fixtures.ManualTicker()).aead(DOMAIN).encrypt(PLAINTEXT, AD);
        assertThat(keyIdOf(cell)).isEqualTo(created.primary().get().id());
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void initOfAnExistingDomainFails(StoreKind kind) throws Exception {
        KeyStore store = kind.stores(dir).get();
        admin(store).init(DOMAIN, KeyPurpose.AEAD, DomainUsage.UNCHECKED);

        KeyringException e = catchThrowableOfType(
                () -> admin(store).init(DOMAIN, KeyPurpose.AEAD, DomainUsage.UNCHECKED), KeyringException.class);

        assertThat(e.getMessage()).contains("already exists");
        assertThat(store.list()).hasSize(1);
        assertThat(admin(store).exists(DOMAIN)).isTrue();
        assertThat(admin(store).exists("patients.other")).isFalse();
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void rotateAddsAPrimaryVersionAndOldCellsStillDecrypt(StoreKind kind) throws Exception {
        KeyStore store = kind.stores(dir).get();
        KeyAdministration admin = admin(store);
        KeyVersion first = admin.init(DOMAIN, KeyPurpose.AEAD, DomainUsage.UNCHECKED).primary().orElseThrow();
        byte[] oldCell = keyring(master("master"), store, new Fixtures.ManualTicker()).aead(DOMAIN).encrypt(PLAINTEXT, AD);

        KeyVersion second = admin.rotate(DOMAIN, UniqueConstraints.UNCHECKED);

        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(admin.describe(DOMAIN).versions()).extracting(KeyVersion::id, KeyVersion::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple(first.id(), KeyVersionStatus.DECRYPT_ONLY),
                org.assertj.core.groups.Tuple.tuple(second.id(), KeyVersionStatus.ACTIVE));
        assertThat(admin.describe(DOMAIN).primarySince()).as("the rotation's time").isPresent()
                .get().isEqualTo(admin.describe(DOMAIN).versions().get(1).createdAt());
        Aead aead = keyring(master("master"), store, new Fixtures.ManualTicker()).aead(DOMAIN);
        assertThat(aead.decrypt(oldCell, AD)).isEqualTo(PLAINTEXT);
        assertThat(keyIdOf(aead.encrypt(PLAINTEXT, AD))).isEqualTo(second.id());
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aRotatingDeterministicDomainOffersOneLookupPrimitivePerEnabledVersionPrimaryFirst(StoreKind kind)
            throws Exception {
        KeyStore store = kind.stores(dir).get();
        KeyAdministration admin = admin(store);
        String domain = "patients.ssn";
        KeyVersion first = admin.init(domain, KeyPurpose.DETERMINISTIC_AEAD, DomainUsage.UNCHECKED).primary()
                .orElseThrow();
        Keyring before = keyring(master("master"), store, new Fixtures.ManualTicker());
        assertThat(before.deterministicAeadsByVersion(domain)).hasSize(1);
        byte[] oldCell = before.deterministicAead(domain).encryptDeterministically(PLAINTEXT, AD);

        KeyVersion second = admin.rotate(domain, UniqueConstraints.UNCHECKED);
        KeyVersion third = admin.rotate(domain, UniqueConstraints.UNCHECKED);
        admin.destroy(domain, first.id(), VersionUsage.UNCHECKED, true);

        Keyring after = keyring(master("master"), store, new Fixtures.ManualTicker());
        List<com.google.crypto.tink.DeterministicAead> versions = after.deterministicAeadsByVersion(domain);
        assertThat(versions).as("the destroyed version is no longer offered").hasSize(2);
        byte[] underPrimary = versions.get(0).encryptDeterministically(PLAINTEXT, AD);
        byte[] underOlder = versions.get(1).encryptDeterministically(PLAINTEXT, AD);
        assertThat(keyIdOf(underPrimary)).isEqualTo(third.id());
        assertThat(keyIdOf(underOlder)).isEqualTo(second.id());
        assertThat(underPrimary).isEqualTo(after.deterministicAead(domain).encryptDeterministically(PLAINTEXT, AD));
        assertThat(after.deterministicAead(domain).decryptDeterministically(underOlder, AD)).isEqualTo(PLAINTEXT);
        assertThat(oldCell).isNotEqualTo(underOlder).isNotEqualTo(underPrimary);
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aStagedVersionDecryptsAndCanBePinnedButEncryptsOnlyOnceActivated(StoreKind kind) throws Exception {
        KeyStore store = kind.stores(dir).get();
        KeyAdministration admin = admin(store);
        String domain = "patients.ssn";
        KeyVersion first = admin.init(domain, KeyPurpose.DETERMINISTIC_AEAD, DomainUsage.UNCHECKED).primary()
                .orElseThrow();

        KeyVersion staged = admin.stage(domain);

        assertThat(admin.describe(domain).versions()).extracting(KeyVersion::id, KeyVersion::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple(first.id(), KeyVersionStatus.ACTIVE),
                org.assertj.core.groups.Tuple.tuple(staged.id(), KeyVersionStatus.DECRYPT_ONLY));
        Keyring keyring = keyring(master("master"), store, new Fixtures.ManualTicker());
        DomainKeys keys = keyring.domainKeys(domain);
        assertThat(keyIdOf(keys.deterministicAead().encryptDeterministically(PLAINTEXT, AD)))
                .as("the active version still encrypts").isEqualTo(first.id());
        byte[] underStaged = keys.deterministicAead(staged.id()).encryptDeterministically(PLAINTEXT, AD);
        assertThat(keyIdOf(underStaged)).isEqualTo(staged.id());
        assertThat(keys.deterministicAead(first.id()).decryptDeterministically(underStaged, AD)).isEqualTo(PLAINTEXT);
        assertThat(keys.deterministicAeadsByVersion(staged.id())).hasSize(2)
                .isSameAs(keys.deterministicAeadsByVersion(staged.id()));
        assertThat(keyIdOf(keys.deterministicAeadsByVersion(staged.id()).get(0)
                .encryptDeterministically(PLAINTEXT, AD))).isEqualTo(staged.id());
        assertThatThrownBy(() -> keys.deterministicAead(12345)).isInstanceOf(KeyringException.class)
                .hasMessageContaining("no enabled version 12345");
        assertThatThrownBy(() -> admin.stage(DOMAIN + "-none")).isInstanceOf(KeyringException.class);

        admin.activate(domain, staged.id());

        assertThat(admin.describe(domain).versions()).extracting(KeyVersion::id, KeyVersion::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple(first.id(), KeyVersionStatus.DECRYPT_ONLY),
                org.assertj.core.groups.Tuple.tuple(staged.id(), KeyVersionStatus.ACTIVE));
        Keyring after = keyring(master("master"), store, new Fixtures.ManualTicker());
        assertThat(after.deterministicAead(domain).encryptDeterministically(PLAINTEXT, AD)).isEqualTo(underStaged);
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aRunningKeyringPicksUpARotationWhenItsCacheEntryExpires(StoreKind kind) throws Exception {
        Supplier<KeyStore> stores = kind.stores(dir);
        KeyVersion first = admin(stores.get()).init(DOMAIN, KeyPurpose.AEAD, DomainUsage.UNCHECKED).primary()
                .orElseThrow();
        Fixtures.ManualTicker ticker = new Fixtures.ManualTicker();
        Keyring running = keyring(master("master"), stores.get(), ticker);
        assertThat(keyIdOf(running.aead(DOMAIN).encrypt(PLAINTEXT, AD))).isEqualTo(first.id());

        KeyVersion second = admin(stores.get()).rotate(DOMAIN, UniqueConstraints.UNCHECKED);

        assertThat(keyIdOf(running.aead(DOMAIN).encrypt(PLAINTEXT, AD))).as("still cached").isEqualTo(first.id());
        ticker.advance(Duration.ofMinutes(16));
        assertThat(keyIdOf(running.aead(DOMAIN).encrypt(PLAINTEXT, AD))).isEqualTo(second.id());
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void rewrapMovesEveryKeysetToASecondMasterKeyWithoutTouchingCells(StoreKind kind) throws Exception {
        KeyStore store = kind.stores(dir).get();
        KeyAdministration admin = admin(store);
        admin.init(DOMAIN, KeyPurpose.AEAD, DomainUsage.UNCHECKED);
        admin.init("patients.ssn", KeyPurpose.DETERMINISTIC_AEAD, DomainUsage.UNCHECKED);
        admin.rotate(DOMAIN, UniqueConstraints.UNCHECKED);
        byte[] cell = keyring(master("master"), store, new Fixtures.ManualTicker()).aead(DOMAIN).encrypt(PLAINTEXT, AD);
        byte[] lookup = keyring(master("master"), store, new Fixtures.ManualTicker()).deterministicAead("patients.ssn")
                .encryptDeterministically(PLAINTEXT, AD);

        assertThat(admin.rewrap(master("master2"))).isEqualTo(2);

        assertThat(store.list()).allSatisfy(d -> assertThat(d.keyset().masterKeyUri()).isEqualTo(master("master2")));
        Keyring moved = keyring(master("master2"), store, new Fixtures.ManualTicker());
        assertThat(moved.aead(DOMAIN).decrypt(cell, AD)).isEqualTo(PLAINTEXT);
        assertThat(moved.deterministicAead("patients.ssn").encryptDeterministically(PLAINTEXT, AD)).isEqualTo(lookup);
        KeyringException old = catchThrowableOfType(
                () -> keyring(master("master"), store, new Fixtures.ManualTicker()).aead(DOMAIN), KeyringException.class);
        assertThat(old.kind()).isEqualTo(KeyringException.Kind.UNWRAP_FAILED);
        assertThat(admin.describe(DOMAIN).versions()).hasSize(2);
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void rewrapTwiceLeavesAlreadyMovedKeysetsAlone(StoreKind kind) throws Exception {
        KeyStore store = kind.stores(dir).get();
        admin(store).init(DOMAIN, KeyPurpose.AEAD, DomainUsage.UNCHECKED);
        admin(store).rewrap(master("master2"));

        assertThat(admin(store).rewrap(master("master2"))).isZero();
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void retiringTheActiveVersionIsRefused(StoreKind kind) throws Exception {
        KeyStore store = kind.stores(dir).get();
        KeyVersion active = admin(store).init(DOMAIN, KeyPurpose.AEAD, DomainUsage.UNCHECKED).primary().orElseThrow();

        assertThatThrownBy(() -> admin(store).retire(DOMAIN, active.id())).isInstanceOf(KeyringException.class)
                .hasMessageContaining("rotate the key first");
        assertThatThrownBy(() -> admin(store).destroy(DOMAIN, active.id(), VersionUsage.UNCHECKED, true))
                .isInstanceOf(KeyringException.class).hasMessageContaining("rotate the key first");
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void retireMarksAnOldVersionDecryptOnlyAndItStillDecrypts(StoreKind kind) throws Exception {
        KeyStore store = kind.stores(dir).get();
        KeyVersion first = admin(store).init(DOMAIN, KeyPurpose.AEAD, DomainUsage.UNCHECKED).primary().orElseThrow();
        byte[] oldCell = keyring(master("master"), store, new Fixtures.ManualTicker()).aead(DOMAIN).encrypt(PLAINTEXT, AD);
        admin(store).rotate(DOMAIN, UniqueConstraints.UNCHECKED);

        KeyVersion retired = admin(store).retire(DOMAIN, first.id());

        assertThat(retired.status()).isEqualTo(KeyVersionStatus.DECRYPT_ONLY);
        assertThat(keyring(master("master"), store, new Fixtures.ManualTicker()).aead(DOMAIN).decrypt(oldCell, AD))
                .isEqualTo(PLAINTEXT);
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void destroyingAVersionThatCellsStillUseIsRefusedWithoutForce(StoreKind kind) throws Exception {
        KeyStore store = kind.stores(dir).get();
        KeyVersion first = admin(store).init(DOMAIN, KeyPurpose.AEAD, DomainUsage.UNCHECKED).primary().orElseThrow();
        admin(store).rotate(DOMAIN, UniqueConstraints.UNCHECKED);
        List<KeyVersion> asked = new ArrayList<>();

        KeyringException e = catchThrowableOfType(() -> admin(store).destroy(DOMAIN, first.id(), (d, v) -> {
            asked.add(v);
            return 3;
        }, false), KeyringException.class);

        assertThat(e.getMessage()).contains("3 stored cell(s) still use version " + first.idText());
        assertThat(asked).extracting(KeyVersion::id).containsExactly(first.id());
        assertThat(admin(store).describe(DOMAIN).version(first.id()).orElseThrow().status())
                .isEqualTo(KeyVersionStatus.DECRYPT_ONLY);
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void destroyWithForceShredsTheCellsOfThatVersionOnly(StoreKind kind) throws Exception {
        KeyStore store = kind.stores(dir).get();
        KeyVersion first = admin(store).init(DOMAIN, KeyPurpose.AEAD, DomainUsage.UNCHECKED).primary().orElseThrow();
        byte[] oldCell = keyring(master("master"), store, new Fixtures.ManualTicker()).aead(DOMAIN).encrypt(PLAINTEXT, AD);
        admin(store).rotate(DOMAIN, UniqueConstraints.UNCHECKED);
        byte[] newCell = keyring(master("master"), store, new Fixtures.ManualTicker()).aead(DOMAIN).encrypt(PLAINTEXT, AD);

        KeyVersion destroyed = admin(store).destroy(DOMAIN, first.id(), (d, v) -> 1, true);

        assertThat(destroyed.status()).isEqualTo(KeyVersionStatus.DESTROYED);
        Aead aead = keyring(master("master"), store, new Fixtures.ManualTicker()).aead(DOMAIN);
        assertThatThrownBy(() -> aead.decrypt(oldCell, AD)).isInstanceOf(GeneralSecurityException.class);
        assertThat(aead.decrypt(newCell, AD)).isEqualTo(PLAINTEXT);
        assertThat(admin(store).describe(DOMAIN).version(first.id()).orElseThrow().status())
                .isEqualTo(KeyVersionStatus.DESTROYED);
        assertThatThrownBy(() -> admin(store).destroy(DOMAIN, first.id(), VersionUsage.UNCHECKED, true))
                .hasMessageContaining("already destroyed");
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aDomainStoredBeforeVersionsWereKeptIsListedAndRotated(StoreKind kind) throws Exception {
        KeyStore store = kind.stores(dir).get();
        Keyring autoCreating = Fixtures.open(new KeyringSettings(master("master"), Duration.ofMinutes(15), 100, true),
                store, new Fixtures.ManualTicker());
        byte[] cell = autoCreating.aead(DOMAIN).encrypt(PLAINTEXT, AD);

        StoredKeyDomain listed = admin(store).list().get(0);
        assertThat(listed.versions()).containsExactly(new KeyVersion(keyIdOf(cell), KeyVersionStatus.ACTIVE));
        assertThat(listed.primarySince()).as("a domain created on first use is as old as the domain").isPresent();
        admin(store).rotate(DOMAIN, UniqueConstraints.UNCHECKED);

        assertThat(store.readDomain(DOMAIN).orElseThrow().versions()).extracting(KeyVersion::status)
                .containsExactly(KeyVersionStatus.DECRYPT_ONLY, KeyVersionStatus.ACTIVE);
        assertThat(keyring(master("master"), store, new Fixtures.ManualTicker()).aead(DOMAIN).decrypt(cell, AD))
                .isEqualTo(PLAINTEXT);
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void concurrentInitOfOneDomainThroughSeparateStoresEndsWithOneKeyset(StoreKind kind) throws Exception {
        Supplier<KeyStore> stores = kind.stores(dir);
        int threads = 6;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<StoredKeyDomain>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                KeyAdministration admin = admin(stores.get());
                results.add(pool.submit(() -> {
                    start.await();
                    return admin.init(DOMAIN, KeyPurpose.AEAD, DomainUsage.UNCHECKED);
                }));
            }
            start.countDown();
            int succeeded = 0;
            for (Future<StoredKeyDomain> result : results) {
                try {
                    result.get(30, TimeUnit.SECONDS);
                    succeeded++;
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(KeyringException.class).hasMessageContaining("already exists");
                }
            }
            assertThat(succeeded).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(stores.get().list()).extracting(StoredKeyDomain::domain).containsExactly(DOMAIN);
        assertThat(stores.get().readDomain(DOMAIN).orElseThrow().versions()).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void threeProcessesInitialisingOneDomainAtOnceEndWithOneKeyset(StoreKind kind) throws Exception {
        String storeSpec;
        Supplier<KeyStore> stores;
        java.sql.Connection holder = null;
        if (kind == StoreKind.FILE) {
            storeSpec = "file:" + dir.resolve("keys.json");
            stores = () -> new FileKeyStore(dir.resolve("keys.json"));
        } else {
            // AUTO_SERVER: this JVM opens the database first and serves it to the other processes
            storeSpec = "jdbc:h2:file:" + dir.resolve("keys-db") + ";AUTO_SERVER=TRUE";
            holder = DriverManager.getConnection(storeSpec);
            stores = () -> new DatabaseKeyStore(() -> DriverManager.getConnection(storeSpec));
        }
        admin(stores.get()); // creates the master key file before the processes race for it
        Path go = dir.resolve("go");
        List<Process> processes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                processes.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", System.getProperty("java.class.path"), InitProcess.class.getName(),
                        storeSpec, master("master"), DOMAIN, go.toString())
                        .redirectErrorStream(true).redirectOutput(dir.resolve("init-" + i + ".log").toFile()).start());
            }
            Thread.sleep(1500); // let the JVMs start, so the inits overlap
            Files.createFile(go);
            List<String> results = new ArrayList<>();
            for (int i = 0; i < processes.size(); i++) {
                assertThat(processes.get(i).waitFor(90, TimeUnit.SECONDS)).isTrue();
                String log = Files.readString(dir.resolve("init-" + i + ".log"));
                assertThat(processes.get(i).exitValue()).as(log).isZero();
                results.add(log.contains("created") ? "created" : log.contains("exists") ? "exists" : log);
            }
            assertThat(results).containsOnlyOnce("created").containsOnly("created", "exists");
            assertThat(stores.get().list()).hasSize(1);
            assertThat(stores.get().readDomain(DOMAIN).orElseThrow().versions()).hasSize(1);
        } finally {
            processes.forEach(Process::destroy);
            if (holder != null) {
                holder.close();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aScriptedSessionLeavesAnAuditTrailThatVerifiesAndHoldsNoKeyBytes(StoreKind kind) throws Exception {
        KeyStore store = kind.stores(dir).get();
        Path trail = dir.resolve("audit.jsonl");
        KeyAdministration admin = Fixtures.administration(master("master"), store, FileAuditTrail.open(trail), List.of(new LocalMasterKeyProvider()));
        KeyVersion first = admin.init(DOMAIN, KeyPurpose.AEAD, DomainUsage.UNCHECKED).primary().orElseThrow();
        admin.rotate(DOMAIN, UniqueConstraints.UNCHECKED);
        admin.retire(DOMAIN, first.id());
        admin.destroy(DOMAIN, first.id(), VersionUsage.UNCHECKED, true);
        admin.rewrap(master("master2"));

        assertThat(AuditVerifier.verify(trail).intact()).isTrue();
        List<String> lines = Files.readAllLines(trail);
        assertThat(lines).hasSize(5);
        assertThat(String.join("\n", lines)).contains("\"event\":\"created\"", "\"event\":\"rotated\"",
                "\"event\":\"retired\"", "\"event\":\"destroyed\"", "\"event\":\"rewrapped\"");
        for (StoredKeyDomain domain : store.list()) {
            String wrapped = java.util.Base64.getEncoder().encodeToString(domain.keyset().ciphertext());
            assertThat(String.join("\n", lines)).doesNotContain(wrapped.substring(0, 16));
            assertThat(domain.toString()).doesNotContain(wrapped.substring(0, 16));
        }
    }
}
