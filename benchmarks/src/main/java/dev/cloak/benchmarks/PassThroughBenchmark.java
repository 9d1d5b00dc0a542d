package dev.cloak.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Placeholder: what Cloak costs on a statement that touches no encrypted column ({@code SELECT 1} through
 * {@code jdbc:cloak:h2:mem:} against the raw H2 driver). The real suite (PostgreSQL, encrypted columns,
 * ShardingSphere as a peer) comes with the performance issue.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PassThroughBenchmark {

    private static final String SQL = "SELECT 1";
    // The policy names a table the benchmark never touches: SELECT 1 must pass through without parsing.
    private static final String POLICY = """
            version: 1
            keyring:
              master-key: '%s'
              store: '%s'
            columns:
              patients.ssn: { type: varchar, mode: deterministic }
            """;

    private Path dir;
    private Connection rawConnection;
    private Connection cloakConnection;
    private PreparedStatement raw;
    private PreparedStatement cloak;

    /** Opens one raw and one Cloak connection to the same in-memory database. */
    @Setup(Level.Trial)
    public void open() throws IOException, SQLException {
        dir = Files.createTempDirectory("cloak-bench-");
        Path policy = dir.resolve("cloak.yaml");
        Files.writeString(policy, POLICY.formatted("local:file:" + dir.resolve("master.json"), "file:" + dir.resolve("keys.json")));
        String database = "h2:mem:passthrough;DB_CLOSE_DELAY=-1";
        Properties settings = new Properties();
        settings.setProperty("cloak.config", "file:" + policy);
        rawConnection = DriverManager.getConnection("jdbc:" + database);
        cloakConnection = DriverManager.getConnection("jdbc:cloak:" + database, settings);
        raw = rawConnection.prepareStatement(SQL);
        cloak = cloakConnection.prepareStatement(SQL);
    }

    /** Closes both connections and removes the development key files. */
    @TearDown(Level.Trial)
    public void close() throws IOException, SQLException {
        try {
            cloakConnection.close();
            rawConnection.close();
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(java.io.File::delete);
            }
        }
    }

    @Benchmark
    public int rawH2() throws SQLException {
        return selectOne(raw);
    }

    @Benchmark
    public int cloakH2() throws SQLException {
        return selectOne(cloak);
    }

    private static int selectOne(PreparedStatement statement) throws SQLException {
        try (ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
