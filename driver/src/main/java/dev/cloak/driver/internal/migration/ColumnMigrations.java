package dev.cloak.driver.internal.migration;

import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.driver.internal.error.SqlState;
import dev.cloak.keyring.store.ConnectionSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a running Cloak instance knows of {@code cloak_migrations}: which of the policy's columns hold plaintext now
 * because they are on their way in or out of encryption. It reads the table again once its answer is older than the
 * key cache's TTL, on the thread that asks first (one query), so {@code cloak migrate} waits that long between states.
 * While a column's layout is about to change ({@link MigrationState#isSwapImminent()}: verified, or rolling back after
 * the cut-over) it reads the table before every statement it plans instead; the cut-over locks the table while it
 * renames the columns, so such a read waits for it and then sees the new state. A database without the table has no
 * migration. When the table cannot be read, the last answer stands (at first: no migration), so an unreadable table
 * never makes Cloak send plaintext for a column it encrypted before; while a layout change is imminent the read is
 * retried instead, and the statement fails (58030) if it cannot be read for {@link #IMMINENT_PATIENCE}. While a
 * migration is {@link MigrationState#CUTTING_OVER cutting over} the read is retried the same way, by every instance,
 * including one that has just started: the renames come next.
 *
 * <p>While a layout change is imminent, which lasts from {@code cloak migrate verify} until the cut-over, however
 * long the operator waits in between, the reads go over one connection kept open for them (closed once no change
 * is imminent, or when a read fails), and statements share them: a statement that asks while a read is under way
 * waits for the next one, and takes the answer of any read that began after it asked, as good as a read of its
 * own. So the application's statements cost one query between them, not a connection and a query each, one at a
 * time.
 */
public final class ColumnMigrations implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ColumnMigrations.class);
    /** How long a read is retried while a layout change is imminent before the statement fails. */
    static final Duration IMMINENT_PATIENCE = Duration.ofSeconds(30);
    private static final long RETRY_MILLIS = 50;

    /** What {@link #read} answers while a migration is {@link MigrationState#CUTTING_OVER}: read again. */
    private static final Answer CUTTING_OVER = new Answer(Set.of(), Map.of(), true, 0, 0);

    private final ConnectionSource source;
    /** Whether migrations of columns the policy does not list count too (no policy given). */
    private final boolean everyColumn;
    private final long ttlNanos;
    private final Map<String, String> domains;
    private volatile Answer answer;
    /** The connection reads go over while a layout change is imminent; null otherwise. Guarded by {@code this}. */
    private Connection held;
    /** The auto-commit mode {@link #held} had when it was opened, given back before it is closed. */
    private boolean heldAutoCommit;

    /**
     * @param source opens a raw connection to the application's database, closed after use
     * @param ttl    how long an answer is used before the table is read again
     */
    public ColumnMigrations(ConnectionSource source, Duration ttl) {
        this(source, ttl, null);
    }

    /**
     * @param domains the key domain of each of the policy's columns, by lower-case policy name: a re-key pins the
     *                key version of its column's domain ({@link #pinnedVersions()}); migrations of other columns
     *                (another application's, in the same database) are none of this instance's concern and are
     *                ignored. Null: every column's migration counts, with no key domains.
     */
    public ColumnMigrations(ConnectionSource source, Duration ttl, Map<String, String> domains) {
        this.source = source;
        this.ttlNanos = Math.max(0, ttl.toNanos());
        this.domains = domains == null ? Map.of() : Map.copyOf(domains);
        this.everyColumn = domains == null;
    }

    /**
     * Lower-case policy names of the columns that hold plaintext now (empty almost always).
     *
     * @throws SQLException when a layout change is imminent and the table cannot be read for
     *     {@link #IMMINENT_PATIENCE} (H2 refuses new connections while a cut-over holds it in exclusive mode)
     */
    public Set<String> plaintextColumns() throws SQLException {
        long asked = System.nanoTime();
        Answer current = answer;
        if (fresh(current)) {
            return current.plaintext();
        }
        synchronized (this) {
            current = answer;
            if (fresh(current) || readSince(current, asked)) {
                return current.plaintext();
            }
            Answer last = current == null ? new Answer(Set.of(), Map.of(), false, 0, 0) : current;
            Answer read = read(last);
            long deadline = System.nanoTime() + IMMINENT_PATIENCE.toNanos();
            while ((read == null && last.swapImminent() || read == CUTTING_OVER) && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(RETRY_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                read = read(last);
            }
            if (read == null && last.swapImminent() || read == CUTTING_OVER) {
                release();
                throw SqlErrors.of(SqlState.UNAVAILABLE, "a column's migration is cutting over and table "
                        + "cloak_migrations cannot be read, so Cloak cannot tell which layout to plan for: try again");
            }
            long now = System.nanoTime();
            answer = read != null ? read : new Answer(last.plaintext(), last.pins(), false, now, now);
            if (!answer.swapImminent()) {
                release();
            }
            return answer.plaintext();
        }
    }

    /** Closes the connection kept for reads, if any; a later read opens another. */
    @Override
    public synchronized void close() {
        release();
    }

    /**
     * Whether {@code current} was read by a query that began after {@code asked}: it says what the table held at a
     * moment after the statement asked, as a query of its own would.
     */
    private static boolean readSince(Answer current, long asked) {
        return current != null && current.startedAt() - asked >= 0;
    }

    /** The connection kept for reads, opened now if there is none; auto-commit on, each read sees the newest row. */
    private Connection connection() throws SQLException {
        if (held == null) {
            Connection opened = source.open();
            try {
                heldAutoCommit = opened.getAutoCommit();
                opened.setAutoCommit(true);
            } catch (SQLException | RuntimeException e) {
                opened.close();
                throw e;
            }
            held = opened;
        }
        return held;
    }

    /** Gives the kept connection its auto-commit mode back and closes it (back to its pool, if it came from one). */
    private void release() {
        Connection connection = held;
        held = null;
        if (connection == null) {
            return;
        }
        try {
            connection.setAutoCommit(heldAutoCommit);
        } catch (SQLException | RuntimeException e) {
            LOG.debug("Could not restore auto-commit on the connection that read cloak_migrations: {}",
                    e.getMessage());
        }
        try {
            connection.close();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("Could not close the connection that read cloak_migrations: {}", e.getMessage());
        }
    }

    /**
     * What a prepared statement is planned for: the columns that hold plaintext now ({@link #plaintextColumns()},
     * read as it reads) and, as {@code key-version:DOMAIN=ID} entries, the key versions re-keys pin
     * ({@link #pinnedVersions()}). A statement whose layout changed between its preparation and its execution is not
     * sent: its cells were made for the other one.
     */
    public Set<String> layout() throws SQLException {
        plaintextColumns();
        return lastLayout();
    }

    /** {@link #layout()} as last read, without reading. */
    public Set<String> lastLayout() {
        Answer current = answer;
        return current == null ? Set.of() : current.layout();
    }

    /** Whether the last answer said a column's layout is about to change (no read). */
    public boolean swapImminent() {
        Answer current = answer;
        return current != null && current.swapImminent();
    }

    /** The last answer, without reading (empty before the first read). */
    public Set<String> lastPlaintextColumns() {
        Answer current = answer;
        return current == null ? Set.of() : current.plaintext();
    }

    /**
     * The key version each key domain must encrypt and look up under now because a re-key of one of its columns is
     * under way or finished ({@link ColumnMigration#pinnedVersion()}), by key domain: as last read, without reading
     * (the codecs ask on every cell; {@link #plaintextColumns()}, asked before every statement is planned, reads).
     * Empty almost always.
     */
    public Map<String, Integer> pinnedVersions() {
        Answer current = answer;
        return current == null ? Map.of() : current.pins();
    }

    private boolean fresh(Answer current) {
        return current != null && !current.swapImminent() && System.nanoTime() - current.readAt() < ttlNanos;
    }

    /** One query of the table over the kept connection (guarded by {@code this}); null when it cannot be read. */
    private Answer read(Answer last) {
        Map<String, String> states = new HashMap<>();
        Set<String> plaintext = new TreeSet<>();
        Map<String, Integer> pins = new HashMap<>();
        boolean imminent = false;
        long startedAt = System.nanoTime();
        try {
            for (ColumnMigration migration : MigrationStore.list(connection())) {
                if (!everyColumn && !domains.containsKey(migration.column().toLowerCase(Locale.ROOT))) {
                    continue;
                }
                if (migration.state() == MigrationState.CUTTING_OVER) {
                    return CUTTING_OVER; // the renames come next: wait for them
                }
                states.put(migration.column(), migration.state().storedName());
                imminent |= migration.state().isSwapImminent();
                if (migration.columnHoldsPlaintext()) {
                    plaintext.add(migration.column().toLowerCase(Locale.ROOT));
                }
                Integer pinned = migration.pinnedVersion();
                String domain = domains.get(migration.column().toLowerCase(Locale.ROOT));
                if (pinned != null && domain != null) {
                    pins.put(domain, pinned);
                }
            }
        } catch (SQLException | RuntimeException e) {
            release(); // a connection that failed once is not trusted with the next read
            LOG.warn("Cannot read table cloak_migrations ({}); keeping the columns that hold plaintext as last "
                    + "read: {}, and the pinned key versions of re-keys: {}", e.getMessage(), last.plaintext(),
                    last.pins().keySet());
            return null;
        }
        if (!plaintext.equals(last.plaintext())) {
            LOG.info("Columns on their way in or out of encryption, planned as plaintext now: {} (states {})",
                    plaintext, states);
        }
        if (!pins.equals(last.pins())) {
            LOG.info("Key domains whose key version a re-key pins now: {} (states {})", pins.keySet(), states);
        }
        return new Answer(Set.copyOf(plaintext), Map.copyOf(pins), imminent, startedAt, System.nanoTime());
    }

    /**
     * What was read: the columns that hold plaintext, the key version re-keys pin per key domain, whether a layout
     * change is imminent, and when the query began and ended ({@code System.nanoTime()}).
     */
    private record Answer(Set<String> plaintext, Map<String, Integer> pins, boolean swapImminent, long startedAt,
                          long readAt, Set<String> layout) {

        Answer(Set<String> plaintext, Map<String, Integer> pins, boolean swapImminent, long startedAt, long readAt) {
            this(plaintext, pins, swapImminent, startedAt, readAt, layoutOf(plaintext, pins));
        }

        private static Set<String> layoutOf(Set<String> plaintext, Map<String, Integer> pins) {
            if (pins.isEmpty()) {
                return plaintext;
            }
            Set<String> layout = new TreeSet<>(plaintext);
            pins.forEach((domain, id) -> layout.add("key-version:" + domain + "=" + Integer.toUnsignedString(id)));
            return Set.copyOf(layout);
        }
    }
}
