package dev.cloak.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.EncryptionMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CloakDataSource compiles its policy at the first connection and encrypts under it from then on: a policy set
 * after that fails loudly instead of being ignored, and {@link CloakDataSource#getConfig()} reports the policy in use.
 */
class CloakDataSourceConfigTest {

    @TempDir
    Path dir;

    private JdbcDataSource h2;

    @BeforeEach
    void createDatabase() throws Exception {
        String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        try (Connection raw = DriverManager.getConnection(url); Statement s = raw.createStatement()) {
            s.execute("CREATE TABLE patients (id INT PRIMARY KEY, ssn VARCHAR(200), name VARBINARY(200))");
        }
        h2 = new JdbcDataSource();
        h2.setURL(url);
    }

    private CloakConfig.Builder builder() {
        return CloakConfig.builder().masterKey("local:file:" + dir.resolve("master.json"))
                .keyStore("file:" + dir.resolve("keys.json")).requireTls(false);
    }

    @Test
    void aPolicySetAfterTheFirstConnectionIsRefusedAndTheCompiledOneStaysInUse() throws Exception {
        CloakConfig first = builder().column("patients.name", ColumnType.VARCHAR, EncryptionMode.RANDOMIZED).build();
        CloakConfig second = builder().column("patients.ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC)
                .build();
        try (CloakDataSource ds = new CloakDataSource(h2, first)) {
            ds.getConnection().close();

            assertThatThrownBy(() -> ds.setConfig(second)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("setConfig").hasMessageContaining("create a new CloakDataSource");
            assertThatThrownBy(() -> ds.setConfigLocation("file:" + dir.resolve("other.yaml")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("setConfigLocation");
            ds.setConfig(first); // the policy in use, set again: nothing changes

            assertThat(ds.getConfig()).isSameAs(first);
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO patients (id, ssn, name) VALUES (1, 'plain', 'Ada')");
            }
        }
        try (Connection raw = h2.getConnection(); Statement s = raw.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM patients")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBytes(1)[0]).as("name is a cell, encrypted under the compiled policy").isEqualTo((byte) 1);
        }
    }

    @Test
    void aLocationSetBeforeTheFirstConnectionIsTheOneCompiledAndReported() throws Exception {
        Path file = dir.resolve("cloak.yaml");
        Files.writeString(file, String.join("\n",
                "version: 1",
                "keyring:",
                "  master-key: \"local:file:" + dir.resolve("master.json") + "\"",
                "  store: \"file:" + dir.resolve("keys.json") + "\"",
                "network:",
                "  require-tls: false",
                "columns:",
                "  patients.ssn: { type: varchar, mode: deterministic }",
                ""));
        try (CloakDataSource ds = new CloakDataSource()) {
            ds.setTargetDataSource(h2);
            ds.setConfigLocation("file:" + dir.resolve("never-read.yaml"));
            ds.setConfigLocation("file:" + file);
            assertThat(ds.getConfig()).as("nothing read yet").isNull();

            ds.getConnection().close();

            assertThat(ds.getConfig().source()).isEqualTo(file.toString());
        }
    }
}
