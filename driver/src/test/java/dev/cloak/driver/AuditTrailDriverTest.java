package dev.cloak.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloak.keyring.audit.AuditRecord;
import dev.cloak.keyring.audit.AuditVerifier;
import dev.cloak.keyring.audit.FileAuditTrail;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit trail of a policy with {@code audit.sink}, driven through the driver on embedded H2. */
class AuditTrailDriverTest {

    private static final String SSN = "123-45-6789";
    private static final String NAME = "Zoë Ångström";

    @TempDir
    Path dir;

    private String h2Url;
    private Path policyFile;
    private Path trail;

    @BeforeEach
    void createDatabaseAndPolicy() throws Exception {
        h2Url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;USER=sa";
        try (Connection raw = DriverManager.getConnection(h2Url); Statement s = raw.createStatement()) {
            s.execute("CREATE TABLE patients (id INT AUTO_INCREMENT PRIMARY KEY, ssn VARBINARY(200), name VARBINARY(200))");
        }
        trail = dir.resolve("audit.jsonl");
        policyFile = writePolicy("file:" + trail);
    }

    private Path writePolicy(String sink) throws Exception {
        return Files.writeString(dir.resolve("cloak-" + UUID.randomUUID() + ".yaml"), String.join("\n",
                "version: 1",
                "keyring:",
                "  master-key: \"local:file:" + dir.resolve("master.json") + "\"",
                "  store: \"file:" + dir.resolve("keys.json") + "\"",
                "columns:",
                "  patients.ssn: { type: varchar, mode: deterministic }",
                "  patients.name: { type: varchar, mode: randomized }",
                "access:",
                "  principal: asserted",
                "  rules:",
                "    - principal: intern",
                "      columns: [patients.ssn]",
                "      decrypt: deny",
                "audit:",
                "  sink: \"" + sink + "\"",
                ""));
    }

    private Connection cloak(Path policy, String principal) throws SQLException {
        Properties info = new Properties();
        info.setProperty("cloak.config", "file:" + policy);
        info.setProperty("cloak.principal", principal);
        return DriverManager.getConnection("jdbc:cloak:" + h2Url.substring("jdbc:".length()), info);
    }

    private String readSsn(String principal) throws SQLException {
        try (Connection c = cloak(policyFile, principal); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT ssn, name FROM patients")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private void insertPatient() throws SQLException {
        try (Connection c = cloak(policyFile, "app");
             PreparedStatement ps = c.prepareStatement("INSERT INTO patients (ssn, name) VALUES (?, ?)")) {
            ps.setString(1, SSN);
            ps.setString(2, NAME);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private List<AuditRecord> records() throws Exception {
        return Files.readAllLines(trail).stream().map(AuditRecord::parse).collect(Collectors.toList());
    }

    @Test
    void aSessionWithADeniedReadLeavesAVerifiableTrailWithoutPlaintext() throws Exception {
        insertPatient();
        assertThat(readSsn("app")).isEqualTo(SSN);
        assertThatThrownBy(() -> readSsn("intern")).isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("28000");

        List<AuditRecord> records = records();
        assertThat(records).extracting(r -> r.event().wireName() + " " + r.domain() + " " + r.outcome().wireName())
                .containsExactly("policy-loaded null ok", "created patients.ssn ok", "created patients.name ok",
                        "access-denied patients.ssn denied");
        String policySha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(policyFile)));
        assertThat(records.get(0).version()).isEqualTo("sha256:" + policySha);
        assertThat(records.get(3).principal()).isEqualTo("intern");
        assertThat(AuditVerifier.verify(trail).describe()).isEqualTo("OK: 4 records, chain intact");
        String text = Files.readString(trail, StandardCharsets.UTF_8);
        // a masked form's last four digits, not "6789" alone: that may occur in a hex hash of the chain
        assertThat(text).doesNotContain(SSN).doesNotContain("*6789").doesNotContain("Zo").doesNotContain("Ångström");
    }

    @Test
    void aDeniedReadThatCannotBeAuditedFailsWith58030() throws Exception {
        insertPatient();
        Files.delete(FileAuditTrail.headOf(trail)); // the trail now refuses appends: its end can no longer be trusted

        assertThatThrownBy(() -> readSsn("intern")).isInstanceOf(SQLException.class)
                .hasMessageContaining("cannot be audited")
                .hasMessageNotContaining("6789")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("58030");
    }

    @Test
    void aTrailThatCannotBeCreatedFailsTheConnectWith58030() throws Exception {
        Path policy = writePolicy("file:" + dir.resolve("missing-dir").resolve("audit.jsonl"));

        assertThatThrownBy(() -> cloak(policy, "app").close()).isInstanceOf(SQLException.class)
                .hasMessageContaining("audit trail")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("58030");
    }

    @Test
    void aKeyThatCannotBeAuditedIsNotUsed() throws Exception {
        try (Connection c = cloak(policyFile, "app")) {
            Files.delete(FileAuditTrail.headOf(trail));
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO patients (ssn, name) VALUES (?, ?)")) {
                assertThatThrownBy(() -> {
                    ps.setString(1, SSN); // encryption happens at bind time: the first key use fails here
                    ps.setString(2, NAME);
                    ps.executeUpdate();
                }).isInstanceOf(SQLException.class)
                        .hasMessageNotContaining(SSN)
                        .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("58030");
            }
        }
        try (Connection raw = DriverManager.getConnection(h2Url); Statement s = raw.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM patients")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isZero();
        }
    }
}
