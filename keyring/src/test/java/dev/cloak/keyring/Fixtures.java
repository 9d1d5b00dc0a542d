package dev.cloak.keyring;

import com.github.benmanes.caffeine.cache.Ticker;
import com.google.crypto.tink.KeysetHandle;
import dev.cloak.keyring.audit.AuditTrail;
import dev.cloak.keyring.local.LocalMasterKeyProvider;
import dev.cloak.keyring.store.GenerationLedger;
import dev.cloak.keyring.store.KeyStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shared test helpers: settings, an in-memory store, a counting store and a hand-driven clock; public so the tests
 * of the store and provider packages can open keyrings over the providers and clock they choose.
 */
public final class Fixtures {

    public static final byte[] AD = "cloak/v1/patients.ssn".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private Fixtures() {
    }

    public static KeyringSettings settings(Path masterKeyFile, boolean autoCreate) {
        return new KeyringSettings("local:file:" + masterKeyFile, Duration.ofMinutes(15), 1000, autoCreate);
    }

    /** A keyring over {@code store} that creates keys unchecked (the test's domains hold no data) and has no ledger. */
    public static Keyring open(KeyringSettings settings, KeyStore store) throws KeyringException {
        return open(settings, store, AuditTrail.NONE);
    }

    /** As {@link #open(KeyringSettings, KeyStore)}, recording key events on {@code audit}. */
    public static Keyring open(KeyringSettings settings, KeyStore store, AuditTrail audit) throws KeyringException {
        return Keyring.open(settings, store, audit, DomainUsage.UNCHECKED, GenerationLedger.NONE);
    }

    public static Keyring open(KeyringSettings settings, KeyStore store, Ticker ticker) throws KeyringException {
        return open(settings, store, List.of(new LocalMasterKeyProvider()), ticker);
    }

    /** A keyring whose master keys come from {@code providers} alone, on {@code ticker}'s clock. */
    public static Keyring open(KeyringSettings settings, KeyStore store, List<MasterKeyProvider> providers,
                               Ticker ticker) throws KeyringException {
        return Keyring.open(settings, store, MasterKeys.of(providers), ticker, AuditTrail.NONE, DomainUsage.UNCHECKED,
                GenerationLedger.NONE);
    }

    /** Key administration whose master keys come from {@code providers} alone. */
    public static KeyAdministration administration(String masterKeyUri, KeyStore store, AuditTrail audit,
                                                   List<MasterKeyProvider> providers) throws KeyringException {
        return KeyAdministration.open(masterKeyUri, store, audit, GenerationLedger.NONE, MasterKeys.of(providers));
    }

    /** A new keyset of {@code domain} wrapped as Cloak wrapped them before generations were kept (generation 0). */
    public static WrappedKeyset legacyKeyset(String masterKeyUri, String domain, KeyPurpose purpose)
            throws Exception {
        KeyPurpose.ensureRegistered();
        MasterKey master = MasterKeys.of(List.of(new LocalMasterKeyProvider()))
                .open(masterKeyUri, new KeyEvents(AuditTrail.NONE));
        return WrappedKeyset.wrap(KeysetHandle.generateNew(purpose.template()), domain, purpose, master, 0);
    }

    /** A key store kept in a map, safe for several threads. */
    public static final class MemoryKeyStore implements KeyStore {
        public final Map<String, WrappedKeyset> keysets = new ConcurrentHashMap<>();

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
    public static final class CountingKeyStore implements KeyStore {
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
    public static final class ManualTicker implements Ticker {
        private final AtomicLong nanos = new AtomicLong();

        public void advance(Duration duration) {
            nanos.addAndGet(duration.toNanos());
        }

        @Override
        public long read() {
            return nanos.get();
        }
    }
}
