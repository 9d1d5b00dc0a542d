package dev.cloak.benchmarks;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.DeterministicAead;
import com.google.crypto.tink.subtle.AesSiv;
import com.google.crypto.tink.subtle.Random;
import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.EncryptionMode;
import dev.cloak.driver.internal.codec.CellCodec;
import dev.cloak.driver.internal.codec.CellKeys;
import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.keyring.DomainKeys;
import dev.cloak.keyring.Keyring;
import dev.cloak.keyring.KeyringException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Cloak's codec beside the bare primitive on the very same cells, in one fork, taking turns: the per-cell ratio
 * that the database workloads' {@code per-cell / floor} estimates from two drivers' throughputs, measured here
 * without the database, the network or the other load of the machine between the two. Each pair is one of the
 * workloads' cells: {@code scan-100}'s randomized {@code name} (decrypt), {@code batch-insert}'s {@code name}
 * (encrypt), {@code deterministic-lookup}'s {@code ssn} (AES-SIV encrypt) and {@code scan-100}'s {@code ssn}
 * (AES-SIV decrypt). The codec gets its keys as the driver does, through the keyring's {@link DomainKeys}, and
 * decodes to a {@code String} as {@code getString} does; the floor is {@link FloorBenchmark}'s (the JDK's AES-GCM
 * with one cipher per key, Tink's {@link AesSiv}) on plaintexts of the same lengths.
 *
 * <p>Iteration {@code i} runs operation {@code i % OPS.size()} ({@link #OPS}); the ratio of a pair is the mean of
 * its Cloak turns over the mean of its floor turns. On a loaded machine, many short turns ({@code -wi 80 -w 10ms
 * -i 800 -r 10ms}) and each operation's median hold up best; {@code -p only=cloak-decrypt-name -prof gc} gives one
 * operation's allocation per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = CodecFloorBenchmark.TURNS, time = 100, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5 * CodecFloorBenchmark.TURNS, time = 100, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
public class CodecFloorBenchmark {

    /** The operations in the order they take turns: the floor, then Cloak on the same cells. */
    static final List<String> OPS = List.of("floor-gcm-decrypt-name", "cloak-decrypt-name",
            "floor-gcm-encrypt-name", "cloak-encrypt-name", "floor-siv-encrypt-ssn", "cloak-encrypt-ssn",
            "floor-siv-decrypt-ssn", "cloak-decrypt-ssn");
    static final int TURNS = 8;
    private static final int ROWS = BenchDatabase.ROWS;
    private static final int IV = 12;
    private static final int TAG = 16;
    private static final int PREFIX = 5;
    private static final byte VARCHAR_TAG = 1;
    private static final String NAME_DOMAIN = "bench_cloak_patients.name";
    private static final String SSN_DOMAIN = "bench_cloak_patients.ssn";

    /** {@code all} (take turns), or one operation of {@link #OPS} alone, e.g. for {@code -prof gc}'s bytes per op. */
    @Param("all")
    public String only;

    private LocalKeyring keys;
    private Op[] ops;
    private Op current;
    private int warmupTurns;
    private int measuredTurns;

    /** One operation on its 1,000 cells; returns what it made, so that nothing is optimised away. */
    private interface Op {
        Object run(int row) throws Exception;
    }

    @Setup(Level.Trial)
    public void open() throws Exception {
        keys = LocalKeyring.open();
        CellKeys cellKeys = new DomainCellKeys(keys.keyring());
        CellCodec name = new CellCodec(new ColumnPolicy(null, "bench_cloak_patients", "name", false,
                ColumnType.VARCHAR, EncryptionMode.RANDOMIZED, NAME_DOMAIN, 0, 0), cellKeys);
        CellCodec ssn = new CellCodec(new ColumnPolicy(null, "bench_cloak_patients", "ssn", false,
                ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC, SSN_DOMAIN, 0, 0), cellKeys);
        String[] names = values(Rows::name);
        String[] ssns = values(Rows::ssn);
        byte[][] nameCells = new byte[ROWS][];
        byte[][] ssnCells = new byte[ROWS][];
        for (int i = 0; i < ROWS; i++) {
            nameCells[i] = name.encrypt(names[i], Types.VARCHAR);
            ssnCells[i] = ssn.encrypt(ssns[i], Types.VARCHAR);
        }

        byte[] nameAd = ("cloak/v1/" + NAME_DOMAIN).getBytes(StandardCharsets.UTF_8);
        byte[] ssnAd = ("cloak/v1/" + SSN_DOMAIN).getBytes(StandardCharsets.UTF_8);
        SecretKeySpec gcmKey = new SecretKeySpec(Random.randBytes(32), "AES");
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        AesSiv siv = new AesSiv(Random.randBytes(64));
        byte[][] namePlain = plaintexts(names);
        byte[][] ssnPlain = plaintexts(ssns);
        byte[][] floorNameCells = new byte[ROWS][];
        byte[][] floorSsnCells = new byte[ROWS][];
        for (int i = 0; i < ROWS; i++) {
            floorNameCells[i] = gcmEncrypt(cipher, gcmKey, namePlain[i], nameAd);
            floorSsnCells[i] = siv.encryptDeterministically(ssnPlain[i], ssnAd);
        }
        ops = new Op[] {
            row -> gcmDecrypt(cipher, gcmKey, floorNameCells[row], nameAd),
            row -> name.decrypt(nameCells[row]),
            row -> gcmEncrypt(cipher, gcmKey, namePlain[row], nameAd),
            row -> name.encrypt(names[row], Types.VARCHAR),
            row -> siv.encryptDeterministically(ssnPlain[row], ssnAd),
            row -> ssn.encrypt(ssns[row], Types.VARCHAR),
            row -> siv.decryptDeterministically(floorSsnCells[row], ssnAd),
            row -> ssn.decrypt(ssnCells[row]),
        };
        if (ops.length != TURNS || OPS.size() != TURNS) {
            throw new IllegalStateException("TURNS is " + TURNS + " but there are " + ops.length + " operations");
        }
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
        current = "all".equals(only) ? ops[turn % TURNS] : ops[OPS.indexOf(only)];
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        keys.close();
    }

    @Benchmark
    public Object cell(FloorBenchmark.Cursor cursor) throws Exception {
        return current.run(cursor.next());
    }

    /** The name of the operation measured in iteration {@code turn}. */
    static String opName(int turn) {
        return OPS.get(turn % TURNS);
    }

    private static String[] values(LongFunction<String> value) {
        String[] out = new String[ROWS];
        for (int i = 0; i < ROWS; i++) {
            out[i] = value.apply(i + 1L);
        }
        return out;
    }

    /** What Cloak encrypts for an unpadded varchar: its type byte, the UTF-8. */
    private static byte[][] plaintexts(String[] values) {
        byte[][] out = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            byte[] utf8 = values[i].getBytes(StandardCharsets.UTF_8);
            byte[] p = new byte[1 + utf8.length];
            p[0] = VARCHAR_TAG;
            System.arraycopy(utf8, 0, p, 1, utf8.length);
            out[i] = p;
        }
        return out;
    }

    private static byte[] gcmEncrypt(Cipher cipher, SecretKeySpec key, byte[] plaintext, byte[] ad)
            throws Exception {
        byte[] out = new byte[PREFIX + IV + plaintext.length + TAG];
        out[0] = 1;
        System.arraycopy(Random.randBytes(IV), 0, out, PREFIX, IV);
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG * 8, out, PREFIX, IV));
        cipher.updateAAD(ad);
        cipher.doFinal(plaintext, 0, plaintext.length, out, PREFIX + IV);
        return out;
    }

    private static byte[] gcmDecrypt(Cipher cipher, SecretKeySpec key, byte[] cell, byte[] ad) throws Exception {
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG * 8, cell, PREFIX, IV));
        cipher.updateAAD(ad);
        return cipher.doFinal(cell, PREFIX + IV, cell.length - PREFIX - IV);
    }

    /** The keyring's primitives as the driver's {@code KeyringCellKeys} hands them out: one {@link DomainKeys}. */
    private record DomainCellKeys(Keyring keyring) implements CellKeys {
        @Override
        public Aead aead(String keyDomain) throws SQLException {
            try {
                return keyring.domainKeys(keyDomain).aead();
            } catch (KeyringException e) {
                throw SqlErrors.keyring(e);
            }
        }

        @Override
        public DeterministicAead deterministicAead(String keyDomain) throws SQLException {
            try {
                return keyring.domainKeys(keyDomain).deterministicAead();
            } catch (KeyringException e) {
                throw SqlErrors.keyring(e);
            }
        }

        @Override
        public List<DeterministicAead> deterministicAeadsByVersion(String keyDomain) throws SQLException {
            try {
                return keyring.domainKeys(keyDomain).deterministicAeadsByVersion();
            } catch (KeyringException e) {
                throw SqlErrors.keyring(e);
            }
        }

        @Override
        public Domain forDomain(String keyDomain) {
            DomainKeys domain = keyring.domainKeys(keyDomain);
            return new Domain() {
                @Override
                public Aead aead() throws SQLException {
                    try {
                        return domain.aead();
                    } catch (KeyringException e) {
                        throw SqlErrors.keyring(e);
                    }
                }

                @Override
                public DeterministicAead deterministicAead() throws SQLException {
                    try {
                        return domain.deterministicAead();
                    } catch (KeyringException e) {
                        throw SqlErrors.keyring(e);
                    }
                }

                @Override
                public List<DeterministicAead> deterministicAeadsByVersion() throws SQLException {
                    try {
                        return domain.deterministicAeadsByVersion();
                    } catch (KeyringException e) {
                        throw SqlErrors.keyring(e);
                    }
                }

                @Override
                public boolean hasKeyVersion(int keyId) {
                    return keyring.hasKeyVersion(keyDomain, keyId);
                }
            };
        }
    }
}
