package dev.cloak.keyring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.crypto.tink.Aead;
import dev.cloak.keyring.Fixtures.MemoryKeyStore;
import dev.cloak.keyring.audit.AuditTrail;
import dev.cloak.keyring.local.LocalMasterKeyProvider;
import dev.cloak.keyring.store.GenerationLedger;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cache misses while the KMS is slow or down: a statement waits for another connection's load of the same key no
 * longer than {@code keyring.kms-timeout}, a load never holds up another key, and concurrent misses share one KMS call.
 */
class KeyringConcurrentLoadTest {

    private static final Duration KMS_TIMEOUT = Duration.ofMillis(500);

    @TempDir
    Path dir;

    private final ExecutorService threads = Executors.newCachedThreadPool();
    /** While it is closed, unwrapping {@code blockedDomain} waits for it (a KMS call that does not answer). */
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch unwrapping = new CountDownLatch(1);
    private final AtomicInteger decrypts = new AtomicInteger();
    private volatile String blockedDomain = "none";
    private volatile Duration failAfter;

    private final MasterKeyProvider slowKms = new MasterKeyProvider() {
        @Override
        public String scheme() {
            return "slow-kms";
        }

        @Override
        public Aead open(String uri) throws KeyringException {
            Aead local = new LocalMasterKeyProvider().open("local:" + uri.substring("slow-kms:".length()));
            return new Aead() {
                @Override
                public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
                    return local.encrypt(plaintext, associatedData);
                }

                @Override
                public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
                    decrypts.incrementAndGet();
                    if (failAfter != null) {
                        sleep(failAfter);
                        throw new GeneralSecurityException("KMS down", new IOException("connection refused"));
                    }
                    if (new String(associatedData, StandardCharsets.UTF_8).contains("/" + blockedDomain + "/")) {
                        unwrapping.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return local.decrypt(ciphertext, associatedData);
                }
            };
        }
    };

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @AfterEach
    void releaseEverything() {
        release.countDown();
        threads.shutdownNow();
    }

    private Keyring open(MemoryKeyStore store) throws KeyringException {
        KeyringSettings settings = new KeyringSettings("slow-kms:file:" + dir.resolve("master.json"),
                Duration.ofMinutes(15), 1000, true, KMS_TIMEOUT);
        return Keyring.open(settings, store, MasterKeys.of(List.of(slowKms)), System::nanoTime, AuditTrail.NONE,
                DomainUsage.UNCHECKED, GenerationLedger.NONE);
    }

    /** A store that holds keysets of {@code domains}, made by another keyring. */
    private MemoryKeyStore storeWith(List<String> domains) throws KeyringException {
        MemoryKeyStore store = new MemoryKeyStore();
        try (Keyring keyring = open(store)) {
            for (String domain : domains) {
                keyring.aead(domain);
            }
        }
        decrypts.set(0);
        return store;
    }

    @Test
    void aStatementWaitsForAnotherConnectionsLoadOfTheSameKeyNoLongerThanTheKmsTimeout() throws Exception {
        MemoryKeyStore store = storeWith(List.of("patients.name"));
        blockedDomain = "patients.name";
        try (Keyring keyring = open(store)) {
            Future<Aead> first = threads.submit(() -> keyring.aead("patients.name"));
            assertThat(unwrapping.await(5, TimeUnit.SECONDS)).isTrue();
            // without the bound this statement would wait for as long as the first load hangs: release it later
            threads.submit(() -> {
                sleep(Duration.ofSeconds(4));
                release.countDown();
            });

            long start = System.nanoTime();
            KeyringException e = catchThrowableOfType(KeyringException.class, () -> keyring.aead("patients.name"));
            Duration waited = Duration.ofNanos(System.nanoTime() - start);

            assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
            assertThat(e.getMessage()).contains("another connection").contains("keyring.kms-timeout");
            assertThat(waited).isBetween(KMS_TIMEOUT.minusMillis(50), KMS_TIMEOUT.plusMillis(700));
            release.countDown();
            assertThat(first.get(5, TimeUnit.SECONDS)).isNotNull();
            assertThat(keyring.aead("patients.name")).isSameAs(first.get());
        }
        assertThat(decrypts).hasValue(1);
    }

    @Test
    void aHangingLoadOfOneKeyHoldsUpNoOtherKey() throws Exception {
        List<String> domains = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            domains.add("t.c" + i);
        }
        MemoryKeyStore store = storeWith(domains);
        blockedDomain = "t.c0";
        try (Keyring keyring = open(store)) {
            threads.submit(() -> keyring.aead("t.c0"));
            assertThat(unwrapping.await(5, TimeUnit.SECONDS)).isTrue();
            threads.submit(() -> {
                sleep(Duration.ofSeconds(6));
                release.countDown();
            });

            long start = System.nanoTime();
            // 63 other keys: some share the cache map's bin with t.c0, and the map grows while t.c0 is loading
            for (String domain : domains.subList(1, domains.size())) {
                assertThat(keyring.aead(domain)).isNotNull();
            }

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void concurrentMissesDuringAnOutageShareOneKmsCallAndFailWithinTheTimeout() throws Exception {
        MemoryKeyStore store = storeWith(List.of("patients.name"));
        failAfter = Duration.ofMillis(300);
        int statements = 8;
        CyclicBarrier start = new CyclicBarrier(statements);
        try (Keyring keyring = open(store)) {
            List<Future<Long>> waits = new ArrayList<>();
            for (int i = 0; i < statements; i++) {
                waits.add(threads.submit(() -> {
                    start.await();
                    long begin = System.nanoTime();
                    KeyringException e = catchThrowableOfType(KeyringException.class,
                            () -> keyring.aead("patients.name"));
                    assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
                    return System.nanoTime() - begin;
                }));
            }
            for (Future<Long> wait : waits) {
                assertThat(Duration.ofNanos(wait.get(10, TimeUnit.SECONDS))).isLessThan(KMS_TIMEOUT.plusMillis(500));
            }
        }
        assertThat(decrypts).hasValue(1);
    }
}
