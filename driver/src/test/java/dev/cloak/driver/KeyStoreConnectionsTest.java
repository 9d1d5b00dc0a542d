package dev.cloak.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.EncryptionMode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key-cache miss of the {@code database} key store never waits on the pool whose connection is waiting for the key
 * (on H2; the conformance suite does the same on PostgreSQL and MariaDB). The bounds are generous: a statement that
 * waited on its own pool would wait for the pool's ten-minute timeout.
 */
class KeyStoreConnectionsTest {

    private static final Duration HANG = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private JdbcDataSource h2() throws SQLException {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        h2.setUser("sa");
        try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE patients (id INT PRIMARY KEY, ssn VARBINARY(255))");
        }
        return h2;
    }

    private CloakConfig config() {
        return CloakConfig.builder().masterKey("local:file:" + dir.resolve("master.json")).keyStore("database")
                .kmsTimeout(Duration.ofSeconds(2))
                // the exhausted target below is a bare proxy whose URL cannot be read, which verify-server refuses
                .verifyServer(false)
                .column("patients.ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC).build();
    }

    private static void insert(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO patients (id, ssn) VALUES (1, ?)")) {
            ps.setString(1, "123-45-6789");
            ps.executeUpdate();
        }
    }

    @Test
    void besideAHikariPoolOfOneAColdKeyLoadsThroughTheKeyStoresOwnPool() throws Exception {
        HikariConfig hikari = new HikariConfig();
        hikari.setDataSource(h2());
        hikari.setMaximumPoolSize(1);
        hikari.setConnectionTimeout(600_000);
        try (HikariDataSource pool = new HikariDataSource(hikari);
             CloakDataSource cloak = new CloakDataSource(pool, config());
             Connection c = cloak.getConnection()) {
            assertTimeoutPreemptively(HANG, () -> insert(c));
        }
    }

    @Test
    void overAnotherExhaustedSourceAColdKeyFailsWithin58030AndSaysWhatToDo() throws Exception {
        // the target stands for a pool with no connection left once the statement holds its own
        DataSource exhausted = exhaustedAfterFirst(h2());
        try (CloakDataSource cloak = new CloakDataSource(exhausted, config()); Connection c = cloak.getConnection()) {
            Throwable e = assertTimeoutPreemptively(HANG, () -> catchThrowable(() -> insert(c)));
            assertThat(e).isInstanceOf(SQLTransientConnectionException.class)
                    .hasMessageContaining("keyring.kms-timeout").hasMessageContaining("setKeyStoreDataSource");
            assertThat(((SQLException) e).getSQLState()).isEqualTo("58030");
        }
    }

    /** Hands out one connection, then blocks every later caller for ever: an exhausted pool with no timeout. */
    private static DataSource exhaustedAfterFirst(DataSource h2) {
        java.util.concurrent.atomic.AtomicBoolean given = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        return (DataSource) java.lang.reflect.Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getConnection" -> {
                        if (given.getAndSet(true)) {
                            never.await();
                        }
                        yield h2.getConnection();
                    }
                    case "isWrapperFor" -> false;
                    case "toString" -> "exhausted pool";
                    default -> throw new SQLException("not used by this test");
                });
    }
}
