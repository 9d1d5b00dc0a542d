package dev.cloak.cli;

import dev.cloak.driver.internal.migration.MigrationStore;
import dev.cloak.driver.internal.migration.MigrationStore.KeyRange;
import dev.cloak.keyring.store.ConnectionSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The backfill: splits the table's primary keys into ranges (stored in {@code cloak_migration_ranges} the first time,
 * so a run killed at any moment resumes from each range's checkpoint), and fills them on {@code threads} connections.
 * Each batch's writes, its range's checkpoint and the migration's row count commit in one transaction. Holds all
 * threads together to {@code maxRowsPerSecond}. On a terminal ({@link System#console()}) it draws one progress bar
 * redrawn in place; otherwise (a log, a test) it prints one line per batch: rows done, rows/s and the estimated time
 * left.
 */
final class ShadowBackfill {

    private final MigratedColumn m;
    private final ShadowFill fill;
    private final ConnectionSource connections;
    private final int batchSize;
    private final int threads;
    private final long maxRowsPerSecond;
    private final PrintWriter progress;
    private final AtomicLong done = new AtomicLong();
    private final Object rateLock = new Object();
    private long nextFree;
    private long total;
    /**
     * The table's highest key when this run started: no range is walked above it, so a run ends however fast the
     * application inserts; the rows above are filled by the catch-up passes that follow.
     */
    private long ceiling;
    private long started;
    /** Whether progress is one line redrawn in place (a terminal) rather than one line per batch (a log). */
    private final boolean terminal;
    private long lastDrawn;
    private int drawnWidth;

    ShadowBackfill(MigratedColumn column, ShadowFill fill, ConnectionSource connections, int batchSize, int threads,
                   long maxRowsPerSecond, PrintWriter progress) {
        this(column, fill, connections, batchSize, threads, maxRowsPerSecond, progress, onTerminal());
    }

    /**
     * Whether the CLI writes to a terminal: {@link System#console()} is not null (Java 17), and on Java 22 and later,
     * where a console is also returned for redirected output, its {@code isTerminal()} says so.
     */
    static boolean onTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException | RuntimeException olderJava) {
            return true;
        }
    }

    /** @param terminal true: a progress bar redrawn in place with {@code \r}; false: one line per batch */
    ShadowBackfill(MigratedColumn column, ShadowFill fill, ConnectionSource connections, int batchSize, int threads,
                   long maxRowsPerSecond, PrintWriter progress, boolean terminal) {
        this.terminal = terminal;
        this.m = column;
        this.fill = fill;
        this.connections = connections;
        this.batchSize = batchSize;
        this.threads = threads;
        this.maxRowsPerSecond = maxRowsPerSecond;
        this.progress = progress;
    }

    /** Fills every range that is not finished; returns the rows written by this run. */
    long run(String source, String target) throws Exception {
        List<KeyRange> ranges;
        try (Connection c = connections.open()) {
            c.setAutoCommit(false);
            ranges = MigrationStore.ranges(c, m.policy().name());
            if (ranges.isEmpty()) {
                ranges = split(c);
                MigrationStore.insertRanges(c, m.policy().name(), ranges);
                c.commit();
            }
            total = fill.pending(c, source, target);
            Long highest = fill.highestKey(c);
            ceiling = highest == null ? Long.MIN_VALUE : highest;
            c.commit();
        }
        ConcurrentLinkedQueue<KeyRange> queue = new ConcurrentLinkedQueue<>();
        ranges.stream().filter(r -> !r.finished()).forEach(queue::add);
        int of = ranges.size();
        started = System.nanoTime();
        progress.println("backfill " + m.policy().name() + ": " + total + " rows to fill in " + queue.size()
                + " of " + of + " key ranges on " + threads + " thread(s)");
        progress.flush();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                workers.add(pool.submit(() -> {
                    KeyRange range;
                    while ((range = queue.poll()) != null) {
                        walk(range, of);
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            if (terminal && drawnWidth > 0) {
                synchronized (progress) {
                    draw(done.get(), true);
                    progress.println();
                    progress.flush();
                }
            }
            pool.shutdownNow();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
        return done.get();
    }

    /**
     * {@code threads} ranges of about equal numbers of rows, cut at the key quantiles (keys are rarely dense: rows
     * inserted under a higher sequence or a sparse id would leave one range with all the rows if cut by key span); the
     * first range starts at the lowest possible key and the last takes every key above its start (rows inserted
     * later; a run walks them up to its {@link #ceiling}).
     */
    private List<KeyRange> split(Connection c) throws SQLException {
        long rows;
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + m.table())) {
            r.next();
            rows = r.getLong(1);
        }
        List<Long> starts = new ArrayList<>();
        String quantile = "SELECT " + m.q(m.key()) + " FROM " + m.table() + " ORDER BY " + m.q(m.key())
                + " LIMIT 1 OFFSET ?";
        try (PreparedStatement p = c.prepareStatement(quantile)) {
            for (int i = 1; i < threads && rows >= threads; i++) {
                p.setLong(1, rows * i / threads);
                try (ResultSet r = p.executeQuery()) {
                    if (r.next()) {
                        long start = r.getLong(1);
                        if (starts.isEmpty() || start > starts.get(starts.size() - 1)) {
                            starts.add(start);
                        }
                    }
                }
            }
        }
        List<KeyRange> ranges = new ArrayList<>();
        long first = Long.MIN_VALUE;
        for (int i = 0; i <= starts.size(); i++) {
            long last = i == starts.size() ? Long.MAX_VALUE : starts.get(i) - 1;
            ranges.add(new KeyRange(i, first, last, null, false));
            first = last == Long.MAX_VALUE ? last : last + 1;
        }
        return ranges;
    }

    private void walk(KeyRange range, int of) throws Exception {
        try (Connection c = connections.open()) {
            c.setAutoCommit(false);
            long after = range.doneThrough() != null ? range.doneThrough()
                    : range.first() == Long.MIN_VALUE ? Long.MIN_VALUE : range.first() - 1;
            while (true) {
                ShadowFill.Batch b = fill.batch(c, after, Math.min(range.last(), ceiling), batchSize);
                boolean finished = b.lastKey() == null || b.read() < batchSize;
                long through = b.lastKey() == null ? after : b.lastKey();
                MigrationStore.checkpoint(c, m.policy().name(), range.number(), through, finished);
                MigrationStore.addRows(c, m.policy().name(), b.written());
                c.commit();
                long sum = done.addAndGet(b.written());
                if (b.read() > 0) {
                    line(range.number(), of, sum);
                }
                if (finished) {
                    return;
                }
                after = through;
                throttle(b.read());
            }
        }
    }

    /** Waits until {@code rows} more rows fit under --max-rows-per-second (shared by all threads). */
    private void throttle(int rows) throws InterruptedException {
        if (maxRowsPerSecond <= 0) {
            return;
        }
        long wait;
        synchronized (rateLock) {
            long now = System.nanoTime();
            nextFree = Math.max(nextFree, now) + rows * 1_000_000_000L / maxRowsPerSecond;
            wait = nextFree - now - 1_000_000_000L / 10;
        }
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private void line(int range, int of, long sum) {
        double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
        long rate = Math.round(sum / seconds);
        long left = Math.max(0, total - sum);
        String eta = rate == 0 ? "?" : (left / rate) + "s";
        if (terminal) {
            synchronized (progress) {
                draw(sum, false);
            }
            return;
        }
        synchronized (progress) {
            progress.println("backfill " + m.policy().name() + ": range " + (range + 1) + "/" + of + ", " + sum + "/"
                    + total + " rows, " + rate + " rows/s, ETA " + eta);
            progress.flush();
        }
    }

    /** Redraws the bar in place, at most ten times a second unless {@code last}; under the lock on the writer. */
    private void draw(long sum, boolean last) {
        long now = System.nanoTime();
        if (!last && now - lastDrawn < 100_000_000L) {
            return;
        }
        lastDrawn = now;
        double seconds = Math.max(1e-3, (now - started) / 1e9);
        String bar = bar("backfill " + m.policy().name(), sum, total, Math.round(sum / seconds));
        // spaces over what a longer line before left on the terminal
        progress.print("\r" + bar + " ".repeat(Math.max(0, drawnWidth - bar.length())));
        drawnWidth = bar.length();
        progress.flush();
    }

    /** Width of the bar between its brackets. */
    static final int BAR_WIDTH = 30;

    /**
     * One progress line for a terminal: {@code LABEL [#####.....]  42% 4,200/10,000 rows, 1,234 rows/s, ETA 0:00:04}.
     * Rows done beyond the total (rows the application inserted meanwhile) show as a full bar.
     *
     * @param rate rows per second so far; 0 gives an unknown ETA
     */
    static String bar(String label, long done, long total, long rate) {
        double fraction = total <= 0 ? 1 : Math.min(1, (double) done / total);
        int filled = (int) Math.floor(fraction * BAR_WIDTH);
        String eta = rate <= 0 ? "?" : duration(Math.max(0, total - done) / rate);
        return String.format(java.util.Locale.ROOT, "%s [%s%s] %3d%% %,d/%,d rows, %,d rows/s, ETA %s", label,
                "#".repeat(filled), ".".repeat(BAR_WIDTH - filled), (int) Math.floor(fraction * 100), done, total,
                rate, eta);
    }

    /** {@code seconds} as {@code H:MM:SS}. */
    static String duration(long seconds) {
        return String.format(java.util.Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }
}
