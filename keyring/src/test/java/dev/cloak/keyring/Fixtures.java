package dev.cloak.keyring;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import com.github.benmanes.caffeine.cache.Ticker;

/** Shared test helpers: settings, an in-memory store, a counting store and a hand-driven clock. */
final class Fixtures {

    static final byte[] AD = "cloak/v1/patients.ssn".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private Fixtures() {
    }

    static KeyringSettings settings(Path masterKeyFile, boolean autoCreate) {
        return new KeyringSettings("local:file:" + masterKeyFile, Duration.ofMinutes(15), 1000, autoCreate);
    }

    static Keyring open(KeyringSettings settings, KeyStore store, Ticker ticker) throws KeyringException {
        return Keyring.open(settings, store, List.of(new LocalMasterKeyProvider()), ticker);
    }

    /** A key store kept in a map, safe for several threads. */
    static final class MemoryKeyStore implements KeyStore {
        final Map<String, WrappedKeyset> keysets = new ConcurrentHashMap<>();

        @Override
        public Optional<WrappedKeyset> read(String domain) {
            return Optional.ofNullable(keysets.get(domain));
        }

        @Override
        public WrappedKeyset insertIfAbsent(WrappedKeyset keyset) {
            WrappedKeyset previous = keysets.putIfAbsent(keyset.domain(), keyset);
            return previous == null ? keyset : previous;
        }
    }

    /** Counts the calls that reach the store it wraps. */
    static final class CountingKeyStore implements KeyStore {
        final KeyStore target;
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger inserts = new AtomicInteger();

        CountingKeyStore(KeyStore target) {
            this.target = target;
        }

        int calls() {
            return reads.get() + inserts.get();
        }

        @Override
        public Optional<WrappedKeyset> read(String domain) throws KeyringException {
            reads.incrementAndGet();
            return target.read(domain);
        }

        @Override
        public WrappedKeyset insertIfAbsent(WrappedKeyset keyset) throws KeyringException {
            inserts.incrementAndGet();
            return target.insertIfAbsent(keyset);
        }
    }

    /** A clock the test moves by hand, so TTL expiry needs no sleeping. */
    static final class ManualTicker implements Ticker {
        private final AtomicLong nanos = new AtomicLong();

        void advance(Duration duration) {
            nanos.addAndGet(duration.toNanos());
        }

        @Override
        public long read() {
            return nanos.get();
        }
    }
}
