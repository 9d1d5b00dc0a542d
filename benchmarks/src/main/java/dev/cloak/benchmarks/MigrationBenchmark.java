package dev.cloak.benchmarks;

import dev.cloak.cli.CloakCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The throughput of {@code cloak migrate encrypt} (README "Encrypting an existing column"): fills a table of N rows
 * with a unique plaintext column, then times each step (prepare, backfill, verify, cut-over) on an idle database and
 * prints rows per second. A one-shot measurement, not JMH: a migration runs once.
 *
 * <pre>
 *   java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
 *       dev.cloak.benchmarks.MigrationBenchmark [rows] [threads]
 * </pre>
 *
 * The database is {@code CLOAK_TEST_POSTGRES_URL}, else {@code CLOAK_TEST_MARIADB_URL}, else an in-memory H2.
 * Defaults: 200,000 rows, 2 threads.
 */
public final class MigrationBenchmark {

    private MigrationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        String url = System.getenv("CLOAK_TEST_POSTGRES_URL");
        if (url == null || url.isBlank()) {
            url = System.getenv("CLOAK_TEST_MARIADB_URL");
        }
        if (url == null || url.isBlank()) {
            url = "jdbc:h2:mem:migration;DB_CLOSE_DELAY=-1;USER=sa";
        }
        fill(url, rows);
        Path dir = Files.createTempDirectory("cloak-migration-bench");
        Path policy = Files.writeString(dir.resolve("cloak.yaml"), String.join("\n",
                "version: 1",
                "keyring:",
                "  master-key: \"local:file:" + dir.resolve("master.json") + "\"",
                "  store: \"file:" + dir.resolve("keys.json") + "\"",
                "  cache: { ttl: 1s }",
                "columns:",
                "  bench_migrate.email: { type: varchar, mode: deterministic }",
                "network:",
                "  require-tls: false",
                ""));
        System.out.printf(Locale.ROOT, "cloak migrate encrypt: %,d rows, %d thread(s), %s, %d cores%n", rows, threads,
                url.replaceAll("\\?.*", ""), Runtime.getRuntime().availableProcessors());
        step(policy, url, rows, "prepare");
        step(policy, url, rows, "backfill", "--threads", Integer.toString(threads));
        step(policy, url, rows, "verify");
        step(policy, url, rows, "cutover");
    }

    private static void step(Path policy, String url, int rows, String step, String... more) {
        List<String> args = new ArrayList<>(List.of("migrate", "encrypt", "bench_migrate.email", "--step", step,
                "--batch-size", "1000", "--config", policy.toString(), "--url", url));
        args.addAll(List.of(more));
        StringWriter out = new StringWriter();
        long start = System.nanoTime();
        int exit = CloakCommand.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(out))
                .execute(args.toArray(String[]::new));
        double seconds = (System.nanoTime() - start) / 1e9;
        if (exit != 0) {
            throw new IllegalStateException(step + " failed: " + out);
        }
        System.out.printf(Locale.ROOT, "%-9s %8.1f s  %,10.0f rows/s%n", step, seconds, rows / seconds);
    }

    private static void fill(String url, int rows) throws SQLException {
        try (Connection c = DriverManager.getConnection(url)) {
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS bench_migrate");
                s.execute("DROP TABLE IF EXISTS cloak_migration_ranges");
                s.execute("DROP TABLE IF EXISTS cloak_migrations");
                s.execute("CREATE TABLE bench_migrate (id INT PRIMARY KEY, email VARCHAR(100) NOT NULL, "
                        + "CONSTRAINT bench_migrate_email_key UNIQUE (email))");
            }
            c.setAutoCommit(false);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO bench_migrate (id, email) VALUES (?, ?)")) {
                for (int id = 1; id <= rows; id++) {
                    p.setInt(1, id);
                    p.setString(2, "user" + id + "@example.org");
                    p.addBatch();
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
}
