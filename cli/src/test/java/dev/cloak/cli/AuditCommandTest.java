package dev.cloak.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private Path trail;

    private int cloak(String... args) {
        return CloakCommand.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
    }

    /** A session through the driver on H2: keys created, a value read back, a read denied. */
    @BeforeEach
    void scriptedSession() throws Exception {
        trail = dir.resolve("cloak-audit.jsonl");
        Path policy = Files.writeString(dir.resolve("cloak.yaml"), String.join("\n",
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
                "  sink: \"file:" + trail + "\"",
                ""));
        String h2 = "h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;USER=sa";
        try (Connection raw = DriverManager.getConnection("jdbc:" + h2); Statement s = raw.createStatement()) {
            s.execute("CREATE TABLE patients (id INT AUTO_INCREMENT PRIMARY KEY, ssn VARBINARY(200), name VARBINARY(200))");
        }
        try (Connection app = connect(h2, policy, "app");
             PreparedStatement ps = app.prepareStatement("INSERT INTO patients (ssn, name) VALUES (?, ?)")) {
            ps.setString(1, "123-45-6789");
            ps.setString(2, "Ada Lovelace");
            ps.executeUpdate();
        }
        try (Connection intern = connect(h2, policy, "intern"); Statement s = intern.createStatement();
             ResultSet rs = s.executeQuery("SELECT ssn FROM patients")) {
            rs.next();
            rs.getString(1);
        } catch (SQLException denied) {
            assertThat(denied.getSQLState()).isEqualTo("28000");
        }
    }

    private static Connection connect(String h2, Path policy, String principal) throws SQLException {
        Properties info = new Properties();
        info.setProperty("cloak.config", "file:" + policy);
        info.setProperty("cloak.principal", principal);
        return DriverManager.getConnection("jdbc:cloak:" + h2, info);
    }

    private List<String> lines() throws Exception {
        return new ArrayList<>(Files.readAllLines(trail, StandardCharsets.UTF_8));
    }

    private void write(List<String> lines) throws Exception {
        Files.writeString(trail, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    @Test
    void verifyOfAnUntouchedTrailPrintsOkAndExitsZero() throws Exception {
        int exit = cloak("audit", "verify", trail.toString());

        assertThat(exit).isZero();
        assertThat(out.toString()).isEqualTo("OK: 4 records, chain intact" + System.lineSeparator());
        // the values, and their last four digits as a mask would show them; "6789" alone may occur in a hex hash
        assertThat(Files.readString(trail)).doesNotContain("123-45-6789").doesNotContain("45-6789")
                .doesNotContain("*6789").doesNotContain("Ada");
    }

    @Test
    void verifyNamesARecordWithOneChangedByte() throws Exception {
        byte[] bytes = Files.readAllBytes(trail);
        int secondLine = indexOfLine(bytes, 2);
        bytes[secondLine + 40] ^= 0x01;
        Files.write(trail, bytes);

        int exit = cloak("audit", "verify", trail.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).startsWith("BROKEN at line 2 (seq 2): ");
    }

    @Test
    void verifyNamesADeletedRecord() throws Exception {
        List<String> lines = lines();
        lines.remove(2);
        write(lines);

        int exit = cloak("audit", "verify", trail.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).isEqualTo("BROKEN at line 3 (seq 4): seq gap (expected seq 3)" + System.lineSeparator());
    }

    @Test
    void verifyNamesADeletedLastRecord() throws Exception {
        List<String> lines = lines();
        lines.remove(3);
        write(lines);

        int exit = cloak("audit", "verify", trail.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).startsWith("BROKEN at line 4 (seq 4): record missing at the end");
    }

    @Test
    void verifyNamesSwappedRecords() throws Exception {
        List<String> lines = lines();
        Collections.swap(lines, 0, 1);
        write(lines);

        int exit = cloak("audit", "verify", trail.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).isEqualTo("BROKEN at line 1 (seq 2): seq gap (expected seq 1)" + System.lineSeparator());
    }

    @Test
    void verifyOfAMissingFileFailsOnOneLine() {
        int exit = cloak("audit", "verify", dir.resolve("nope.jsonl").toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).startsWith("cloak audit verify: ").contains("nope.jsonl").contains("audit trail not found")
                .doesNotContain("Exception").hasLineCount(1);
    }

    @Test
    void verifyHasHelp() {
        int exit = cloak("audit", "verify", "--help");

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("Usage: cloak audit verify").contains("FILE").contains("BROKEN at line");
    }

    @Test
    void auditAloneIsAUsageErrorListingVerify() {
        int exit = cloak("audit");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("Missing subcommand").contains("verify");
    }

    private static int indexOfLine(byte[] bytes, int line) {
        int seen = 1;
        for (int i = 0; i < bytes.length; i++) {
            if (seen == line) {
                return i;
            }
            if (bytes[i] == '\n') {
                seen++;
            }
        }
        throw new IllegalArgumentException("no line " + line);
    }
}
