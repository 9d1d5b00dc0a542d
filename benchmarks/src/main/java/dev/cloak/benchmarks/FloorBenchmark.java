package dev.cloak.benchmarks;

import com.google.crypto.tink.subtle.AesSiv;
import com.google.crypto.tink.subtle.Random;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * The floor under Cloak's cost per cell: the bare primitives, with nothing of Cloak around them, on the very cells
 * the database workloads read and write ({@link Rows}' values, so the same plaintext lengths). AES-GCM as Cloak's
 * keyring uses the JDK's ({@link BareCells.Gcm}: one {@code Cipher} per key and thread, {@code init} with the cell's
 * IV, the associated data, then {@code doFinal} into a new array) and Tink's AES-SIV ({@link AesSiv}, what the
 * keyring's deterministic primitive runs underneath). The plaintext is what Cloak encrypts for an unpadded varchar,
 * its type byte and the UTF-8; the associated data is as long as Cloak's ({@code cloak/v1/} and the key domain).
 * This is the floor in a loop that does nothing else; the {@code bare} driver of {@link DatabaseBenchmark} runs the
 * same primitives where the cells are read and written.
 *
 * <p>The {@link #OPS} take turns in one fork as the cells of {@link CellCodecBenchmark} do: iteration {@code i} runs
 * operation {@code i % OPS.size()}, each call on the next of 1,000 rows' values; {@link Report} splits the scores
 * and adds up each workload's floor from them ({@link Report#FLOOR_CELLS}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = FloorBenchmark.TURNS, time = 100, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 2 * FloorBenchmark.TURNS, time = 100, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
public class FloorBenchmark {

    /** The operations, in the order they take turns: the primitive, the direction and whose cells. */
    static final List<String> OPS = List.of("gcm-decrypt-name", "gcm-decrypt-email", "gcm-decrypt-wide",
            "siv-decrypt-ssn", "siv-decrypt-hot", "gcm-encrypt-name", "gcm-encrypt-email", "gcm-encrypt-renamed",
            "siv-encrypt-ssn", "siv-encrypt-hot");
    static final int TURNS = 10;
    private static final int ROWS = BenchDatabase.ROWS;

    static {
        if (OPS.size() != TURNS) {
            throw new IllegalStateException("TURNS is " + TURNS + " but there are " + OPS.size() + " operations");
        }
    }

    private Op[] ops;
    private Op current;
    private int warmupTurns;
    private int measuredTurns;

    /** One operation on its 1,000 cells; returns what it made, so that nothing is optimised away. */
    private interface Op {
        byte[] run(int row) throws GeneralSecurityException;
    }

    @Setup(Level.Trial)
    public void open() throws Exception {
        BareCells.Gcm gcm = new BareCells.Gcm();
        AesSiv siv = new AesSiv(Random.randBytes(64));
        byte[] ad = "cloak/v1/bench_cloak_patients.email".getBytes(StandardCharsets.UTF_8);
        byte[][] names = plaintexts(Rows::name);
        byte[][] emails = plaintexts(Rows::email);
        byte[][] wide = plaintexts(id -> Rows.wide(id, 1));
        byte[][] renamed = plaintexts(Rows::renamed);
        byte[][] ssns = plaintexts(Rows::ssn);
        byte[][] hot = plaintexts(Rows::hot);
        byte[][] nameCells = new byte[ROWS][];
        byte[][] emailCells = new byte[ROWS][];
        byte[][] wideCells = new byte[ROWS][];
        byte[][] ssnCells = new byte[ROWS][];
        byte[][] hotCells = new byte[ROWS][];
        for (int i = 0; i < ROWS; i++) {
            nameCells[i] = gcm.encrypt(names[i], ad, 0);
            emailCells[i] = gcm.encrypt(emails[i], ad, 0);
            wideCells[i] = gcm.encrypt(wide[i], ad, 0);
            ssnCells[i] = siv.encryptDeterministically(ssns[i], ad);
            hotCells[i] = siv.encryptDeterministically(hot[i], ad);
        }
        ops = new Op[] {
            row -> gcm.decrypt(nameCells[row], 0, ad),
            row -> gcm.decrypt(emailCells[row], 0, ad),
            row -> gcm.decrypt(wideCells[row], 0, ad),
            row -> siv.decryptDeterministically(ssnCells[row], ad),
            row -> siv.decryptDeterministically(hotCells[row], ad),
            row -> gcm.encrypt(names[row], ad, 0),
            row -> gcm.encrypt(emails[row], ad, 0),
            row -> gcm.encrypt(renamed[row], ad, 0),
            row -> siv.encryptDeterministically(ssns[row], ad),
            row -> siv.encryptDeterministically(hot[row], ad),
        };
        JitWarmUp.untilIdle(() -> {
            for (Op op : ops) {
                for (int row = 0; row < ROWS; row += 7) {
                    op.run(row);
                }
            }
        }, 3, 100, 3_000);
    }

    /** Gives the next iteration to the next operation. */
    @Setup(Level.Iteration)
    public void takeTurn(IterationParams iteration) {
        int turn = iteration.getType() == IterationType.WARMUP ? warmupTurns++ : measuredTurns++;
        current = ops[turn % TURNS];
    }

    @Benchmark
    public byte[] cell(Cursor cursor) throws GeneralSecurityException {
        return current.run(cursor.next());
    }

    /** The row whose cell the next call takes, per thread. */
    @State(Scope.Thread)
    public static class Cursor {
        private int row;

        int next() {
            int r = row;
            row = r + 1 == ROWS ? 0 : r + 1;
            return r;
        }
    }

    /** The name of the operation measured in iteration {@code turn}. */
    static String opName(int turn) {
        return OPS.get(turn % TURNS);
    }

    /** The plaintext Cloak encrypts for each row's value of an unpadded varchar column: a type byte, the UTF-8. */
    private static byte[][] plaintexts(LongFunction<String> value) {
        byte[][] out = new byte[ROWS][];
        for (int i = 0; i < ROWS; i++) {
            out[i] = BareCells.plaintext(value.apply(i + 1L));
        }
        return out;
    }
}
