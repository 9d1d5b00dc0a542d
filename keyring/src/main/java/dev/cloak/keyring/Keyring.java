package dev.cloak.keyring;

import com.github.benmanes.caffeine.cache.Cache;
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
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out one primitive per key domain, built from its Tink keyset (for an AES256_GCM keyset an
 * {@link AesGcmKeysetAead}, which keeps a cipher per key version). A master key wraps one keyset per domain;
 * wrapped keysets live in a {@link KeyStore}; unwrapped primitives are cached, so a warm keyring calls neither the
 * store nor the master key. Every key event (created, unwrapped on a cache miss, KMS failure) is recorded on the
 * {@link AuditTrail} before the operation succeeds. Keys are never silently replaced: a missing keyset is created
 * only when auto-create is on, the {@link GenerationLedger} has never seen the domain, and the {@link DomainUsage}
 * says its columns hold no value yet; a stored keyset older than the ledger's is refused. Safe for concurrent use.
 */
public final class Keyring implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Keyring.class);

    private final KeyringSettings settings;
    private final KeyStore store;
    private final MasterKey masterKey;
    private final Cache<CacheKey, Object> primitives;
    /** Caffeine's loader, made once: a method reference per lookup would allocate on every cell. */
    private final Function<CacheKey, Object> loader = this::loadUnchecked;
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
    private volatile boolean closed;

    private Keyring(KeyringSettings settings, KeyStore store, MasterKey masterKey, Ticker ticker, KeyEvents events,
                    DomainUsage usage, GenerationLedger ledger) {
        this.settings = settings;
        this.store = store;
        this.masterKey = masterKey;
        this.events = events;
        this.usage = usage;
        this.guard = new RollbackGuard(ledger, store, events);
        this.ticker = ticker;
        this.primitives = Caffeine.newBuilder()
                .expireAfterWrite(settings.cacheTtl())
                .maximumSize(settings.cacheMaxEntries())
                .ticker(ticker)
                .evictionListener((CacheKey key, Object value, RemovalCause cause) -> evicted(key))
                .build();
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
        return open(settings, store, MasterKeys.installed(), Ticker.systemTicker(), audit, usage, ledger);
    }

    /** As the public {@code open}, with the master keys and the cache clock given. */
    static Keyring open(KeyringSettings settings, KeyStore store, MasterKeys masterKeys, Ticker ticker,
                        AuditTrail audit, DomainUsage usage, GenerationLedger ledger) throws KeyringException {
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
        MasterKey masterKey = masterKeys.open(settings.masterKeyUri(), events);
        return new Keyring(settings, store, masterKey, ticker, events, usage, ledger);
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
        long expiresAt = primitives.policy().expireAfterWrite()
                .map(expiry -> expiry.ageOf(new CacheKey(domain, purpose), TimeUnit.NANOSECONDS))
                .filter(age -> age.isPresent())
                .map(age -> now - age.getAsLong() + settings.cacheTtl().toNanos())
                .orElse(now);
        return new Held(primitive, expiresAt, current);
    }

    /** Whether {@code held} is still what the cache holds: taken since the last eviction and close, not expired. */
    boolean isCurrent(Held held) {
        return held != null && held.generation() == generation.get() && ticker.read() - held.expiresAt() < 0;
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

    private void requireOpen() throws KeyringException {
        if (closed) {
            throw new KeyringException(KeyringException.Kind.UNAVAILABLE, "keyring is closed");
        }
    }

    /** Drops every cached primitive; later calls fail as UNAVAILABLE. */
    @Override
    public void close() {
        closed = true;
        generation.incrementAndGet();
        domainKeys.values().forEach(DomainKeys::releaseAll);
        primitives.invalidateAll();
    }

    Object primitive(String domain, KeyPurpose purpose) throws KeyringException {
        Objects.requireNonNull(domain, "domain");
        if (domain.isBlank()) {
            throw new KeyringException(KeyringException.Kind.INVALID, "key domain is blank");
        }
        if (closed) {
            throw new KeyringException(KeyringException.Kind.UNAVAILABLE, "keyring is closed");
        }
        try {
            // Caffeine loads each key once even under contention, and does not cache a failed load
            return primitives.get(new CacheKey(domain, purpose), loader);
        } catch (LoadFailure e) {
            throw e.keyringException();
        }
    }

    private Object loadUnchecked(CacheKey key) {
        try {
            return load(key.domain(), key.purpose());
        } catch (KeyringException e) {
            throw new LoadFailure(e);
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
        events.record(AuditEvent.UNWRAPPED, domain, primaryId(handle));
        LOG.debug("Unwrapped keyset of key domain {}", domain);
        return primitive;
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

    /** Carries a checked failure out of Caffeine's loader, which only lets unchecked exceptions through. */
    private static final class LoadFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LoadFailure(KeyringException cause) {
            super(cause.getMessage(), cause, false, false);
        }

        KeyringException keyringException() {
            return (KeyringException) getCause();
        }
    }

    @Override
    public String toString() {
        return "Keyring[master=" + MasterKeyUris.scheme(settings.masterKeyUri()) + ":…, store=" + store
                + ", cached=" + primitives.estimatedSize() + "]";
    }
}
