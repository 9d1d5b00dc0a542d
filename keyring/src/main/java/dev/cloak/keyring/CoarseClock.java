package dev.cloak.keyring;

import java.util.concurrent.TimeUnit;

/**
 * The clock {@link DomainKeys} checks a held primitive's expiry against on every cell, when the keyring's cache runs
 * on the system clock: a volatile read instead of a {@link System#nanoTime()} call (about 40 ns on a loaded 2-core
 * virtual machine, a tenth of an AES-GCM decrypt of a short cell).
 *
 * <p>A daemon thread, {@code cloak-keyring-clock}, writes {@link System#nanoTime()} plus {@link #LEAD_NANOS} every
 * {@link #TICK_NANOS}, so the value read is ahead of the real clock as long as the thread has run within the lead:
 * a primitive is then taken for expired up to a second before its time to live has passed (it is reloaded early,
 * through the cache, as it would be after an eviction), never after. Only if the thread gets no CPU for longer than
 * the lead does a check come late, by the excess. The thread runs while a keyring on the system clock is open
 * ({@link #acquire()}, {@link #release()}) and ends with the last one.
 */
final class CoarseClock {

    /** How often the thread writes the clock. */
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** How far ahead of {@link System#nanoTime()} the clock is written. */
    static final long LEAD_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final Object LOCK = new Object();
    private static int users;
    private static Thread thread;
    private static volatile long ahead = System.nanoTime() + LEAD_NANOS;

    private CoarseClock() {
    }

    /** {@link System#nanoTime()} plus at most {@link #LEAD_NANOS}, as of the thread's last tick. */
    static long read() {
        return ahead;
    }

    /** A keyring on the system clock opened: the thread runs until every one of them has released it. */
    static void acquire() {
        synchronized (LOCK) {
            ahead = System.nanoTime() + LEAD_NANOS;
            if (users++ == 0) {
                thread = new Thread(CoarseClock::tick, "cloak-keyring-clock");
                thread.setDaemon(true);
                thread.start();
            }
        }
    }

    /** A keyring that acquired the clock closed. */
    static void release() {
        synchronized (LOCK) {
            if (users > 0 && --users == 0) {
                thread.interrupt();
                thread = null;
            }
        }
    }

    private static void tick() {
        while (!Thread.currentThread().isInterrupted()) {
            ahead = System.nanoTime() + LEAD_NANOS;
            try {
                TimeUnit.NANOSECONDS.sleep(TICK_NANOS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
