package dev.cloak.benchmarks;

import dev.cloak.driver.codec.CellCodec;
import dev.cloak.driver.codec.CellKeys;
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
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encrypt and decrypt of one cell per logical type and mode through {@link CellCodec}, with the keys of a
 * warm {@link Keyring} as the driver uses them (so a key lookup is part of every cell). Each fork first runs the
 * codec until the JIT compilers are idle ({@link JitWarmUp}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 1, time = 200, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 1, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
public class CellCodecBenchmark {

    @Param({"varchar", "int", "bigint", "smallint", "decimal", "double", "boolean", "date", "time", "timestamp",
            "timestamptz", "uuid", "bytes"})
    public String type;

    @Param({"randomized", "deterministic"})
    public String mode;

    private LocalKeyring keys;
    private CellCodec codec;
    private Object value;
    private byte[] cell;

    @Setup(Level.Trial)
    public void open() throws Exception {
        keys = LocalKeyring.open();
        ColumnType columnType = ColumnType.fromPolicyName(type);
        EncryptionMode encryptionMode = EncryptionMode.valueOf(mode.toUpperCase(Locale.ROOT));
        ColumnPolicy column = new ColumnPolicy(null, "bench", type, false, columnType, encryptionMode,
                "bench." + type, 0, 0);
        codec = new CellCodec(column, new KeyringKeys(keys.keyring()));
        value = sample(columnType);
        cell = codec.encrypt(value, Types.OTHER);
        // a cell takes well under a microsecond: JMH's half-second warmup alone leaves the codec, Tink and the
        // JDK's AES-GCM partly compiled, so run both operations until the JIT compilers are idle first
        JitWarmUp.untilIdle(() -> {
            codec.decrypt(codec.encrypt(value, Types.OTHER));
        }, 3, 100, 2_000);
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        keys.close();
    }

    @Benchmark
    public byte[] encrypt() throws SQLException {
        return codec.encrypt(value, Types.OTHER);
    }

    @Benchmark
    public Object decrypt() throws SQLException {
        return codec.decrypt(cell);
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
                throw new SQLException("key unavailable", "58030", e);
            }
        }

        @Override
        public com.google.crypto.tink.DeterministicAead deterministicAead(String keyDomain) throws SQLException {
            try {
                return keyring.deterministicAead(keyDomain);
            } catch (KeyringException e) {
                throw new SQLException("key unavailable", "58030", e);
            }
        }
    }
}
