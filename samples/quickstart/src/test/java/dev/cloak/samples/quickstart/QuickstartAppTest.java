package dev.cloak.samples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class QuickstartAppTest {

    private static final List<String> PLAINTEXTS = List.of("900-12-3456", "Ada Lovelace", "900-23-4567", "Alan Turing");

    /** Where the quickstart runs: H2 always, PostgreSQL when CLOAK_TEST_POSTGRES_URL names one. */
    enum Target {
        H2, POSTGRESQL;

        String url() {
            if (this == H2) {
                return "jdbc:h2:mem:quickstart-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
            }
            String url = System.getenv("CLOAK_TEST_POSTGRES_URL");
            if (url == null || url.isBlank()) {
                System.err.println("*** SKIPPING PostgreSQL quickstart test: set CLOAK_TEST_POSTGRES_URL ***");
                Assumptions.abort("CLOAK_TEST_POSTGRES_URL is not set");
            }
            return url;
        }
    }

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Target.class)
    void quickstartFindsThePatientBySsnAndTheDatabaseHoldsNoPlaintext(Target target) throws Exception {
        String url = target.url();

        String found = QuickstartApp.run(url, policy(target));

        assertThat(found).isEqualTo("Ada Lovelace");
        try (Connection raw = DriverManager.getConnection(url)) {
            List<byte[][]> rows = readRaw(raw);
            assertThat(rows).hasSize(2);
            for (byte[][] row : rows) {
                assertThat(row[0]).as("ssn cell: format 1, deterministic").startsWith(0x01, 0x02);
                assertThat(row[1]).as("name cell: format 1, randomized").startsWith(0x01, 0x01);
                for (String plaintext : PLAINTEXTS) {
                    assertThat(containsBytes(row[0], plaintext) || containsBytes(row[1], plaintext))
                            .as("a stored cell holds a plaintext").isFalse();
                }
            }
            try (Statement ddl = raw.createStatement()) {
                ddl.execute("DROP TABLE quickstart_patients");
            }
        }
    }

    /** The classpath policy with its development key files moved into a temporary directory. */
    private Properties policy(Target target) throws Exception {
        String yaml = new String(QuickstartApp.class.getResourceAsStream("/cloak.yaml").readAllBytes(), StandardCharsets.UTF_8)
                .replace("./cloak-master.json", dir.resolve("master.json").toString())
                .replace("./cloak-keys.json", dir.resolve("keys.json").toString());
        if (target == Target.POSTGRESQL) {
            // The local test server may run without TLS; the sample's own policy keeps requiring it.
            yaml = yaml.replace("require-tls: true", "require-tls: false");
        }
        Path policy = dir.resolve("cloak.yaml");
        Files.writeString(policy, yaml);
        Properties settings = new Properties();
        settings.setProperty("cloak.config", "file:" + policy);
        return settings;
    }

    private static List<byte[][]> readRaw(Connection raw) throws SQLException {
        List<byte[][]> rows = new ArrayList<>();
        try (Statement select = raw.createStatement();
             ResultSet rs = select.executeQuery("SELECT ssn, name FROM quickstart_patients ORDER BY id")) {
            while (rs.next()) {
                rows.add(new byte[][] {rs.getBytes("ssn"), rs.getBytes("name")});
            }
        }
        return rows;
    }

    private static boolean containsBytes(byte[] cell, String plaintext) {
        String haystack = new String(cell, StandardCharsets.ISO_8859_1);
        return haystack.contains(new String(plaintext.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
    }

}
