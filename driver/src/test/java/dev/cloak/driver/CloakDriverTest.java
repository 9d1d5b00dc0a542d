package dev.cloak.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.SQLExceptionOverride;
import dev.cloak.driver.config.AccessRule;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.DecryptAccess;
import dev.cloak.driver.config.EncryptionMode;
import dev.cloak.driver.hikari.CloakExceptionOverride;
import dev.cloak.rewriter.RejectedStatementException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver and data source end to end on embedded H2. */
class CloakDriverTest {

    @TempDir
    Path dir;

    private String h2Url;
    private Path policyFile;

    @BeforeEach
    void createDatabase() throws Exception {
        h2Url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;USER=sa";
        try (Connection raw = DriverManager.getConnection(h2Url); Statement s = raw.createStatement()) {
            s.execute("CREATE TABLE patients (id INT AUTO_INCREMENT PRIMARY KEY, ssn VARBINARY(200), name VARBINARY(200), age INT)");
        }
        policyFile = dir.resolve("cloak.yaml");
        Files.writeString(policyFile, String.join("\n",
                "version: 1",
                "keyring:",
                "  master-key: \"local:file:" + dir.resolve("master.json") + "\"",
                "  store: \"file:" + dir.resolve("keys.json") + "\"",
                "columns:",
                "  patients.ssn: { type: varchar, mode: deterministic }",
                "  patients.name: { type: varchar, mode: randomized }",
                "access:",
                "  default: allow",
                "  principal: asserted",
                "  rules:",
                "    - principal: analytics",
                "      columns: [patients.ssn]",
                "      decrypt: mask",
                "    - principal: intern",
                "      columns: [patients.ssn]",
                "      decrypt: deny",
                "    - principal: auditor",
                "      columns: [patients.ssn]",
                "      decrypt: null",
                ""));
    }

    private Connection cloak(String principal) throws SQLException {
        Properties info = new Properties();
        info.setProperty("cloak.config", "file:" + policyFile);
        if (principal != null) {
            info.setProperty("cloak.principal", principal);
        }
        return DriverManager.getConnection("jdbc:cloak:" + h2Url.substring("jdbc:".length()), info);
    }

    private void insert(Connection c, String ssn, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO patients (ssn, name, age) VALUES (?, ?, ?)")) {
            ps.setString(1, ssn);
            ps.setString(2, name);
            ps.setInt(3, 40);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    @Test
    void driverIsFoundThroughServiceLoaderAndWrapsTheDelegate() throws Exception {
        try (Connection c = cloak(null)) {
            assertThat(c).isInstanceOf(CloakConnection.class);
            assertThat(c.unwrap(CloakConnection.class)).isSameAs(c);
            assertThat(c.isWrapperFor(org.h2.jdbc.JdbcConnection.class)).isTrue();
            assertThat(c.unwrap(org.h2.jdbc.JdbcConnection.class)).isInstanceOf(org.h2.jdbc.JdbcConnection.class);
            try (Statement s = c.createStatement(); PreparedStatement ps = c.prepareStatement("SELECT 1")) {
                assertThat(s.getConnection()).isSameAs(c);
                assertThat(ps.getConnection()).isSameAs(c);
                assertThat(c.getMetaData().getConnection()).isSameAs(c);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.getStatement()).isSameAs(ps);
                }
            }
        }
    }

    @Test
    void encryptedRoundTripStoresNoPlaintext() throws Exception {
        try (Connection c = cloak(null)) {
            insert(c, "123-45-6789", "Zoë Ångström");
            try (PreparedStatement ps = c.prepareStatement("SELECT id, ssn, name FROM patients WHERE ssn = ?")) {
                ps.setString(1, "123-45-6789");
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString("ssn")).isEqualTo("123-45-6789");
                    assertThat(rs.getString(3)).isEqualTo("Zoë Ångström");
                    assertThat(rs.getMetaData().getColumnType(2)).isEqualTo(java.sql.Types.VARCHAR);
                }
            }
        }
        try (Connection raw = DriverManager.getConnection(h2Url); Statement s = raw.createStatement();
             ResultSet rs = s.executeQuery("SELECT ssn, name FROM patients")) {
            assertThat(rs.next()).isTrue();
            byte[] ssn = rs.getBytes(1);
            assertThat(ssn[0]).isEqualTo((byte) 0x01);
            assertThat(ssn[1]).isEqualTo((byte) 0x02);
            assertThat(new String(ssn, StandardCharsets.ISO_8859_1)).doesNotContain("123-45-6789");
            assertThat(new String(rs.getBytes(2), StandardCharsets.UTF_8)).doesNotContain("Zo");
        }
    }

    @Test
    void maskShowsOnlyTheLastFourCharacters() throws Exception {
        try (Connection c = cloak(null)) {
            insert(c, "123-45-6789", "Ana");
        }
        assertThat(readSsn("analytics")).isEqualTo("****6789");
    }

    @Test
    void nullAccessReadsSqlNull() throws Exception {
        try (Connection c = cloak(null)) {
            insert(c, "123-45-6789", "Ana");
        }
        assertThat(readSsn("auditor")).isNull();
    }

    @Test
    void denyAccessFailsWith28000() throws Exception {
        try (Connection c = cloak(null)) {
            insert(c, "123-45-6789", "Ana");
        }
        assertThatThrownBy(() -> readSsn("intern")).isInstanceOf(SQLException.class)
                .hasMessageNotContaining("6789")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("28000");
    }

    @Test
    void principalCanBeSetOnTheConnection() throws Exception {
        try (Connection c = cloak(null)) {
            insert(c, "123-45-6789", "Ana");
            c.unwrap(CloakConnection.class).setPrincipal("analytics");
            assertThat(c.unwrap(CloakConnection.class).getPrincipal()).isEqualTo("analytics");
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT ssn FROM patients")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("****6789");
            }
        }
    }

    @Test
    void principalDefaultsToTheSessionsUser() throws Exception {
        try (Connection c = cloak(null)) {
            assertThat(c.unwrap(CloakConnection.class).getPrincipal()).isEqualToIgnoringCase("sa");
        }
    }

    private String readSsn(String principal) throws SQLException {
        try (Connection c = cloak(principal); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT ssn FROM patients")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    @Test
    void dataSourceWrapsAnyDataSourceWithABuiltConfig() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(h2Url.replace(";USER=sa", ""));
        h2.setUser("sa");
        CloakConfig config = CloakConfig.builder()
                .masterKey("local:file:" + dir.resolve("master.json"))
                .keyStore("database")
                .column("patients.ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC)
                .accessRule(new AccessRule("nobody", List.of("patients.ssn"), DecryptAccess.DENY))
                .build();
        try (CloakDataSource ds = new CloakDataSource(h2, config); Connection c = ds.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO patients (ssn) VALUES (?)")) {
                ps.setString(1, "987-65-4321");
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT ssn FROM patients WHERE ssn = ?")) {
                ps.setString(1, "987-65-4321");
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("987-65-4321");
                }
            }
            assertThat(ds.unwrap(JdbcDataSource.class)).isSameAs(h2);
        }
        // The database key store keeps the wrapped keyset in the application's database.
        try (Connection raw = DriverManager.getConnection(h2Url); Statement s = raw.createStatement();
             ResultSet rs = s.executeQuery("SELECT domain FROM cloak_keys")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("patients.ssn");
        }
    }

    @Test
    void urlParameterNamesThePolicyForNonH2StyleUrls() throws Exception {
        // H2 accepts ;key=value settings: cloak.config among them is Cloak's and never reaches H2.
        String url = "jdbc:cloak:" + h2Url.substring("jdbc:".length()) + ";cloak.config=file:" + policyFile;
        try (Connection c = DriverManager.getConnection(url)) {
            insert(c, "111-11-1111", "Bo");
        }
    }

    @Test
    void missingPolicyFileFailsAtConnectNamingThePath() {
        Properties info = new Properties();
        info.setProperty("cloak.config", "file:" + dir.resolve("nope.yaml"));
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:cloak:" + h2Url.substring(5), info))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("nope.yaml");
    }

    @Test
    void urlOfAnotherDriverIsNotAccepted() throws SQLException {
        assertThat(new CloakDriver().connect(h2Url, new Properties())).isNull();
    }

    @Test
    void h2OverTcpIsRefusedWhenTlsIsRequired() throws Exception {
        org.h2.tools.Server server = org.h2.tools.Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
        try {
            Properties info = new Properties();
            info.setProperty("cloak.config", "file:" + policyFile);
            String url = "jdbc:cloak:h2:tcp://localhost:" + server.getPort() + "/mem:tls" + UUID.randomUUID();
            assertThatThrownBy(() -> DriverManager.getConnection(url, info)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("require-tls")
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("08004");
        } finally {
            server.stop();
        }
    }

    @Test
    void misspeltCloakSettingIsRefused() {
        Properties info = new Properties();
        info.setProperty("cloak.config", "file:" + policyFile);
        info.setProperty("cloak.principle", "analytics");
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:cloak:" + h2Url.substring(5), info))
                .isInstanceOf(SQLException.class).hasMessageContaining("cloak.principle");
    }

    @Test
    void endOfRequestRestoresTheConnectionsOwnPrincipal() throws Exception {
        try (Connection c = cloak(null)) {
            CloakConnection cloak = c.unwrap(CloakConnection.class);
            String own = cloak.getPrincipal();
            cloak.setPrincipal("analytics");
            c.endRequest();
            assertThat(cloak.getPrincipal()).isEqualTo(own);
        }
    }

    @Test
    void fixedPrincipalCannotBeChanged() throws Exception {
        try (Connection c = cloak("auditor")) {
            assertThatThrownBy(() -> c.unwrap(CloakConnection.class).setPrincipal("admin"))
                    .isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("28000");
        }
    }

    @Test
    void parametersByNameAreRefusedOnCallsThatTouchEncryptedColumns() throws Exception {
        try (Connection c = cloak(null);
             java.sql.CallableStatement cs = c.prepareCall("SELECT id FROM patients WHERE ssn = ?")) {
            assertThatThrownBy(() -> cs.setString("SSN", "123-45-6789")).isInstanceOf(SQLException.class)
                    .hasMessageNotContaining("123-45-6789")
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("0A000");
            cs.setString(1, "123-45-6789");
            try (ResultSet rs = cs.executeQuery()) {
                assertThat(rs.next()).isFalse();
            }
        }
    }

    @Test
    void addingToABatchKeepsTheResultsOfTheLastQueryDecrypted() throws Exception {
        try (Connection c = cloak(null)) {
            insert(c, "123-45-6789", "Ana");
            try (Statement s = c.createStatement()) {
                assertThat(s.execute("SELECT ssn FROM patients")).isTrue();
                s.addBatch("UPDATE patients SET age = 41");
                try (ResultSet rs = s.getResultSet()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("123-45-6789");
                }
            }
        }
    }

    @Test
    void rulesMatchTheUserNameWhateverCaseTheDatabaseFoldsItTo() throws Exception {
        try (Connection c = cloak(null)) {
            insert(c, "123-45-6789", "Ana");
        }
        try (Connection c = cloak(null)) {
            c.unwrap(CloakConnection.class).setPrincipal("ANALYTICS");
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT ssn FROM patients")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("****6789");
            }
        }
    }

    @Test
    void aMisspeltSettingIsRefusedNamingEverySettingOfTheRegistry() {
        Properties info = new Properties();
        info.setProperty("cloak.config", "file:" + policyFile);
        info.setProperty("cloak.principle", "analytics");

        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:cloak:" + h2Url.substring(5), info))
                .hasMessage("Unknown Cloak setting cloak.principle: the settings are cloak.config and cloak.principal");
    }

    @Test
    void everySettingOfTheRegistryIsAcceptedFromTheUrl() throws SQLException {
        String url = "jdbc:cloak:" + h2Url.substring(5) + ";" + CloakSetting.CONFIG.key() + "=file:" + policyFile
                + ";" + CloakSetting.PRINCIPAL.key() + "=analytics";

        try (Connection c = DriverManager.getConnection(url)) {
            assertThat(c.unwrap(CloakConnection.class).getPrincipal()).isEqualTo("analytics");
        }
    }

    @Test
    void propertyInfoListsEverySettingOfTheRegistryWithItsDescriptionAndValue() throws SQLException {
        Properties info = new Properties();
        info.setProperty(CloakSetting.PRINCIPAL.key(), "analytics");

        DriverPropertyInfo[] properties = new CloakDriver().getPropertyInfo("jdbc:cloak:" + h2Url.substring(5), info);

        for (CloakSetting setting : CloakSetting.values()) {
            assertThat(properties).filteredOn(p -> p.name.equals(setting.key())).singleElement()
                    .satisfies(p -> assertThat(p.description).isEqualTo(setting.description()));
        }
        assertThat(properties).filteredOn(p -> p.name.equals("cloak.principal")).singleElement()
                .satisfies(p -> assertThat(p.value).isEqualTo("analytics"));
        assertThat(CloakDriver.CONFIG).isEqualTo(CloakSetting.CONFIG.key()).isEqualTo("cloak.config");
        assertThat(CloakDriver.PRINCIPAL).isEqualTo(CloakSetting.PRINCIPAL.key()).isEqualTo("cloak.principal");
    }

    @Test
    void updatingTheMetadataOfAnEncryptedColumnIsARefusalThatKeepsThePooledConnection() throws SQLException {
        try (Connection c = cloak(null);
             ResultSet columns = c.getMetaData().getColumns(null, null, "PATIENTS", "SSN")) {
            assertThat(columns.next()).isTrue();

            assertThatThrownBy(() -> columns.updateString("TYPE_NAME", "BLOB"))
                    .isInstanceOf(RejectedStatementException.class).hasMessageContaining("read-only")
                    .satisfies(e -> assertThat(new CloakExceptionOverride().adjudicate((SQLException) e))
                            .isEqualTo(SQLExceptionOverride.Override.DO_NOT_EVICT));
        }
    }
}
