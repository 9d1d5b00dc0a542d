package dev.cloak.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cloak.driver.CloakDataSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The soak: many threads insert, update, upsert, look up and delete rows of a table with a deterministic and a
 * randomized encrypted column, through HikariCP under {@link CloakDataSource} on PostgreSQL (keys in the database),
 * while {@code cloak keys rotate} and {@code cloak migrate reencrypt} run in the middle. Each thread owns its rows
 * (ids {@code ≡ thread mod threads}) and keeps a plaintext model of them. At the end every row equals the model, every
 * stored cell is a Cloak cell under the new key version with no plaintext in it, and the errors are counted by
 * SQLState (there must be none).
 *
 * <p>Size: {@code -Dcloak.soak.seconds} (default 40) and {@code -Dcloak.soak.threads} (default 8); the full run is
 * {@code -Dcloak.soak.seconds=600 -Dcloak.soak.threads=32}. The figures are printed and written to
 * {@code target/soak-report.txt}.
 */
class SoakTest {

    private static final long CACHE_TTL_MS = 2_000;
    private static final String TABLE = "soak_rows";

    @TempDir
    Path dir;

    private final int seconds = Integer.getInteger("cloak.soak.seconds", 40);
    private final int threads = Integer.getInteger("cloak.soak.threads", 8);
    private final AtomicBoolean stop = new AtomicBoolean();

    /** Stops the application threads also when a step failed: left running, they would load the next tests. */
    @AfterEach
    void stopTheApplication() {
        stop.set(true);
    }
    private final Map<String, AtomicLong> operations = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> errorsByState = new ConcurrentHashMap<>();
    private final List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Each thread's rows: id to (ssn, note); written only by the owning thread after its statement returned. */
    private final Map<Integer, Row> model = new ConcurrentHashMap<>();
    /** Rows whose last statement failed: either value may be stored. */
    private final Map<Integer, Set<Row>> uncertain = new ConcurrentHashMap<>();
    private String raw;

    private record Row(String ssn, String note) {
    }

    @Test
    void mixedLoadThroughRotationAndReencryptionLosesNothing() throws Exception {
        raw = MigrateCommandTest.Database.POSTGRESQL.rawUrl();
        String load = loadAverage();
        try (Connection c = DriverManager.getConnection(raw); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + TABLE);
            s.execute("CREATE TABLE " + TABLE + " (id INT PRIMARY KEY, ssn BYTEA, note BYTEA)");
            // the keys of an earlier run (the tables exist once any test has stored a key)
            for (String keys : new String[] {"cloak_keys", "cloak_key_versions"}) {
                s.execute("DO $$ BEGIN IF to_regclass('" + keys + "') IS NOT NULL THEN DELETE FROM " + keys
                        + " WHERE domain LIKE '" + TABLE + ".%'; END IF; END $$");
            }
        }
        Path policy = Files.writeString(dir.resolve("cloak.yaml"), String.join("\n",
                "version: 1",
                "keyring:",
                "  master-key: \"local:file:" + dir.resolve("master.json") + "\"",
                "  store: database",
                "  auto-create: false",
                "  cache: { ttl: " + CACHE_TTL_MS + "ms }",
                "columns:",
                "  " + TABLE + ".ssn: { type: varchar, mode: deterministic }",
                "  " + TABLE + ".note: { type: varchar, mode: randomized }",
                "network:",
                "  require-tls: false",
                ""));
        assertThat(cloak("keys", "init", "--all", "--config", policy.toString(), "--url", raw)).isZero();

        PGSimpleDataSource target = new PGSimpleDataSource();
        target.setURL(raw);
        HikariConfig hikari = new HikariConfig();
        hikari.setDataSource(target);
        hikari.setMaximumPoolSize(Math.max(2, threads / 2));
        hikari.setConnectionTimeout(60_000);
        hikari.setPoolName("soak");
        long started = System.nanoTime();
        try (HikariDataSource pool = new HikariDataSource(hikari); CloakDataSource app = new CloakDataSource()) {
            app.setTargetDataSource(pool);
            app.setConfigLocation("file:" + policy);
            ExecutorService workers = Executors.newFixedThreadPool(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int owner = t;
                done.add(workers.submit(() -> work(app, owner)));
            }
            long third = TimeUnit.SECONDS.toMillis(seconds) / 3;
            Thread.sleep(third);
            assertThat(cloak("keys", "rotate", TABLE + ".ssn", "--config", policy.toString(), "--url", raw)).isZero();
            assertThat(cloak("keys", "rotate", TABLE + ".note", "--config", policy.toString(), "--url", raw)).isZero();
            // every application cache learns the new versions within the TTL; then the old cells are rewritten
            Thread.sleep(3 * CACHE_TTL_MS);
            assertThat(cloak("migrate", "reencrypt", TABLE + ".ssn", "--config", policy.toString(), "--url", raw,
                    "--batch-size", "200")).as(err.toString()).isZero();
            assertThat(cloak("migrate", "reencrypt", TABLE + ".note", "--config", policy.toString(), "--url", raw,
                    "--batch-size", "200")).as(err.toString()).isZero();
            long left = TimeUnit.SECONDS.toMillis(seconds) - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            Thread.sleep(Math.max(1_000, left));
            stop.set(true);
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
            workers.shutdown();
            long ran = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            int checked = verify(app);
            report(ran, checked, load, loadAverage());
        }
        assertThat(wrong).as("wrong values seen under load").isEmpty();
        assertThat(errorsByState).as("errors by SQLState").isEmpty();
    }

    /** One application thread on its own rows until told to stop. */
    private void work(CloakDataSource app, int owner) {
        List<Integer> mine = new ArrayList<>();
        int next = owner;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (!stop.get()) {
            int op = random.nextInt(10);
            String kind = mine.isEmpty() || op < 3 ? "insert" : op < 5 ? "update" : op < 7 ? "upsert"
                    : op < 9 ? "lookup" : "delete";
            Integer id = kind.equals("insert") ? Integer.valueOf(next) : mine.get(random.nextInt(mine.size()));
            Row row = new Row(ssn(random.nextInt(1_000)), "note " + id + " " + random.nextLong());
            try (Connection c = app.getConnection()) {
                switch (kind) {
                    case "insert" -> {
                        execute(c, "INSERT INTO " + TABLE + " (id, ssn, note) VALUES (?, ?, ?)", id, row);
                        next += threads;
                        mine.add(id);
                        model.put(id, row);
                    }
                    case "update" -> {
                        execute(c, "UPDATE " + TABLE + " SET ssn = ?, note = ? WHERE id = ?", id, row);
                        model.put(id, row);
                    }
                    case "upsert" -> {
                        execute(c, "INSERT INTO " + TABLE + " (id, ssn, note) VALUES (?, ?, ?) ON CONFLICT (id) DO "
                                + "UPDATE SET ssn = EXCLUDED.ssn, note = EXCLUDED.note", id, row);
                        model.put(id, row);
                    }
                    case "lookup" -> lookUp(c, owner, model.get(id).ssn());
                    default -> {
                        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + TABLE + " WHERE id = ?")) {
                            ps.setInt(1, id);
                            ps.executeUpdate();
                        }
                        mine.remove(id);
                        model.remove(id);
                    }
                }
                uncertain.remove(id);
                operations.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
            } catch (SQLException e) {
                errorsByState.computeIfAbsent(String.valueOf(e.getSQLState()), s -> new AtomicLong()).incrementAndGet();
                Set<Row> either = new HashSet<>();
                either.add(model.get(id));
                either.add(kind.equals("delete") ? null : row);
                uncertain.put(id, either);
            }
        }
    }

    /** Binds (ssn, note, id) in the order the statement names them. */
    private static void execute(Connection c, String sql, int id, Row row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (sql.startsWith("UPDATE")) {
                ps.setString(1, row.ssn());
                ps.setString(2, row.note());
                ps.setInt(3, id);
            } else {
                ps.setInt(1, id);
                ps.setString(2, row.ssn());
                ps.setString(3, row.note());
            }
            ps.executeUpdate();
        }
    }

    /** Every row of this thread with {@code ssn} in the model must be found by a lookup on the encrypted column. */
    private void lookUp(Connection c, int owner, String ssn) throws SQLException {
        Set<Integer> expected = new HashSet<>();
        model.forEach((id, row) -> {
            if (id % threads == owner && row.ssn().equals(ssn) && !uncertain.containsKey(id)) {
                expected.add(id);
            }
        });
        Set<Integer> found = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, note FROM " + TABLE + " WHERE ssn = ?")) {
            ps.setString(1, ssn);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int id = rs.getInt(1);
                    found.add(id);
                    Row known = model.get(id);
                    if (id % threads == owner && known != null && !uncertain.containsKey(id)
                            && !known.note().equals(rs.getString(2))) {
                        wrong.add("note of row " + id + " read by a lookup");
                    }
                }
            }
        }
        if (!found.containsAll(expected)) {
            wrong.add("a lookup found " + found.size() + " rows of " + expected.size() + " expected");
        }
    }

    /** Every row equals the model; every cell is a Cloak cell under the newest key version, with no plaintext. */
    private int verify(CloakDataSource app) throws SQLException {
        Map<Integer, Row> stored = new TreeMap<>();
        try (Connection c = app.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, ssn, note FROM " + TABLE)) {
            while (rs.next()) {
                stored.put(rs.getInt(1), new Row(rs.getString(2), rs.getString(3)));
            }
        }
        Set<Integer> ids = new HashSet<>(model.keySet());
        ids.addAll(stored.keySet());
        for (int id : ids) {
            Row expected = model.get(id);
            Row actual = stored.get(id);
            Set<Row> either = uncertain.get(id);
            boolean ok = either != null ? either.contains(actual) : java.util.Objects.equals(expected, actual);
            if (!ok) {
                wrong.add("row " + id + " differs from the model");
            }
        }
        Map<String, Set<Integer>> keyIds = new HashMap<>();
        try (Connection c = DriverManager.getConnection(raw); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, ssn, note FROM " + TABLE)) {
            while (rs.next()) {
                Row plain = stored.get(rs.getInt(1));
                checkCell("ssn", rs.getBytes(2), plain == null ? null : plain.ssn(), keyIds);
                checkCell("note", rs.getBytes(3), plain == null ? null : plain.note(), keyIds);
            }
        }
        assertThat(keyIds.get("ssn")).as("ssn cells under one (the new) key version").hasSize(1);
        assertThat(keyIds.get("note")).as("note cells under one (the new) key version").hasSize(1);
        return stored.size();
    }

    private void checkCell(String column, byte[] cell, String plaintext, Map<String, Set<Integer>> keyIds) {
        if (cell == null || cell.length < 8 || cell[0] != 1) {
            wrong.add("a " + column + " cell at rest is not a Cloak cell");
            return;
        }
        if (plaintext != null && new String(cell, StandardCharsets.ISO_8859_1).contains(plaintext)) {
            wrong.add("a " + column + " cell at rest holds its plaintext");
        }
        keyIds.computeIfAbsent(column, k -> new HashSet<>()).add(ByteBuffer.wrap(cell, 3, 4).getInt());
    }

    private void report(long ran, int checked, String loadBefore, String loadAfter) throws IOException {
        long total = operations.values().stream().mapToLong(AtomicLong::get).sum();
        String text = "soak: " + threads + " threads, " + ran + " s, " + total + " operations " + new TreeMap<>(operations)
                + ", errors by SQLState " + new TreeMap<>(errorsByState) + ", wrong values " + wrong.size()
                + ", rows checked " + checked + ", load average before " + loadBefore + ", after " + loadAfter;
        System.out.println(text);
        Path out = Path.of("target", "soak-report.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, text + System.lineSeparator());
    }

    private static String ssn(int n) {
        return String.format("600-%02d-%04d", n % 100, n);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private final StringWriter err = new StringWriter();

    private int cloak(String... args) {
        return CloakCommand.commandLine().setOut(new PrintWriter(new StringWriter(), true))
                .setErr(new PrintWriter(err, true)).execute(args);
    }
}
