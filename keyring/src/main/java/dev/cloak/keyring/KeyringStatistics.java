package dev.cloak.keyring;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a keyring counts while it runs, for metrics: its key cache's hits, misses (loads) and evictions, and each call
 * to its master key (KMS or HSM) by provider and operation, with the call's time and whether it failed. Counting
 * costs one {@link LongAdder} increment; nothing here holds a key, a value or more of a master-key URI than its
 * scheme. One per keyring owner (a data source), handed to {@link Keyring#open}. Thread-safe.
 */
public final class KeyringStatistics {

    /** Told of every call to the master key, on the thread that made it (a metrics binder records a timer). */
    @FunctionalInterface
    public interface KmsCallListener {

        /**
         * @param provider  the master-key URI's scheme ({@code local}, {@code pkcs11}, {@code aws-kms}, …)
         * @param operation {@code encrypt} (wrap) or {@code decrypt} (unwrap)
         * @param nanos     how long the call took
         * @param failed    whether it failed (unreachable, refused, timed out, or did not authenticate)
         */
        void kmsCall(String provider, String operation, long nanos, boolean failed);
    }

    /** The calls of one provider and operation so far. */
    public record KmsCalls(long calls, long errors, long totalNanos, long maxNanos) {
    }

    private record KmsKey(String provider, String operation) {
    }

    private static final class KmsCounts {
        final LongAdder calls = new LongAdder();
        final LongAdder errors = new LongAdder();
        final LongAdder nanos = new LongAdder();
        final LongAccumulator max = new LongAccumulator(Math::max, 0);
    }

    private final LongAdder cacheHits = new LongAdder();
    private final LongAdder cacheMisses = new LongAdder();
    private final LongAdder cacheEvictions = new LongAdder();
    private final ConcurrentHashMap<KmsKey, KmsCounts> kms = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<KmsCallListener> listeners = new CopyOnWriteArrayList<>();

    /** Lookups the key cache answered from memory. */
    public long cacheHits() {
        return cacheHits.sum();
    }

    /** Lookups that loaded a keyset (from the key store, unwrapped by the master key) or waited for a load. */
    public long cacheMisses() {
        return cacheMisses.sum();
    }

    /** Primitives the key cache let go (time to live, size). */
    public long cacheEvictions() {
        return cacheEvictions.sum();
    }

    /** The master-key calls so far, by provider and then operation, each sorted. */
    public Map<String, Map<String, KmsCalls>> kmsCalls() {
        Map<String, Map<String, KmsCalls>> all = new TreeMap<>();
        kms.forEach((key, counts) -> all.computeIfAbsent(key.provider(), p -> new TreeMap<>())
                .put(key.operation(), new KmsCalls(counts.calls.sum(), counts.errors.sum(), counts.nanos.sum(),
                        counts.max.get())));
        return all;
    }

    /** Adds a listener told of every later master-key call. */
    public void addKmsCallListener(KmsCallListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Removes a listener added before. */
    public void removeKmsCallListener(KmsCallListener listener) {
        listeners.remove(listener);
    }

    void cacheHit() {
        cacheHits.increment();
    }

    void cacheMiss() {
        cacheMisses.increment();
    }

    void cacheEviction() {
        cacheEvictions.increment();
    }

    void kmsCall(String provider, String operation, long nanos, boolean failed) {
        KmsCounts counts = kms.computeIfAbsent(new KmsKey(provider, operation), k -> new KmsCounts());
        counts.calls.increment();
        counts.nanos.add(nanos);
        counts.max.accumulate(nanos);
        if (failed) {
            counts.errors.increment();
        }
        for (KmsCallListener listener : listeners) {
            listener.kmsCall(provider, operation, nanos, failed);
        }
    }

    @Override
    public String toString() {
        return "KeyringStatistics[cache hits=" + cacheHits() + ", misses=" + cacheMisses() + ", evictions="
                + cacheEvictions() + ", kms=" + kms.keySet() + "]";
    }
}
