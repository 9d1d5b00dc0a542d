package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.EncryptionMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * What the fault suite shares: a table {@code (id INT PRIMARY KEY, ssn <binary>)} whose {@code ssn} is encrypted
 * (deterministic), an application pool (HikariCP) under {@link CloakDataSource}, and the checks of the rows
 * afterwards: what Cloak reads equals the test's model, and every stored cell is a Cloak cell (no plaintext at rest).
 */
final class FaultHarness {

    private static final AtomicInteger POOLS = new AtomicInteger();

    private FaultHarness() {
    }

    /** Creates the table; returns its name. */
    static String table(Fixture fx, String base) throws SQLException {
        String t = fx.table(base);
        fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, ssn " + fx.db().binaryType() + ")");
        return t;
    }

    /** The policy of {@code t.ssn}, keys in the database ({@code cloak_keys}), short KMS timeout. */
    static CloakConfig.Builder policy(Fixture fx, String t) {
        return fx.configBuilder().keyStore("database").kmsTimeout(Duration.ofSeconds(3))
                .column(t + ".ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC);
    }

    /** An application pool over {@code raw}; connections wait at most 30 s for the pool. */
    static HikariDataSource pool(DataSource raw, int size) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(raw);
        config.setMaximumPoolSize(size);
        config.setConnectionTimeout(30_000);
        config.setPoolName("fault-" + POOLS.incrementAndGet());
        return new HikariDataSource(config);
    }

    static void insert(Connection c, String t, int id, String ssn) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, ssn) VALUES (?, ?)")) {
            ps.setInt(1, id);
            ps.setString(2, ssn);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    /** Every row of {@code t} as Cloak reads it, by id. */
    static Map<Integer, String> rows(Connection c, String t) throws SQLException {
        Map<Integer, String> rows = new TreeMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id, ssn FROM " + t)) {
            while (rs.next()) {
                rows.put(rs.getInt(1), rs.getString(2));
            }
        }
        return rows;
    }

    /**
     * Asserts that {@code t} holds exactly {@code model} when read through a fresh Cloak data source over a raw one,
     * and that every stored non-NULL cell is a Cloak cell (format byte 1, deterministic mode) holding none of the
     * model's plaintexts.
     */
    static void assertRowsAre(Fixture fx, String t, CloakConfig config, Map<Integer, String> model) throws Exception {
        try (CloakDataSource cloak = new CloakDataSource(fx.db().rawDataSource(), config);
             Connection c = cloak.getConnection()) {
            assertThat(rows(c, t)).isEqualTo(model);
        }
        assertNoPlaintextAtRest(fx, t, model);
    }

    /** Every stored cell of {@code t.ssn} is a Cloak cell and contains none of {@code model}'s values. */
    static void assertNoPlaintextAtRest(Fixture fx, String t, Map<Integer, String> model) throws SQLException {
        for (byte[] cell : fx.rawCells(t, "ssn")) {
            if (cell == null) {
                continue;
            }
            assertThat(cell[0]).as("format byte").isEqualTo((byte) 1);
            assertThat(cell[1]).as("mode byte").isEqualTo(EncryptionMode.DETERMINISTIC.cellByte());
            String asText = new String(cell, java.nio.charset.StandardCharsets.ISO_8859_1);
            for (String plaintext : model.values()) {
                if (plaintext != null) {
                    assertThat(asText).doesNotContain(plaintext);
                }
            }
        }
    }

    /** The server's id of the session of {@code c}: PostgreSQL's backend pid, MariaDB's connection id. */
    static long sessionId(Connection c, TestDatabase db) throws SQLException {
        String sql = db == TestDatabase.POSTGRESQL ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()";
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Ends the session {@code id} from a second raw connection, as an administrator or a failover would. */
    static void killSession(TestDatabase db, long id) throws SQLException {
        try (Connection admin = db.openRaw(); Statement st = admin.createStatement()) {
            if (db == TestDatabase.POSTGRESQL) {
                st.executeQuery("SELECT pg_terminate_backend(" + id + ")").close();
            } else {
                st.execute("KILL " + id);
            }
        }
    }
}
