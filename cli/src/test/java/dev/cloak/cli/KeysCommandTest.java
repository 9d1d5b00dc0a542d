package dev.cloak.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code cloak keys …} on H2, with the keys in a file store and in the database store. */
class KeysCommandTest {

    /** Where the policy keeps its keys. */
    enum Store { FILE, DATABASE }

    @TempDir
    Path dir;

    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();
    private String h2;
    private Path trail;
    private int policies;

    @BeforeEach
    void database() throws SQLException {
        h2 = "h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;USER=sa";
        trail = dir.resolve("audit.jsonl");
        try (Connection raw = DriverManager.getConnection("jdbc:" + h2); Statement s = raw.createStatement()) {
            s.execute("CREATE TABLE patients (id INT PRIMARY KEY, ssn VARBINARY(200), name VARBINARY(200))");
        }
    }

    private int cloak(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        return CloakCommand.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
    }

    /** A fresh policy file each time: the driver compiles a policy once per location, keys and all. */
    private Path policy(Store store, String master) throws Exception {
        String keyStore = store == Store.FILE ? "file:" + dir.resolve("keys.json") : "database";
        return Files.writeString(dir.resolve("cloak-" + (++policies) + ".yaml"), String.join("\n",
                "version: 1",
                "keyring:",
                "  master-key: \"local:file:" + dir.resolve(master + ".json") + "\"",
                "  store: \"" + keyStore + "\"",
                "  auto-create: false",
                "columns:",
                "  patients.ssn: { type: varchar, mode: deterministic }",
                "  patients.name: { type: varchar, mode: randomized }",
                "audit:",
                "  sink: \"file:" + trail + "\"",
                ""));
    }

    private int keysCommand(Store store, Path policy, String... args) {
        List<String> all = new ArrayList<>(List.of("keys"));
        all.addAll(List.of(args));
        all.add("--config");
        all.add(policy.toString());
        // the database store lives in it, and init asks it whether the columns hold values
        all.add("--url");
        all.add("jdbc:" + h2);
        return cloak(all.toArray(String[]::new));
    }

    private Connection app(Path policy) throws SQLException {
        Properties settings = new Properties();
        settings.setProperty("cloak.config", "file:" + policy);
        return DriverManager.getConnection("jdbc:cloak:" + h2, settings);
    }

    private void insert(Path policy, int id, String ssn, String name) throws SQLException {
        try (Connection app = app(policy);
             PreparedStatement ps = app.prepareStatement("INSERT INTO patients (id, ssn, name) VALUES (?, ?, ?)")) {
            ps.setInt(1, id);
            ps.setString(2, ssn);
            ps.setString(3, name);
            ps.executeUpdate();
        }
    }

    private String nameOf(Path policy, int id) throws SQLException {
        try (Connection app = app(policy);
             PreparedStatement ps = app.prepareStatement("SELECT name FROM patients WHERE id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private int storedKeyId(int id) throws SQLException {
        try (Connection raw = DriverManager.getConnection("jdbc:" + h2);
             PreparedStatement ps = raw.prepareStatement("SELECT name FROM patients WHERE id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return ByteBuffer.wrap(rs.getBytes(1), 3, 4).getInt();
            }
        }
    }

    /** The version `cloak keys list` shows for patients.name with the given status. */
    private String listedVersion(Store store, Path policy, String status) {
        assertThat(keysCommand(store, policy, "list")).as(err.toString()).isZero();
        Matcher m = Pattern.compile("patients\\.name\\s+aead\\s+(\\d+)\\s+" + Pattern.quote(status) + "\\s").matcher(out.toString());
        assertThat(m.find()).as(out.toString()).isTrue();
        return m.group(1);
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void initAllCreatesEveryKeyDomainAndListShowsThemWithoutKeyBytes(Store store) throws Exception {
        Path policy = policy(store, "master");

        assertThat(keysCommand(store, policy, "init", "--all")).as(err.toString()).isZero();

        assertThat(out.toString()).contains("Created key domain patients.ssn (deterministic-aead)",
                "Created key domain patients.name (aead)");
        assertThat(keysCommand(store, policy, "list")).isZero();
        assertThat(out.toString()).containsPattern("patients\\.ssn\\s+deterministic-aead\\s+\\d+\\s+active\\s+.*local: \\(policy's\\)")
                .containsPattern("patients\\.name\\s+aead\\s+\\d+\\s+active");
        String masterKeyJson = Files.readString(dir.resolve("master.json"));
        String keyValue = masterKeyJson.replaceAll("(?s).*\"value\"\\s*:\\s*\"([^\"]{12}).*", "$1");
        assertThat(out.toString() + err).doesNotContain(keyValue);
        if (store == Store.FILE) {
            String wrapped = Files.readString(dir.resolve("keys.json")).replaceAll("(?s).*\"keyset\":\"([^\"]{16}).*", "$1");
            assertThat(out.toString() + err).doesNotContain(wrapped);
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void initOfAnExistingKeyFailsWithOneLineAndInitAllLeavesItAlone(Store store) throws Exception {
        Path policy = policy(store, "master");
        assertThat(keysCommand(store, policy, "init", "patients.ssn")).isZero();

        assertThat(keysCommand(store, policy, "init", "patients.ssn")).isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo("cloak keys init: key domain patients.ssn already exists");
        assertThat(keysCommand(store, policy, "init", "--all")).isZero();
        assertThat(out.toString()).contains("patients.ssn already exists: left unchanged", "Created key domain patients.name");
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void initRefusesAColumnThatAlreadyHoldsValuesNamingDomainStoreAndColumn(Store store) throws Exception {
        Path policy = policy(store, "master");
        try (Connection raw = DriverManager.getConnection("jdbc:" + h2); Statement s = raw.createStatement()) {
            // a cell written under a key that the key store no longer has
            s.execute("INSERT INTO patients (id, ssn) VALUES (1, X'0102010000000a0b0c0d')");
        }

        assertThat(keysCommand(store, policy, "init", "--all")).isEqualTo(1);

        assertThat(err.toString()).contains("key domain patients.ssn has no keyset in")
                .contains(store == Store.FILE ? "keys.json" : "cloak_keys")
                .contains("column patients.ssn already holds values");
        assertThat(keysCommand(store, policy, "list")).isZero();
        assertThat(out.toString()).contains("No key domains yet");
    }

    @Test
    void initWithoutAUrlIsRefusedSinceItCannotCheckTheColumns() throws Exception {
        Path policy = policy(Store.FILE, "master");

        int status = cloak("keys", "init", "--all", "--config", policy.toString());

        assertThat(status).isNotZero();
        assertThat(err.toString()).contains("give --url");
        assertThat(dir.resolve("keys.json")).doesNotExist();
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void afterRotateOldCellsStillDecryptAndNewCellsUseTheNewVersion(Store store) throws Exception {
        Path policy = policy(store, "master");
        keysCommand(store, policy, "init", "--all");
        insert(policy, 1, "123-45-6789", "Ada Lovelace");

        assertThat(keysCommand(store, policy, "rotate", "patients.name")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("Rotated key domain patients.name");

        String active = listedVersion(store, policy, "active");
        String old = listedVersion(store, policy, "decrypt-only");
        Path rotated = policy(store, "master");
        insert(rotated, 2, "234-56-7890", "Alan Turing");
        assertThat(Integer.toUnsignedString(storedKeyId(1))).isEqualTo(old);
        assertThat(Integer.toUnsignedString(storedKeyId(2))).isEqualTo(active);
        assertThat(nameOf(rotated, 1)).isEqualTo("Ada Lovelace");
        assertThat(nameOf(rotated, 2)).isEqualTo("Alan Turing");
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void rewrapMovesTheKeysToASecondLocalMasterKeyAndTheCellsStayReadable(Store store) throws Exception {
        Path policy = policy(store, "master");
        keysCommand(store, policy, "init", "--all");
        insert(policy, 1, "123-45-6789", "Ada Lovelace");

        assertThat(keysCommand(store, policy, "rewrap", "--master", "local:file:" + dir.resolve("master2.json")))
                .as(err.toString()).isZero();

        assertThat(out.toString()).contains("Re-wrapped 2 keyset(s)").doesNotContain("master2.json\"");
        Path moved = policy(store, "master2");
        assertThat(nameOf(moved, 1)).isEqualTo("Ada Lovelace");
        assertThat(keysCommand(store, moved, "list")).isZero();
        assertThat(out.toString()).contains("local: (policy's)").doesNotContain("(other)");
        assertThat(keysCommand(store, policy(store, "master"), "rotate", "patients.name")).isEqualTo(1);
        assertThat(err.toString()).contains("does not unwrap under the master key");
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void retireRefusesToDestroyAUsedVersionWithoutForceAndDestroyWithForceShredsItsCells(Store store) throws Exception {
        Path policy = policy(store, "master");
        keysCommand(store, policy, "init", "--all");
        insert(policy, 1, "123-45-6789", "Ada Lovelace");
        keysCommand(store, policy, "rotate", "patients.name");
        String old = listedVersion(store, policy, "decrypt-only");
        Path rotated = policy(store, "master");
        insert(rotated, 2, "234-56-7890", "Alan Turing");

        assertThat(cloak("keys", "retire", "patients.name", "--version", old, "--destroy", "--config", policy.toString(),
                "--url", "jdbc:" + h2)).isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo("cloak keys retire: 1 stored cell(s) still use version " + old
                + " of key domain patients.name; re-encrypt them first (cloak migrate reencrypt) or destroy them with --force");
        if (store == Store.FILE) {
            assertThat(cloak("keys", "retire", "patients.name", "--version", old, "--destroy", "--config", policy.toString()))
                    .isEqualTo(1);
            assertThat(err.toString()).contains("give --url");
        }
        assertThat(nameOf(policy(store, "master"), 1)).isEqualTo("Ada Lovelace");

        assertThat(keysCommand(store, policy, "retire", "patients.name", "--version", old)).as(err.toString()).isZero();
        assertThat(out.toString()).contains("Version " + old + " of key domain patients.name is decrypt-only");
        assertThat(keysCommand(store, policy, "retire", "patients.name", "--version", old, "--destroy", "--force"))
                .as(err.toString()).isZero();

        assertThat(listedVersion(store, policy, "destroyed")).isEqualTo(old);
        Path shredded = policy(store, "master");
        SQLException e = catchThrowableOfType(() -> nameOf(shredded, 1), SQLException.class);
        assertThat(e.getSQLState()).isEqualTo("22000");
        assertThat(e.getMessage()).doesNotContain("Ada");
        assertThat(nameOf(shredded, 2)).isEqualTo("Alan Turing");
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void retiringTheActiveVersionIsRefused(Store store) throws Exception {
        Path policy = policy(store, "master");
        keysCommand(store, policy, "init", "--all");
        String active = listedVersion(store, policy, "active");

        assertThat(keysCommand(store, policy, "retire", "patients.name", "--version", active)).isEqualTo(1);

        assertThat(err.toString()).contains("is the active version; rotate the key first");
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void aScriptedKeySessionLeavesAnAuditTrailThatVerifies(Store store) throws Exception {
        Path policy = policy(store, "master");
        keysCommand(store, policy, "init", "--all");
        keysCommand(store, policy, "rotate", "patients.name");
        String old = listedVersion(store, policy, "decrypt-only");
        keysCommand(store, policy, "retire", "patients.name", "--version", old);
        keysCommand(store, policy, "retire", "patients.name", "--version", old, "--destroy", "--force");
        keysCommand(store, policy, "rewrap", "--master", "local:file:" + dir.resolve("master2.json"));

        assertThat(cloak("audit", "verify", trail.toString())).as(out.toString()).isZero();
        String records = Files.readString(trail);
        assertThat(records).contains("\"event\":\"created\"", "\"event\":\"rotated\"", "\"event\":\"retired\"",
                "\"event\":\"destroyed\"", "\"event\":\"rewrapped\"");
    }

    @Test
    void aDatabaseStoreWithoutUrlFailsWithOneLine() throws Exception {
        Path policy = policy(Store.DATABASE, "master");

        assertThat(cloak("keys", "list", "--config", policy.toString())).isEqualTo(1);

        assertThat(err.toString().strip()).isEqualTo("cloak keys list: keyring.store is 'database': give --url JDBC_URL");
    }

    @Test
    void aColumnThatIsNotEncryptedFailsWithOneLine() throws Exception {
        Path policy = policy(Store.FILE, "master");

        assertThat(cloak("keys", "rotate", "patients.id", "--config", policy.toString())).isEqualTo(1);

        assertThat(err.toString().strip()).startsWith("cloak keys rotate: column patients.id is not an encrypted column");
    }

    @ParameterizedTest
    @ValueSource(strings = {"init", "list", "rotate", "rewrap", "retire"})
    void everyKeysSubcommandPrintsHelp(String subcommand) {
        assertThat(cloak("keys", subcommand, "--help")).isZero();

        assertThat(out.toString()).contains("Usage: cloak keys " + subcommand).contains("--config");
    }
}
