package dev.cloak.keyring;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.DeterministicAead;
import java.util.List;

/**
 * The primitives of one key domain, for a caller that asks for them on every cell: it holds what the keyring's
 * cache handed out last and answers from it, without a cache lookup, for as long as the cache would have kept
 * it. The keyring's rules are unchanged: a primitive is reloaded once its time to live since it was loaded has
 * passed (on the system clock checked against {@link CoarseClock}, without a clock read per cell, so up to a second
 * early), after the cache evicted any entry, and never after {@link Keyring#close()}; each reload goes through
 * the cache, so loads, audit events and failures are the keyring's own. When the cache evicts its entry or the
 * keyring closes, it drops its reference to the primitive, so that no key stays reachable through it. An answer
 * from memory counts as a key-cache hit ({@link KeyringStatistics}). Obtained
 * from {@link Keyring#domainKeys(String)}, one per domain. Thread-safe.
 */
public final class DomainKeys {

    private final Keyring keyring;
    private final String domain;
    private final KeyringStatistics statistics;
    private volatile Keyring.Held aead;
    private volatile Keyring.Held deterministic;

    DomainKeys(Keyring keyring, String domain) {
        this.keyring = keyring;
        this.domain = domain;
        this.statistics = keyring.statistics();
    }

    /** As {@link Keyring#aead(String)} for this domain. */
    public Aead aead() throws KeyringException {
        Keyring.Held held = aead;
        if (!keyring.isCurrent(held)) {
            held = keyring.hold(domain, KeyPurpose.AEAD);
            aead = held;
        } else {
            statistics.cacheHit();
        }
        return (Aead) held.primitive();
    }

    /** As {@link Keyring#deterministicAead(String)} for this domain. */
    public DeterministicAead deterministicAead() throws KeyringException {
        return deterministicKeys().all();
    }

    /** As {@link Keyring#deterministicAeadsByVersion(String)} for this domain. */
    public List<DeterministicAead> deterministicAeadsByVersion() throws KeyringException {
        return deterministicKeys().byVersion();
    }

    /**
     * As {@link #deterministicAead()}, with key version {@code keyId} in the primary's place: it encrypts under that
     * version and decrypts under every enabled one. The same object on every call while the keyset stays loaded.
     *
     * @throws KeyringException {@link KeyringException.Kind#UNAVAILABLE} when the loaded keyset has no enabled
     *     version {@code keyId} (staged after it was loaded: it is loaded again once the key cache's TTL passed)
     */
    public DeterministicAead deterministicAead(int keyId) throws KeyringException {
        return pinned(keyId).all();
    }

    /** As {@link #deterministicAeadsByVersion()}, with {@code keyId} first (see {@link #deterministicAead(int)}). */
    public List<DeterministicAead> deterministicAeadsByVersion(int keyId) throws KeyringException {
        return pinned(keyId).byVersion();
    }

    private KeysetPrimitives.Pinned pinned(int keyId) throws KeyringException {
        KeysetPrimitives.Pinned pinned = deterministicKeys().pinned().get(keyId);
        if (pinned == null) {
            throw new KeyringException(KeyringException.Kind.UNAVAILABLE, "key domain " + domain + " has no enabled "
                    + "version " + Integer.toUnsignedString(keyId) + " as loaded: a migration needs it; it is "
                    + "loaded again once keyring.cache.ttl has passed");
        }
        return pinned;
    }

    private KeysetPrimitives.DeterministicKeys deterministicKeys() throws KeyringException {
        Keyring.Held held = deterministic;
        if (!keyring.isCurrent(held)) {
            held = keyring.hold(domain, KeyPurpose.DETERMINISTIC_AEAD);
            deterministic = held;
        } else {
            statistics.cacheHit();
        }
        return (KeysetPrimitives.DeterministicKeys) held.primitive();
    }

    /** Drops the primitive of {@code purpose}: the cache evicted it. */
    void release(KeyPurpose purpose) {
        if (purpose == KeyPurpose.AEAD) {
            aead = null;
        } else {
            deterministic = null;
        }
    }

    /** Drops every primitive: the keyring closed. */
    void releaseAll() {
        aead = null;
        deterministic = null;
    }

    @Override
    public String toString() {
        return "DomainKeys[" + domain + "]";
    }
}
