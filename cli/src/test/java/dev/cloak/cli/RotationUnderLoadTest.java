package dev.cloak.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 4: 8 threads read and write through Cloak while both keys of a table are rotated and its rows are
 * re-encrypted with {@code cloak migrate reencrypt}. No read may fail, no row may be lost, and lookups by the
 * deterministic column must find every committed row with that value, under either key version.
 */
class RotationUnderLoadTest {

    private static final int THREADS = 8;
    private static final int SEEDED = 300;
    private static final long CACHE_TTL_MS = 1000;

    @TempDir
    Path dir;

    private String raw;
    /** Committed rows: id to ssn (never changes) and id to name (changed only by the row's owner). */
    private final Map<Integer, String> ssnById = new ConcurrentHashMap<>();
    private final Map<Integer, String> nameById = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(SEEDED);
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLong lookups = new AtomicLong();
    private final AtomicLong lookupsUnderTwoVersions = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();

    /** Stops the application threads also when a step failed: left running, they would load the next tests. */
    @AfterEach
    void stopTheApplication() {
        stop.set(true);
    }

    private static String ssn(int id) {
        return String.format("700-%02d-%04d", id % 50, id % 250);
    }

    @ParameterizedTest
    @EnumSource(value = MigrateCommandTest.Database.class, names = {"H2", "POSTGRESQL"})
    void readsAndWritesKeepWorkingWhileKeysRotateAndRowsAreReencrypted(MigrateCommandTest.Database db)
            throws Exception {
        raw = db.rawUrl();
        try (Connection c = DriverManager.getConnection(raw); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS rload_patients");
            s.execute("CREATE TABLE rload_patients (id INT PRIMARY KEY, ssn " + db.binary + ", name " + db.binary + ")");
        }
        Path policy = Files.writeString(dir.resolve("cloak.yaml"), String.join("\n",
                "version: 1",
                "keyring:",
                "  master-key: \"local:file:" + dir.resolve("master.json") + "\"",
                "  store: \"file:" + dir.resolve("keys.json") + "\"",
                "  auto-create: false",
                "  cache: { ttl: " + CACHE_TTL_MS + "ms }",
                "columns:",
                "  rload_patients.ssn: { type: varchar, mode: deterministic }",
                "  rload_patients.name: { type: varchar, mode: randomized }",
                "network:",
                "  require-tls: false",
                ""));
        assertThat(cloak("keys", "init", "--all", "--config", policy.toString(), "--url", raw)).isZero();
        try (Connection app = app(policy)) {
            for (int id = 0; id < SEEDED; id++) {
                insert(app, id, "seed " + id);
            }
        }

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            workers.add(pool.submit(() -> work(policy)));
        }
        Thread.sleep(1000);
        assertThat(cloak("keys", "rotate", "rload_patients.ssn", "--config", policy.toString(), "--url", raw)).isZero();
        assertThat(cloak("keys", "rotate", "rload_patients.name", "--config", policy.toString(), "--url", raw)).isZero();
        // the running application learns of the new versions when its cache entries expire: then both are in use
        Thread.sleep(3 * CACHE_TTL_MS);
        assertThat(keyIds("ssn")).as("cells under the old and the new version while the load runs").hasSize(2);
        long lookupsBefore = lookups.get();
        Thread.sleep(1000);
        assertThat(lookups.get()).as("lookups while the domain has two versions").isGreaterThan(lookupsBefore);

        assertThat(cloak("migrate", "reencrypt", "rload_patients.ssn", "--config", policy.toString(), "--url", raw,
                "--batch-size", "50")).as(err.toString()).isZero();
        assertThat(cloak("migrate", "reencrypt", "rload_patients.name", "--config", policy.toString(), "--url", raw,
                "--batch-size", "50")).as(err.toString()).isZero();
        Thread.sleep(1000);
        stop.set(true);
        for (Future<?> worker : workers) {
            worker.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(failures).as("failed reads or writes under load").isEmpty();
        assertThat(lookupsUnderTwoVersions.get()).as("lookups that found rows stored under two versions").isPositive();
        assertThat(keyIds("ssn")).as("every ssn cell re-encrypted under the new version").hasSize(1);
        assertThat(keyIds("name")).as("every name cell re-encrypted under the new version").hasSize(1);
        try (Connection app = app(policy); Statement s = app.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, ssn, name FROM rload_patients")) {
            Set<Integer> seen = new HashSet<>();
            while (rs.next()) {
                int id = rs.getInt(1);
                seen.add(id);
                assertThat(rs.getString(2)).as("ssn of row " + id).isEqualTo(ssnById.get(id));
                assertThat(rs.getString(3)).as("name of row " + id).isEqualTo(nameById.get(id));
            }
            assertThat(seen).as("no row lost, none invented").isEqualTo(ssnById.keySet());
        }
        assertThat(ssnById.size()).as("rows written under load").isGreaterThan(SEEDED);
    }

    /** One worker: inserts, reads by id, updates its own rows, and looks rows up by ssn, until told to stop. */
    private void work(Path policy) {
        List<Integer> own = new ArrayList<>();
        try (Connection app = app(policy)) {
            while (!stop.get()) {
                int op = ThreadLocalRandom.current().nextInt(4);
                if (op == 0 || own.isEmpty()) {
                    int id = nextId.getAndIncrement();
                    insert(app, id, "written " + id);
                    own.add(id);
                } else if (op == 1) {
                    int id = own.get(ThreadLocalRandom.current().nextInt(own.size()));
                    String name = "renamed " + id + " " + System.nanoTime();
                    try (PreparedStatement ps = app.prepareStatement("UPDATE rload_patients SET name = ? WHERE id = ?")) {
                        ps.setString(1, name);
                        ps.setInt(2, id);
                        check(ps.executeUpdate() == 1, "update of row " + id);
                    }
                    nameById.put(id, name);
                    readById(app, id);
                } else if (op == 2) {
                    readById(app, ThreadLocalRandom.current().nextInt(SEEDED));
                } else {
                    lookUp(app, ssn(ThreadLocalRandom.current().nextInt(nextId.get())));
                }
            }
        } catch (SQLException | RuntimeException e) {
            failures.add(e.getClass().getSimpleName() + " [" + e.getMessage() + "]");
        }
    }

    private void insert(Connection app, int id, String name) throws SQLException {
        try (PreparedStatement ps = app.prepareStatement("INSERT INTO rload_patients (id, ssn, name) VALUES (?, ?, ?)")) {
            ps.setInt(1, id);
            ps.setString(2, ssn(id));
            ps.setString(3, name);
            ps.executeUpdate();
        }
        ssnById.put(id, ssn(id));
        nameById.put(id, name);
    }

    private void readById(Connection app, int id) throws SQLException {
        String expectedName = nameById.get(id);
        try (PreparedStatement ps = app.prepareStatement("SELECT ssn, name FROM rload_patients WHERE id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                check(rs.next(), "row " + id + " present");
                check(ssn(id).equals(rs.getString(1)), "ssn of row " + id);
                check(expectedName.equals(rs.getString(2)), "name of row " + id);
            }
        }
    }

    /** Every row committed with this ssn before the query started must be found. */
    private void lookUp(Connection app, String ssn) throws SQLException {
        Set<Integer> expected = new HashSet<>();
        ssnById.forEach((id, value) -> {
            if (value.equals(ssn)) {
                expected.add(id);
            }
        });
        Set<Integer> found = new HashSet<>();
        try (PreparedStatement ps = app.prepareStatement("SELECT id FROM rload_patients WHERE ssn = ?")) {
            ps.setString(1, ssn);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getInt(1));
                }
            }
        }
        check(found.containsAll(expected), "lookup by ssn found " + found.size() + " of " + expected.size() + " rows");
        lookups.incrementAndGet();
        if (keyIdsOf(found).size() > 1) {
            lookupsUnderTwoVersions.incrementAndGet();
        }
    }

    private void check(boolean ok, String what) {
        if (!ok) {
            failures.add(what);
        }
    }

    private Connection app(Path policy) throws SQLException {
        Properties settings = new Properties();
        settings.setProperty("cloak.config", "file:" + policy);
        return DriverManager.getConnection("jdbc:cloak:" + raw.substring("jdbc:".length()), settings);
    }

    /** The distinct Tink key ids of the stored cells of a column (bytes 3..6 of a cell). */
    private Set<Integer> keyIds(String column) throws SQLException {
        return keyIdsWhere(column, null);
    }

    private Set<Integer> keyIdsOf(Set<Integer> ids) throws SQLException {
        return ids.isEmpty() ? Set.of() : keyIdsWhere("ssn", ids);
    }

    private Set<Integer> keyIdsWhere(String column, Set<Integer> ids) throws SQLException {
        String where = ids == null ? "" : " AND id IN (" + String.join(",", ids.stream().map(String::valueOf).toList()) + ")";
        Set<Integer> keyIds = new HashSet<>();
        try (Connection c = DriverManager.getConnection(raw); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + column + " FROM rload_patients WHERE " + column + " IS NOT NULL" + where)) {
            while (rs.next()) {
                keyIds.add(ByteBuffer.wrap(rs.getBytes(1), 3, 4).getInt());
            }
        }
        return keyIds;
    }

    private final StringWriter err = new StringWriter();

    private int cloak(String... args) {
        return CloakCommand.commandLine().setOut(new PrintWriter(new StringWriter(), true))
                .setErr(new PrintWriter(err, true)).execute(args);
    }
}
