package dev.cloak.driver.internal.telemetry;

import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/**
 * Counts cells by key version without allocating or hashing per cell: a short array of (key id, adder) scanned in
 * order, the primary version's slot first once it was seen. A key domain has a handful of live versions, so the scan
 * is a few int comparisons; a version seen for the first time adds a slot (and its meter) under a lock.
 */
final class VersionCounts {

    private record Slot(int keyId, LongAdder count) {
    }

    private final IntFunction<LongAdder> onNewVersion;
    private volatile Slot[] slots = new Slot[0];

    /** @param onNewVersion makes (and publishes) the adder of a key version seen for the first time */
    VersionCounts(IntFunction<LongAdder> onNewVersion) {
        this.onNewVersion = onNewVersion;
    }

    void count(int keyId) {
        Slot[] current = slots;
        for (Slot slot : current) {
            if (slot.keyId == keyId) {
                slot.count.increment();
                return;
            }
        }
        add(keyId).increment();
    }

    private synchronized LongAdder add(int keyId) {
        for (Slot slot : slots) {
            if (slot.keyId == keyId) {
                return slot.count;
            }
        }
        Slot[] grown = Arrays.copyOf(slots, slots.length + 1);
        grown[slots.length] = new Slot(keyId, onNewVersion.apply(keyId));
        slots = grown;
        return grown[slots.length - 1].count;
    }

    long total() {
        long total = 0;
        for (Slot slot : slots) {
            total += slot.count.sum();
        }
        return total;
    }
}
