package dev.cloak.samples.flyway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FlywaySampleTest {

    private static final List<String> PLAINTEXTS = List.of("ada@example.org", "alan@example.org", "1815-12-10",
            "1912-06-23", "+44 20 7946 0018");

    /** Where the sample runs: H2 always, PostgreSQL (in a schema of its own) when CLOAK_TEST_POSTGRES_URL names one. */
    enum Target {
        H2, POSTGRESQL;

        /** A raw URL of an empty database or schema. */
        String url(String schema) throws SQLException {
            if (this == H2) {
                return "jdbc:h2:mem:flyway-sample-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
            }
            String url = System.getenv("CLOAK_TEST_POSTGRES_URL");
            if (url == null || url.isBlank()) {
                System.err.println("*** SKIPPING PostgreSQL Flyway sample test: set CLOAK_TEST_POSTGRES_URL ***");
                Assumptions.abort("CLOAK_TEST_POSTGRES_URL is not set");
            }
            try (Connection raw = DriverManager.getConnection(url); Statement st = raw.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                st.execute("CREATE SCHEMA " + schema);
            }
            return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        }
    }

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Target.class)
    void flywayMigratesThroughCloakAndTheDatabaseHoldsNoPlaintext(Target target) throws Exception {
        String schema = "flyway_sample_" + ProcessHandle.current().pid();
        String url = target.url(schema);
        String cloakUrl = "jdbc:cloak:" + url.substring("jdbc:".length()) + cloakConfig(target, url);
        try {
            assertThat(FlywaySample.migrate(cloakUrl)).isEqualTo(3);
            assertThat(FlywaySample.migrate(cloakUrl)).as("the second run").isZero();

            assertThat(FlywaySample.phoneOf(cloakUrl, "ada@example.org")).isEqualTo("Ada Lovelace, +44 20 7946 0018");
            assertThat(FlywaySample.phoneOf(cloakUrl, "alan@example.org")).isEqualTo("Alan Turing, null");
            try (Connection raw = DriverManager.getConnection(url); Statement st = raw.createStatement();
                 ResultSet rs = st.executeQuery("SELECT email, birth_date, phone FROM members")) {
                int rows = 0;
                while (rs.next()) {
                    rows++;
                    for (int column = 1; column <= 3; column++) {
                        byte[] cell = rs.getBytes(column);
                        if (cell == null) {
                            continue;
                        }
                        assertThat(cell[0]).as("Cloak's cell format byte").isEqualTo((byte) 1);
                        for (String plaintext : PLAINTEXTS) {
                            assertThat(HexFormat.of().formatHex(cell)).doesNotContain(
                                    HexFormat.of().formatHex(plaintext.getBytes(StandardCharsets.UTF_8)));
                        }
                    }
                }
                assertThat(rows).isEqualTo(2);
            }
        } finally {
            if (target == Target.POSTGRESQL) {
                try (Connection raw = DriverManager.getConnection(url); Statement st = raw.createStatement()) {
                    st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                }
            }
        }
    }

    /** The sample's policy with its development key files in a temporary directory, as a URL setting. */
    private String cloakConfig(Target target, String url) throws Exception {
        String yaml = new String(FlywaySample.class.getResourceAsStream("/cloak.yaml").readAllBytes(),
                StandardCharsets.UTF_8)
                .replace("./cloak-master.json", dir.resolve("master.json").toString())
                .replace("./cloak-keys.json", dir.resolve("keys.json").toString());
        if (target == Target.POSTGRESQL) {
            // The local test server may run without TLS; the sample's own policy keeps requiring it.
            yaml = yaml.replace("require-tls: true", "require-tls: false");
        }
        Path policy = Files.writeString(dir.resolve("cloak.yaml"), yaml);
        return target == Target.H2 ? ";cloak.config=file:" + policy
                : "&cloak.config=" + URLEncoder.encode("file:" + policy, StandardCharsets.UTF_8);
    }
}
