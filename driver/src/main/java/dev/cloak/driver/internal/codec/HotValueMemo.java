package dev.cloak.driver.internal.codec;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Arrays;

/**
 * The hot values of one deterministic column ({@code cache: { entries: N }} in the policy): equal plaintexts give
 * equal cells, so a value looked up or written again needs no AES-SIV, and a cell read again needs no decryption.
 * Two bounded Caffeine caches of at most N entries each: plaintext (as {@link PlaintextCodec} encodes it) to cell,
 * and cell to canonical value.
 *
 * <p>Every entry was made under one set of key versions, the object {@code keys} the caller passes (the domain's
 * primitives as the keyring handed them out): when the keyring hands out another (after a rotation, an expiry of
 * its cache, or when it closes and reopens), the memo empties, and an entry made under other keys is never
 * returned. {@link #clear()} empties it when the driver closes.
 *
 * <p>This holds plaintext in memory for as long as a value stays hot, where the driver otherwise drops it after each
 * cell; nothing of it shows in {@link #toString()}. Thread-safe.
 */
final class HotValueMemo {

    private final Cache<Bytes, Remembered> cells;
    private final Cache<Bytes, Remembered> values;
    /** The keys the current entries were made under. */
    private volatile Object keys;

    HotValueMemo(int entries) {
        // maintenance on the calling thread: no work is left to a pool after clear()
        this.cells = Caffeine.newBuilder().maximumSize(entries).executor(Runnable::run).build();
        this.values = Caffeine.newBuilder().maximumSize(entries).executor(Runnable::run).build();
    }

    /** The cell of {@code plaintext} under {@code keys}, as a new array, or null when it is not remembered. */
    byte[] cell(Object keys, byte[] plaintext) {
        adopt(keys);
        Remembered hit = cells.getIfPresent(new Bytes(plaintext));
        return hit != null && hit.keys == keys ? ((byte[]) hit.value).clone() : null;
    }

    /** Remembers that {@code plaintext} encrypts to {@code cell} under {@code keys}; keeps copies of both. */
    void rememberCell(Object keys, byte[] plaintext, byte[] cell) {
        adopt(keys);
        cells.put(new Bytes(plaintext.clone()), new Remembered(keys, cell.clone()));
    }

    /** The canonical value of {@code cell} under {@code keys}, or null when it is not remembered. */
    Object value(Object keys, byte[] cell) {
        adopt(keys);
        Remembered hit = values.getIfPresent(new Bytes(cell));
        return hit != null && hit.keys == keys ? hit.value : null;
    }

    /** Remembers that {@code cell} decrypts to {@code value} under {@code keys}; {@code value} must be immutable. */
    void rememberValue(Object keys, byte[] cell, Object value) {
        adopt(keys);
        values.put(new Bytes(cell.clone()), new Remembered(keys, value));
    }

    /**
     * Empties the memo when {@code keys} are not the ones its entries were made under. An entry another thread
     * still adds under the old keys is never returned: every hit is checked against the caller's keys.
     */
    private void adopt(Object keys) {
        if (keys == this.keys) {
            return;
        }
        synchronized (this) {
            if (keys != this.keys) {
                this.keys = keys;
                cells.invalidateAll();
                values.invalidateAll();
            }
        }
    }

    /** Forgets everything, and the keys it was filled under. */
    synchronized void clear() {
        keys = null;
        cells.invalidateAll();
        values.invalidateAll();
        cells.cleanUp();
        values.cleanUp();
    }

    /** How many values are remembered, in both directions. */
    long size() {
        cells.cleanUp();
        values.cleanUp();
        return cells.estimatedSize() + values.estimatedSize();
    }

    @Override
    public String toString() {
        return "HotValueMemo[" + cells.estimatedSize() + " cells, " + values.estimatedSize() + " values]";
    }

    /** A plaintext or a cell as a key: compared by content; its toString shows only the length. */
    private static final class Bytes {
        private final byte[] bytes;
        private final int hash;

        Bytes(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Bytes b && hash == b.hash && Arrays.equals(bytes, b.bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public String toString() {
            return "Bytes[" + bytes.length + "]";
        }
    }

    /** A cell or a value, with the keys it was made under; its toString shows neither. */
    private static final class Remembered {
        private final Object keys;
        private final Object value;

        Remembered(Object keys, Object value) {
            this.keys = keys;
            this.value = value;
        }

        @Override
        public String toString() {
            return "Remembered";
        }
    }
}
