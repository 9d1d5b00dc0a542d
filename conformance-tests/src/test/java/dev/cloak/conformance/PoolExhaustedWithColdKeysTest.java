package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.EncryptionMode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every connection of the application's pool is held by a statement that needs a key not yet in the cache, and the
 * {@code database} key store needs a connection to load it: Cloak must never wait for a connection only its own
 * caller can give back. Beside HikariCP the key store has a small pool of its own, so the statements complete; over a
 * pool Cloak does not know it fails within {@code keyring.kms-timeout} with 58030 and says what to do. The bounds
 * here are generous: a statement that waits on its own pool would wait for the pool's ten-minute timeout.
 */
class PoolExhaustedWithColdKeysTest {

    /** Far longer than any of these statements takes; far shorter than the pools' own timeout. */
    private static final Duration HANG = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private static CloakConfig.Builder databaseKeyStore(Fixture fx) {
        return fx.configBuilder().keyStore("database").kmsTimeout(Duration.ofSeconds(3));
    }

    private static void insert(Connection c, String t, int id, String ssn) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, ssn) VALUES (?, ?)")) {
            ps.setInt(1, id);
            ps.setString(2, ssn);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private static String ssn(Connection c, String t, int id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT ssn FROM " + t + " WHERE id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void hikariPoolOfOneOrTwoAllHeldByColdKeyMissesCompletes(TestDatabase db) throws Exception {
        for (int size = 1; size <= 2; size++) {
            try (Fixture fx = Fixture.open(db, dir)) {
                List<String> tables = new ArrayList<>();
                CloakConfig.Builder config = databaseKeyStore(fx);
                for (int i = 0; i < size; i++) {
                    String t = fx.table("cold_" + i);
                    fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, ssn " + db.binaryType() + ")");
                    config.column(t + ".ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC);
                    tables.add(t);
                }
                HikariConfig hikari = new HikariConfig();
                hikari.setDataSource(db.rawDataSource());
                hikari.setMaximumPoolSize(size);
                hikari.setConnectionTimeout(TimeUnit.MINUTES.toMillis(10));
                hikari.setPoolName("cold-keys-" + db.slug() + "-" + size);
                int threads = size;
                ExecutorService workers = Executors.newFixedThreadPool(threads);
                try (HikariDataSource pool = new HikariDataSource(hikari);
                     CloakDataSource cloak = new CloakDataSource(pool, config.build())) {
                    CyclicBarrier allHeld = new CyclicBarrier(threads);
                    List<Future<?>> done = new ArrayList<>();
                    for (int i = 0; i < threads; i++) {
                        String t = tables.get(i);
                        int id = i;
                        done.add(workers.submit(() -> {
                            try (Connection c = cloak.getConnection()) {
                                allHeld.await();
                                insert(c, t, id, "123-45-000" + id);
                            }
                            return null;
                        }));
                    }
                    assertTimeoutPreemptively(HANG, () -> {
                        for (Future<?> f : done) {
                            f.get();
                        }
                    }, "a statement waited on the pool its own connection came from");
                    try (Connection c = cloak.getConnection()) {
                        for (int i = 0; i < threads; i++) {
                            assertThat(ssn(c, tables.get(i), i)).isEqualTo("123-45-000" + i);
                        }
                    }
                } finally {
                    workers.shutdownNow();
                }
                for (String t : tables) {
                    assertThat(fx.rawCells(t, "ssn")).hasSize(1).allSatisfy(cell -> assertThat(cell[0]).isEqualTo((byte) 1));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void overAnExhaustedPoolCloakDoesNotKnowAColdKeyFailsFastWithWhatToDo(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("cold_other_pool");
            fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, ssn " + db.binaryType() + ")");
            CloakConfig config = databaseKeyStore(fx).column(t + ".ssn", ColumnType.VARCHAR,
                    EncryptionMode.DETERMINISTIC).build();
            OneConnectionPool pool = new OneConnectionPool(db.rawDataSource());
            try (CloakDataSource cloak = new CloakDataSource(pool, config)) {
                try (Connection c = cloak.getConnection()) {
                    SQLException e = assertTimeoutPreemptively(HANG,
                            () -> Expect.sqlState("58030", () -> insert(c, t, 1, "123-45-6789")));
                    assertThat((Throwable) e).isInstanceOf(SQLTransientConnectionException.class);
                    assertThat(e.getMessage()).contains("keyring.kms-timeout").contains("setKeyStoreDataSource");
                    // transient: the application's connection is still good
                    assertThat(ssn(c, t, 1)).isNull();
                }
                assertThat(fx.rawCount(t)).isZero();
            }
            // the connection that came too late went back to the pool
            assertTimeoutPreemptively(HANG, () -> {
                while (!pool.isIdle()) {
                    Thread.sleep(20);
                }
            });
            // what the message says to do works
            try (CloakDataSource cloak = new CloakDataSource(pool, config)) {
                cloak.setKeyStoreDataSource(db.rawDataSource());
                try (Connection c = cloak.getConnection()) {
                    insert(c, t, 1, "123-45-6789");
                    assertThat(ssn(c, t, 1)).isEqualTo("123-45-6789");
                }
            }
        }
    }
}
