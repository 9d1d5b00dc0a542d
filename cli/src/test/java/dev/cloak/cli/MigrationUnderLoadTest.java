package dev.cloak.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.cli.MigrateCommandTest.Database;
import java.io.File;
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
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.h2.tools.Server;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 16, stage 4: {@code cloak migrate encrypt}, {@code decrypt} and {@code rekey} of a column under a UNIQUE
 * constraint while 4 application threads insert, update, upsert and look up through Cloak the whole time, the CLI run
 * as separate java processes, the backfill killed with {@code kill -9} halfway and resumed. At the end no row is lost,
 * every value equals the test's plaintext copy, a duplicate was refused in every phase, and the raw column holds what
 * the direction promises: only Cloak cells (encrypt), only plaintext (decrypt), only cells under the new key version
 * (rekey).
 *
 * <p>CI runs encrypt on 20,000 rows on PostgreSQL and 10,000 on MariaDB and H2, decrypt and rekey on half as many;
 * {@code -Dcloak.migration.full=true} runs the 1,000,000 and 100,000 for every direction and prints the
 * figures ({@code -Dcloak.migration.only=POSTGRESQL} one database, {@code -Dcloak.migration.direction=rekey} one
 * direction).
 */
class MigrationUnderLoadTest {

    private static final boolean FULL = Boolean.getBoolean("cloak.migration.full");
    private static final int APP_THREADS = 4;
    private static final int INSERTED_BASE = 100_000_000;

    @TempDir
    Path dir;

    private String raw;
    private Path policy;
    private Database db;
    private final Map<Integer, String> expected = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicLong> refusedDuplicates = new ConcurrentHashMap<>();
    private final AtomicReference<String> phase = new AtomicReference<>("before");
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong operations = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();

    private String direction;

    private static int rows(String direction, Database db) {
        int ci = direction.equals("encrypt") ? 1 : 2; // the other directions at half size keep CI short
        if (db == Database.POSTGRESQL) {
            return FULL ? 1_000_000 : 20_000 / ci;
        }
        return FULL ? 100_000 : 10_000 / ci;
    }

    static Stream<Arguments> runs() {
        return Stream.of("encrypt", "decrypt", "rekey")
                .flatMap(d -> Stream.of(Database.values()).map(db -> Arguments.of(d, db)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("runs")
    void migrationUnderLoadKilledHalfwayAndResumedLosesNothingAndKeepsUniqueness(String way, Database database)
            throws Exception {
        String only = System.getProperty("cloak.migration.only");
        Assumptions.assumeTrue(only == null || only.equalsIgnoreCase(database.name()), "-Dcloak.migration.only");
        String onlyWay = System.getProperty("cloak.migration.direction");
        Assumptions.assumeTrue(onlyWay == null || onlyWay.equalsIgnoreCase(way), "-Dcloak.migration.direction");
        direction = way;
        db = database;
        Server h2 = null;
        if (db == Database.H2) {
            // a database the CLI's own processes can reach
            h2 = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
            raw = "jdbc:h2:tcp://localhost:" + h2.getPort() + "/mem:mload" + UUID.randomUUID()
                    + ";DB_CLOSE_DELAY=-1;USER=sa";
        } else {
            raw = db.rawUrl();
        }
        try {
            run(rows(direction, db));
        } finally {
            if (h2 != null) {
                h2.stop();
            }
        }
    }

    /** The command's arguments for this direction, after {@code migrate}. */
    private List<String> migrate(String... more) {
        List<String> args = new ArrayList<>(List.of("migrate", direction, "mload_users.email"));
        if (direction.equals("decrypt")) {
            args.addAll(List.of("--type", "VARCHAR(100)"));
        }
        args.addAll(List.of(more));
        return args;
    }

    private void run(int rows) throws Exception {
        boolean encrypt = direction.equals("encrypt");
        policy = Files.writeString(dir.resolve("cloak.yaml"), String.join("\n",
                "version: 1",
                "keyring:",
                "  master-key: \"local:file:" + dir.resolve("master.json") + "\"",
                "  store: \"file:" + dir.resolve("keys.json") + "\"",
                "  auto-create: " + !encrypt,
                "  cache: { ttl: 1s }",
                "columns:",
                "  mload_users.email: { type: varchar, mode: deterministic }",
                "network:",
                "  require-tls: false",
                ""));
        fill(rows);
        Result prepared = cli(migrate("--step", "prepare").toArray(String[]::new));
        assertThat(prepared.exit).as(prepared.output).isZero();
        Thread.sleep(1_500);

        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < APP_THREADS; t++) {
            int thread = t;
            Thread worker = new Thread(() -> application(thread, rows), "app-" + t);
            worker.start();
            workers.add(worker);
        }
        Thread.sleep(1_000);
        long doneAtKill;
        long started;
        long resumedAt;
        long finished;
        long rate = Math.max(500, rows / 20);
        try {
            phase.set("backfill");
            started = System.nanoTime();
            Process backfill = start(log(), migrate("--step", "backfill", "--threads", "2", "--batch-size", "500",
                    "--max-rows-per-second", Long.toString(rate)).toArray(String[]::new));
            while (rowsDone() < rows / 2 && backfill.isAlive()) {
                Thread.sleep(100);
            }
            assertThat(backfill.isAlive()).as("the backfill is still running halfway").isTrue();
            backfill.destroyForcibly(); // SIGKILL
            backfill.waitFor(30, TimeUnit.SECONDS);
            doneAtKill = rowsDone();
            phase.set("killed");
            assertThat(state()).isEqualTo("backfilling");
            Thread.sleep(1_000);

            phase.set("resumed");
            resumedAt = System.nanoTime();
            Result rest = cli(migrate("--threads", "2", "--batch-size", "1000").toArray(String[]::new));
            assertThat(rest.exit).as(rest.output).isZero();
            finished = System.nanoTime();
            phase.set("cut over");
            Thread.sleep(2_000);
        } finally {
            // also when a step failed: threads left running would hammer a stopped database for the next tests
            stop.set(true);
            for (Thread worker : workers) {
                worker.join(60_000);
            }
        }

        assertThat(state()).isEqualTo("cut-over");
        assertThat(failures).as("application statements that failed").isEmpty();
        for (String p : List.of("backfill", "killed", "resumed", "cut over")) {
            assertThat(refusedDuplicates.getOrDefault(p, new AtomicLong()).get()).as("duplicates refused while " + p)
                    .isPositive();
        }
        long wrong = 0;
        long stored = 0;
        Integer newVersion = direction.equals("rekey") ? toVersion() : null;
        try (Connection c = DriverManager.getConnection(raw)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.setFetchSize(5_000);
                try (ResultSet r = s.executeQuery("SELECT id, email FROM mload_users")) {
                    while (r.next()) {
                        stored++;
                        if (direction.equals("decrypt")) {
                            // every value plaintext, and the copy's
                            if (!r.getString(2).equals(expected.get(r.getInt(1)))) {
                                wrong++;
                            }
                            continue;
                        }
                        byte[] cell = r.getBytes(2);
                        if (cell == null || cell.length < 8 || cell[0] != 1 || cell[1] != 2
                                || newVersion != null && ByteBuffer.wrap(cell, 3, 4).getInt() != newVersion) {
                            wrong++;
                        }
                    }
                }
            }
            c.commit();
        }
        assertThat(wrong).as(switch (direction) {
            case "encrypt" -> "plaintext cells in the encrypted column";
            case "decrypt" -> "stored values of the decrypted column that are not the plaintext copy's";
            default -> "cells not under the new key version";
        }).isZero();
        assertThat(stored).as("rows").isEqualTo(expected.size());
        long mismatched = 0;
        try (Connection app = app()) {
            app.setAutoCommit(false);
            try (Statement s = app.createStatement()) {
                s.setFetchSize(5_000);
                try (ResultSet r = s.executeQuery("SELECT id, email FROM mload_users")) {
                    while (r.next()) {
                        if (!r.getString(2).equals(expected.get(r.getInt(1)))) {
                            mismatched++;
                        }
                    }
                }
            }
            app.commit();
        }
        assertThat(mismatched).as("rows whose value differs from the plaintext copy").isZero();
        double backfillSeconds = (finished - resumedAt) / 1e9;
        double wholeSeconds = (finished - started) / 1e9;
        System.out.printf("*** migrate %s under load on %s: %d rows, killed at %d rows done, %d application "
                        + "operations (%d refused with 40001 at the cut-over and retried), resumed run (backfill rest "
                        + "+ verify + cut-over) %.1f s, whole migration %.1f s, %.0f rows/s over the whole "
                        + "migration (rate-limited to %d rows/s before the kill)%n",
                direction, db, rows, doneAtKill, operations.get(), retried.get(), backfillSeconds, wholeSeconds,
                rows / wholeSeconds, rate);
    }

    /** The table, filled with plaintext for an encryption and through Cloak (cells) for the other directions. */
    private void fill(int rows) throws SQLException {
        boolean encrypt = direction.equals("encrypt");
        try (Connection r = DriverManager.getConnection(raw); Statement s = r.createStatement()) {
            s.execute("DROP TABLE IF EXISTS mload_users");
            s.execute("DROP TABLE IF EXISTS cloak_migration_ranges");
            s.execute("DROP TABLE IF EXISTS cloak_migrations");
            s.execute("CREATE TABLE mload_users (id INT PRIMARY KEY, email " + (encrypt ? "VARCHAR(100)" : db.binary)
                    + " NOT NULL, CONSTRAINT mload_users_email_key UNIQUE (email))");
        }
        try (Connection c = encrypt ? DriverManager.getConnection(raw) : app()) {
            c.setAutoCommit(false);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO mload_users (id, email) VALUES (?, ?)")) {
                for (int id = 1; id <= rows; id++) {
                    String email = "u" + id + "@example.org";
                    p.setInt(1, id);
                    p.setString(2, email);
                    p.addBatch();
                    expected.put(id, email);
                    if (id % 5_000 == 0) {
                        p.executeBatch();
                        c.commit();
                    }
                }
                p.executeBatch();
                c.commit();
            }
        }
    }

    /** One application thread: owns the rows whose id is {@code thread} modulo 4, so its copy is exact. */
    private void application(int thread, int rows) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int inserted = 0;
        int version = 0;
        try (Connection app = app()) {
            while (!stop.get()) {
                int op = random.nextInt(10);
                int id = random.nextInt(rows / APP_THREADS) * APP_THREADS + thread + 1;
                if (id > rows) {
                    continue;
                }
                String current = phase.get();
                try {
                    if (op < 2) {
                        int newId = INSERTED_BASE + thread * 10_000_000 + (++inserted);
                        String email = "i" + newId + "@example.org";
                        write(app, "INSERT INTO mload_users (id, email) VALUES (?, ?)", newId, email);
                        expected.put(newId, email);
                    } else if (op < 4) {
                        String email = "u" + id + "-v" + (++version) + "@example.org";
                        try (PreparedStatement p = app.prepareStatement("UPDATE mload_users SET email = ? WHERE id = ?")) {
                            p.setString(1, email);
                            p.setInt(2, id);
                            p.executeUpdate();
                        }
                        expected.put(id, email);
                    } else if (op < 5 && db != Database.H2) {
                        String email = "u" + id + "-w" + (++version) + "@example.org";
                        write(app, upsert(), id, email);
                        expected.put(id, email);
                    } else if (op < 9) {
                        String email = expected.get(id);
                        try (PreparedStatement p = app.prepareStatement("SELECT id FROM mload_users WHERE email = ?")) {
                            p.setString(1, email);
                            try (ResultSet r = p.executeQuery()) {
                                if (!r.next() || r.getInt(1) != id) {
                                    failures.add("lookup of row " + id + " found nothing while " + current);
                                }
                            }
                        }
                    } else {
                        try {
                            // a row of this thread's own: its value is exactly the copy's
                            write(app, "INSERT INTO mload_users (id, email) VALUES (?, ?)",
                                    INSERTED_BASE - 1 - thread, expected.get(id));
                            failures.add("a duplicate was accepted while " + current);
                        } catch (SQLException e) {
                            if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                                refusedDuplicates.computeIfAbsent(current, k -> new AtomicLong()).incrementAndGet();
                            } else {
                                throw e;
                            }
                        }
                    }
                    operations.incrementAndGet();
                } catch (SQLException e) {
                    if ("40001".equals(e.getSQLState()) && e.getMessage().contains("cloak migrate")) {
                        retried.incrementAndGet(); // prepared before the cut-over, not sent: the application retries
                    } else {
                        failures.add(current + ": " + e.getSQLState() + " " + e.getMessage());
                    }
                }
            }
        } catch (SQLException e) {
            failures.add("connection: " + e.getMessage());
        }
    }

    private String upsert() {
        return db == Database.POSTGRESQL
                ? "INSERT INTO mload_users (id, email) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email"
                : "INSERT INTO mload_users (id, email) VALUES (?, ?) ON DUPLICATE KEY UPDATE email = VALUES(email)";
    }

    private static void write(Connection app, String sql, int id, String email) throws SQLException {
        try (PreparedStatement p = app.prepareStatement(sql)) {
            p.setInt(1, id);
            p.setString(2, email);
            p.executeUpdate();
        }
    }

    private Connection app() throws SQLException {
        Properties p = new Properties();
        p.setProperty("cloak.config", "file:" + policy);
        return DriverManager.getConnection("jdbc:cloak:" + raw.substring("jdbc:".length()), p);
    }

    private long rowsDone() throws SQLException {
        try (Connection c = DriverManager.getConnection(raw); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT rows_done FROM cloak_migrations")) {
            return r.next() ? r.getLong(1) : 0;
        }
    }

    private int toVersion() throws SQLException {
        try (Connection c = DriverManager.getConnection(raw); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT to_version FROM cloak_migrations")) {
            assertThat(r.next()).isTrue();
            return (int) r.getLong(1);
        }
    }

    private String state() throws SQLException {
        try (Connection c = DriverManager.getConnection(raw); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT state FROM cloak_migrations")) {
            return r.next() ? r.getString(1) : null;
        }
    }

    private record Result(int exit, String output) {
    }

    /** Runs the CLI as a java process of its own, its output into {@code log}. */
    private Process start(File log, String... args) throws Exception {
        return start(log, List.of(args));
    }

    private Process start(File log, List<String> args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CloakCommand.class.getName());
        command.addAll(args);
        command.addAll(List.of("--config", policy.toString(), "--url", raw));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    }

    private File log() {
        return dir.resolve("cli-" + System.nanoTime() + ".log").toFile();
    }

    /** Appends the threads of a CLI process that did not end in time to its log, so the failure shows where. */
    private static void threadDump(Process process, File log) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path jcmd = Path.of(java).resolveSibling("jcmd");
        Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
        dump.waitFor(1, TimeUnit.MINUTES);
    }

    private Result cli(String... args) throws Exception {
        File log = log();
        Process process = start(log, args);
        boolean ended = process.waitFor(FULL ? 120 : 10, TimeUnit.MINUTES);
        if (!ended) {
            threadDump(process, log);
            process.destroyForcibly();
        }
        String output = Files.readString(log.toPath());
        System.out.println(output.lines().filter(l -> !l.contains("backfill mload_users.email: range")
                || l.hashCode() % 20 == 0).reduce("", (a, b) -> a + b + "\n"));
        return new Result(ended ? process.exitValue() : -1, output);
    }
}
