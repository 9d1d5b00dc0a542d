package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.config.CloakConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Fault: the {@code database} key store cannot be reached (its connections go through a {@link TcpProxy} that is
 * closed). Cold, before a key is cached: the statement fails with 58030 (transient) and writes nothing, the
 * application's connection stays usable. Warm, with the key cached: statements go on, reads and writes are right.
 */
class KeyStoreUnreachableTest {

    @TempDir
    Path dir;

    private static CloakConfig config(Fixture fx, String t) {
        return FaultHarness.policy(fx, t).cache(Duration.ofMinutes(30), 1_000).build();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void coldKeyWithUnreachableKeyStoreFailsTransientlyAndWritesNothing(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = FaultHarness.table(fx, "ks_cold");
            CloakConfig config = config(fx, t);
            TcpProxy keyStorePath = TcpProxy.toServerOf(db.rawUrl());
            try (HikariDataSource pool = FaultHarness.pool(db.rawDataSource(), 2);
                 CloakDataSource cloak = new CloakDataSource(pool, config)) {
                cloak.setKeyStoreDataSource(db.newRawDataSource(keyStorePath.route(db.rawUrl())));
                keyStorePath.close();
                try (Connection c = cloak.getConnection()) {
                    var e = Expect.sqlState("58030", () -> FaultHarness.insert(c, t, 1, "888-00-0001"));
                    assertThat((Throwable) e).isInstanceOf(SQLTransientConnectionException.class);
                    assertThat(e.getMessage()).contains("key store");
                    // the application's connection is fine: a statement without encrypted values runs
                    assertThat(FaultHarness.sessionId(c, db)).isPositive();
                }
            }
            assertThat(fx.rawCount(t)).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void warmKeyKeepsWorkingWhileTheKeyStoreIsUnreachable(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = FaultHarness.table(fx, "ks_warm");
            CloakConfig config = config(fx, t);
            TcpProxy keyStorePath = TcpProxy.toServerOf(db.rawUrl());
            try (HikariDataSource pool = FaultHarness.pool(db.rawDataSource(), 2);
                 CloakDataSource cloak = new CloakDataSource(pool, config)) {
                cloak.setKeyStoreDataSource(db.newRawDataSource(keyStorePath.route(db.rawUrl())));
                try (Connection c = cloak.getConnection()) {
                    FaultHarness.insert(c, t, 1, "888-00-0001");
                }
                keyStorePath.close();
                try (Connection c = cloak.getConnection()) {
                    FaultHarness.insert(c, t, 2, "888-00-0002");
                    assertThat(FaultHarness.rows(c, t)).isEqualTo(Map.of(1, "888-00-0001", 2, "888-00-0002"));
                }
            }
            FaultHarness.assertRowsAre(fx, t, config, Map.of(1, "888-00-0001", 2, "888-00-0002"));
        }
    }
}
