package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.config.CloakConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Fault: two application instances (this JVM and a second {@code java} process with the test class path) write the
 * first value of the same key domains at the same moment, so both try to create the domain's first key. One key
 * wins in {@code cloak_keys}, both processes use it (the same value gives byte-identical deterministic cells), and
 * every cell reads back: none is under a key that lost.
 */
class FirstKeyRaceAcrossJvmsTest {

    private static final int DOMAINS = 5;
    private static final String VALUE = "321-00-0001";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void twoJvmsCreatingTheSameFirstKeyEndWithOneKeyThatBothUse(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            List<String> tables = new ArrayList<>();
            for (int i = 0; i < DOMAINS; i++) {
                tables.add(FaultHarness.table(fx, "race_" + i));
            }
            Path parentTrail = dir.resolve("parent-audit.jsonl");
            Path childTrail = dir.resolve("child-audit.jsonl");
            CloakConfig config = config(fx, tables, "file:" + parentTrail);
            Path signals = Files.createDirectories(dir.resolve("signals"));
            Process child;
            // this JVM opens the policy first, so the development master key exists before the second reads it
            try (CloakDataSource cloak = new CloakDataSource(db.rawDataSource(), config);
                 Connection c = cloak.getConnection()) {
                child = startChild(db, fx, tables, signals, childTrail);
                awaitFile(signals.resolve("ready"), child);
                for (int i = 0; i < DOMAINS; i++) {
                    // both processes start at the same instant of the machine's clock, a moment from now
                    long at = System.currentTimeMillis() + 200;
                    Path written = Files.writeString(signals.resolve("start-" + i + ".tmp"), Long.toString(at));
                    Files.move(written, signals.resolve("start-" + i), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    FirstKeyRaceChild.sleepUntil(at);
                    FaultHarness.insert(c, tables.get(i), 1, VALUE);
                    awaitFile(signals.resolve("done-" + i), child);
                }
            }
            assertThat(child.waitFor(2, TimeUnit.MINUTES)).as("the second JVM ended").isTrue();
            String childOutput = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(child.exitValue()).as(childOutput).isZero();
            String parentEvents = Files.readString(parentTrail);
            String childEvents = Files.readString(childTrail);
            int createdByChild = 0;
            for (String t : tables) {
                assertThat(keysetsOf(fx, t + ".ssn")).as("keysets of " + t).isEqualTo(1);
                // one process created the key and recorded it; the other used the stored one
                String created = "\"event\":\"created\",\"domain\":\"" + t + ".ssn\"";
                boolean parentCreated = parentEvents.contains(created);
                boolean childCreated = childEvents.contains(created);
                assertThat(parentCreated ^ childCreated).as("exactly one process created the key of " + t).isTrue();
                createdByChild += childCreated ? 1 : 0;
                FaultHarness.assertRowsAre(fx, t, config, Map.of(1, VALUE, 2, VALUE));
                List<byte[]> cells = fx.rawCells(t, "ssn");
                assertThat(cells.get(0)).as("both processes' cells of one value under one key").isEqualTo(cells.get(1));
            }
            System.out.println("first-key race: the second JVM created " + createdByChild + " of " + DOMAINS + " keys");
        }
    }

    /** The policy both processes use: every table's ssn, keys in the database. */
    static CloakConfig config(Fixture fx, List<String> tables, String auditSink) {
        CloakConfig.Builder b = fx.configBuilder().keyStore("database").kmsTimeout(Duration.ofSeconds(10))
                .auditSink(auditSink);
        for (String t : tables) {
            b.column(t + ".ssn", dev.cloak.driver.config.ColumnType.VARCHAR,
                    dev.cloak.driver.config.EncryptionMode.DETERMINISTIC);
        }
        return b.build();
    }

    private Process startChild(TestDatabase db, Fixture fx, List<String> tables, Path signals, Path childTrail)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                // the test class path brings the leak capture, which must not touch this run's files
                "-Dcloak.leakcheck.dir=" + dir.resolve("child-leakcheck"), FirstKeyRaceChild.class.getName(),
                db.name(), db.rawUrl(), fx.masterKeyUri(), "file:" + childTrail,
                signals.toString()));
        command.addAll(tables);
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.PIPE).start();
    }

    private static void awaitFile(Path file, Process child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!Files.exists(file)) {
            if (!child.isAlive()) {
                throw new AssertionError("the second JVM ended early: "
                        + new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
            assertThat(System.nanoTime()).as("waiting for " + file.getFileName()).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private static int keysetsOf(Fixture fx, String domain) throws SQLException {
        try (PreparedStatement ps = fx.raw().prepareStatement("SELECT COUNT(*) FROM cloak_keys WHERE domain = ?")) {
            ps.setString(1, domain);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
