package dev.cloak.keyring;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.DeterministicAead;
import com.google.crypto.tink.KeysetHandle;
import dev.cloak.keyring.KeysetPrimitives.DeterministicKeys;
import dev.cloak.keyring.audit.AuditEvent;
import dev.cloak.keyring.audit.AuditTrail;
import dev.cloak.keyring.store.GenerationLedger;
import dev.cloak.keyring.store.KeyStore;
import dev.cloak.keyring.store.StoredKeyDomain;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out one primitive per key domain, built from its Tink keyset (for an AES256_GCM keyset an
 * {@link AesGcmKeysetAead}, which keeps a cipher per key version). A master key wraps one keyset per domain;
 * wrapped keysets live in a {@link KeyStore}; unwrapped primitives are cached, so a warm keyring calls neither the
 * store nor the master key. Every key event (created, unwrapped on a cache miss, KMS failure) is recorded on the
 * {@link AuditTrail} before the operation succeeds. Keys are never silently replaced: a missing keyset is created
 * only when auto-create is on, the {@link GenerationLedger} has never seen the domain, and the {@link DomainUsage}
 * says its columns hold no value yet; a stored keyset older than the ledger's is refused. Safe for concurrent use:
 * a key missing from the cache is loaded once, on the thread that missed it first, and a statement that misses it
 * meanwhile waits for that load no longer than {@code keyring.kms-timeout}; loads of other keys never wait for it.
 */
public final class Keyring implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Keyring.class);

    private final KeyringSettings settings;
    private final KeyStore store;
    private final MasterKey masterKey;
    /** Completed futures are loaded primitives; an incomplete one is a load in flight on another thread. */
    private final AsyncCache<CacheKey, Object> primitives;
    private final KeyEvents events;
    private final DomainUsage usage;
    private final RollbackGuard guard;
    private final Ticker ticker;
    /**
     * Counts the cache's evictions and the keyring's close: a {@link Held} primitive taken before either is no
     * longer current, so a {@link DomainKeys} never uses what the cache has let go.
     */
    private final AtomicInteger generation = new AtomicInteger();
    /** The one {@link DomainKeys} per domain handed out; let go of their primitives on eviction and close. */
    private final ConcurrentHashMap<String, DomainKeys> domainKeys = new ConcurrentHashMap<>();
    /** The key ids of each domain's keyset as last loaded: tells an unknown key version from a tampered cell. */
    private final ConcurrentHashMap<String, int[]> keyIds = new ConcurrentHashMap<>();
    private final KeyringStatistics statistics;
    /**
     * Whether {@link #isCurrent} reads {@link CoarseClock} instead of {@link #ticker}: the cache runs on the system
     * clock. A keyring given another ticker (tests) reads it on every check.
     */
    private final boolean coarseClock;
    /** Set by the first {@link #close()}, which releases {@link CoarseClock}. */
    private final AtomicBoolean clockReleased = new AtomicBoolean();
    private volatile boolean closed;

    private Keyring(KeyringSettings settings, KeyStore store, MasterKey masterKey, Ticker ticker, KeyEvents events,
                    DomainUsage usage, GenerationLedger ledger, KeyringStatistics statistics) {
        this.settings = settings;
        this.statistics = statistics;
        this.store = store;
        this.masterKey = masterKey;
        this.events = events;
        this.usage = usage;
        this.guard = new RollbackGuard(ledger, store, events);
        this.ticker = ticker;
        this.coarseClock = ticker == Ticker.systemTicker();
        this.primitives = Caffeine.newBuilder()
                .expireAfterWrite(settings.cacheTtl())
                .maximumSize(settings.cacheMaxEntries())
                .ticker(ticker)
                .evictionListener((CacheKey key, Object value, RemovalCause cause) -> evicted(key))
                .buildAsync();
        if (coarseClock) {
            CoarseClock.acquire(); // last: a constructor that throws leaves no clock thread behind
        }
    }

    /**
     * Opens the master key named by {@code settings.masterKeyUri()} through the provider of its scheme.
     *
     * @param store  where the wrapped keysets are
     * @param audit  where every key event is recorded; an event that cannot be recorded fails its operation as
     *               {@link KeyringException.Kind#UNAVAILABLE}
     * @param usage  asked, before a missing key is created, whether the domain's columns hold values
     * @param ledger remembers the newest generation of every domain, outside the store ({@link GenerationLedger#NONE}
     *               when the policy names none)
     */
    public static Keyring open(KeyringSettings settings, KeyStore store, AuditTrail audit, DomainUsage usage,
                               GenerationLedger ledger) throws KeyringException {
        return open(settings, store, audit, usage, ledger, new KeyringStatistics());
    }

    /**
     * As {@link #open(KeyringSettings, KeyStore, AuditTrail, DomainUsage, GenerationLedger)}, counting on
     * {@code statistics} (key cache, master-key calls) for metrics.
     */
    public static Keyring open(KeyringSettings settings, KeyStore store, AuditTrail audit, DomainUsage usage,
                               GenerationLedger ledger, KeyringStatistics statistics) throws KeyringException {
        return open(settings, store, MasterKeys.installed(), Ticker.systemTicker(), audit, usage, ledger, statistics);
    }

    /** As the public {@code open}, with the master keys and the cache clock given. */
    static Keyring open(KeyringSettings settings, KeyStore store, MasterKeys masterKeys, Ticker ticker,
                        AuditTrail audit, DomainUsage usage, GenerationLedger ledger) throws KeyringException {
        return open(settings, store, masterKeys, ticker, audit, usage, ledger, new KeyringStatistics());
    }

    private static Keyring open(KeyringSettings settings, KeyStore store, MasterKeys masterKeys, Ticker ticker,
                                AuditTrail audit, DomainUsage usage, GenerationLedger ledger,
                                KeyringStatistics statistics) throws KeyringException {
        Objects.requireNonNull(statistics, "statistics");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(ledger, "ledger");
        try {
            KeyPurpose.ensureRegistered();
        } catch (GeneralSecurityException e) {
            throw new KeyringException(KeyringException.Kind.UNAVAILABLE, "Tink could not be initialised", e);
        }
        KeyEvents events = new KeyEvents(audit);
        MasterKey masterKey = masterKeys.open(settings.masterKeyUri(), settings.masterKeyOptions(), events)
                .metered(statistics);
        return new Keyring(settings, store, masterKey, ticker, events, usage, ledger, statistics);
    }

    /** The AES256_GCM primitive of a (randomized) key domain; created on first use when autoCreate. */
    public Aead aead(String domain) throws KeyringException {
        return (Aead) primitive(domain, KeyPurpose.AEAD);
    }

    /** The AES256_SIV primitive of a (deterministic) key domain; created on first use when autoCreate. */
    public DeterministicAead deterministicAead(String domain) throws KeyringException {
        return ((DeterministicKeys) primitive(domain, KeyPurpose.DETERMINISTIC_AEAD)).all();
    }

    /**
     * One AES256_SIV primitive per enabled version of a deterministic key domain, the primary (active) version
     * first, then the decrypt-only versions in keyset order. While a domain rotates, a value's cells may be under
     * any enabled version, so a lookup by value must compare with a ciphertext under each of them. The list is the
     * one cached with {@link #deterministicAead}, so both always describe the same keyset.
     */
    public List<DeterministicAead> deterministicAeadsByVersion(String domain) throws KeyringException {
        return ((DeterministicKeys) primitive(domain, KeyPurpose.DETERMINISTIC_AEAD)).byVersion();
    }

    /**
     * The primitives of {@code domain} for a caller that asks for them on every cell (the driver's codecs): they
     * follow the cache's rules, without a cache lookup per call. One per domain, the same on every call, and kept
     * by the keyring so that it can take back their primitives when the cache evicts them or the keyring closes.
     * Nothing is loaded until the first call.
     */
    public DomainKeys domainKeys(String domain) {
        Objects.requireNonNull(domain, "domain");
        return domainKeys.computeIfAbsent(domain, d -> new DomainKeys(this, d));
    }

    /** The cache let go of a primitive (size, expiry): its holder lets go too, and every holder rechecks. */
    private void evicted(CacheKey key) {
        statistics.cacheEviction();
        generation.incrementAndGet();
        DomainKeys holder = domainKeys.get(key.domain());
        if (holder != null) {
            holder.release(key.purpose());
        }
    }

    /**
     * The primitive of {@code domain} and {@code purpose} from the cache (loaded as {@link #aead} loads it), with
     * when the cache lets it go: its time to live after the cache entry was written. An entry whose age the cache
     * does not report (caching disabled) is stale at once.
     */
    Held hold(String domain, KeyPurpose purpose) throws KeyringException {
        int current = generation.get();
        Object primitive = primitive(domain, purpose);
        long now = ticker.read();
        long expiresAt = primitives.synchronous().policy().expireAfterWrite()
                .map(expiry -> expiry.ageOf(new CacheKey(domain, purpose), TimeUnit.NANOSECONDS))
                .filter(age -> age.isPresent())
                .map(age -> now - age.getAsLong() + settings.cacheTtl().toNanos())
                .orElse(now);
        return new Held(primitive, expiresAt, current);
    }

    /**
     * Whether {@code held} is still what the cache holds: taken since the last eviction and close, not expired. On
     * the system clock, expiry is checked against {@link CoarseClock}, which runs up to a second ahead: a primitive
     * counts as expired up to that much before its time to live has passed, never after.
     */
    boolean isCurrent(Held held) {
        return held != null && held.generation() == generation.get()
                && (coarseClock ? CoarseClock.read() : ticker.read()) - held.expiresAt() < 0;
    }

    /**
     * The trail this keyring records key events on ({@link AuditTrail#NONE} when there is none), for key
     * administration that happens outside the keyring (rewrap, retire, destroy).
     */
    public AuditTrail auditTrail() {
        return events.trail();
    }

    /**
     * For health checks: whether the key store answers now. Reads the wrapped keyset of {@code domain} past the
     * cache, unwraps nothing and keeps nothing.
     *
     * @return whether the store holds a keyset for {@code domain}
     * @throws KeyringException {@link KeyringException.Kind#UNAVAILABLE} when the store cannot be read
     */
    public boolean checkKeyStore(String domain) throws KeyringException {
        Objects.requireNonNull(domain, "domain");
        requireOpen();
        return readStore(domain).isPresent();
    }

    /**
     * For health checks: whether the master key answers now. It encrypts and decrypts a random value that is no
     * key, under associated data no keyset is wrapped with, past the cache: one round trip to the KMS or HSM per
     * call, so call it on a schedule, not per request. Not audited: no key is created or unwrapped.
     *
     * @throws KeyringException {@link KeyringException.Kind#UNAVAILABLE} when the master key does not answer, or
     *     the kind its provider names ({@link KeyringException.Kind#ACCESS_DENIED} for a refusal)
     */
    public void checkMasterKey() throws KeyringException {
        requireOpen();
        masterKey.probe();
    }

    /**
     * For health checks of an application whose KMS role may only decrypt: unwraps the stored keyset of {@code domain}
     * past the cache and drops it at once (one decrypt by the KMS or HSM, as a cache miss makes), or, when the store
     * holds no keyset of {@code domain}, does what {@link #checkMasterKey()} does. Nothing is cached or audited.
     *
     * @throws KeyringException {@link KeyringException.Kind#UNAVAILABLE} when the master key or the store does not
     *     answer, or the kind the failure names ({@link KeyringException.Kind#ACCESS_DENIED} for a refusal,
     *     {@link KeyringException.Kind#UNWRAP_FAILED} when the keyset does not unwrap under the master key)
     */
    public void checkMasterKey(String domain) throws KeyringException {
        Objects.requireNonNull(domain, "domain");
        requireOpen();
        Optional<WrappedKeyset> stored = readStore(domain);
        if (stored.isEmpty()) {
            masterKey.probe();
            return;
        }
        stored.get().unwrap(masterKey);
    }

    /**
     * Opens the master key {@code masterKeyUri} and asks it to encrypt and decrypt a throwaway value, as
     * {@link #checkMasterKey()} does, then lets it go: for {@code cloak doctor}, which has no key store to open. The
     * credentials in use need both rights (an administrator's); nothing is audited.
     *
     * @throws KeyringException {@link KeyringException.Kind#INVALID} for a URI no provider can use, otherwise as
     *     {@link #checkMasterKey()}
     */
    public static void checkMasterKey(String masterKeyUri, MasterKeyOptions options) throws KeyringException {
        Objects.requireNonNull(masterKeyUri, "masterKeyUri");
        Objects.requireNonNull(options, "options");
        MasterKey master = MasterKeys.installed().open(masterKeyUri, options, new KeyEvents(AuditTrail.NONE));
        try {
            master.probe();
        } finally {
            master.close();
        }
    }

    private void requireOpen() throws KeyringException {
        if (closed) {
            throw new KeyringException(KeyringException.Kind.UNAVAILABLE, "keyring is closed");
        }
    }

    /** Drops every cached primitive and lets go of the master key's client; later calls fail as UNAVAILABLE. */
    @Override
    public void close() {
        closed = true;
        if (coarseClock && clockReleased.compareAndSet(false, true)) {
            CoarseClock.release();
        }
        generation.incrementAndGet();
        domainKeys.values().forEach(DomainKeys::releaseAll);
        primitives.synchronous().invalidateAll();
        masterKey.close();
    }

    Object primitive(String domain, KeyPurpose purpose) throws KeyringException {
        Objects.requireNonNull(domain, "domain");
        if (domain.isBlank()) {
            throw new KeyringException(KeyringException.Kind.INVALID, "key domain is blank");
        }
        if (closed) {
            throw new KeyringException(KeyringException.Kind.UNAVAILABLE, "keyring is closed");
        }
        CacheKey key = new CacheKey(domain, purpose);
        CompletableFuture<Object> cached = primitives.getIfPresent(key);
        if (cached != null && cached.isDone() && !cached.isCompletedExceptionally()) {
            statistics.cacheHit();
            return cached.join();
        }
        statistics.cacheMiss();
        return loadOrAwait(key);
    }

    /**
     * Loads {@code key} on this thread, or waits for the load another thread has in flight. Caffeine's own
     * {@code get(key, loader)} would run the load inside the cache's map lock, where a statement needing another key
     * that hashes alike, or a second miss of the same key after a failed load, would wait for it without bound.
     */
    private Object loadOrAwait(CacheKey key) throws KeyringException {
        ConcurrentMap<CacheKey, CompletableFuture<Object>> map = primitives.asMap();
        CompletableFuture<Object> mine = new CompletableFuture<>();
        while (true) {
            CompletableFuture<Object> current = map.putIfAbsent(key, mine);
            if (current == null) {
                return loadInto(mine, key);
            }
            if (!current.isDone()) {
                return await(current, key);
            }
            if (!current.isCompletedExceptionally()) {
                return current.join();
            }
            // a failed load not yet removed by the cache: replace it, so this statement tries again itself
            if (map.replace(key, current, mine)) {
                return loadInto(mine, key);
            }
        }
    }

    private Object loadInto(CompletableFuture<Object> future, CacheKey key) throws KeyringException {
        try {
            Object primitive = load(key.domain(), key.purpose());
            future.complete(primitive);
            return primitive;
        } catch (KeyringException e) {
            // the cache drops a future that fails, so the next statement tries again
            future.completeExceptionally(new LoadFailure(e));
            throw e;
        } catch (RuntimeException | Error e) {
            future.completeExceptionally(e);
            throw e;
        }
    }

    /** Waits for another thread's load of {@code key}, no longer than the KMS timeout; its failure is this one's. */
    private Object await(CompletableFuture<Object> inFlight, CacheKey key) throws KeyringException {
        try {
            return inFlight.get(settings.kmsTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new KeyringException(KeyringException.Kind.UNAVAILABLE, "key domain " + key.domain() + " is being "
                    + "loaded by another connection, which did not finish within keyring.kms-timeout ("
                    + settings.kmsTimeout().toMillis() + " ms)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeyringException(KeyringException.Kind.UNAVAILABLE,
                    "interrupted while key domain " + key.domain() + " was being loaded", e);
        } catch (LoadFailure failure) {
            KeyringException shared = failure.keyringException();
            throw new KeyringException(shared.kind(), shared.getMessage(), shared);
        } catch (CancellationException | ExecutionException e) {
            throw new KeyringException(KeyringException.Kind.UNAVAILABLE,
                    "loading key domain " + key.domain() + " failed", e.getCause() == null ? e : e.getCause());
        }
    }

    private Object load(String domain, KeyPurpose purpose) throws KeyringException {
        Optional<WrappedKeyset> stored = readStore(domain);
        if (stored.isPresent()) {
            return unwrap(stored.get(), purpose);
        }
        guard.requireUnseen(domain);
        if (!settings.autoCreate()) {
            throw new KeyringException(KeyringException.Kind.NO_SUCH_KEY, "key domain " + domain
                    + " has no keyset and auto-create is off; create it with `cloak keys init " + domain + "`");
        }
        Optional<String> column = columnWithValues(domain);
        if (column.isPresent()) {
            // another process may have created the key, and written under it, since this one read the store
            Optional<WrappedKeyset> created = readStore(domain);
            if (created.isPresent()) {
                return unwrap(created.get(), purpose);
            }
            throw new KeyringException(KeyringException.Kind.NO_SUCH_KEY, "key domain " + domain + " has no keyset in "
                    + store + ", but column " + column.get() + " already holds values: the key store is missing, "
                    + "moved or emptied, or names another database than the data. Cloak will not create a new key, "
                    + "which could never decrypt those values; restore the key store that holds key domain " + domain);
        }
        return create(domain, purpose);
    }

    private Optional<String> columnWithValues(String domain) throws KeyringException {
        try {
            Optional<String> column = usage.columnWithValues(domain);
            return Objects.requireNonNull(column, "usage answered nothing");
        } catch (RuntimeException e) {
            throw new KeyringException(KeyringException.Kind.UNAVAILABLE, "cannot check whether the columns of key "
                    + "domain " + domain + " hold values, so no key is created for it", e);
        }
    }

    private Object create(String domain, KeyPurpose purpose) throws KeyringException {
        KeysetHandle handle;
        try {
            handle = KeysetHandle.generateNew(purpose.template());
        } catch (GeneralSecurityException e) {
            throw new KeyringException(KeyringException.Kind.UNAVAILABLE,
                    "cannot generate a keyset for key domain " + domain, e);
        }
        WrappedKeyset candidate;
        try {
            candidate = WrappedKeyset.wrap(handle, domain, purpose, masterKey, 1);
        } catch (KeyringException e) {
            throw events.kmsFailure(domain, e);
        }
        WrappedKeyset winner;
        try {
            winner = store.insertIfAbsent(candidate);
        } catch (RuntimeException e) {
            throw new KeyringException(KeyringException.Kind.UNAVAILABLE,
                    "key store failed to store the keyset of key domain " + domain, e);
        }
        if (winner == null) {
            throw new KeyringException(KeyringException.Kind.UNAVAILABLE,
                    "key store returned nothing for key domain " + domain);
        }
        if (!winner.equals(candidate)) {
            // another process created the domain first: everyone uses the stored keyset
            LOG.info("Key domain {} was created concurrently elsewhere; using the stored keyset", domain);
            return unwrap(winner, purpose);
        }
        guard.admit(candidate);
        Object primitive = KeysetPrimitives.build(handle, domain, purpose);
        keyIds.put(domain, ids(handle));
        events.record(AuditEvent.CREATED, domain, primaryId(handle));
        LOG.info("Created keyset of key domain {} ({})", domain, purpose.storedName());
        return primitive;
    }

    private Optional<WrappedKeyset> readStore(String domain) throws KeyringException {
        try {
            Optional<WrappedKeyset> stored = store.read(domain);
            if (stored == null) {
                throw new KeyringException(KeyringException.Kind.UNAVAILABLE,
                        "key store returned nothing for key domain " + domain);
            }
            return stored;
        } catch (RuntimeException e) {
            throw new KeyringException(KeyringException.Kind.UNAVAILABLE,
                    "key store failed to read key domain " + domain, e);
        }
    }

    private Object unwrap(WrappedKeyset stored, KeyPurpose purpose) throws KeyringException {
        String domain = stored.domain();
        if (!purpose.storedName().equals(stored.purpose())) {
            throw new KeyringException(KeyringException.Kind.INVALID, "key domain " + domain
                    + " is stored for purpose '" + safePurpose(stored.purpose()) + "', not '" + purpose.storedName()
                    + "'");
        }
        KeysetHandle handle;
        try {
            handle = stored.unwrap(masterKey);
        } catch (KeyringException e) {
            if (e.kind() == KeyringException.Kind.UNAVAILABLE || e.kind() == KeyringException.Kind.ACCESS_DENIED) {
                throw events.kmsFailure(domain, e);
            }
            throw e;
        }
        guard.admit(stored);
        Object primitive = KeysetPrimitives.build(handle, domain, purpose);
        keyIds.put(domain, ids(handle));
        events.record(AuditEvent.UNWRAPPED, domain, primaryId(handle));
        LOG.debug("Unwrapped keyset of key domain {}", domain);
        return primitive;
    }

    private static int[] ids(KeysetHandle handle) {
        int[] ids = new int[handle.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = handle.getAt(i).getId();
        }
        return ids;
    }

    /**
     * Whether the keyset of {@code domain}, as this keyring last loaded it, has a key version with Tink key id
     * {@code keyId}: tells a cell under a version the domain does not have (destroyed, or another key store's) from a
     * cell that fails authentication. True when the domain was not loaded, so a cell is never called foreign by
     * mistake.
     */
    public boolean hasKeyVersion(String domain, int keyId) {
        int[] ids = keyIds.get(domain);
        if (ids == null) {
            return true;
        }
        for (int id : ids) {
            if (id == keyId) {
                return true;
            }
        }
        return false;
    }

    /**
     * Since when the active key version of {@code domain} encrypts (see {@link StoredKeyDomain#primarySince()}), read
     * from the key store past the cache: one store read per call, for metrics on a schedule and for key
     * administration. Empty when the domain has no keyset or the store does not know.
     */
    public Optional<Instant> primarySince(String domain) throws KeyringException {
        try {
            return store.readDomain(domain).flatMap(StoredKeyDomain::primarySince);
        } catch (RuntimeException e) {
            throw new KeyringException(KeyringException.Kind.UNAVAILABLE,
                    "key store failed to read key domain " + domain, e);
        }
    }

    /** The master-key URI's scheme in lower case ({@code local}, {@code pkcs11}, …): nothing more of the URI. */
    public String masterKeyScheme() {
        return MasterKeyUris.scheme(settings.masterKeyUri()).toLowerCase(java.util.Locale.ROOT);
    }

    /** What this keyring counted so far (key cache, master-key calls). */
    public KeyringStatistics statistics() {
        return statistics;
    }

    private static String primaryId(KeysetHandle handle) {
        return Integer.toUnsignedString(handle.getPrimary().getId());
    }

    /** The stored purpose when it is one of ours; anything else is not echoed. */
    private static String safePurpose(String purpose) {
        return KeyPurpose.fromStoredName(purpose) != null ? purpose : "(unrecognised)";
    }

    /** A cached primitive as a {@link DomainKeys} holds it: until {@code expiresAt} (ticker time) or an eviction. */
    record Held(Object primitive, long expiresAt, int generation) {
    }

    /** Caches are keyed by domain and purpose, so one name cannot yield the wrong primitive type. */
    private record CacheKey(String domain, KeyPurpose purpose) {
    }

    /**
     * Carries a load's checked failure to the statements that waited for it. A cancellation, because Caffeine logs
     * any other failure of a future it holds as a warning with its stack, and the keyring reports its failures itself.
     */
    private static final class LoadFailure extends CancellationException {
        private static final long serialVersionUID = 1L;
        private final transient KeyringException failure;

        LoadFailure(KeyringException failure) {
            super(failure.getMessage());
            this.failure = failure;
        }

        KeyringException keyringException() {
            return failure;
        }
    }

    @Override
    public String toString() {
        return "Keyring[master=" + MasterKeyUris.scheme(settings.masterKeyUri()) + ":…, store=" + store
                + ", cached=" + primitives.synchronous().estimatedSize() + "]";
    }
}
