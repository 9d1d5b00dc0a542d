package dev.cloak.benchmarks;

import dev.cloak.rewriter.Dialect;
import dev.cloak.rewriter.EncryptedColumn;
import dev.cloak.rewriter.EncryptedSchema;
import dev.cloak.rewriter.UnsupportedStatementException;
import dev.cloak.rewriter.SqlRewriter;
import dev.cloak.rewriter.StatementPlan;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link SqlRewriter#plan(String)} when the plan is not cached: the parse and analysis of typical DML on a
 * configured table, and the pass-through path of a statement on another table, which is decided without
 * parsing. Each call plans one of {@value #VARIANTS} texts that differ only in a leading comment, with a rewriter
 * whose cache is off: a rewriter with cache size 0 still answers a text repeated at once from its cache, and a
 * fresh rewriter per call would add its own 4 µs to the pass-through. Each miss pays the cache's insert and
 * eviction too, as a miss in the driver does; {@link #passThroughScan} is the pass-through test alone.
 * {@link PlanCacheBenchmark} has the hit.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
public class RewriterBenchmark {

    static final String INSERT = "INSERT INTO patients (id, ssn, name, email) VALUES (?, ?, ?, ?)";
    static final String SELECT_BY_SSN = "SELECT id, name, email FROM patients WHERE ssn = ?";
    static final String UPDATE = "UPDATE patients SET name = ?, email = ? WHERE id = ?";
    static final String PASS_THROUGH = "SELECT id, label, amount FROM invoices WHERE id = ?";

    /** Distinct texts per statement: a text comes back only after 4,095 others, long evicted from a size-0 cache. */
    static final int VARIANTS = 4096;

    private EncryptedSchema schema;
    private SqlRewriter rewriter;
    private String[] inserts;
    private String[] selects;
    private String[] updates;
    private String[] passThroughs;
    private int next;

    @Setup(Level.Trial)
    public void rewriter() throws UnsupportedStatementException {
        schema = EncryptedSchema.of(List.of(
                EncryptedColumn.declared(null, "patients", "ssn", false, true, "patients.ssn", "varchar", 11, 0),
                EncryptedColumn.declared(null, "patients", "name", false, false, "patients.name", "varchar", 100, 0),
                EncryptedColumn.declared(null, "patients", "email", false, false, "patients.email", "varchar",
                        200, 0)));
        rewriter = new SqlRewriter(schema, 0, Dialect.POSTGRESQL);
        inserts = variants(INSERT);
        selects = variants(SELECT_BY_SSN);
        updates = variants(UPDATE);
        passThroughs = variants(PASS_THROUGH);
        // fail at setup, not in a measured loop, if a statement is not planned as the benchmark claims
        for (String[] texts : List.of(inserts, selects, updates)) {
            if (!rewriter.plan(texts[0]).hasEncryptedParameters()) {
                throw new IllegalStateException("expected encrypted parameters: " + texts[0]);
            }
        }
        if (!rewriter.plan(passThroughs[0]).passThrough()) {
            throw new IllegalStateException("expected pass-through: " + passThroughs[0]);
        }
    }

    private static String[] variants(String sql) {
        String[] texts = new String[VARIANTS];
        for (int i = 0; i < VARIANTS; i++) {
            // a leading comment, as sqlcommenter-style tracing adds: same statement, a text the cache has not seen
            texts[i] = "/* q" + i + " */ " + sql;
        }
        return texts;
    }

    private String nextOf(String[] texts) {
        next = (next + 1) & (VARIANTS - 1);
        return texts[next];
    }

    @Benchmark
    public StatementPlan planMissInsert() throws UnsupportedStatementException {
        return rewriter.plan(nextOf(inserts));
    }

    @Benchmark
    public StatementPlan planMissSelectBySsn() throws UnsupportedStatementException {
        return rewriter.plan(nextOf(selects));
    }

    @Benchmark
    public StatementPlan planMissUpdate() throws UnsupportedStatementException {
        return rewriter.plan(nextOf(updates));
    }

    @Benchmark
    public StatementPlan passThroughMiss() throws UnsupportedStatementException {
        return rewriter.plan(nextOf(passThroughs));
    }

    /** The test that makes a statement pass through: a scan of its words for a configured table's name. */
    @Benchmark
    public boolean passThroughScan() {
        return schema.mayMention(nextOf(passThroughs));
    }
}
