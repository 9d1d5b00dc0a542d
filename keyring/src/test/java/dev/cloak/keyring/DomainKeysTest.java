package dev.cloak.keyring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.DeterministicAead;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.cloak.keyring.Fixtures.CountingKeyStore;
import dev.cloak.keyring.Fixtures.ManualTicker;
import dev.cloak.keyring.Fixtures.MemoryKeyStore;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A {@link DomainKeys} answers without a cache lookup, but lets go of a primitive exactly when the cache would. */
class DomainKeysTest {

    private static final byte[] PLAINTEXT = "123-45-6789".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private final CountingKeyStore store = new CountingKeyStore(new MemoryKeyStore());
    private final ManualTicker ticker = new ManualTicker();

    private Keyring open(Duration ttl, long maxEntries) throws KeyringException {
        return Fixtures.open(new KeyringSettings("local:file:" + dir.resolve("master.json"), ttl, maxEntries, true),
                store, ticker);
    }

    @Test
    void handsOutTheKeyringsOwnPrimitivesAndMakesNoStoreCallWhenWarm() throws Exception {
        try (Keyring keyring = open(Duration.ofMinutes(15), 100)) {
            DomainKeys name = keyring.domainKeys("patients.name");
            DomainKeys ssn = keyring.domainKeys("patients.ssn");
            Aead aead = name.aead();
            DeterministicAead deterministic = ssn.deterministicAead();
            int callsWhenWarm = store.calls();

            for (int i = 0; i < 100; i++) {
                assertThat(name.aead()).isSameAs(aead).isSameAs(keyring.aead("patients.name"));
                assertThat(ssn.deterministicAead()).isSameAs(deterministic)
                        .isSameAs(keyring.deterministicAead("patients.ssn"));
                assertThat(ssn.deterministicAeadsByVersion())
                        .isEqualTo(keyring.deterministicAeadsByVersion("patients.ssn"));
            }
            assertThat(store.calls()).isEqualTo(callsWhenWarm);
            byte[] ciphertext = aead.encrypt(PLAINTEXT, Fixtures.AD);
            assertThat(name.aead().decrypt(ciphertext, Fixtures.AD)).isEqualTo(PLAINTEXT);
        }
    }

    @Test
    void reloadsWhenTheTimeToLiveSinceTheCacheLoadedItHasPassed() throws Exception {
        try (Keyring keyring = open(Duration.ofMinutes(15), 100)) {
            Aead loaded = keyring.aead("patients.name");
            ticker.advance(Duration.ofMinutes(10));
            // first asked 10 minutes after the cache loaded it: it still expires 15 minutes after the load
            DomainKeys name = keyring.domainKeys("patients.name");
            assertThat(name.aead()).isSameAs(loaded);
            ticker.advance(Duration.ofMinutes(4));
            assertThat(name.aead()).isSameAs(loaded);
            assertThat(store.reads.get()).isEqualTo(1);

            ticker.advance(Duration.ofMinutes(2));
            Aead reloaded = name.aead();

            assertThat(store.reads.get()).isEqualTo(2);
            assertThat(reloaded).isNotSameAs(loaded);
            assertThat(name.aead()).isSameAs(reloaded);
            assertThat(store.reads.get()).isEqualTo(2);
        }
    }

    @Test
    void aZeroTimeToLiveReloadsOnEveryCall() throws Exception {
        try (Keyring keyring = open(Duration.ZERO, 100)) {
            DomainKeys name = keyring.domainKeys("patients.name");
            name.aead();
            int reads = store.reads.get();

            name.aead();
            name.aead();

            assertThat(store.reads.get()).isEqualTo(reads + 2);
        }
    }

    @Test
    void reloadsAfterTheCacheEvictedAnEntryForSize() throws Exception {
        try (Keyring keyring = open(Duration.ofMinutes(15), 1)) {
            DomainKeys name = keyring.domainKeys("patients.name");
            Aead first = name.aead();
            int reads = store.reads.get();

            // the cache holds one entry: loading others evicts patients.name (Caffeine evicts in its own time)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            Aead again = first;
            for (int i = 0; again == first && System.nanoTime() < deadline; i++) {
                keyring.aead("other.column" + (i % 2));
                again = name.aead();
            }

            assertThat(again).isNotSameAs(first);
            assertThat(store.reads.get()).isGreaterThan(reads);
            assertThat(again.decrypt(first.encrypt(PLAINTEXT, Fixtures.AD), Fixtures.AD)).isEqualTo(PLAINTEXT);
        }
    }

    @Test
    void refusesOnceTheKeyringIsClosed() throws Exception {
        Keyring keyring = open(Duration.ofMinutes(15), 100);
        DomainKeys name = keyring.domainKeys("patients.name");
        DomainKeys ssn = keyring.domainKeys("patients.ssn");
        name.aead();
        ssn.deterministicAead();
        keyring.close();

        for (KeyringException e : new KeyringException[] {
                catchThrowableOfType(KeyringException.class, name::aead),
                catchThrowableOfType(KeyringException.class, ssn::deterministicAead),
                catchThrowableOfType(KeyringException.class, ssn::deterministicAeadsByVersion)}) {
            assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
            assertThat(e.getMessage()).contains("closed");
        }
    }

    @Test
    void oneHolderPerDomain() throws Exception {
        try (Keyring keyring = open(Duration.ofMinutes(15), 100)) {
            assertThat(keyring.domainKeys("patients.name")).isSameAs(keyring.domainKeys("patients.name"))
                    .isNotSameAs(keyring.domainKeys("patients.email"));
        }
    }

    @Test
    void noPrimitiveStaysReachableThroughTheHolderAfterClose() throws Exception {
        Keyring keyring = open(Duration.ofMinutes(15), 100);
        DomainKeys name = keyring.domainKeys("patients.name");
        DomainKeys ssn = keyring.domainKeys("patients.ssn");
        WeakReference<Aead> aead = new WeakReference<>(name.aead());
        WeakReference<DeterministicAead> deterministic = new WeakReference<>(ssn.deterministicAead());

        keyring.close();

        assertThat(collected(aead)).isTrue();
        assertThat(collected(deterministic)).isTrue();
        assertThat(name).isNotNull(); // the holders themselves are still reachable
        assertThat(ssn).isNotNull();
    }

    @Test
    void noPrimitiveStaysReachableThroughTheHolderAfterTheCacheEvictedIt() throws Exception {
        try (Keyring keyring = open(Duration.ofMinutes(15), 1)) {
            DomainKeys name = keyring.domainKeys("patients.name");
            WeakReference<Aead> first = new WeakReference<>(name.aead());

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (int i = 0; first.get() != null && System.nanoTime() < deadline; i++) {
                keyring.aead("other.column" + (i % 2)); // evicts patients.name, in Caffeine's own time
                System.gc();
            }

            assertThat(first.get()).isNull();
            assertThat(name).isNotNull();
        }
    }

    /** Whether {@code reference} was cleared within 10 s of asking for collections. */
    private static boolean collected(WeakReference<?> reference) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (reference.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(10);
        }
        return reference.get() == null;
    }

    @Test
    void aBlankDomainFailsOnFirstUseAsTheKeyringDoes() throws Exception {
        try (Keyring keyring = open(Duration.ofMinutes(15), 100)) {
            KeyringException e = catchThrowableOfType(KeyringException.class, keyring.domainKeys(" ")::aead);
            assertThat(e.kind()).isEqualTo(KeyringException.Kind.INVALID);
        }
    }
    @Test
    void onTheSystemClockReloadsOnceTheTimeToLiveHasPassedWithoutReadingTheClockPerCall() throws Exception {
        Duration ttl = Duration.ofSeconds(3);
        try (Keyring keyring = Fixtures.open(new KeyringSettings("local:file:" + dir.resolve("master.json"), ttl,
                100, true), store, Ticker.systemTicker())) {
            DomainKeys name = keyring.domainKeys("patients.name");
            Aead first = name.aead();
            long loaded = System.nanoTime(); // the cache's entry was written before this
            int reads = store.reads.get();
            assertThat(CoarseClock.read()).isGreaterThanOrEqualTo(System.nanoTime());

            // well before the time to live less the clock's lead: held, no store call
            assertThat(name.aead()).isSameAs(first);
            assertThat(store.reads.get()).isEqualTo(reads);

            // once the time to live has passed, never later, the next call reloads
            long expired = loaded + ttl.toNanos();
            while (System.nanoTime() - expired < 0) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
            Aead reloaded = name.aead();
            assertThat(reloaded).isNotSameAs(first);
            assertThat(store.reads.get()).isGreaterThan(reads);
        }
    }
}
