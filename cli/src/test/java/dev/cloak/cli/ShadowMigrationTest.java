package dev.cloak.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.cloak.cli.MigrateCommandTest.Database;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 16, stage 2: {@code cloak migrate encrypt} of an existing plaintext column with a UNIQUE constraint, step by
 * step, on H2, PostgreSQL and MariaDB, with an application writing and looking up through Cloak (its policy lists the
 * column throughout) between the steps; then finish, and rollback from before and after the cut-over.
 */
class ShadowMigrationTest {

    private static final int ROWS = 250;

    @TempDir
    Path dir;

    private String raw;
    private Path policy;
    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();
    private final StringWriter everything = new StringWriter();

    private void table(Database db) throws Exception {
        table(db, "VARCHAR(100)");
        try (Connection c = DriverManager.getConnection(raw)) {
            insertRows(c);
        }
    }

    private void table(Database db, String emailType) throws Exception {
        raw = db.rawUrl();
        try (Connection c = DriverManager.getConnection(raw); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS shm_users");
            s.execute("DROP TABLE IF EXISTS cloak_migration_ranges");
            s.execute("DROP TABLE IF EXISTS cloak_migrations");
            s.execute("CREATE TABLE shm_users (id INT PRIMARY KEY, email " + emailType + " NOT NULL, name VARCHAR(100), "
                    + "CONSTRAINT shm_users_email_key UNIQUE (email))");
        }
        policy = Files.writeString(dir.resolve("cloak.yaml"), String.join("\n",
                "version: 1",
                "keyring:",
                "  master-key: \"local:file:" + dir.resolve("master.json") + "\"",
                "  store: \"file:" + dir.resolve("keys.json") + "\"",
                "  auto-create: true",
                "  cache: { ttl: 1s }",
                "columns:",
                "  shm_users.email: { type: varchar, mode: deterministic }",
                "network:",
                "  require-tls: false",
                ""));
    }

    private static void insertRows(Connection c) throws SQLException {
        {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO shm_users (id, email, name) VALUES (?, ?, ?)")) {
                for (int i = 1; i <= ROWS; i++) {
                    p.setInt(1, i);
                    p.setString(2, "user" + i + "@example.org");
                    p.setString(3, i % 7 == 0 ? null : "Name " + i);
                    p.addBatch();
                }
                p.executeBatch();
            }
        }
    }

    private int cloak(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        int exit = CloakCommand.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args);
        everything.append(out.toString()).append(err.toString());
        return exit;
    }

    private int migrate(String sub, String... more) {
        List<String> args = new ArrayList<>(List.of("migrate", sub));
        args.addAll(List.of(more));
        args.addAll(List.of("--config", policy.toString(), "--url", raw));
        return cloak(args.toArray(String[]::new));
    }

    private Connection app() throws SQLException {
        Properties p = new Properties();
        p.setProperty("cloak.config", "file:" + policy);
        return DriverManager.getConnection("jdbc:cloak:" + raw.substring("jdbc:".length()), p);
    }

    /** What the application does in every state: insert, update, look up, and a refused duplicate. */
    private void applicationWorks(int id) throws Exception {
        try (Connection app = app()) {
            try (PreparedStatement p = app.prepareStatement("INSERT INTO shm_users (id, email, name) VALUES (?, ?, ?)")) {
                p.setInt(1, id);
                p.setString(2, "new" + id + "@example.org");
                p.setString(3, "New " + id);
                p.executeUpdate();
            }
            try (PreparedStatement p = app.prepareStatement("UPDATE shm_users SET email = ? WHERE id = ?")) {
                p.setString(1, "changed" + (id % 50 + 1) + "@example.org");
                p.setInt(2, id % 50 + 1);
                p.executeUpdate();
            }
            assertThat(emailOf(app, id)).isEqualTo("new" + id + "@example.org");
            assertThat(idOf(app, "new" + id + "@example.org")).isEqualTo(id);
            assertThat(idOf(app, "user" + 200 + "@example.org")).isEqualTo(200);
            try (PreparedStatement p = app.prepareStatement("INSERT INTO shm_users (id, email) VALUES (?, ?)")) {
                p.setInt(1, id + 100_000);
                p.setString(2, "user" + 200 + "@example.org");
                assertThatThrownBy(p::executeUpdate).as("a duplicate is refused").isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("23"));
            }
        }
    }

    /** Rows left alone read back as seeded; rows 2 to {@code lastChanged}, changed during the migration, as changed. */
    private static void readsBack(Connection app, int lastChanged) throws SQLException {
        for (int id : new int[] {1, 60, 200, ROWS}) {
            assertThat(emailOf(app, id)).as("row " + id).isEqualTo("user" + id + "@example.org");
        }
        for (int id = 2; id <= lastChanged; id++) {
            assertThat(emailOf(app, id)).as("row " + id + ", changed during the migration")
                    .isEqualTo("changed" + id + "@example.org");
        }
    }

    private static String emailOf(Connection app, int id) throws SQLException {
        try (PreparedStatement p = app.prepareStatement("SELECT email FROM shm_users WHERE id = ?")) {
            p.setInt(1, id);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    private static Integer idOf(Connection app, String email) throws SQLException {
        try (PreparedStatement p = app.prepareStatement("SELECT id FROM shm_users WHERE email = ?")) {
            p.setString(1, email);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? r.getInt(1) : null;
            }
        }
    }

    /** Waits out the application's cache of the migration's state. */
    private static void ttl() throws InterruptedException {
        Thread.sleep(1_200);
    }

    private long rawCount(String where) throws SQLException {
        try (Connection c = DriverManager.getConnection(raw); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT COUNT(*) FROM shm_users WHERE " + where)) {
            r.next();
            return r.getLong(1);
        }
    }

    /** Rows whose stored email is not a Cloak cell (byte 0x01 first). */
    private long plaintextCells() throws SQLException {
        long plain = 0;
        try (Connection c = DriverManager.getConnection(raw); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT email FROM shm_users")) {
            while (r.next()) {
                byte[] cell = r.getBytes(1);
                if (cell == null || cell.length < 8 || cell[0] != 1 || cell[1] != 2) {
                    plain++;
                }
            }
        }
        return plain;
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void encryptStepByStepWhileTheApplicationWritesThenFinish(Database db) throws Exception {
        table(db);
        assertThat(migrate("encrypt", "shm_users.email", "--step", "prepare")).as(everything.toString()).isZero();
        ttl();
        applicationWorks(1001);

        assertThat(migrate("encrypt", "shm_users.email", "--step", "backfill", "--batch-size", "40", "--threads", "3"))
                .as(everything.toString()).isZero();
        assertThat(out.toString()).contains("rows/s");
        applicationWorks(1002);
        assertThat(migrate("encrypt", "shm_users.email", "--step", "verify")).as(everything.toString()).isZero();
        assertThat(out.toString()).contains("0 wrong");
        applicationWorks(1003);
        assertThat(migrate("encrypt", "shm_users.email", "--step", "cutover")).as(everything.toString()).isZero();
        ttl();
        applicationWorks(1004);

        assertThat(plaintextCells()).isZero();
        // the plaintext is kept for rows written before the cut-over; row 5, changed after it, had its copy cleared
        assertThat(rawCount("email_plaintext IS NOT NULL")).isEqualTo(ROWS + 3 - 1);
        assertThat(rawCount("id = 5 AND email_plaintext IS NULL")).isOne();
        try (Connection app = app()) {
            readsBack(app, 5);
            assertThat(emailOf(app, 1001)).isEqualTo("new1001@example.org");
        }
        assertThat(migrate("status")).isZero();
        assertThat(out.toString()).contains("shm_users.email", "encrypt", "cut-over");

        assertThat(migrate("finish", "shm_users.email")).isNotZero();
        assertThat(migrate("finish", "shm_users.email", "--drop-plaintext")).as(everything.toString()).isZero();
        applicationWorks(1005);
        assertThat(plaintextCells()).isZero();
        assertThatThrownBy(() -> rawCount("email_plaintext IS NULL")).isInstanceOf(SQLException.class);
        assertThat(migrate("rollback", "shm_users.email")).isNotZero();
        assertThat(everything.toString()).doesNotContain("user200@example.org", "new1001@example.org");

        // the way back out after a finished encryption starts afresh
        assertThat(migrate("decrypt", "shm_users.email", "--type", "VARCHAR(100)")).as(everything.toString()).isZero();
        ttl();
        applicationWorks(1006);
        assertThat(rawCount("email = 'user200@example.org'")).isOne();
        assertThat(rawCount("email = 'new1006@example.org'")).isOne();
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void theDefaultRunsEveryStepAndRollbackAfterTheCutOverPutsThePlaintextBack(Database db) throws Exception {
        table(db);
        assertThat(migrate("encrypt", "shm_users.email", "--batch-size", "64")).as(everything.toString()).isZero();
        assertThat(out.toString()).contains("prepared", "backfilled", "verified", "cut over", "waiting");
        applicationWorks(2001);

        assertThat(migrate("rollback", "shm_users.email")).as(everything.toString()).isZero();
        ttl();
        applicationWorks(2002);
        try (Connection c = DriverManager.getConnection(raw); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT email FROM shm_users WHERE id = 2001")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getString(1)).as("written after the cut-over, back in plaintext")
                    .isEqualTo("new2001@example.org");
        }
        assertThat(rawCount("email LIKE 'user%'")).isEqualTo(ROWS - 2);
        assertThat(rawCount("email = 'changed2@example.org'")).isOne();
        assertThat(migrate("status")).isZero();
        assertThat(out.toString()).contains("rolled-back");

        // and again from the start, rolled back before the cut-over this time
        assertThat(migrate("encrypt", "shm_users.email", "--step", "prepare")).as(everything.toString()).isZero();
        assertThat(migrate("encrypt", "shm_users.email", "--step", "backfill")).as(everything.toString()).isZero();
        assertThat(migrate("rollback", "shm_users.email")).as(everything.toString()).isZero();
        ttl();
        applicationWorks(2003);
        assertThatThrownBy(() -> rawCount("email_cloak IS NULL")).isInstanceOf(SQLException.class);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void decryptTakesAnEncryptedColumnBackToPlaintextOnlineAndFinishDropsTheCells(Database db) throws Exception {
        table(db, db.binary);
        try (Connection app = app()) {
            insertRows(app);
        }
        assertThat(plaintextCells()).isZero();
        applicationWorks(3001);

        assertThat(migrate("decrypt", "shm_users.email", "--type", "VARCHAR(100)", "--threads", "2",
                "--batch-size", "50")).as(everything.toString()).isZero();
        assertThat(out.toString()).contains("cut over", "now holds plaintext");
        applicationWorks(3002);
        assertThat(rawCount("email = 'user200@example.org'")).isOne();
        assertThat(rawCount("email = 'new3002@example.org'")).isOne();
        assertThat(rawCount("email LIKE '%@example.org'")).isEqualTo(ROWS + 2);

        assertThat(migrate("finish", "shm_users.email", "--drop-cells")).as(everything.toString()).isZero();
        applicationWorks(3003);
        assertThatThrownBy(() -> rawCount("email_cells IS NULL")).isInstanceOf(SQLException.class);
        assertThat(everything.toString()).doesNotContain("user200@example.org");
    }

    /**
     * The catch-up passes of verify and cut-over end while the application keeps inserting rows above the highest key
     * (each new row's shadow is empty until a later pass): they used to chase that tail for as long as it grew.
     */
    @ParameterizedTest
    @EnumSource(Database.class)
    void catchUpEndsWhileTheApplicationKeepsInsertingAboveIt(Database db) throws Throwable {
        table(db);
        assertThat(migrate("encrypt", "shm_users.email", "--step", "prepare")).as(everything.toString()).isZero();
        assertThat(migrate("encrypt", "shm_users.email", "--step", "backfill")).as(everything.toString()).isZero();
        whileInsertingAbove(0, () -> {
            int exit = assertTimeoutPreemptively(Duration.ofSeconds(120),
                    () -> migrate("encrypt", "shm_users.email", "--step", "verify", "--batch-size", "16"));
            assertThat(exit).as(everything.toString()).isZero();
            assertThat(out.toString()).contains("0 wrong");
        });
        assertThat(migrate("encrypt", "shm_users.email", "--step", "cutover")).as(everything.toString()).isZero();
        assertThat(plaintextCells()).isZero();
    }

    /**
     * The backfill ends while the application inserts rows faster than it fills them: its last key range, open
     * upwards, used to chase the new rows for as long as they came (a CI run's backfill never ended). It now stops at
     * the highest key of its start and leaves the rows above to the catch-up passes.
     */
    @ParameterizedTest
    @EnumSource(Database.class)
    void backfillEndsWhileTheApplicationInsertsFasterThanItFills(Database db) throws Throwable {
        table(db);
        assertThat(migrate("encrypt", "shm_users.email", "--step", "prepare")).as(everything.toString()).isZero();
        // about 1,000 rows a second, ten times the backfill's limit
        whileInsertingAbove(1, () -> {
            int exit = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> migrate("encrypt", "shm_users.email",
                    "--step", "backfill", "--batch-size", "16", "--max-rows-per-second", "100"));
            assertThat(exit).as(everything.toString()).isZero();
        });
        assertThat(migrate("encrypt", "shm_users.email")).as(everything.toString()).isZero();
        assertThat(plaintextCells()).isZero();
    }

    /**
     * Runs {@code work} while a thread inserts plaintext rows above every key, pausing {@code pauseMillis} after each
     * (0: as fast as the database takes them).
     */
    private void whileInsertingAbove(long pauseMillis, org.junit.jupiter.api.function.Executable work)
            throws Throwable {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong inserted = new AtomicLong();
        Thread inserter = new Thread(() -> {
            try (Connection c = DriverManager.getConnection(raw);
                 PreparedStatement p = c.prepareStatement("INSERT INTO shm_users (id, email) VALUES (?, ?)")) {
                for (int id = 1_000_000; !stop.get(); id++) {
                    p.setInt(1, id);
                    p.setString(2, "tail" + id + "@example.org");
                    p.executeUpdate();
                    inserted.incrementAndGet();
                    Thread.sleep(pauseMillis);
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tail-inserter");
        inserter.start();
        try {
            while (inserted.get() < 200) {
                Thread.sleep(10);
            }
            work.execute();
        } finally {
            stop.set(true);
            inserter.join(10_000);
        }
    }

    /** The backfill's ranges hold about equal numbers of rows when the keys are sparse (a far higher sequence). */
    @ParameterizedTest
    @EnumSource(Database.class)
    void backfillRangesSplitTheRowsNotTheKeySpan(Database db) throws Exception {
        table(db);
        try (Connection c = DriverManager.getConnection(raw); Statement s = c.createStatement()) {
            s.execute("INSERT INTO shm_users (id, email) VALUES (2000000000, 'far@example.org')");
        }
        assertThat(migrate("encrypt", "shm_users.email", "--step", "prepare")).as(everything.toString()).isZero();
        assertThat(migrate("encrypt", "shm_users.email", "--step", "backfill", "--threads", "3", "--batch-size", "20"))
                .as(everything.toString()).isZero();
        List<Long> perRange = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(raw); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT first_key, last_key FROM cloak_migration_ranges ORDER BY range_no")) {
            while (r.next()) {
                perRange.add(rawCount("id >= " + r.getLong(1) + " AND id <= " + r.getLong(2)));
            }
        }
        assertThat(perRange).hasSize(3).allSatisfy(n -> assertThat(n).isBetween(80L, 90L));
        assertThat(perRange.stream().mapToLong(Long::longValue).sum()).isEqualTo(ROWS + 1);
        assertThat(rawCount("email_cloak IS NULL")).isZero();
    }

    /** The Tink key id every non-NULL cell of {@code column} carries, one entry per distinct id. */
    private java.util.Set<Integer> keyVersionsOf(String column) throws SQLException {
        java.util.Set<Integer> ids = new java.util.TreeSet<>();
        try (Connection c = DriverManager.getConnection(raw); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT " + column + " FROM shm_users")) {
            while (r.next()) {
                byte[] cell = r.getBytes(1);
                if (cell != null) {
                    ids.add(java.nio.ByteBuffer.wrap(cell, 3, 4).getInt());
                }
            }
        }
        return ids;
    }

    /** The key versions the re-key of shm_users.email recorded: {@code {from, to}}. */
    private int[] rekeyVersions() throws SQLException {
        try (Connection c = DriverManager.getConnection(raw); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT from_version, to_version FROM cloak_migrations "
                     + "WHERE column_name = 'shm_users.email'")) {
            assertThat(r.next()).isTrue();
            return new int[] {(int) r.getLong(1), (int) r.getLong(2)};
        }
    }

    private void encryptedTable(Database db) throws Exception {
        table(db, db.binary);
        try (Connection app = app()) {
            insertRows(app);
        }
        assertThat(plaintextCells()).isZero();
    }

    /**
     * {@code cloak migrate rekey}: the column keeps its old key version while the shadow fills under the new one, the
     * application keeps inserting, updating, looking up, and is refused a duplicate in every state; after the
     * cut-over every cell of the column carries the new version, and finish makes it the active one.
     */
    @ParameterizedTest
    @EnumSource(Database.class)
    void rekeyStepByStepWhileTheApplicationWritesThenFinish(Database db) throws Exception {
        encryptedTable(db);
        applicationWorks(4001);
        java.util.Set<Integer> before = keyVersionsOf("email");
        assertThat(before).hasSize(1);

        assertThat(migrate("rekey", "shm_users.email", "--step", "prepare")).as(everything.toString()).isZero();
        assertThat(out.toString()).contains("staged key version");
        int[] versions = rekeyVersions();
        assertThat(before).containsExactly(versions[0]);
        assertThat(versions[1]).isNotEqualTo(versions[0]);
        ttl();
        applicationWorks(4002);
        assertThat(keyVersionsOf("email")).as("the application writes under the old version").containsExactly(
                versions[0]);

        assertThat(migrate("rekey", "shm_users.email", "--step", "backfill", "--batch-size", "40", "--threads", "2"))
                .as(everything.toString()).isZero();
        applicationWorks(4003);
        assertThat(keyVersionsOf("email")).containsExactly(versions[0]);
        assertThat(keyVersionsOf("email_newkey")).containsExactly(versions[1]);
        assertThat(migrate("rekey", "shm_users.email", "--step", "verify")).as(everything.toString()).isZero();
        assertThat(out.toString()).contains("0 wrong");
        applicationWorks(4004);
        assertThat(migrate("rekey", "shm_users.email", "--step", "cutover")).as(everything.toString()).isZero();
        assertThat(out.toString()).contains("now holds cells under key version "
                + Integer.toUnsignedString(versions[1]));
        ttl();
        applicationWorks(4005);

        assertThat(plaintextCells()).isZero();
        assertThat(keyVersionsOf("email")).as("every cell under the new version").containsExactly(versions[1]);
        assertThat(keyVersionsOf("email_oldkey")).containsExactly(versions[0]);
        try (Connection app = app()) {
            readsBack(app, 6);
            for (int id = 4001; id <= 4005; id++) {
                assertThat(idOf(app, "new" + id + "@example.org")).isEqualTo(id);
            }
        }
        assertThat(migrate("status")).isZero();
        assertThat(out.toString()).contains("shm_users.email", "rekey", "cut-over");

        assertThat(migrate("finish", "shm_users.email")).isNotZero();
        assertThat(migrate("finish", "shm_users.email", "--drop-old-cells")).as(everything.toString()).isZero();
        assertThat(out.toString()).contains("activated key version " + Integer.toUnsignedString(versions[1]));
        applicationWorks(4006);
        assertThat(keyVersionsOf("email")).containsExactly(versions[1]);
        assertThatThrownBy(() -> rawCount("email_oldkey IS NULL")).isInstanceOf(SQLException.class);
        assertThat(cloak("keys", "list", "--config", policy.toString())).as(everything.toString()).isZero();
        assertThat(out.toString().lines().filter(l -> l.contains(Integer.toUnsignedString(versions[1]))))
                .anyMatch(l -> l.contains("active"));
        assertThat(migrate("rollback", "shm_users.email")).isNotZero();
        assertThat(everything.toString()).doesNotContain("user200@example.org", "new4001@example.org");

        // a second re-key after the first finished
        assertThat(migrate("rekey", "shm_users.email")).as(everything.toString()).isZero();
        ttl();
        applicationWorks(4007);
        int[] again = rekeyVersions();
        assertThat(again[0]).isEqualTo(versions[1]);
        assertThat(keyVersionsOf("email")).containsExactly(again[1]);
    }

    /** Rollback of a re-key after its cut-over puts the old-version cells back; before it, drops the shadow. */
    @ParameterizedTest
    @EnumSource(Database.class)
    void rekeyRollsBackAfterAndBeforeTheCutOver(Database db) throws Exception {
        encryptedTable(db);
        assertThat(migrate("rekey", "shm_users.email", "--batch-size", "64")).as(everything.toString()).isZero();
        assertThat(out.toString()).contains("prepared", "backfilled", "verified", "cut over", "--drop-old-cells");
        int[] versions = rekeyVersions();
        ttl();
        applicationWorks(5001);
        assertThat(keyVersionsOf("email")).containsExactly(versions[1]);

        assertThat(migrate("rollback", "shm_users.email")).as(everything.toString()).isZero();
        ttl();
        applicationWorks(5002);
        assertThat(keyVersionsOf("email")).as("back under the old version, rows written since included")
                .containsExactly(versions[0]);
        try (Connection app = app()) {
            assertThat(idOf(app, "new5001@example.org")).isEqualTo(5001);
            assertThat(emailOf(app, 200)).isEqualTo("user200@example.org");
        }
        assertThatThrownBy(() -> rawCount("email_oldkey IS NULL")).isInstanceOf(SQLException.class);

        assertThat(migrate("rekey", "shm_users.email", "--step", "prepare")).as(everything.toString()).isZero();
        assertThat(migrate("rekey", "shm_users.email", "--step", "backfill")).as(everything.toString()).isZero();
        assertThat(migrate("rollback", "shm_users.email")).as(everything.toString()).isZero();
        ttl();
        applicationWorks(5003);
        assertThat(keyVersionsOf("email")).containsExactly(versions[0]);
        assertThatThrownBy(() -> rawCount("email_newkey IS NULL")).isInstanceOf(SQLException.class);
    }
}
