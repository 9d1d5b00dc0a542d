package dev.cloak.conformance;

import dev.cloak.keyring.UniqueConstraints;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.conformance.leak.LeakCapture;
import dev.cloak.keyring.DomainUsage;
import dev.cloak.keyring.KeyAdministration;
import dev.cloak.keyring.KeyPurpose;
import dev.cloak.keyring.KeyVersion;
import dev.cloak.keyring.VersionUsage;
import dev.cloak.keyring.audit.AuditTrail;
import dev.cloak.keyring.store.DatabaseKeyStore;
import dev.cloak.keyring.store.FileGenerationLedger;
import dev.cloak.keyring.store.GenerationLedger;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Keys are never silently replaced (issue 13, part 3), through {@code jdbc:cloak:} on every database: a missing key
 * for a column that holds cells is an error naming the domain and the store (SQLState 58K01) and no key is created;
 * racing first writers share one key; a schema in the policy gives a column its own key; a key store restored from an
 * older backup is refused once the ledger has seen a newer one (SQLState 58K04). Each policy file here is read by a
 * fresh keyring, as a restarted application would.
 */
class KeysAreNeverReplacedTest {

    private static final AtomicInteger POLICIES = new AtomicInteger();
    private static final String SSN = "900-12-3456";

    @TempDir
    Path dir;

    /** A policy file for a fresh keyring: the test's master key, {@code store}, an optional ledger, the columns. */
    private Path policy(Fixture fx, String store, String ledger, String... columns) throws Exception {
        StringBuilder yaml = new StringBuilder()
                .append("version: 1\n")
                .append("keyring:\n")
                .append("  master-key: \"").append(fx.masterKeyUri()).append("\"\n")
                .append("  store: \"").append(store).append("\"\n");
        if (ledger != null) {
            yaml.append("  ledger: \"").append(ledger).append("\"\n");
        }
        yaml.append("network:\n  require-tls: false\ncolumns:\n");
        for (String column : columns) {
            yaml.append("  ").append(column).append(": { type: varchar, mode: deterministic }\n");
        }
        return Files.writeString(dir.resolve("keys-" + POLICIES.incrementAndGet() + ".yaml"), yaml.toString());
    }

    private static void insert(Connection c, String table, int id, String ssn) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id, ssn) VALUES (?, ?)")) {
            ps.setInt(1, id);
            ps.setString(2, LeakCapture.written(ssn));
            ps.executeUpdate();
        }
    }

    private static String ssnOf(Connection c, String table, int id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT ssn FROM " + table + " WHERE id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    /** How many keysets table cloak_keys holds for {@code domain}; 0 when the table does not exist. */
    private static int storedKeysets(Fixture fx, String domain) throws SQLException {
        try (PreparedStatement ps = fx.raw().prepareStatement("SELECT COUNT(*) FROM cloak_keys WHERE domain = ?")) {
            ps.setString(1, domain);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            return 0;
        }
    }

    private static void dropKeyStoreTables(Fixture fx) throws SQLException {
        fx.rawExecute("DROP TABLE IF EXISTS cloak_key_versions", "DROP TABLE IF EXISTS cloak_keys");
    }

    private static String table(Fixture fx, String base) throws SQLException {
        String t = fx.table(base);
        fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, ssn " + fx.db().binaryType() + ")");
        return t;
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aDroppedKeyStoreTableIsNotReplacedForAColumnThatHoldsCells(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = table(fx, "kn_dropped");
            insert(fx.cloak(policy(fx, "database", null, t + ".ssn")), t, 1, SSN);
            List<byte[]> before = fx.rawCells(t, "ssn");

            dropKeyStoreTables(fx);

            Connection restarted = fx.cloak(policy(fx, "database", null, t + ".ssn"));
            SQLException e = Expect.sqlState("58K01", () -> insert(restarted, t, 2, "900-23-4567"));
            assertThat(e.getMessage()).contains("key domain " + t + ".ssn").contains("DatabaseKeyStore")
                    .contains("column " + t + ".ssn already holds values");
            Expect.sqlState("58K01", () -> ssnOf(restarted, t, 1));
            assertThat(storedKeysets(fx, t + ".ssn")).isZero();
            assertThat(fx.rawCells(t, "ssn")).usingRecursiveComparison().isEqualTo(before);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void anEmptiedKeyStoreIsNotRefilledWithANewKeyForAColumnThatHoldsCells(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = table(fx, "kn_emptied");
            insert(fx.cloak(policy(fx, "database", null, t + ".ssn")), t, 1, SSN);

            try (PreparedStatement ps = fx.raw().prepareStatement("DELETE FROM cloak_keys WHERE domain = ?")) {
                ps.setString(1, t + ".ssn");
                ps.executeUpdate();
            }

            Connection restarted = fx.cloak(policy(fx, "database", null, t + ".ssn"));
            SQLException e = Expect.sqlState("58K01", () -> insert(restarted, t, 2, "900-23-4567"));
            assertThat(e.getMessage()).contains("key domain " + t + ".ssn").contains("DatabaseKeyStore");
            assertThat(storedKeysets(fx, t + ".ssn")).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aMovedKeyStoreFileIsNotReplacedForAColumnThatHoldsCells(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = table(fx, "kn_moved");
            Path keys = dir.resolve("moved-keys-" + db.slug() + ".json");
            insert(fx.cloak(policy(fx, "file:" + keys, null, t + ".ssn")), t, 1, SSN);

            Files.move(keys, dir.resolve("elsewhere-" + db.slug() + ".json"));

            Connection restarted = fx.cloak(policy(fx, "file:" + keys, null, t + ".ssn"));
            SQLException e = Expect.sqlState("58K01", () -> ssnOf(restarted, t, 1));
            assertThat(e.getMessage()).contains("key domain " + t + ".ssn").contains(keys.toString());
            assertThat(keys).doesNotExist();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aColumnThatHoldsNoValueGetsItsKeyFromAnEmptyKeyStore(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = table(fx, "kn_fresh");
            fx.rawExecute("INSERT INTO " + t + " (id, ssn) VALUES (1, NULL)");
            Path keys = dir.resolve("fresh-keys-" + db.slug() + ".json");

            Connection c = fx.cloak(policy(fx, "file:" + keys, null, t + ".ssn"));
            insert(c, t, 2, SSN);

            assertThat(ssnOf(c, t, 2)).isEqualTo(SSN);
            assertThat(keys).exists();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void processesRacingToWriteTheFirstCellShareOneKey(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = table(fx, "kn_race");
            int racers = 4;
            List<Path> policies = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                // one policy file each: a keyring each, as separate processes have, sharing only table cloak_keys
                policies.add(policy(fx, "database", null, t + ".ssn"));
            }
            ExecutorService pool = Executors.newFixedThreadPool(racers);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> writers = new ArrayList<>();
                for (int i = 0; i < racers; i++) {
                    int id = i + 1;
                    Connection c = fx.cloak(policies.get(i));
                    writers.add(pool.submit(() -> {
                        start.await();
                        insert(c, t, id, "900-00-000" + id);
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> writer : writers) {
                    writer.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }

            assertThat(storedKeysets(fx, t + ".ssn")).isEqualTo(1);
            Connection reader = fx.cloak(policy(fx, "database", null, t + ".ssn"));
            for (int id = 1; id <= racers; id++) {
                assertThat(ssnOf(reader, t, id)).isEqualTo("900-00-000" + id);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void columnsOfTwoSchemasGetTheirOwnKeysAndACellCopiedBetweenThemDoesNotDecrypt(TestDatabase db)
            throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String suffix = "_" + POLICIES.incrementAndGet() + "_" + ProcessHandle.current().pid();
            String a = "cloak_key_ta" + suffix;
            String b = "cloak_key_tb" + suffix;
            String create = db == TestDatabase.MARIADB ? "CREATE DATABASE " : "CREATE SCHEMA ";
            fx.rawExecute(create + a, create + b);
            try {
                fx.rawExecute("CREATE TABLE " + a + ".patients (id INT PRIMARY KEY, ssn " + db.binaryType() + ")",
                        "CREATE TABLE " + b + ".patients (id INT PRIMARY KEY, ssn " + db.binaryType() + ")");
                Path keys = dir.resolve("schema-keys-" + db.slug() + ".json");
                Connection c = fx.cloak(policy(fx, "file:" + keys, null, a + ".patients.ssn", b + ".patients.ssn"));
                insert(c, a + ".patients", 1, SSN);
                insert(c, b + ".patients", 1, SSN);

                byte[] cellA = rawCell(fx, a + ".patients");
                byte[] cellB = rawCell(fx, b + ".patients");
                // deterministic encryption of one value under one key would give one cell
                assertThat(cellA).isNotEqualTo(cellB);
                assertThat(Files.readString(keys)).contains("\"" + a + ".patients.ssn\"")
                        .contains("\"" + b + ".patients.ssn\"");

                try (PreparedStatement ps = fx.raw().prepareStatement("UPDATE " + b + ".patients SET ssn = ?")) {
                    ps.setBytes(1, cellA);
                    ps.executeUpdate();
                }
                Expect.sqlState("22000", () -> ssnOf(c, b + ".patients", 1));
                assertThat(ssnOf(c, a + ".patients", 1)).isEqualTo(SSN);
            } finally {
                String drop = db == TestDatabase.MARIADB ? "DROP DATABASE IF EXISTS " : "DROP SCHEMA IF EXISTS ";
                String cascade = db == TestDatabase.MARIADB ? "" : " CASCADE";
                fx.rawExecute(drop + a + cascade, drop + b + cascade);
            }
        }
    }

    private static byte[] rawCell(Fixture fx, String table) throws SQLException {
        try (Statement st = fx.raw().createStatement(); ResultSet rs = st.executeQuery("SELECT ssn FROM " + table)) {
            assertThat(rs.next()).isTrue();
            return rs.getBytes(1);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void restoringAnOlderCloakKeysBackupIsRefusedAndTheDestroyedVersionStaysGone(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = table(fx, "kn_rollback");
            String domain = t + ".ssn";
            String ledger = "file:" + dir.resolve("ledger-" + db.slug() + ".json");
            GenerationLedger ledgerFile = new FileGenerationLedger(dir.resolve("ledger-" + db.slug() + ".json"));
            KeyAdministration admin = KeyAdministration.open(fx.masterKeyUri(),
                    new DatabaseKeyStore(() -> DriverManager.getConnection(db.rawUrl())), AuditTrail.NONE, ledgerFile);
            KeyVersion first = admin.init(domain, KeyPurpose.DETERMINISTIC_AEAD, DomainUsage.UNCHECKED).primary()
                    .orElseThrow();
            insert(fx.cloak(policy(fx, "database", ledger, t + ".ssn")), t, 1, SSN);
            String[] backup = keysetRow(fx, domain);
            admin.rotate(domain, UniqueConstraints.UNCHECKED);
            admin.destroy(domain, first.id(), VersionUsage.UNCHECKED, true);
            Connection afterDestroy = fx.cloak(policy(fx, "database", ledger, t + ".ssn"));
            Expect.sqlState("22000", () -> ssnOf(afterDestroy, t, 1));

            try (PreparedStatement ps = fx.raw().prepareStatement(
                    "UPDATE cloak_keys SET keyset = ?, generation = ? WHERE domain = ?")) {
                ps.setString(1, backup[0]);
                ps.setLong(2, Long.parseLong(backup[1]));
                ps.setString(3, domain);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }

            Connection restarted = fx.cloak(policy(fx, "database", ledger, t + ".ssn"));
            SQLException e = Expect.sqlState("58K04", () -> ssnOf(restarted, t, 1));
            assertThat(e.getMessage()).contains("key domain " + domain).contains("older than generation 3")
                    .contains("ledger-" + db.slug() + ".json");
        }
    }

    /** The keyset and generation cloak_keys holds for {@code domain}, as a backup would have them. */
    private static String[] keysetRow(Fixture fx, String domain) throws SQLException {
        try (PreparedStatement ps = fx.raw().prepareStatement(
                "SELECT keyset, generation FROM cloak_keys WHERE domain = ?")) {
            ps.setString(1, domain);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return new String[] {rs.getString(1), Long.toString(rs.getLong(2))};
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void withAutoCreateOffAMissingKeyIsTheMissingKeyState(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = table(fx, "kn_off");
            Path policy = Files.writeString(dir.resolve("off-" + db.slug() + ".yaml"), Files.readString(
                    policy(fx, "file:" + dir.resolve("off-keys.json"), null, t + ".ssn"))
                    .replace("keyring:\n", "keyring:\n  auto-create: false\n"));
            Properties info = new Properties();
            info.setProperty("cloak.config", "file:" + policy);

            try (Connection c = DriverManager.getConnection(db.cloakUrl(), info)) {
                SQLException e = Expect.sqlState("58K01", () -> insert(c, t, 1, SSN));
                assertThat(e.getMessage()).contains("cloak keys init " + t + ".ssn");
            }
        }
    }
}
