package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.EncryptionMode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Cloak under a pool, over a wrapped {@code DataSource} and with the policy in the URL. */
class PoolingTest {

    @TempDir
    Path dir;


    /** Inserts one row through {@code c} and reads it back through a second connection from {@code source}. */
    private static void assertRoundTrip(Fixture fx, String t, DataSource source) throws Exception {
        try (Connection c = source.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, ssn) VALUES (?, ?)")) {
            ps.setInt(1, 1);
            ps.setString(2, "123-45-6789");
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        try (Connection c = source.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, ssn FROM " + t + " WHERE ssn = ?")) {
            ps.setString(1, "123-45-6789");
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("ssn")).isEqualTo("123-45-6789");
            }
        }
        byte[] cell = fx.rawCells(t, "ssn").get(0);
        assertThat(cell[0]).isEqualTo((byte) 0x01);
        assertThat(cell[1]).isEqualTo(EncryptionMode.DETERMINISTIC.cellByte());
    }

    private static String patients(Fixture fx) throws Exception {
        String t = fx.table("pool_patients");
        fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, ssn " + fx.db().binaryType() + ")");
        return t;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void hikariPoolOverCloakUrlRoundTrips(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = patients(fx);
            Path policy = fx.policy().column(t + ".ssn", "varchar", "deterministic").write();
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(db.cloakUrl());
            config.addDataSourceProperty("cloak.config", "file:" + policy);
            config.setMaximumPoolSize(2);
            config.setPoolName("cloak-conformance-" + db.slug());
            try (HikariDataSource pool = new HikariDataSource(config)) {
                assertRoundTrip(fx, t, pool);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void cloakDataSourceOverARawDataSourceRoundTrips(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = patients(fx);
            CloakConfig config = fx.configBuilder().column(t + ".ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC).build();
            DataSource cloak = new CloakDataSource(db.rawDataSource(), config);
            assertRoundTrip(fx, t, cloak);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void policyGivenAsUrlQueryParameterIsUsed(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = patients(fx);
            Path policy = fx.policy().column(t + ".ssn", "varchar", "deterministic").write();
            String url = db.cloakUrl();
            Assumptions.assumeTrue(url.contains("?"), "the raw URL carries query parameters");
            String withPolicy = url + "&cloak.config=file:" + policy;
            assertRoundTrip(fx, t, new UrlDataSource(withPolicy));
        }
    }
}
