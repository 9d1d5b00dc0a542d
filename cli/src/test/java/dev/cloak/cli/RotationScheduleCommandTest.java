package dev.cloak.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code keyring.rotate-after} at work on H2, keys in a file and in the database: {@code cloak keys list} shows each
 * active version's age and due day, {@code cloak keys rotate --due} rotates the overdue domains only and reports one
 * it cannot rotate as skipped while rotating the others, and {@code cloak doctor} warns of overdue keys.
 */
class RotationScheduleCommandTest {

    enum Store { FILE, DATABASE }

    @TempDir
    Path dir;

    private StringWriter out = new StringWriter();
    private String h2;
    private int policies;

    @BeforeEach
    void database() throws SQLException {
        h2 = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;USER=sa";
        try (Connection raw = DriverManager.getConnection(h2); Statement s = raw.createStatement()) {
            s.execute("CREATE TABLE patients (id INT PRIMARY KEY, ssn VARBINARY(200), name VARBINARY(200))");
        }
    }

    private Path policy(Store store, String master, String rotateAfter) throws Exception {
        String keyStore = store == Store.FILE ? "file:" + dir.resolve("keys.json") : "database";
        return Files.writeString(dir.resolve("cloak-" + (++policies) + ".yaml"), String.join("\n",
                "version: 1",
                "keyring:",
                "  master-key: \"local:file:" + dir.resolve(master + ".json") + "\"",
                "  store: \"" + keyStore + "\"",
                "  auto-create: false",
                rotateAfter == null ? "" : "  rotate-after: " + rotateAfter,
                "columns:",
                "  patients.ssn: { type: varchar, mode: deterministic }",
                "  patients.name: { type: varchar, mode: randomized }",
                ""));
    }

    private int cloak(Path policy, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--config", policy.toString(), "--url", h2));
        out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = CloakCommand.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(all.toArray(String[]::new));
        out.write(err.toString());
        return exit;
    }

    /** Makes the active version of {@code domain} (and the domain) {@code days} older, as time would. */
    private void age(Store store, String domain, int days) throws Exception {
        if (store == Store.DATABASE) {
            try (Connection raw = DriverManager.getConnection(h2)) {
                for (String table : List.of("cloak_keys", "cloak_key_versions")) {
                    try (PreparedStatement ps = raw.prepareStatement("UPDATE " + table
                            + " SET created_at = DATEADD('DAY', ?, created_at) WHERE domain = ?")) {
                        ps.setInt(1, -days);
                        ps.setString(2, domain);
                        assertThat(ps.executeUpdate()).isPositive();
                    }
                }
            }
            return;
        }
        Path file = dir.resolve("keys.json");
        JsonObject root = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        for (JsonElement entry : root.getAsJsonArray("keysets")) {
            JsonObject keyset = entry.getAsJsonObject();
            if (keyset.get("domain").getAsString().equals(domain)) {
                older(keyset, days);
                keyset.getAsJsonArray("versions").forEach(v -> older(v.getAsJsonObject(), days));
            }
        }
        Files.writeString(file, root.toString());
    }

    private static void older(JsonObject object, int days) {
        Instant created = Instant.parse(object.get("created").getAsString());
        object.addProperty("created", created.minus(Duration.ofDays(days)).toString());
    }

    private String listedRow(String domain) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(domain) + "\\s.*\\sactive\\s.*$").matcher(out.toString());
        assertThat(m.find()).as(out.toString()).isTrue();
        return m.group();
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void listShowsTheActiveVersionsAgeAndTheDayItIsDue(Store store) throws Exception {
        Path policy = policy(store, "master", "90d");
        assertThat(cloak(policy, "keys", "init", "--all")).as(out.toString()).isZero();
        age(store, "patients.name", 100);

        assertThat(cloak(policy, "keys", "list")).as(out.toString()).isZero();

        assertThat(out.toString()).contains("AGE", "DUE");
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertThat(listedRow("patients.ssn")).contains(" 0d ").contains(today.plusDays(90).toString())
                .doesNotContain("overdue");
        assertThat(listedRow("patients.name")).contains(" 100d ").contains(today.minusDays(10) + " (overdue)");
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void rotateDueRotatesTheOverdueDomainsOnly(Store store) throws Exception {
        Path policy = policy(store, "master", "90d");
        assertThat(cloak(policy, "keys", "init", "--all")).isZero();
        age(store, "patients.name", 91);

        assertThat(cloak(policy, "keys", "rotate", "--due")).as(out.toString()).isZero();

        assertThat(out.toString()).contains("Rotated key domain patients.name")
                .contains("Key domain patients.ssn is not due").contains("1 key domain(s) rotated, 0 skipped");
        assertThat(cloak(policy, "keys", "list")).isZero();
        assertThat(listedRow("patients.name")).contains(" 0d ").doesNotContain("overdue");
        assertThat(out.toString()).contains("decrypt-only");
        assertThat(cloak(policy, "keys", "rotate", "--due")).isZero();
        assertThat(out.toString()).contains("0 key domain(s) rotated, 0 skipped");
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void aDomainThatCannotBeRotatedIsSkippedWithItsReasonAndTheOthersRotate(Store store) throws Exception {
        Path policy = policy(store, "master", "30d");
        assertThat(cloak(policy(store, "other", "30d"), "keys", "init", "patients.ssn")).isZero();
        assertThat(cloak(policy, "keys", "init", "patients.name")).isZero();
        age(store, "patients.ssn", 31);
        age(store, "patients.name", 31);

        assertThat(cloak(policy, "keys", "rotate", "--due")).isEqualTo(CloakCommand.EXIT_FAILURE);

        assertThat(out.toString()).contains("Rotated key domain patients.name")
                .containsPattern("Skipped key domain patients\\.ssn: .+")
                .contains("1 key domain(s) rotated, 1 skipped");
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void rotateDueNeedsARotationPeriod(Store store) throws Exception {
        Path policy = policy(store, "master", null);
        assertThat(cloak(policy, "keys", "init", "--all")).isZero();

        assertThat(cloak(policy, "keys", "rotate", "--due")).isNotZero();

        assertThat(out.toString()).contains("keyring.rotate-after");
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void doctorWarnsOfOverdueKeys(Store store) throws Exception {
        Path policy = policy(store, "master", "90d");
        assertThat(cloak(policy, "keys", "init", "--all")).isZero();
        age(store, "patients.ssn", 120);

        cloak(policy, "doctor", "--offline");

        assertThat(out.toString()).containsPattern("WARNING +keyring.rotate-after +key domain patients\\.ssn: the "
                + "active version is 120d old, due [0-9-]+ \\(overdue\\); run `cloak keys rotate --due`");
        assertThat(out.toString()).doesNotContain("key domain patients.name:");
    }
}
