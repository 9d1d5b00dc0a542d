package dev.cloak.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.driver.CloakHealth.Status;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.EncryptionMode;
import dev.cloak.driver.config.PolicyFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CloakDataSource#checkHealth()} on embedded H2: the policy, the key store and the master key, checked now. */
class CloakHealthTest {

    @TempDir
    Path dir;

    private JdbcDataSource h2;

    @BeforeEach
    void createDatabase() throws Exception {
        String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        try (Connection raw = DriverManager.getConnection(url); Statement s = raw.createStatement()) {
            s.execute("CREATE TABLE patients (id INT PRIMARY KEY, ssn VARBINARY(200))");
        }
        h2 = new JdbcDataSource();
        h2.setURL(url);
    }

    private String policy(String store) {
        return String.join("\n",
                "version: 1",
                "keyring:",
                "  master-key: \"local:file:" + dir.resolve("master.json") + "\"",
                "  store: \"" + store + "\"",
                "columns:",
                "  patients.ssn: { type: varchar, mode: deterministic }",
                "");
    }

    @Test
    void healthyDataSourceReportsItsPolicyHashAndADevelopmentKey() throws Exception {
        Path file = dir.resolve("cloak.yaml");
        String yaml = policy("database");
        Files.writeString(file, yaml);

        CloakHealth health;
        try (CloakDataSource ds = new CloakDataSource(h2, PolicyFile.load("file:" + file))) {
            health = ds.checkHealth();
        }

        assertThat(health.isUp()).as(health.toString()).isTrue();
        assertThat(health.policySource()).isEqualTo(file.toString());
        assertThat(health.policySha256()).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(yaml.getBytes(StandardCharsets.UTF_8))));
        assertThat(health.masterKeyScheme()).isEqualTo("local");
        assertThat(health.developmentKey()).isTrue();
        assertThat(health.keyStore()).isEqualTo("database");
        assertThat(health.checkedAt()).isNotNull();
    }

    @Test
    void unreadableKeyStoreIsDownAndTheMasterKeyStillChecked() throws Exception {
        Path notADirectory = dir.resolve("plain-file");
        Files.writeString(notADirectory, "x");
        CloakConfig config = PolicyFile.parse(policy("file:" + notADirectory.resolve("keys.json")), "test");

        CloakHealth health;
        try (CloakDataSource ds = new CloakDataSource(h2, config)) {
            health = ds.checkHealth();
        }

        assertThat(health.isUp()).isFalse();
        assertThat(health.policy().status()).isEqualTo(Status.UP);
        assertThat(health.keyStoreCheck().status()).isEqualTo(Status.DOWN);
        assertThat(health.keyStoreCheck().problem()).contains("key store file").contains("cannot be read");
        assertThat(health.masterKeyCheck().status()).isEqualTo(Status.UP);
    }

    @Test
    void policyThatCannotCompileIsDownAndNothingElseIsChecked() throws Exception {
        Path notAKeyset = dir.resolve("master.json");
        Files.writeString(notAKeyset, "{ not a keyset");

        CloakHealth health;
        try (CloakDataSource ds = new CloakDataSource(h2, PolicyFile.parse(policy("database"), "test"))) {
            health = ds.checkHealth();
        }

        assertThat(health.policy().status()).isEqualTo(Status.DOWN);
        // a master-key file that is not a keyset is a configuration Cloak cannot use, not an outage
        assertThat(health.policy().problem()).contains("F0000");
        assertThat(health.keyStoreCheck().status()).isEqualTo(Status.NOT_CHECKED);
        assertThat(health.masterKeyCheck().status()).isEqualTo(Status.NOT_CHECKED);
        assertThat(health.policySource()).isEqualTo("test");
    }

    @Test
    void policyWithoutColumnsSkipsTheKeyStoreRead() throws Exception {
        CloakConfig config = CloakConfig.builder().masterKey("local:file:" + dir.resolve("master.json")).build();

        CloakHealth health;
        try (CloakDataSource ds = new CloakDataSource(h2, config)) {
            health = ds.checkHealth();
        }

        assertThat(health.keyStoreCheck().status()).isEqualTo(Status.NOT_CHECKED);
        assertThat(health.masterKeyCheck().status()).isEqualTo(Status.UP);
        assertThat(health.policySha256()).as("a policy built in code has no text to hash").isNull();
    }

    @Test
    void healthShowsOnlyTheMasterKeysScheme() throws Exception {
        String uri = "pkcs11:token=cloak;object=master?module-path=/nowhere/libsofthsm2.so&pin-source=env:SECRET_PIN_VAR";
        CloakConfig config = CloakConfig.builder().masterKey(uri)
                .column("patients.ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC).build();

        CloakHealth health;
        try (CloakDataSource ds = new CloakDataSource(h2, config)) {
            health = ds.checkHealth();
        }

        assertThat(health.masterKeyScheme()).isEqualTo("pkcs11");
        assertThat(health.developmentKey()).isFalse();
        assertThat(health.toString()).doesNotContain("SECRET_PIN_VAR").doesNotContain("pin-source").doesNotContain("token=");
        assertThat(health.policy().status()).isEqualTo(Status.DOWN);
    }
}
