package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.internal.error.SqlState;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Fault: the database ends the session in the middle of the application's transaction ({@code pg_terminate_backend},
 * {@code KILL}). The application sees the JDBC driver's own error, exactly as without Cloak (MariaDB: class 08;
 * PostgreSQL: 57P01, "terminating connection due to administrator command"); HikariCP throws the
 * connection away and hands out a new one; the transaction's rows are all absent, the rows committed before all
 * there.
 */
class BackendKilledTest {

    @TempDir
    Path dir;

    /** What the next statement on a killed session throws, through {@code source} (raw pool or Cloak over one). */
    private static SQLException killMidTransaction(TestDatabase db, javax.sql.DataSource source, String t, int first)
            throws Exception {
        try (Connection c = source.getConnection()) {
            c.setAutoCommit(false);
            FaultHarness.insert(c, t, first, "555-00-000" + first);
            FaultHarness.insert(c, t, first + 1, "555-00-000" + (first + 1));
            FaultHarness.killSession(db, FaultHarness.sessionId(c, db));
            return Expect.sqlException(() -> FaultHarness.insert(c, t, first + 2, "555-00-0009"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void killedSessionGivesTheDriversOwnErrorThePoolReplacesItAndTheTransactionIsAbsent(TestDatabase db)
            throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String rawTable = fx.table("killed_raw");
            fx.rawExecute("CREATE TABLE " + rawTable + " (id INT PRIMARY KEY, ssn VARCHAR(20))");
            String t = FaultHarness.table(fx, "killed");
            CloakConfig config = FaultHarness.policy(fx, t).build();
            SQLException withoutCloak;
            try (HikariDataSource rawPool = FaultHarness.pool(db.rawDataSource(), 2)) {
                withoutCloak = killMidTransaction(db, rawPool, rawTable, 1);
            }
            // one connection: the statement after the kill works only if the pool replaced the dead one
            try (HikariDataSource pool = FaultHarness.pool(db.rawDataSource(), 1);
                 CloakDataSource cloak = new CloakDataSource(pool, config)) {
                try (Connection c = cloak.getConnection()) {
                    FaultHarness.insert(c, t, 0, "555-00-0000");
                }
                SQLException seen = killMidTransaction(db, cloak, t, 1);

                // the driver's own error, unchanged: the same class and state as without Cloak, not one of Cloak's
                assertThat(seen.getClass()).isEqualTo(withoutCloak.getClass());
                assertThat(seen.getSQLState()).isEqualTo(withoutCloak.getSQLState());
                assertThat(seen.getErrorCode()).isEqualTo(withoutCloak.getErrorCode());
                // MariaDB's driver reports a lost connection (08); PostgreSQL sends 57P01 (admin shutdown) first, which
                // pgjdbc passes on and HikariCP, like every pool, reads as a dead connection
                assertThat(seen.getSQLState()).matches("08...|57P01");
                assertThat(Arrays.stream(SqlState.values()).map(SqlState::code)).doesNotContain(seen.getSQLState());

                // the pool evicted the dead connection: its only connection now works
                try (Connection c = cloak.getConnection()) {
                    assertThat(FaultHarness.rows(c, t)).isEqualTo(Map.of(0, "555-00-0000"));
                }
            }
            FaultHarness.assertRowsAre(fx, t, config, Map.of(0, "555-00-0000"));
        }
    }
}
