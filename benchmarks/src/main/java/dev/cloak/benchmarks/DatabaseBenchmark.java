package dev.cloak.benchmarks;

import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * The database workloads Cloak's performance bars are set on, for raw pgjdbc, Cloak and ShardingSphere-JDBC encrypt
 * side by side in one JVM
 * ({@link #drivers}), single-threaded and with 8 threads ({@code _8t}). Every operation borrows a connection from
 * the driver's pool and prepares its statement, as an application on a pool does; the report turns
 * {@code pointSelect_8t} into {@code point-select-8t}.
 *
 * <p><b>The drivers take turns.</b> One fork opens every driver of {@link #drivers}, warms each up on the
 * workload, and its iterations then cycle through them in that order: measured iteration {@code i} runs driver
 * {@code i % n} alone, all threads on it. JMH's per-iteration scores ({@code primaryMetric.rawData} in the JSON)
 * are therefore each one driver's throughput, and {@link Report} groups them by driver; the fork's overall score
 * mixes the drivers and means nothing by itself. On this 2-core virtual machine, throughput moves by 10-40 % from
 * one 200 ms window to the next and by 20 % from fork to fork, for the raw driver as much as for Cloak; drivers
 * measured in separate forks, seconds or minutes apart, were compared under different weather. Taking turns every
 * {@value #ITERATION_MILLIS} ms in the same JVM puts every driver under the same conditions.
 *
 * <p>Before JMH's warmup, every fork is brought to the same state for every driver: its heap is touched at start
 * ({@code -XX:+AlwaysPreTouch}), each driver runs the workload until {@link #WARMUP_ROWS} rows have gone through
 * it, all of them run on until the JIT compilers are idle, and the database is checkpointed (see
 * benchmarks/README.md, "Warm-up").
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = DatabaseBenchmark.WARMUP_ITERATIONS, time = DatabaseBenchmark.ITERATION_MILLIS,
        timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = DatabaseBenchmark.MEASURED_ITERATIONS, time = DatabaseBenchmark.ITERATION_MILLIS,
        timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch", "-XX:+UseTransparentHugePages",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class DatabaseBenchmark {

    /** One turn per driver of two before measuring. */
    static final int WARMUP_ITERATIONS = 2;
    /** Twelve turns each for raw and Cloak. */
    static final int MEASURED_ITERATIONS = 24;
    static final int ITERATION_MILLIS = 250;

    private static final int BATCH = 1_000;
    /** The workloads the bare driver runs: the single-row and scan workloads run.sh's later rounds measure. */
    static final List<String> BARE_WORKLOADS = List.of("pointSelect", "deterministicLookup", "insert",
            "batchInsert", "scan100", "lookupHot", "lookupHotMemo", "wideRow");
    private static final int SCAN = 100;
    /** {@code scan-1000}: every row of the wide table, five of its encrypted columns. */
    private static final int LONG_SCAN = 1_000;
    /** {@code export}: rows per round trip while it streams. */
    private static final int EXPORT_FETCH_SIZE = 1_000;
    /**
     * Rows each driver puts through the workload before JMH's warmup: 5,000 single-row operations, 50 scans of 100
     * rows or 5 batches of 1,000, enough for HotSpot to queue every method run once per row for C2; then all drivers
     * run on until the compilers are idle (below). JMH's timed warmup alone gives an insert only a few thousand
     * calls on this kind of machine.
     */
    static final int WARMUP_ROWS = 5_000;
    /**
     * Before their rows, the write workloads prepare and bind this many statements without sending them (at most
     * {@link #MAX_WARMUP_ROWS_MILLIS} ms per driver): their binding code, which for Cloak encrypts, then reaches
     * C2's call counts as a select's does, instead of after 20,000 commits.
     */
    static final int WARMUP_BINDS = 20_000;
    /** After their rows the drivers run on until the JIT compilers were idle this many rounds in a row. */
    static final int QUIET_ROUNDS = 2;
    static final int ROUND_MILLIS = 200;
    static final int MAX_QUIET_MILLIS = 3_000;
    /** How long the threads of an 8-thread workload first run before one thread takes over the warm-up again. */
    static final int THREADS_FIRST_MILLIS = 1_000;
    /** The warm-up rows stop early after this long (ShardingSphere's inserts take about 1 ms each). */
    static final int MAX_WARMUP_ROWS_MILLIS = 2_000;

    /**
     * The drivers of a fork, joined by {@code +} (JMH's {@code -p} splits values at commas), in the order they take
     * turns: {@code raw+cloak}, the pair the bars compare; {@code raw+cloak+bare}, with raw pgjdbc and the bare
     * primitives beside them ({@link #BARE_WORKLOADS} only); and {@code shardingsphere} alone in a fork of its own.
     * ShardingSphere's code is so much larger that its JIT compilation ran on through the measurement of a fork it
     * shared (a reference, not a bar, it need not share the turns); {@code run.sh} runs it once.
     */
    @Param({"raw+cloak", "shardingsphere"})
    public String drivers;

    private Side[] sides;
    /** The driver whose turn it is; set before each iteration, while no benchmark thread runs. */
    private volatile Side current;
    private int warmupTurns;
    private int measuredTurns;
    /** Whether the workload inserts rows ({@code insert}, {@code batchInsert}). */
    private boolean inserts;

    /** Creates and seeds each driver's tables, opens its pool and warms the fork up on every driver. */
    @Setup(Level.Trial)
    public void open(BenchmarkParams params) throws Exception {
        String[] names = drivers.split("\\+");
        sides = new Side[names.length];
        String benchmark = params.getBenchmark();
        String workload = benchmark.substring(benchmark.lastIndexOf('.') + 1).replace("_8t", "");
        for (int i = 0; i < names.length; i++) {
            sides[i] = new Side(BenchDatabase.open(names[i].trim(), workload), workload);
        }
        inserts = workload.equals("insert") || workload.equals("batchInsert");
        for (Side side : sides) {
            side.warmUp(workload);
        }
        JitWarmUp.Operation everyDriver = () -> {
            for (Side side : sides) {
                side.runOnce(workload);
            }
        };
        // one thread first: the compiler thread then has a core to itself to drain its queue
        JitWarmUp.untilIdle(everyDriver, QUIET_ROUNDS, ROUND_MILLIS, MAX_QUIET_MILLIS);
        int threads = params.getThreads();
        if (threads > 1) {
            // The threads take paths one thread never takes, which sends code compiled for one thread back to the
            // interpreter; C2 then recompiles the whole inlined JDBC stack, which took it seconds on a core shared
            // with 8 busy threads. So: the threads briefly, one thread until idle again, the threads until idle.
            JitWarmUp.untilIdle(everyDriver, threads, QUIET_ROUNDS, ROUND_MILLIS, THREADS_FIRST_MILLIS);
            JitWarmUp.untilIdle(everyDriver, QUIET_ROUNDS, ROUND_MILLIS, MAX_QUIET_MILLIS);
            JitWarmUp.untilIdle(everyDriver, threads, QUIET_ROUNDS, ROUND_MILLIS, MAX_QUIET_MILLIS);
        }
        sides[0].database.checkpoint();
    }

    /**
     * Gives the next iteration to the next driver in {@link #drivers} (warmup and measured iterations count
     * separately, so measured iteration {@code i} is driver {@code i % n}). For the inserting workloads it first
     * empties that driver's insert table, so that inserts do not slow down as it grows across iterations; other
     * workloads leave it alone, a {@code TRUNCATE} being a commit with file work the next turn would share.
     */
    @Setup(Level.Iteration)
    public void takeTurn(IterationParams iteration) throws SQLException {
        int turn = iteration.getType() == IterationType.WARMUP ? warmupTurns++ : measuredTurns++;
        Side side = sides[turn % sides.length];
        if (inserts) {
            side.database.truncateInserts();
            side.nextInsertId.set(0);
        }
        current = side;
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        Exception failure = null;
        for (Side side : sides) {
            if (side == null) {
                continue; // its driver failed to open
            }
            try {
                side.database.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Benchmark @Threads(1) public int pointSelect() throws SQLException { return current.pointSelect(); }
    @Benchmark @Threads(8) public int pointSelect_8t() throws SQLException { return current.pointSelect(); }
    @Benchmark @Threads(1) public long deterministicLookup() throws SQLException { return current.lookup(); }
    @Benchmark @Threads(8) public long deterministicLookup_8t() throws SQLException { return current.lookup(); }
    @Benchmark @Threads(1) public int insert() throws SQLException { return current.insert(); }
    @Benchmark @Threads(8) public int insert_8t() throws SQLException { return current.insert(); }
    @Benchmark @Threads(1) public int batchInsert() throws SQLException { return current.batchInsert(); }
    @Benchmark @Threads(8) public int batchInsert_8t() throws SQLException { return current.batchInsert(); }
    @Benchmark @Threads(1) public int scan100() throws SQLException { return current.scan(); }
    @Benchmark @Threads(8) public int scan100_8t() throws SQLException { return current.scan(); }
    @Benchmark @Threads(1) public int update() throws SQLException { return current.update(); }
    @Benchmark @Threads(8) public int update_8t() throws SQLException { return current.update(); }
    @Benchmark @Threads(1) public long passThrough() throws SQLException { return current.passThrough(); }
    @Benchmark @Threads(8) public long passThrough_8t() throws SQLException { return current.passThrough(); }
    @Benchmark @Threads(1) public int scan1000() throws SQLException { return current.scan1000(); }
    @Benchmark @Threads(1) public long export() throws SQLException { return current.export(); }
    @Benchmark @Threads(1) public long lookupHot() throws SQLException { return current.lookupHot(false); }
    @Benchmark @Threads(1) public long lookupHotMemo() throws SQLException { return current.lookupHot(true); }
    @Benchmark @Threads(1) public int wideRow() throws SQLException { return current.wideRow(); }

    private static long randomId() {
        return ThreadLocalRandom.current().nextLong(1, BenchDatabase.ROWS + 1);
    }

    /**
     * One driver of the fork: its tables and pool, its statements and its next insert id. Its workload methods are
     * not inlined into JMH's measurement loop: they are compiled, with the driver's code inlined into them, while
     * the fork warms up, and the loop that JMH compiles when the measurement starts stays small. Inlined, C2 took
     * seconds to compile that loop with the whole JDBC stack in it, on a core the 8-thread workloads were using.
     */
    private static final class Side {
        private final BenchDatabase database;
        private final DataSource dataSource;
        private final AtomicLong nextInsertId = new AtomicLong();
        private final String pointSelect;
        private final String lookup;
        private final String insert;
        private final String scan;
        private final String update;
        private final String passThrough;
        private final String scan1000;
        private final String export;
        private final String lookupHot;
        private final String lookupHotMemo;
        private final String wideRow;
        /** The bare driver's columns; null for the other drivers. */
        private final BenchDatabase.Bare bare;

        Side(BenchDatabase database, String workload) {
            this.database = database;
            this.dataSource = database.dataSource();
            this.bare = database.bare();
            if (bare != null && !BARE_WORKLOADS.contains(workload)) {
                throw new IllegalArgumentException("the bare driver runs only " + BARE_WORKLOADS + ", not "
                        + workload);
            }
            String patients = database.table("patients");
            pointSelect = "SELECT name, email FROM " + patients + " WHERE id = ?";
            lookup = "SELECT id, name FROM " + patients + " WHERE ssn = ?";
            insert = "INSERT INTO " + database.table("inserts") + " (id, ssn, name, email) VALUES (?, ?, ?, ?)";
            scan = "SELECT ssn, name, email FROM " + patients + " WHERE id BETWEEN ? AND ?";
            update = "UPDATE " + patients + " SET name = ? WHERE id = ?";
            passThrough = "SELECT id, label, amount FROM " + BenchDatabase.PLAIN_TABLE + " WHERE id = ?";
            scan1000 = "SELECT c1, c2, c3, c4, c5 FROM " + database.table("wide") + " WHERE id BETWEEN ? AND ?";
            export = "SELECT ssn, name, email FROM " + database.table("export");
            lookupHot = "SELECT id, code FROM " + database.table("hot") + " WHERE code = ?";
            lookupHotMemo = "SELECT id, code FROM " + database.table("hot_memo") + " WHERE code = ?";
            StringBuilder wide = new StringBuilder("SELECT id");
            for (int k = 1; k <= Rows.WIDE_COLUMNS; k++) {
                wide.append(", c").append(k);
            }
            wideRow = wide + " FROM " + database.table("wide") + " WHERE id = ?";
        }

        /**
         * Binds {@link #WARMUP_BINDS} unsent statements when the workload writes, then runs {@code workload} (e.g.
         * {@code insert}) for {@link #WARMUP_ROWS} rows, each step at most {@link #MAX_WARMUP_ROWS_MILLIS} ms.
         */
        void warmUp(String workload) throws Exception {
            int rowsPerOperation = switch (workload) {
                case "batchInsert" -> BATCH;
                case "scan100" -> SCAN;
                case "scan1000" -> LONG_SCAN;
                case "export" -> BenchDatabase.EXPORT_ROWS;
                default -> 1;
            };
            String writeSql = switch (workload) {
                case "insert", "batchInsert" -> insert;
                case "update" -> update;
                default -> null;
            };
            if (writeSql != null) {
                // a write waits 250-450 µs for its commit: rows alone bring its binding code to C2's counts slowly
                long bindDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_WARMUP_ROWS_MILLIS);
                for (int i = 0; i < WARMUP_BINDS && System.nanoTime() < bindDeadline; i++) {
                    bindOnly(writeSql, i + 1);
                }
            }
            long rowsDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_WARMUP_ROWS_MILLIS);
            for (int rows = 0; rows < WARMUP_ROWS && System.nanoTime() < rowsDeadline; rows += rowsPerOperation) {
                runOnce(workload);
            }
        }

        /** Borrows, prepares and binds a write as its workload does, then closes it unsent. */
        private void bindOnly(String sql, long id) throws SQLException {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
                if (sql.equals(update)) {
                    ps.setString(1, Rows.renamed(id));
                    ps.setLong(2, id);
                } else {
                    bindPatient(ps, id);
                }
            }
        }

        /** Binds row {@code id}'s patient values; the bare driver encrypts each into its cell. */
        private void bindPatient(PreparedStatement ps, long id) throws SQLException {
            if (bare == null) {
                Rows.bindPatient(ps, id);
            } else {
                bare.bindPatient(ps, id);
            }
        }

        /** The length of a read value; the bare driver ({@code column} not null) decrypts it from its cell. */
        private static int length(ResultSet rs, int index, BareCells.Column column) throws SQLException {
            if (column == null) {
                return rs.getString(index).length();
            }
            try {
                return column.decrypt(rs.getBytes(index)).length();
            } catch (GeneralSecurityException e) {
                throw new SQLException("bare decryption failed", e);
            }
        }

        void runOnce(String workload) throws SQLException {
            switch (workload) {
                case "pointSelect" -> pointSelect();
                case "deterministicLookup" -> lookup();
                case "insert" -> insert();
                case "batchInsert" -> batchInsert();
                case "scan100" -> scan();
                case "update" -> update();
                case "passThrough" -> passThrough();
                case "scan1000" -> scan1000();
                case "export" -> export();
                case "lookupHot" -> lookupHot(false);
                case "lookupHotMemo" -> lookupHot(true);
                case "wideRow" -> wideRow();
                default -> throw new IllegalStateException("no warm-up for workload " + workload);
            }
        }

        /** By primary key, decrypting two columns. */
        @CompilerControl(CompilerControl.Mode.DONT_INLINE)
        int pointSelect() throws SQLException {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(pointSelect)) {
                ps.setLong(1, randomId());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return length(rs, 1, bare == null ? null : bare.name)
                            + length(rs, 2, bare == null ? null : bare.email);
                }
            }
        }

        /** By the deterministic column, decrypting one more. */
        @CompilerControl(CompilerControl.Mode.DONT_INLINE)
        long lookup() throws SQLException {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(lookup)) {
                BenchDatabase.bind(ps, 1, bare == null ? null : bare.ssn, Rows.ssn(randomId()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1) + length(rs, 2, bare == null ? null : bare.name);
                }
            }
        }

        /** One row, three encrypted columns. */
        @CompilerControl(CompilerControl.Mode.DONT_INLINE)
        int insert() throws SQLException {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(insert)) {
                bindPatient(ps, nextInsertId.incrementAndGet());
                return ps.executeUpdate();
            }
        }

        /** 1,000 rows in one batch. */
        @CompilerControl(CompilerControl.Mode.DONT_INLINE)
        int batchInsert() throws SQLException {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(insert)) {
                long first = nextInsertId.getAndAdd(BATCH) + 1;
                for (long id = first; id < first + BATCH; id++) {
                    bindPatient(ps, id);
                    ps.addBatch();
                }
                return ps.executeBatch().length;
            }
        }

        /** 100 consecutive rows, three decrypted columns each. */
        @CompilerControl(CompilerControl.Mode.DONT_INLINE)
        int scan() throws SQLException {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(scan)) {
                long first = ThreadLocalRandom.current().nextLong(1, BenchDatabase.ROWS - SCAN + 2);
                ps.setLong(1, first);
                ps.setLong(2, first + SCAN - 1);
                int length = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        length += length(rs, 1, bare == null ? null : bare.ssn)
                                + length(rs, 2, bare == null ? null : bare.name)
                                + length(rs, 3, bare == null ? null : bare.email);
                    }
                }
                return length;
            }
        }

        /** One encrypted column of one row. */
        @CompilerControl(CompilerControl.Mode.DONT_INLINE)
        int update() throws SQLException {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(update)) {
                long id = randomId();
                ps.setString(1, Rows.renamed(id));
                ps.setLong(2, id);
                return ps.executeUpdate();
            }
        }

        /** A table with no encrypted column. */
        @CompilerControl(CompilerControl.Mode.DONT_INLINE)
        long passThrough() throws SQLException {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(passThrough)) {
                ps.setLong(1, randomId());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1) + rs.getString(2).length() + rs.getBigDecimal(3).scale();
                }
            }
        }

        /** The whole wide table, five encrypted columns of each row. */
        @CompilerControl(CompilerControl.Mode.DONT_INLINE)
        int scan1000() throws SQLException {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(scan1000)) {
                ps.setLong(1, 1);
                ps.setLong(2, LONG_SCAN);
                int length = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        for (int k = 1; k <= 5; k++) {
                            length += rs.getString(k).length();
                        }
                    }
                }
                return length;
            }
        }

        /** Every row of the export table, streamed {@link #EXPORT_FETCH_SIZE} rows at a time, three columns each. */
        @CompilerControl(CompilerControl.Mode.DONT_INLINE)
        long export() throws SQLException {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false); // PostgreSQL streams with a cursor only inside a transaction
                long length = 0;
                try (PreparedStatement ps = c.prepareStatement(export)) {
                    ps.setFetchSize(EXPORT_FETCH_SIZE);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            length += rs.getString(1).length() + rs.getString(2).length() + rs.getString(3).length();
                        }
                    }
                } finally {
                    c.commit();
                    c.setAutoCommit(true);
                }
                return length;
            }
        }

        /** By one of {@link Rows#HOT_VALUES} hot values of a deterministic column, reading it back. */
        @CompilerControl(CompilerControl.Mode.DONT_INLINE)
        long lookupHot(boolean memo) throws SQLException {
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement(memo ? lookupHotMemo : lookupHot)) {
                BenchDatabase.bind(ps, 1, bare == null ? null : bare.code,
                        Rows.hot(ThreadLocalRandom.current().nextLong(1, Rows.HOT_VALUES + 1)));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1) + length(rs, 2, bare == null ? null : bare.code);
                }
            }
        }

        /** One row of ten encrypted columns, of which two are read. */
        @CompilerControl(CompilerControl.Mode.DONT_INLINE)
        int wideRow() throws SQLException {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(wideRow)) {
                ps.setLong(1, randomId());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return length(rs, 2, bare == null ? null : bare.wide[1])
                            + length(rs, 3, bare == null ? null : bare.wide[2]);
                }
            }
        }
    }
}
