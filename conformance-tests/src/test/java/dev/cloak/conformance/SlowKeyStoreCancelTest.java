package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.config.CloakConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Fault: the key store is slow (a test double that holds every connection until the test lets it go) while a
 * statement waits on it for a key. {@code Statement.cancel()} and an expired {@code setQueryTimeout} are honoured
 * before anything is sent (57014); a key store slower than {@code keyring.kms-timeout} fails the statement with 58030.
 * In each case nothing is written, and the same statement runs once the key store answers.
 */
class SlowKeyStoreCancelTest {

    private static final String VALUE = "444-00-0001";

    @TempDir
    Path dir;

    private static String insertText(String t) {
        return "INSERT INTO " + t + " (id, ssn) VALUES (1, '" + VALUE + "')";
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void cancelWhileWaitingForAKeySendsNothing(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = FaultHarness.table(fx, "slow_cancel");
            CloakConfig config = FaultHarness.policy(fx, t).kmsTimeout(Duration.ofSeconds(60)).build();
            HeldKeyStore keyStore = new HeldKeyStore(db.rawDataSource());
            ExecutorService app = Executors.newSingleThreadExecutor();
            try (HikariDataSource pool = FaultHarness.pool(db.rawDataSource(), 2);
                 CloakDataSource cloak = new CloakDataSource(pool, config)) {
                cloak.setKeyStoreDataSource(keyStore);
                try (Connection c = cloak.getConnection(); Statement st = c.createStatement()) {
                    Future<Integer> insert = app.submit(() -> st.executeUpdate(insertText(t)));
                    keyStore.awaitWaiter();
                    st.cancel();
                    keyStore.release();
                    SQLException e = Expect.sqlState("57014", () -> unwrap(insert));
                    assertThat(e.getMessage()).contains("cancelled");
                    assertThat(fx.rawCount(t)).isZero();
                    // the key came meanwhile: the same statement now runs
                    assertThat(st.executeUpdate(insertText(t))).isEqualTo(1);
                }
            } finally {
                app.shutdownNow();
            }
            FaultHarness.assertRowsAre(fx, t, config, Map.of(1, VALUE));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void queryTimeoutThatPassesWhileWaitingForAKeySendsNothing(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = FaultHarness.table(fx, "slow_timeout");
            CloakConfig config = FaultHarness.policy(fx, t).kmsTimeout(Duration.ofSeconds(60)).build();
            HeldKeyStore keyStore = new HeldKeyStore(db.rawDataSource());
            ExecutorService app = Executors.newSingleThreadExecutor();
            try (HikariDataSource pool = FaultHarness.pool(db.rawDataSource(), 2);
                 CloakDataSource cloak = new CloakDataSource(pool, config)) {
                cloak.setKeyStoreDataSource(keyStore);
                try (Connection c = cloak.getConnection(); Statement st = c.createStatement()) {
                    st.setQueryTimeout(1);
                    Future<Integer> insert = app.submit(() -> st.executeUpdate(insertText(t)));
                    keyStore.awaitWaiter();
                    // the key store answers only after the statement's timeout
                    Thread.sleep(1_500);
                    keyStore.release();
                    SQLException e = Expect.sqlState("57014", () -> unwrap(insert));
                    assertThat((Throwable) e).isInstanceOf(SQLTimeoutException.class);
                    assertThat(fx.rawCount(t)).isZero();
                    assertThat(st.executeUpdate(insertText(t))).isEqualTo(1);
                }
            } finally {
                app.shutdownNow();
            }
            FaultHarness.assertRowsAre(fx, t, config, Map.of(1, VALUE));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void keyStoreSlowerThanTheKmsTimeoutFailsTheBindWith58030(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = FaultHarness.table(fx, "slow_bind");
            CloakConfig config = FaultHarness.policy(fx, t).kmsTimeout(Duration.ofSeconds(1)).build();
            HeldKeyStore keyStore = new HeldKeyStore(db.rawDataSource());
            try (HikariDataSource pool = FaultHarness.pool(db.rawDataSource(), 2);
                 CloakDataSource cloak = new CloakDataSource(pool, config)) {
                cloak.setKeyStoreDataSource(keyStore);
                try (Connection c = cloak.getConnection();
                     PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, ssn) VALUES (?, ?)")) {
                    ps.setInt(1, 1);
                    SQLException e = Expect.sqlState("58030", () -> ps.setString(2, VALUE));
                    assertThat(e.getMessage()).contains("keyring.kms-timeout");
                    keyStore.release();
                }
            }
            assertThat(fx.rawCount(t)).isZero();
        }
    }

    private static Object unwrap(Future<?> f) throws Exception {
        try {
            return f.get(2, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    /** A key store data source that holds every caller until {@link #release()}: a key store that does not answer. */
    private static final class HeldKeyStore extends BareDataSource {
        private final DataSource raw;
        private final CountDownLatch waiting = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        HeldKeyStore(DataSource raw) {
            this.raw = raw;
        }

        void awaitWaiter() throws InterruptedException {
            assertThat(waiting.await(2, TimeUnit.MINUTES)).as("a statement asked the key store").isTrue();
        }

        void release() {
            released.countDown();
        }

        @Override
        public Connection getConnection() throws SQLException {
            waiting.countDown();
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted", e);
            }
            return raw.getConnection();
        }
    }
}
