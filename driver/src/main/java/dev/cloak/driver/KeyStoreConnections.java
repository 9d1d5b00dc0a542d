package dev.cloak.driver;

import dev.cloak.driver.config.CloakConfig;
import dev.cloak.keyring.store.ConnectionSource;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a {@link CloakDataSource}'s {@code database} key store gets its connections, so that a key-cache miss never
 * waits for a connection only its own caller can give back: the key store data source the application gave; else,
 * beside a HikariCP target, a small pool of the key store's own ({@link HikariKeyStorePool}); else the target. Every
 * wait for a connection is bounded by {@code keyring.kms-timeout} and fails with 58030 ({@link BoundedConnections}).
 * Key store connections never join the application's transaction (see docs/design.md, "Keys").
 */
final class KeyStoreConnections implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KeyStoreConnections.class);
    private static final String HIKARI = "com.zaxxer.hikari.HikariDataSource";
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final ConnectionSource keyStore;
    private final List<ConnectionSource> dataChecks;
    private final DataSource ownPool;
    private final ExecutorService helpers;

    private KeyStoreConnections(ConnectionSource keyStore, List<ConnectionSource> dataChecks, DataSource ownPool,
                                ExecutorService helpers) {
        this.keyStore = keyStore;
        this.dataChecks = dataChecks;
        this.ownPool = ownPool;
        this.helpers = helpers;
    }

    /**
     * @param target   the application's data source
     * @param given    the key store data source the application set, or null
     * @param config   the policy: the longest wait for one connection ({@code keyring.kms-timeout}), and whether
     *                 every connection must be proven encrypted as its network rules say
     */
    static KeyStoreConnections of(DataSource target, DataSource given, CloakConfig config) {
        Duration wait = config.kmsTimeout();
        ExecutorService helpers = Executors.newCachedThreadPool(daemonThreads());
        DataSource ownPool = given == null ? ownPoolBeside(target, wait) : null;
        DataSource keys = given != null ? given : ownPool != null ? ownPool : target;
        String advice = keys == target ? "its data source is the application's, whose connections may all be held "
                + "by statements waiting for keys: give CloakDataSource a small data source of the key store's own "
                + "(setKeyStoreDataSource)" : "the key store's data source did not answer in time";
        ConnectionSource keyStore = bounded(keys, wait, helpers, advice, config);
        ConnectionSource data = keys == target ? keyStore : bounded(target, wait, helpers, "the application's data "
                + "source, asked whether a new key's columns hold values, did not answer in time", config);
        // before a key is created: the key store's own connections first, so a busy target pool cannot hold it up
        List<ConnectionSource> dataChecks = keys == target ? List.of(data) : List.of(keyStore, data);
        return new KeyStoreConnections(keyStore, dataChecks, ownPool, helpers);
    }

    private static DataSource ownPoolBeside(DataSource target, Duration wait) {
        if (!onClassPath(HIKARI)) {
            return null;
        }
        Optional<DataSource> pool = HikariKeyStorePool.besides(target, wait);
        pool.ifPresent(p -> LOG.info("Cloak's database key store uses a pool of its own of at most {} connections "
                + "beside the application's HikariCP pool", HikariKeyStorePool.SIZE));
        return pool.orElse(null);
    }

    private static ConnectionSource bounded(DataSource source, Duration wait, ExecutorService helpers, String advice,
                                            CloakConfig config) {
        ConnectionSource open = source::getConnection;
        return new BoundedConnections(config.requireTls() ? TlsRequirement.checking(open, config) : open, wait,
                helpers, advice);
    }

    private static boolean onClassPath(String className) {
        try {
            Class.forName(className, false, KeyStoreConnections.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static ThreadFactory daemonThreads() {
        return runnable -> {
            Thread thread = new Thread(runnable, "cloak-key-store-connect-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Opens connections of the key store (its reads and writes). */
    ConnectionSource keyStore() {
        return keyStore;
    }

    /** Asked in order whether a new key's columns hold values; the last reaches the application's database. */
    List<ConnectionSource> dataChecks() {
        return dataChecks;
    }

    /** Closes the key store's own pool, if Cloak opened one, and the helper threads. */
    @Override
    public void close() {
        helpers.shutdown();
        if (ownPool instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("Closing the key store's own pool failed: {}", e.toString());
            }
        }
    }
}
