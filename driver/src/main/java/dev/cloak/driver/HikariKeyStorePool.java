package dev.cloak.driver;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The key store's own small pool beside an application's HikariCP pool: the same database, user, properties and
 * initialisation SQL, at most {@value #SIZE} connections, none kept idle. A key-cache miss then never borrows from the
 * pool whose connection is waiting for the key (see docs/design.md, "Keys"). Only loaded when HikariCP is on the
 * class path.
 */
final class HikariKeyStorePool {

    /** Key store operations are short and never nested: two connections serve concurrent misses of two domains. */
    static final int SIZE = 2;
    private static final long HIKARI_MIN_TIMEOUT_MS = 250;

    private HikariKeyStorePool() {
    }

    /** A pool beside {@code target} when it is (or wraps) a {@code HikariDataSource}; empty otherwise. */
    static Optional<DataSource> besides(DataSource target, Duration wait) {
        HikariDataSource application;
        try {
            if (!target.isWrapperFor(HikariDataSource.class)) {
                return Optional.empty();
            }
            application = target.unwrap(HikariDataSource.class);
        } catch (SQLException e) {
            // a data source that cannot say what it wraps is not taken for a HikariCP pool
            return Optional.empty();
        }
        HikariConfig config = new HikariConfig();
        application.copyStateTo(config);
        config.setPoolName(application.getPoolName() + "-cloak-keys");
        config.setMaximumPoolSize(SIZE);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(Math.max(HIKARI_MIN_TIMEOUT_MS, wait.toMillis()));
        // opened on the first key-cache miss, not now: a database that is down must not stop the data source
        config.setInitializationFailTimeout(-1);
        config.setReadOnly(false);
        config.setAutoCommit(true);
        config.setRegisterMbeans(false);
        config.setHealthCheckRegistry(null);
        return Optional.of(new HikariDataSource(config));
    }
}
