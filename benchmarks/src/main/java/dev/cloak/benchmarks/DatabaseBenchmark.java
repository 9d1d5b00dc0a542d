package dev.cloak.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The database workloads of SPEC §3, each for raw pgjdbc, Cloak and ShardingSphere-JDBC encrypt in one JMH
 * run ({@link #driver}), single-threaded and with 8 threads ({@code _8t}). Every operation borrows a
 * connection from the driver's pool and prepares its statement, as an application on a pool does; the
 * report turns {@code pointSelect_8t} into {@code point-select-8t}.
 *
 * <p>Every fork is brought to the same state before JMH's warmup, whatever the driver: its heap is touched
 * at start ({@code -XX:+AlwaysPreTouch}), it runs its own workload until {@link #WARMUP_ROWS} rows have gone
 * through it, and the database is checkpointed. Without that, a 10-second fork measures the JIT compiler and
 * the first touch of fresh heap pages more than the workload, and charges both to the driver that runs more
 * code per row (see benchmarks/README.md, "Warm-up").
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 2, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch", "-XX:+UseTransparentHugePages",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class DatabaseBenchmark {

    private static final int BATCH = 1_000;
    private static final int SCAN = 100;
    /**
     * Rows each fork puts through its own workload before JMH's warmup: 5,000 single-row operations, 50 scans
     * of 100 rows or 5 batches of 1,000, enough for HotSpot to queue every method run once per row for C2;
     * then it runs on until the compilers are idle (below). JMH's timed warmup alone gives an insert only a few
     * thousand calls on this kind of machine.
     */
    static final int WARMUP_ROWS = 5_000;
    /**
     * Before their rows, the write workloads prepare and bind this many statements without sending them (at most
     * {@link #MAX_WARMUP_ROWS_MILLIS} ms): their binding code, which for Cloak encrypts, then reaches C2's call
     * counts as a select's does, instead of after 20,000 commits.
     */
    static final int WARMUP_BINDS = 20_000;
    /** After its rows a fork runs on until the JIT compilers were idle this many rounds in a row ({@link JitWarmUp}). */
    static final int QUIET_ROUNDS = 2;
    static final int ROUND_MILLIS = 200;
    static final int MAX_QUIET_MILLIS = 2_000;
    /** The warm-up rows stop early after this long (ShardingSphere's inserts take about 1 ms each). */
    static final int MAX_WARMUP_ROWS_MILLIS = 2_000;

    /** Which driver runs the workload: {@code raw}, {@code cloak} or {@code shardingsphere}. */
    @Param({"raw", "cloak", "shardingsphere"})
    public String driver;

    private BenchDatabase database;
    private DataSource dataSource;
    private final AtomicLong nextInsertId = new AtomicLong();
    private String pointSelect;
    private String lookup;
    private String insert;
    private String scan;
    private String update;
    private String passThrough;

    /** Creates and seeds the driver's tables, opens its pool and warms the fork up on its own workload. */
    @Setup(Level.Trial)
    public void open(BenchmarkParams params) throws Exception {
        database = BenchDatabase.open(driver);
        dataSource = database.dataSource();
        String patients = database.table("patients");
        pointSelect = "SELECT name, email FROM " + patients + " WHERE id = ?";
        lookup = "SELECT id, name FROM " + patients + " WHERE ssn = ?";
        insert = "INSERT INTO " + database.table("inserts") + " (id, ssn, name, email) VALUES (?, ?, ?, ?)";
        scan = "SELECT ssn, name, email FROM " + patients + " WHERE id BETWEEN ? AND ?";
        update = "UPDATE " + patients + " SET name = ? WHERE id = ?";
        passThrough = "SELECT id, label, amount FROM " + BenchDatabase.PLAIN_TABLE + " WHERE id = ?";
        warmUp(params.getBenchmark());
        database.checkpoint();
    }

    /**
     * Binds {@link #WARMUP_BINDS} unsent statements when the workload writes, runs the workload of {@code benchmark}
     * (e.g. {@code …DatabaseBenchmark.insert_8t}) for {@link #WARMUP_ROWS} rows (each step at most
     * {@link #MAX_WARMUP_ROWS_MILLIS} ms), then on until the JIT compilers have been idle for {@link #QUIET_ROUNDS}
     * rounds of {@link #ROUND_MILLIS} ms (at most {@link #MAX_QUIET_MILLIS} ms).
     */
    private void warmUp(String benchmark) throws Exception {
        String workload = benchmark.substring(benchmark.lastIndexOf('.') + 1).replace("_8t", "");
        int rowsPerOperation = switch (workload) {
            case "batchInsert" -> BATCH;
            case "scan100" -> SCAN;
            default -> 1;
        };
        String writeSql = switch (workload) {
            case "insert", "batchInsert" -> insert;
            case "update" -> update;
            default -> null;
        };
        if (writeSql != null) {
            // a write waits 250-450 µs for its commit, so rows alone bring its binding code to C2's call counts slowly
            long bindDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_WARMUP_ROWS_MILLIS);
            for (int i = 0; i < WARMUP_BINDS && System.nanoTime() < bindDeadline; i++) {
                bindOnly(writeSql, i + 1);
            }
        }
        long rowsDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_WARMUP_ROWS_MILLIS);
        for (int rows = 0; rows < WARMUP_ROWS && System.nanoTime() < rowsDeadline; rows += rowsPerOperation) {
            runOnce(workload);
        }
        JitWarmUp.untilIdle(() -> runOnce(workload), QUIET_ROUNDS, ROUND_MILLIS, MAX_QUIET_MILLIS);
    }

    /** Borrows, prepares and binds a write as its workload does, then closes it unsent. */
    private void bindOnly(String sql, long id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (sql.equals(update)) {
                ps.setString(1, "Renamed Patient " + id);
                ps.setLong(2, id);
            } else {
                Rows.bindPatient(ps, id);
            }
        }
    }

    private void runOnce(String workload) throws SQLException {
        switch (workload) {
            case "pointSelect" -> doPointSelect();
            case "deterministicLookup" -> doLookup();
            case "insert" -> doInsert();
            case "batchInsert" -> doBatchInsert();
            case "scan100" -> doScan();
            case "update" -> doUpdate();
            case "passThrough" -> doPassThrough();
            default -> throw new IllegalStateException("no warm-up for workload " + workload);
        }
    }

    /** Every iteration starts with an empty insert table (the warm-up's rows included). */
    @Setup(Level.Iteration)
    public void emptyInsertTable() throws SQLException {
        database.truncateInserts();
        nextInsertId.set(0);
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        database.close();
    }

    @Benchmark @Threads(1) public int pointSelect() throws SQLException { return doPointSelect(); }
    @Benchmark @Threads(8) public int pointSelect_8t() throws SQLException { return doPointSelect(); }
    @Benchmark @Threads(1) public long deterministicLookup() throws SQLException { return doLookup(); }
    @Benchmark @Threads(8) public long deterministicLookup_8t() throws SQLException { return doLookup(); }
    @Benchmark @Threads(1) public int insert() throws SQLException { return doInsert(); }
    @Benchmark @Threads(8) public int insert_8t() throws SQLException { return doInsert(); }
    @Benchmark @Threads(1) public int batchInsert() throws SQLException { return doBatchInsert(); }
    @Benchmark @Threads(8) public int batchInsert_8t() throws SQLException { return doBatchInsert(); }
    @Benchmark @Threads(1) public int scan100() throws SQLException { return doScan(); }
    @Benchmark @Threads(8) public int scan100_8t() throws SQLException { return doScan(); }
    @Benchmark @Threads(1) public int update() throws SQLException { return doUpdate(); }
    @Benchmark @Threads(8) public int update_8t() throws SQLException { return doUpdate(); }
    @Benchmark @Threads(1) public long passThrough() throws SQLException { return doPassThrough(); }
    @Benchmark @Threads(8) public long passThrough_8t() throws SQLException { return doPassThrough(); }

    private static long randomId() {
        return ThreadLocalRandom.current().nextLong(1, BenchDatabase.ROWS + 1);
    }

    /** By primary key, decrypting two columns. */
    private int doPointSelect() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(pointSelect)) {
            ps.setLong(1, randomId());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1).length() + rs.getString(2).length();
            }
        }
    }

    /** By the deterministic column, decrypting one more. */
    private long doLookup() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(lookup)) {
            ps.setString(1, Rows.ssn(randomId()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) + rs.getString(2).length();
            }
        }
    }

    /** One row, three encrypted columns. */
    private int doInsert() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(insert)) {
            Rows.bindPatient(ps, nextInsertId.incrementAndGet());
            return ps.executeUpdate();
        }
    }

    /** 1,000 rows in one batch. */
    private int doBatchInsert() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(insert)) {
            long first = nextInsertId.getAndAdd(BATCH) + 1;
            for (long id = first; id < first + BATCH; id++) {
                Rows.bindPatient(ps, id);
                ps.addBatch();
            }
            return ps.executeBatch().length;
        }
    }

    /** 100 consecutive rows, three decrypted columns each. */
    private int doScan() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(scan)) {
            long first = ThreadLocalRandom.current().nextLong(1, BenchDatabase.ROWS - SCAN + 2);
            ps.setLong(1, first);
            ps.setLong(2, first + SCAN - 1);
            int length = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    length += rs.getString(1).length() + rs.getString(2).length() + rs.getString(3).length();
                }
            }
            return length;
        }
    }

    /** One encrypted column of one row. */
    private int doUpdate() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(update)) {
            long id = randomId();
            ps.setString(1, "Renamed Patient " + id);
            ps.setLong(2, id);
            return ps.executeUpdate();
        }
    }

    /** A table with no encrypted column. */
    private long doPassThrough() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(passThrough)) {
            ps.setLong(1, randomId());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) + rs.getString(2).length() + rs.getBigDecimal(3).scale();
            }
        }
    }
}
