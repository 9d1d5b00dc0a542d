package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cloak.conformance.leak.LeakCapture;
import dev.cloak.driver.hikari.CloakExceptionOverride;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One workload through a HikariCP pool twice: on the raw URL with nothing encrypted, and on {@code jdbc:cloak:}
 * with the sensitive columns encrypted. The application sees the same results.
 */
class HikariTransparencyTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void aPooledWorkloadGivesTheSameResultsWithAndWithoutCloak(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String plain = fx.table("hk_plain");
            fx.rawExecute("CREATE TABLE " + plain + " (id INT PRIMARY KEY, ssn VARCHAR(20), dob DATE, balance DECIMAL(12,2))");
            HikariConfig raw = new HikariConfig();
            raw.setJdbcUrl(db.rawUrl());
            raw.setMaximumPoolSize(2);
            List<String> withoutCloak;
            try (HikariDataSource pool = new HikariDataSource(raw)) {
                withoutCloak = workload(pool, plain);
            }

            String encrypted = fx.table("hk_enc");
            String bin = db.binaryType();
            fx.rawExecute("CREATE TABLE " + encrypted + " (id INT PRIMARY KEY, ssn " + bin + ", dob " + bin + ", balance " + bin + ")");
            Path policy = fx.policy().column(encrypted + ".ssn", "varchar", "deterministic")
                    .column(encrypted + ".dob", "date", "randomized")
                    .column(encrypted + ".balance", "decimal", "randomized").write();
            HikariConfig cloak = new HikariConfig();
            cloak.setJdbcUrl(db.cloakUrl());
            cloak.addDataSourceProperty("cloak.config", "file:" + policy);
            cloak.setExceptionOverrideClassName(CloakExceptionOverride.class.getName());
            cloak.setMaximumPoolSize(2);
            List<String> withCloak;
            try (HikariDataSource pool = new HikariDataSource(cloak)) {
                withCloak = workload(pool, encrypted);
            }

            assertThat(withCloak).isEqualTo(withoutCloak).isNotEmpty();
            for (byte[] cell : fx.rawCells(encrypted, "ssn")) {
                assertThat(cell[0]).isEqualTo((byte) 0x01);
            }
        }
    }

    /** Inserts, looks up by ssn, updates and deletes through the pool; records what the application sees. */
    private static List<String> workload(DataSource pool, String t) throws SQLException {
        List<String> seen = new ArrayList<>();
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, ssn, dob, balance) VALUES (?, ?, ?, ?)")) {
            for (int i = 1; i <= 5; i++) {
                ps.setInt(1, i);
                ps.setString(2, LeakCapture.written("900-00-000" + i));
                ps.setObject(3, LocalDate.of(1980 + i, i, i));
                ps.setBigDecimal(4, new BigDecimal(i * 100 + ".25"));
                ps.addBatch();
            }
            seen.add("inserted " + ps.executeBatch().length);
        }
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE " + t + " SET balance = ? WHERE ssn = ?")) {
            ps.setBigDecimal(1, new BigDecimal("7.75"));
            ps.setString(2, "900-00-0003");
            seen.add("updated " + ps.executeUpdate());
        }
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM " + t + " WHERE ssn IN (?, ?)")) {
            ps.setString(1, "900-00-0001");
            ps.setString(2, "900-00-0005");
            seen.add("deleted " + ps.executeUpdate());
        }
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, ssn, dob, balance FROM " + t + " WHERE id > ? ORDER BY id")) {
            ps.setInt(1, 0);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    seen.add(rs.getInt(1) + "|" + rs.getString(2) + "|" + rs.getObject(3, LocalDate.class) + "|"
                            + rs.getBigDecimal(4).stripTrailingZeros().toPlainString());
                }
            }
        }
        return seen;
    }
}
