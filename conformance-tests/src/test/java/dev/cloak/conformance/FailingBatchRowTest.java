package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.config.CloakConfig;
import java.nio.file.Path;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Fault: one row of a batch breaks a constraint (a duplicate primary key). The same batch runs on a plain table
 * through the raw driver and on an encrypted table through Cloak: the exception, its SQLState and the update
 * counts are the driver's, and the rows afterwards are the same as without Cloak, each a whole Cloak cell, in
 * auto-commit mode and inside a transaction that is committed after the failure.
 */
class FailingBatchRowTest {

    private static final int ROWS = 6;
    private static final int DUPLICATE_AT = 3;

    @TempDir
    Path dir;

    /** Runs the batch through {@code source}; returns the exception, with the rows {@code t} then holds. */
    private static BatchUpdateException runBatch(DataSource source, String t, boolean autoCommit) throws Exception {
        try (Connection c = source.getConnection()) {
            c.setAutoCommit(autoCommit);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, ssn) VALUES (?, ?)")) {
                for (int i = 0; i < ROWS; i++) {
                    // row DUPLICATE_AT repeats the id of row 0
                    ps.setInt(1, i == DUPLICATE_AT ? 0 : i);
                    ps.setString(2, "777-00-000" + i);
                    ps.addBatch();
                }
                SQLException e = Expect.sqlException(ps::executeBatch);
                assertThat((Throwable) e).isInstanceOf(BatchUpdateException.class);
                if (!autoCommit) {
                    c.commit();
                }
                return (BatchUpdateException) e;
            } finally {
                if (!autoCommit) {
                    c.rollback();
                    c.setAutoCommit(true);
                }
            }
        }
    }

    private static Map<Integer, String> rawRows(Fixture fx, String t) throws SQLException {
        Map<Integer, String> rows = new TreeMap<>();
        try (Statement st = fx.raw().createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT id, ssn FROM " + t)) {
            while (rs.next()) {
                rows.put(rs.getInt(1), rs.getString(2));
            }
        }
        return rows;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void batchWithADuplicateRowFailsAsTheDriversAndLeavesWholeCells(TestDatabase db) throws Exception {
        for (boolean autoCommit : new boolean[] {true, false}) {
            try (Fixture fx = Fixture.open(db, dir)) {
                String rawTable = fx.table("batch_raw");
                fx.rawExecute("CREATE TABLE " + rawTable + " (id INT PRIMARY KEY, ssn VARCHAR(20))");
                String t = FaultHarness.table(fx, "batch");
                CloakConfig config = FaultHarness.policy(fx, t).build();
                BatchUpdateException withoutCloak;
                try (HikariDataSource rawPool = FaultHarness.pool(db.rawDataSource(), 2)) {
                    withoutCloak = runBatch(rawPool, rawTable, autoCommit);
                }
                BatchUpdateException seen;
                try (HikariDataSource pool = FaultHarness.pool(db.rawDataSource(), 2);
                     CloakDataSource cloak = new CloakDataSource(pool, config)) {
                    seen = runBatch(cloak, t, autoCommit);
                }
                assertThat(seen.getClass()).isEqualTo(withoutCloak.getClass());
                assertThat(seen.getSQLState()).isEqualTo(withoutCloak.getSQLState());
                assertThat(seen.getErrorCode()).isEqualTo(withoutCloak.getErrorCode());
                assertThat(seen.getUpdateCounts()).isEqualTo(withoutCloak.getUpdateCounts());
                Map<Integer, String> model = rawRows(fx, rawTable);
                FaultHarness.assertRowsAre(fx, t, config, model);
                assertThat(fx.rawCount(t)).isEqualTo(model.size());
            }
        }
    }
}
