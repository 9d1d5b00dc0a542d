package dev.cloak.benchmarks;

import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.driver.internal.codec.CellCodec;
import dev.cloak.driver.internal.codec.CellKeys;
import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.EncryptionMode;
import dev.cloak.keyring.Keyring;
import dev.cloak.keyring.KeyringException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Encrypt and decrypt of one cell per logical type and mode through {@link CellCodec}, with the keys of a
 * warm {@link Keyring} as the driver uses them (so a key lookup is part of every cell).
 *
 * <p>The 26 cells (13 types x 2 modes) take turns in one fork per operation, as the drivers do in
 * {@link DatabaseBenchmark}: iteration {@code i} (warmup and measured counted separately) runs cell
 * {@code i % 26} ({@link #cellName}), and {@link Report} splits JMH's per-iteration scores accordingly. A fork
 * per cell spent most of its time starting a JVM and waiting for its JIT (52 forks, about 3 minutes of the run);
 * sharing one JVM also means the codec's code is compiled for every type at once, as in an application with
 * many encrypted columns. Each fork first runs every cell until the JIT compilers are idle ({@link JitWarmUp}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = CellCodecBenchmark.CELLS, time = 100, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 2 * CellCodecBenchmark.CELLS, time = 100, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
public class CellCodecBenchmark {

    private static final ColumnType[] TYPES = ColumnType.values();
    private static final EncryptionMode[] MODES = {EncryptionMode.RANDOMIZED, EncryptionMode.DETERMINISTIC};
    /** One cell per type and mode. */
    static final int CELLS = 26;

    static {
        if (TYPES.length * MODES.length != CELLS) {
            throw new IllegalStateException("CELLS is " + CELLS + " but there are " + TYPES.length * MODES.length);
        }
    }

    private LocalKeyring keys;
    private Cell[] cells;
    /** The cell whose turn it is; set before each iteration, while the benchmark thread does not run. */
    private Cell current;
    private int warmupTurns;
    private int measuredTurns;

    /** {@code varchar/randomized}: the type and mode of the cell that iteration {@code turn} measures. */
    static String cellName(int turn) {
        int cell = turn % CELLS;
        return TYPES[cell / MODES.length].policyName() + "/" + MODES[cell % MODES.length].policyName();
    }

    @Setup(Level.Trial)
    public void open() throws Exception {
        keys = LocalKeyring.open();
        KeyringKeys cellKeys = new KeyringKeys(keys.keyring());
        cells = new Cell[CELLS];
        for (int i = 0; i < CELLS; i++) {
            ColumnType type = TYPES[i / MODES.length];
            EncryptionMode mode = MODES[i % MODES.length];
            String name = type.policyName() + "_" + mode.policyName(); // a key domain serves one mode
            ColumnPolicy column = new ColumnPolicy(null, "bench", name, false, type, mode, "bench." + name, 0, 0);
            CellCodec codec = new CellCodec(column, cellKeys);
            Object value = sample(type);
            cells[i] = new Cell(codec, value, codec.encrypt(value, Types.OTHER));
        }
        // a cell takes about a microsecond: JMH's warmup alone leaves the codec, Tink and the JDK's AES-GCM partly
        // compiled, so run both operations on every cell until the JIT compilers are idle first
        JitWarmUp.untilIdle(() -> {
            for (Cell cell : cells) {
                cell.codec().decrypt(cell.codec().encrypt(cell.value(), Types.OTHER));
            }
        }, 3, 100, 3_000);
    }

    /** Gives the next iteration to the next cell. */
    @Setup(Level.Iteration)
    public void takeTurn(IterationParams iteration) {
        int turn = iteration.getType() == IterationType.WARMUP ? warmupTurns++ : measuredTurns++;
        current = cells[turn % CELLS];
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        keys.close();
    }

    @Benchmark
    public byte[] encrypt() throws SQLException {
        Cell cell = current;
        return cell.codec().encrypt(cell.value(), Types.OTHER);
    }

    @Benchmark
    public Object decrypt() throws SQLException {
        Cell cell = current;
        return cell.codec().decrypt(cell.stored());
    }

    /** A column's codec, a typical value and that value's stored cell. */
    private record Cell(CellCodec codec, Object value, byte[] stored) {
    }

    /** A typical value of each type: a 14-character name, a 32-byte blob, … */
    private static Object sample(ColumnType type) {
        return switch (type) {
            case VARCHAR -> "Jane Q. Public";
            case INT -> 123_456;
            case BIGINT -> 1_234_567_890_123L;
            case SMALLINT -> (short) 1234;
            case DECIMAL -> new BigDecimal("12345.67");
            case DOUBLE -> 98.6d;
            case BOOLEAN -> Boolean.TRUE;
            case DATE -> LocalDate.of(1980, 4, 12);
            case TIME -> LocalTime.of(13, 45, 30);
            case TIMESTAMP -> LocalDateTime.of(2024, 3, 5, 23, 30, 15, 123_456_000);
            case TIMESTAMPTZ -> OffsetDateTime.of(2024, 3, 5, 23, 30, 15, 0, ZoneOffset.ofHours(2));
            case UUID -> UUID.fromString("3f2504e0-4f89-41d3-9a0c-0305e82c3301");
            case BYTES -> "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        };
    }

    /** The keyring's primitives as the driver hands them to the codec. */
    private record KeyringKeys(Keyring keyring) implements CellKeys {
        @Override
        public com.google.crypto.tink.Aead aead(String keyDomain) throws SQLException {
            try {
                return keyring.aead(keyDomain);
            } catch (KeyringException e) {
                throw SqlErrors.keyring(e);
            }
        }

        @Override
        public com.google.crypto.tink.DeterministicAead deterministicAead(String keyDomain) throws SQLException {
            try {
                return keyring.deterministicAead(keyDomain);
            } catch (KeyringException e) {
                throw SqlErrors.keyring(e);
            }
        }
    }
}
