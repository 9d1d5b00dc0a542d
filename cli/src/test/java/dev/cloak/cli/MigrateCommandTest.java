package dev.cloak.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.config.PolicyFile;
import dev.cloak.driver.internal.codec.CellFormat;
import dev.cloak.driver.internal.policy.CompiledPolicy;
import dev.cloak.keyring.KeyVersion;
import dev.cloak.keyring.KeyVersionStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code cloak migrate reencrypt} on H2, and on PostgreSQL and MariaDB when {@code CLOAK_TEST_POSTGRES_URL} /
 * {@code CLOAK_TEST_MARIADB_URL} name them: rows written through Cloak before and after {@code cloak keys rotate}
 * end up under the active version, read back unchanged, and stay findable by value.
 */
class MigrateCommandTest {

    /** Where the tables live; every table is {@code reenc_}-prefixed and created afresh by each test. */
    enum Database {
        H2(null, "VARBINARY(255)"),
        POSTGRESQL("CLOAK_TEST_POSTGRES_URL", "BYTEA"),
        MARIADB("CLOAK_TEST_MARIADB_URL", "VARBINARY(255)");

        private static final Set<Database> ANNOUNCED = ConcurrentHashMap.newKeySet();

        final String variable;
        final String binary;

        Database(String variable, String binary) {
            this.variable = variable;
            this.binary = binary;
        }

        /** The raw URL; skips the test, with one loud line per database, when its variable is not set. */
        String rawUrl() {
            if (variable == null) {
                return "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;USER=sa";
            }
            String url = System.getenv(variable);
            if (url == null || url.isBlank()) {
                if (ANNOUNCED.add(this)) {
                    System.err.println("*** SKIPPING migrate reencrypt tests on " + this + ": set " + variable + " ***");
                }
                Assumptions.abort(this + " is not available: set " + variable);
            }
            return url.strip();
        }
    }

    private static final int BEFORE_ROTATION = 20;
    private static final int ROWS = 30;

    @TempDir
    Path dir;

    private String raw;
    private Path trail;
    private int policies;
    private final StringWriter everything = new StringWriter();
    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    private void tables(Database db) throws SQLException {
        raw = db.rawUrl();
        trail = dir.resolve("audit.jsonl");
        try (Connection c = DriverManager.getConnection(raw); Statement s = c.createStatement()) {
            for (String table : List.of("reenc_patients", "reenc_visits", "reenc_nopk")) {
                s.execute("DROP TABLE IF EXISTS " + table);
            }
            s.execute("CREATE TABLE reenc_patients (id INT PRIMARY KEY, ssn " + db.binary + ", name " + db.binary
                    + ", dob " + db.binary + ")");
            s.execute("CREATE TABLE reenc_visits (id INT PRIMARY KEY, patient_ssn " + db.binary + ")");
            s.execute("CREATE TABLE reenc_nopk (ssn " + db.binary + ")");
        }
    }

    /** A fresh policy file each time: the driver compiles a policy once per location, keys and all. */
    private Path policy(String store) throws Exception {
        return Files.writeString(dir.resolve("cloak-" + (++policies) + ".yaml"), String.join("\n",
                "version: 1",
                "keyring:",
                "  master-key: \"local:file:" + dir.resolve("master.json") + "\"",
                "  store: \"" + store + "\"",
                "  auto-create: false",
                "columns:",
                "  reenc_patients.ssn: { type: varchar, mode: deterministic }",
                "  reenc_patients.name: { type: varchar, mode: randomized, pad: 32 }",
                "  reenc_patients.dob: { type: date, mode: randomized }",
                "  reenc_visits.patient_ssn: { type: varchar, mode: deterministic, key: reenc_patients.ssn }",
                "  reenc_nopk.ssn: { type: varchar, mode: deterministic }",
                "  reenc_gone.ssn: { type: varchar, mode: deterministic }",
                "network:",
                "  require-tls: false",
                "audit:",
                "  sink: \"file:" + trail + "\"",
                ""));
    }

    private Path policy() throws Exception {
        return policy("file:" + dir.resolve("keys.json"));
    }

    private int cloak(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        int exit = CloakCommand.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args);
        everything.append(out.toString()).append(err.toString());
        return exit;
    }

    private int reencrypt(Path policy, String column, String... more) {
        List<String> args = new ArrayList<>(List.of("migrate", "reencrypt", column, "--config", policy.toString(),
                "--url", raw));
        args.addAll(List.of(more));
        return cloak(args.toArray(String[]::new));
    }

    private void keys(Path policy, String... args) {
        List<String> all = new ArrayList<>(List.of("keys"));
        all.addAll(List.of(args));
        all.addAll(List.of("--config", policy.toString(), "--url", raw));
        assertThat(cloak(all.toArray(String[]::new))).as(err.toString()).isZero();
    }

    /** The version `cloak keys list` shows as active for {@code domain}. */
    private int active(Path policy, String domain) {
        keys(policy, "list");
        Matcher m = Pattern.compile(Pattern.quote(domain) + "\\s+\\S+\\s+(\\d+)\\s+active\\s").matcher(out.toString());
        assertThat(m.find()).as(out.toString()).isTrue();
        return KeyVersion.parseId(m.group(1));
    }

    private Connection app(Path policy) throws SQLException {
        Properties settings = new Properties();
        settings.setProperty("cloak.config", "file:" + policy);
        return DriverManager.getConnection("jdbc:cloak:" + raw.substring("jdbc:".length()), settings);
    }

    private static String ssn(int id) {
        return String.format("900-%02d-%04d", id % 100, id * 7);
    }

    /** Every fifth patient has no name: NULLs are counted, never encrypted. */
    private static String name(int id) {
        return id % 5 == 0 ? null : "Éloïse Patient " + id;
    }

    private static LocalDate dob(int id) {
        return LocalDate.of(1950, 1, 1).plusDays(id * 365L);
    }

    private void insert(Path policy, int from, int to) throws SQLException {
        try (Connection app = app(policy);
             PreparedStatement patients = app.prepareStatement("INSERT INTO reenc_patients (id, ssn, name, dob) VALUES (?, ?, ?, ?)");
             PreparedStatement visits = app.prepareStatement("INSERT INTO reenc_visits (id, patient_ssn) VALUES (?, ?)")) {
            for (int id = from; id <= to; id++) {
                patients.setInt(1, id);
                patients.setString(2, ssn(id));
                patients.setString(3, name(id));
                patients.setObject(4, dob(id));
                patients.executeUpdate();
                visits.setInt(1, id);
                visits.setString(2, ssn(id));
                visits.executeUpdate();
            }
        }
    }

    /** The Tink key id of each stored cell of {@code table.column}, by row id; NULL cells are left out. */
    private Map<Integer, Integer> keyIds(String table, String column) throws SQLException {
        Map<Integer, Integer> ids = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(raw); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT id, " + column + " FROM " + table + " ORDER BY id")) {
            while (rows.next()) {
                byte[] cell = rows.getBytes(2);
                if (cell != null) {
                    ids.put(rows.getInt(1), ByteBuffer.wrap(cell, 3, 4).getInt());
                }
            }
        }
        return ids;
    }

    private byte[] rawCell(int id) throws SQLException {
        try (Connection c = DriverManager.getConnection(raw);
             PreparedStatement ps = c.prepareStatement("SELECT name FROM reenc_patients WHERE id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getBytes(1);
            }
        }
    }

    private void setRawCell(int id, byte[] cell) throws SQLException {
        try (Connection c = DriverManager.getConnection(raw);
             PreparedStatement ps = c.prepareStatement("UPDATE reenc_patients SET name = ? WHERE id = ?")) {
            ps.setBytes(1, cell);
            ps.setInt(2, id);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private String nameThroughCloak(Path policy, int id) throws SQLException {
        try (Connection app = app(policy);
             PreparedStatement ps = app.prepareStatement("SELECT name FROM reenc_patients WHERE id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    private void assertNoPlaintextIn(String text) {
        for (int id = 1; id <= ROWS; id++) {
            assertThat(text).doesNotContain(ssn(id)).doesNotContain("Patient " + id + "\"").doesNotContain("Éloïse");
        }
    }

    /** 20 rows written, the keys rotated, 10 more rows written: the state a re-encryption starts from. */
    private Path rotatedAfterTwentyRows() throws Exception {
        Path before = policy();
        keys(before, "init", "--all");
        insert(before, 1, BEFORE_ROTATION);
        keys(before, "rotate", "reenc_patients.name");
        keys(before, "rotate", "reenc_patients.ssn");
        Path after = policy();
        insert(after, BEFORE_ROTATION + 1, ROWS);
        return after;
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void reencryptMovesEveryCellOfTheNamedColumnToTheActiveVersionAndValuesReadBackUnchanged(Database db) throws Exception {
        tables(db);
        Path policy = rotatedAfterTwentyRows();
        int nameVersion = active(policy, "reenc_patients.name");
        int ssnVersion = active(policy, "reenc_patients.ssn");
        assertThat(keyIds("reenc_patients", "name").values()).filteredOn(id -> id != nameVersion).hasSize(16);

        assertThat(reencrypt(policy, "reenc_patients.name", "--batch-size", "7")).as(err.toString()).isZero();
        assertThat(out.toString().strip()).isEqualTo("Re-encrypted reenc_patients.name under version "
                + Integer.toUnsignedString(nameVersion) + " of key domain reenc_patients.name: 30 rows scanned, "
                + "16 re-encrypted, 8 already current, 0 skipped (changed concurrently), 6 NULL; "
                + "verified: no cell left under an older version");
        assertThat(reencrypt(policy, "REENC_PATIENTS.SSN")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("30 rows scanned, 20 re-encrypted, 10 already current, 0 skipped");

        assertThat(keyIds("reenc_patients", "name")).hasSize(24).allSatisfy((id, key) -> assertThat(key).isEqualTo(nameVersion));
        assertThat(keyIds("reenc_patients", "ssn")).hasSize(ROWS).allSatisfy((id, key) -> assertThat(key).isEqualTo(ssnVersion));
        // reenc_visits.patient_ssn shares the key domain but was not named: its old cells are untouched
        assertThat(keyIds("reenc_visits", "patient_ssn").values()).filteredOn(id -> id != ssnVersion).hasSize(BEFORE_ROTATION);

        assertThat(reencrypt(policy, "reenc_visits.patient_ssn")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("under version " + Integer.toUnsignedString(ssnVersion)
                + " of key domain reenc_patients.ssn: 30 rows scanned, 20 re-encrypted, 10 already current");
        assertThat(keyIds("reenc_visits", "patient_ssn")).allSatisfy((id, key) -> assertThat(key).isEqualTo(ssnVersion));

        Path fresh = policy();
        try (Connection app = app(fresh); Statement s = app.createStatement();
             ResultSet rows = s.executeQuery("SELECT id, ssn, name, dob FROM reenc_patients")) {
            int read = 0;
            while (rows.next()) {
                int id = rows.getInt(1);
                assertThat(rows.getString(2)).isEqualTo(ssn(id));
                assertThat(rows.getString(3)).isEqualTo(name(id));
                assertThat(rows.getObject(4, LocalDate.class)).isEqualTo(dob(id));
                read++;
            }
            assertThat(read).isEqualTo(ROWS);
        }
        try (Connection app = app(fresh);
             PreparedStatement lookup = app.prepareStatement("SELECT id FROM reenc_patients WHERE ssn = ?")) {
            for (int id : new int[] {3, BEFORE_ROTATION, BEFORE_ROTATION + 5}) {
                lookup.setString(1, ssn(id));
                try (ResultSet rs = lookup.executeQuery()) {
                    assertThat(rs.next()).as("lookup of patient %d by ssn", id).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(id);
                    assertThat(rs.next()).isFalse();
                }
            }
        }
        try (Connection app = app(fresh); Statement s = app.createStatement();
             ResultSet joined = s.executeQuery("SELECT p.id, v.id FROM reenc_patients p JOIN reenc_visits v "
                     + "ON p.ssn = v.patient_ssn")) {
            int pairs = 0;
            while (joined.next()) {
                assertThat(joined.getInt(1)).isEqualTo(joined.getInt(2));
                pairs++;
            }
            assertThat(pairs).isEqualTo(ROWS);
        }

        assertThat(reencrypt(policy, "reenc_patients.name")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("30 rows scanned, 0 re-encrypted, 24 already current, 0 skipped");
        assertNoPlaintextIn(everything.toString());
    }

    @Test
    void reencryptionIsAuditedWithTheDomainAndTheActiveVersionAndTheTrailVerifies() throws Exception {
        tables(Database.H2);
        Path policy = rotatedAfterTwentyRows();
        int nameVersion = active(policy, "reenc_patients.name");

        assertThat(reencrypt(policy, "reenc_patients.name")).as(err.toString()).isZero();

        String records = Files.readString(trail);
        assertThat(records).contains("\"event\":\"reencrypted\",\"domain\":\"reenc_patients.name\",\"version\":\""
                + Integer.toUnsignedString(nameVersion) + "\",\"outcome\":\"ok\"");
        assertNoPlaintextIn(records);
        assertThat(cloak("audit", "verify", trail.toString())).as(out.toString()).isZero();
    }

    @Test
    void aDatabaseKeyStoreWorksThroughTheSameUrl() throws Exception {
        tables(Database.H2);
        Path policy = policy("database");
        keys(policy, "init", "--all");
        insert(policy, 1, 4);
        keys(policy, "rotate", "reenc_patients.name");
        int nameVersion = active(policy, "reenc_patients.name");

        assertThat(reencrypt(policy, "reenc_patients.name")).as(err.toString()).isZero();

        assertThat(out.toString()).contains("4 rows scanned, 4 re-encrypted, 0 already current");
        assertThat(keyIds("reenc_patients", "name")).allSatisfy((id, key) -> assertThat(key).isEqualTo(nameVersion));
        assertThat(nameThroughCloak(policy("database"), 2)).isEqualTo(name(2));
    }

    @Test
    void aCellThatFailsToDecryptIsCountedLeftAloneAndFailsTheRunWithoutHidingTheOthers() throws Exception {
        tables(Database.H2);
        Path policy = rotatedAfterTwentyRows();
        byte[] tampered = rawCell(4);
        tampered[tampered.length - 1] ^= 1;
        setRawCell(4, tampered);

        assertThat(reencrypt(policy, "reenc_patients.name")).isEqualTo(CloakCommand.EXIT_FAILURE);

        assertThat(out.toString()).contains("15 re-encrypted, 8 already current, 0 skipped (changed concurrently), "
                + "6 NULL, 1 failed; verified: 1 cell(s) left under older versions");
        assertThat(err.toString().strip()).startsWith("cloak migrate reencrypt: 1 cell(s) of reenc_patients.name could "
                + "not be re-encrypted and stay under older versions (first: ").contains("SQLState 22000").doesNotContain("\n");
        assertThat(rawCell(4)).isEqualTo(tampered);
        assertThat(nameThroughCloak(policy(), 3)).isEqualTo(name(3));
        assertThat(Files.readString(trail)).contains("\"event\":\"reencrypted\",\"domain\":\"reenc_patients.name\"")
                .contains("\"outcome\":\"failed\"");
        assertNoPlaintextIn(everything.toString());
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aTableWithoutPrimaryKeyIsRefusedWithOneLine(Database db) throws Exception {
        tables(db);
        Path policy = policy();
        keys(policy, "init", "--all");

        assertThat(reencrypt(policy, "reenc_nopk.ssn")).isEqualTo(CloakCommand.EXIT_FAILURE);

        assertThat(err.toString()).containsPattern("^cloak migrate reencrypt: table (?i:reenc_nopk) has no primary key: ")
                .hasLineCount(1);
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aColumnThatIsNotEncryptedIsRefusedWithOneLine() throws Exception {
        tables(Database.H2);
        Path policy = policy();

        assertThat(reencrypt(policy, "reenc_patients.id")).isEqualTo(CloakCommand.EXIT_FAILURE);

        assertThat(err.toString().strip()).isEqualTo("cloak migrate reencrypt: column reenc_patients.id is not an "
                + "encrypted column of policy " + policy);
    }

    @Test
    void aPolicyColumnWhoseTableIsMissingIsRefusedWithOneLine() throws Exception {
        tables(Database.H2);
        Path policy = policy();
        keys(policy, "init", "--all");

        assertThat(reencrypt(policy, "reenc_gone.ssn")).isEqualTo(CloakCommand.EXIT_FAILURE);

        assertThat(err.toString().strip()).isEqualTo("cloak migrate reencrypt: the database has no column reenc_gone.ssn "
                + "(as the policy names it): check --url and the table");
    }

    @Test
    void withoutUrlItIsAUsageError() throws Exception {
        Path policy = policy();

        assertThat(cloak("migrate", "reencrypt", "reenc_patients.name", "--config", policy.toString())).isEqualTo(2);

        assertThat(err.toString()).contains("Missing required option: '--url=JDBC_URL'");
    }

    @Test
    void migrateAndReencryptPrintHelp() {
        assertThat(cloak("migrate", "reencrypt", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: cloak migrate reencrypt", "TABLE.COLUMN", "--config", "--url",
                "--batch-size");

        assertThat(cloak("migrate", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: cloak migrate", "reencrypt", "encrypt", "decrypt", "rekey", "rollback");
        assertThat(CloakCommand.commandLine().getSubcommands().get("migrate").getSubcommands())
                .containsOnlyKeys("reencrypt", "encrypt", "decrypt", "rekey", "status", "rollback", "finish");
        assertThat(cloak("migrate")).isEqualTo(2);
        assertThat(err.toString()).startsWith("Missing subcommand");
    }

    // The compare-and-set, seen from inside: a concurrent writer runs between a batch's read and its write-back.

    /** The engine as the command builds it, with {@code afterRead} run between each read and its write-back. */
    private Reencryption.Outcome runEngine(Path policy, int batchSize, Runnable afterRead) throws Exception {
        var config = PolicyFile.load(policy.toString());
        ColumnPolicy name = config.columns().stream().filter(c -> c.column().equals("name")).findFirst().orElseThrow();
        KeyVersion active = new KeyVersion(active(policy, "reenc_patients.name"), KeyVersionStatus.ACTIVE);
        try (Connection connection = DriverManager.getConnection(raw);
             CompiledPolicy compiled = CompiledPolicy.compile(config, () -> DriverManager.getConnection(raw),
                     List.of(() -> DriverManager.getConnection(raw)), CompiledPolicy.dialectOf(raw))) {
            StoredTable table = StoredTable.resolve(connection, name);
            return new Reencryption(compiled.codecOf(name), active, table, batchSize, true, rows -> { }, afterRead)
                    .run(connection);
        }
    }

    private Runnable writes(ThrowingWrite... attempts) {
        AtomicInteger call = new AtomicInteger();
        return () -> {
            int n = call.getAndIncrement();
            if (n < attempts.length) {
                try {
                    attempts[n].run();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    interface ThrowingWrite {
        void run() throws SQLException;
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aRowWrittenConcurrentlyIsNotOverwrittenAndIsRetried(Database db) throws Exception {
        tables(db);
        Path before = policy();
        keys(before, "init", "--all");
        insert(before, 1, 4);
        keys(before, "rotate", "reenc_patients.name");
        byte[] oldCellOfRow4 = rawCell(4);

        Reencryption.Outcome outcome = runEngine(policy(), 100, writes(() -> setRawCell(3, oldCellOfRow4)));

        assertThat(outcome).isEqualTo(new Reencryption.Outcome(4, 4, 0, 0, 0, 0, null, 0, 0));
        // the concurrent writer's value won; the re-encryption never wrote row 3's old value back
        assertThat(nameThroughCloak(policy(), 3)).isEqualTo(name(4));
        assertThat(nameThroughCloak(policy(), 4)).isEqualTo(name(4));
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aRowThatKeepsChangingIsSkippedReportedAndFinishedByTheNextRun(Database db) throws Exception {
        tables(db);
        Path before = policy();
        keys(before, "init", "--all");
        insert(before, 1, 4);
        keys(before, "rotate", "reenc_patients.name");
        byte[] oldCellOfRow1 = rawCell(1);
        byte[] oldCellOfRow2 = rawCell(2);

        Reencryption.Outcome outcome = runEngine(policy(), 100,
                writes(() -> setRawCell(3, oldCellOfRow1), () -> setRawCell(3, oldCellOfRow2)));

        assertThat(outcome).isEqualTo(new Reencryption.Outcome(4, 3, 0, 1, 0, 0, null, 1, 0));
        Path policy = policy();
        assertThat(reencrypt(policy, "reenc_patients.name")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("4 rows scanned, 1 re-encrypted, 3 already current, 0 skipped");
        assertThat(nameThroughCloak(policy, 3)).isEqualTo(name(2));
    }

    @Test
    void aCellWrittenUnderAnOldVersionBehindTheWalkIsFoundByVerification() throws Exception {
        tables(Database.H2);
        Path before = policy();
        keys(before, "init", "--all");
        insert(before, 1, 4);
        keys(before, "rotate", "reenc_patients.name");
        byte[] oldCellOfRow1 = rawCell(1);

        // batches of 2: while the second batch is read, an application with a stale key cache rewrites row 1
        Reencryption.Outcome outcome = runEngine(policy(), 2, writes(() -> { }, () -> setRawCell(1, oldCellOfRow1)));

        assertThat(outcome).isEqualTo(new Reencryption.Outcome(4, 4, 0, 0, 0, 0, null, 0, 1));
        assertThat(CellFormat.usesKey(rawCell(1), active(policy(), "reenc_patients.name"))).isFalse();
    }
}
