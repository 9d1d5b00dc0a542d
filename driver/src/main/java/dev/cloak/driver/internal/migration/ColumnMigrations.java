package dev.cloak.driver.internal.migration;

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
 * A database without the table has no migration. When the table cannot be read, the last answer stands (at first:
 * no migration), so an unreadable table never makes Cloak send plaintext for a column it encrypted before.
 */
public final class ColumnMigrations {

    private static final Logger LOG = LoggerFactory.getLogger(ColumnMigrations.class);

    private final ConnectionSource source;
    private final long ttlNanos;
    private volatile Answer answer;

    /**
     * @param source opens a raw connection to the application's database, closed after use
     * @param ttl    how long an answer is used before the table is read again
     */
    public ColumnMigrations(ConnectionSource source, Duration ttl) {
        this.source = source;
        this.ttlNanos = Math.max(0, ttl.toNanos());
    }

    /** Lower-case policy names of the columns that hold plaintext now (empty almost always). */
    public Set<String> plaintextColumns() {
        Answer current = answer;
        long now = System.nanoTime();
        if (current != null && now - current.readAt() < ttlNanos) {
            return current.plaintext();
        }
        synchronized (this) {
            current = answer;
            if (current != null && System.nanoTime() - current.readAt() < ttlNanos) {
                return current.plaintext();
            }
            Set<String> read = read(current == null ? Set.of() : current.plaintext());
            answer = new Answer(read, System.nanoTime());
            return read;
        }
    }

    private Set<String> read(Set<String> last) {
        Map<String, String> states = new HashMap<>();
        Set<String> plaintext = new TreeSet<>();
        try (Connection connection = source.open()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(true);
            try {
                for (ColumnMigration migration : MigrationStore.list(connection)) {
                    states.put(migration.column(), migration.state().storedName());
                    if (migration.columnHoldsPlaintext()) {
                        plaintext.add(migration.column().toLowerCase(Locale.ROOT));
                    }
                }
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Cannot read table cloak_migrations ({}); keeping the columns that hold plaintext as last "
                    + "read: {}", e.getMessage(), last);
            return last;
        }
        if (!plaintext.equals(last)) {
            LOG.info("Columns on their way in or out of encryption, planned as plaintext now: {} (states {})",
                    plaintext, states);
        }
        return Set.copyOf(plaintext);
    }

    private record Answer(Set<String> plaintext, long readAt) {
    }
}
