package dev.cloak.driver.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import com.zaxxer.hikari.SQLExceptionOverride;
import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.EncryptionMode;
import dev.cloak.driver.hikari.CloakExceptionOverride;
import dev.cloak.rewriter.RejectedStatementException;

class CellCodecTest {

    private static final int GCM_OVERHEAD = 2 + 5 + 12 + 16;
    private static final int SIV_OVERHEAD = 2 + 5 + 16;

    private final TestKeys keys = TestKeys.perDomain();

    static ColumnPolicy column(ColumnType type, EncryptionMode mode) {
        return column("t", "c", type, mode, 0, 0);
    }

    static ColumnPolicy column(String table, String name, ColumnType type, EncryptionMode mode, int pad, int size) {
        return new ColumnPolicy(null, table, name, false, type, mode, (table + "." + name).toLowerCase(), pad, size);
    }

    /** A column whose pad rounds up to a multiple ({@code pad: { size: pad, buckets: true }}). */
    static ColumnPolicy bucketColumn(String table, String name, ColumnType type, EncryptionMode mode, int pad) {
        return new ColumnPolicy(null, table, name, false, type, mode, (table + "." + name).toLowerCase(), pad, 0,
                ColumnPolicy.NO_SCALE, true);
    }

    private static byte[] megabyte() {
        byte[] b = new byte[1 << 20];
        new Random(42).nextBytes(b);
        return b;
    }

    static Stream<Arguments> values() {
        List<Arguments> cases = new ArrayList<>();
        Object[][] byType = {
                {ColumnType.VARCHAR, new Object[] {"", "a", "Zoë 李 🚀", "x".repeat(10_000), "\u0000"}},
                {ColumnType.INT, new Object[] {0, -1, 42, Integer.MIN_VALUE, Integer.MAX_VALUE}},
                {ColumnType.BIGINT, new Object[] {0L, Long.MIN_VALUE, Long.MAX_VALUE}},
                {ColumnType.SMALLINT, new Object[] {(short) 0, Short.MIN_VALUE, Short.MAX_VALUE}},
                {ColumnType.DECIMAL, new Object[] {BigDecimal.ZERO, new BigDecimal("12.3400"), new BigDecimal("-0.000"),
                        new BigDecimal("1e-2000"), new BigDecimal("-" + "9".repeat(500) + "e300"), new BigDecimal("1E+9999")}},
                {ColumnType.DOUBLE, new Object[] {0.0, -0.0, 1.5, Double.MAX_VALUE, Double.MIN_VALUE, -Double.MAX_VALUE,
                        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}},
                {ColumnType.BOOLEAN, new Object[] {true, false}},
                {ColumnType.DATE, new Object[] {LocalDate.MIN, LocalDate.MAX, LocalDate.EPOCH, LocalDate.of(9999, 12, 31),
                        LocalDate.of(1, 1, 1)}},
                {ColumnType.TIME, new Object[] {LocalTime.MIN, LocalTime.MAX, LocalTime.of(12, 0, 0, 1)}},
                {ColumnType.TIMESTAMP, new Object[] {LocalDateTime.MIN, LocalDateTime.MAX,
                        LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_999), LocalDateTime.of(1969, 12, 31, 23, 59, 59, 1)}},
                {ColumnType.TIMESTAMPTZ, new Object[] {OffsetDateTime.of(2024, 2, 29, 23, 0, 0, 123_456_789, ZoneOffset.ofHours(-5)),
                        Instant.EPOCH, Instant.ofEpochSecond(-1, 1), OffsetDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_999, ZoneOffset.UTC)}},
                {ColumnType.UUID, new Object[] {UUID.randomUUID(), new UUID(0, 0), new UUID(-1, -1)}},
                {ColumnType.BYTES, new Object[] {new byte[0], new byte[] {0, (byte) 0x80, -1}, megabyte()}},
        };
        for (Object[] row : byType) {
            for (Object value : (Object[]) row[1]) {
                for (EncryptionMode mode : EncryptionMode.values()) {
                    for (int pad : new int[] {0, 16}) {
                        // values of any length: a fixed pad would refuse the long ones, buckets take them all
                        cases.add(Arguments.of(row[0], mode, pad, value));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} pad {2}")
    @MethodSource("values")
    void everyTypeRoundTripsInBothModes(ColumnType type, EncryptionMode mode, int pad, Object value) throws SQLException {
        ColumnPolicy column = pad == 0 ? column("t", "c", type, mode, 0, 0) : bucketColumn("t", "c", type, mode, pad);
        CellCodec codec = new CellCodec(column, keys);

        byte[] cell = codec.encrypt(value, Types.OTHER);
        Object back = codec.decrypt(cell);

        assertThat(cell[0]).isEqualTo((byte) 0x01);
        assertThat(cell[1]).isEqualTo(mode.cellByte());
        assertThat(back).isEqualTo(ValueConverter.toCanonical(column, value, Types.OTHER));
        if (value instanceof String || value instanceof byte[] || value instanceof Integer || value instanceof Long
                || value instanceof Short || value instanceof Boolean || value instanceof LocalDate) {
            assertThat(back).isEqualTo(value);
        }
    }

    @Test
    void extremeValuesComeBackExactly() throws SQLException {
        CellCodec decimal = new CellCodec(column(ColumnType.DECIMAL, EncryptionMode.RANDOMIZED), keys);
        BigDecimal huge = new BigDecimal(BigInteger.TEN.pow(5000).add(BigInteger.ONE), -100);
        BigDecimal tiny = new BigDecimal(BigInteger.ONE, 100_000);
        assertThat((BigDecimal) decimal.decrypt(decimal.encrypt(huge, Types.DECIMAL))).isEqualByComparingTo(huge);
        assertThat((BigDecimal) decimal.decrypt(decimal.encrypt(tiny, Types.DECIMAL))).isEqualByComparingTo(tiny);

        CellCodec tz = new CellCodec(column(ColumnType.TIMESTAMPTZ, EncryptionMode.DETERMINISTIC), keys);
        OffsetDateTime nanos = OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 1, ZoneOffset.ofHours(14));
        assertThat(tz.decrypt(tz.encrypt(nanos, Types.OTHER)))
                .isEqualTo(nanos.withOffsetSameInstant(ZoneOffset.UTC));

        CellCodec dbl = new CellCodec(column(ColumnType.DOUBLE, EncryptionMode.DETERMINISTIC), keys);
        assertThat(dbl.decrypt(dbl.encrypt(-0.0, Types.DOUBLE))).isEqualTo(0.0);
        assertThat(dbl.encrypt(-0.0, Types.DOUBLE)).isEqualTo(dbl.encrypt(0.0, Types.DOUBLE));
        assertThat(dbl.encrypt(Double.longBitsToDouble(0x7ff8000000000001L), Types.DOUBLE))
                .isEqualTo(dbl.encrypt(Double.NaN, Types.DOUBLE));
    }

    @Test
    void nullIsRefusedBecauseTheCallerStoresSqlNullUnencrypted() {
        CellCodec codec = new CellCodec(column(ColumnType.VARCHAR, EncryptionMode.RANDOMIZED), keys);
        assertThatThrownBy(() -> codec.encrypt(null, Types.VARCHAR)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> codec.decrypt(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void deterministicGivesEqualCellsForEqualValues() throws SQLException {
        CellCodec codec = new CellCodec(column(ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC), keys);
        assertThat(codec.encrypt("123-45-6789", Types.VARCHAR)).isEqualTo(codec.encrypt("123-45-6789", Types.VARCHAR));
        assertThat(codec.encrypt("123-45-6789", Types.VARCHAR)).isNotEqualTo(codec.encrypt("123-45-6780", Types.VARCHAR));
    }

    @Test
    void deterministicIntColumnGivesTheSameCellForStringAndInt() throws SQLException {
        CellCodec codec = new CellCodec(column(ColumnType.INT, EncryptionMode.DETERMINISTIC), keys);
        byte[] fromInt = codec.encrypt(42, Types.INTEGER);
        assertThat(codec.encrypt("42", Types.VARCHAR)).isEqualTo(fromInt);
        assertThat(codec.encrypt(42L, Types.BIGINT)).isEqualTo(fromInt);
        assertThat(codec.encrypt(new BigDecimal("42.000"), Types.DECIMAL)).isEqualTo(fromInt);
    }

    @Test
    void deterministicDecimalIgnoresTrailingZeros() throws SQLException {
        CellCodec codec = new CellCodec(column(ColumnType.DECIMAL, EncryptionMode.DETERMINISTIC), keys);
        assertThat(codec.encrypt(new BigDecimal("1.50"), Types.DECIMAL)).isEqualTo(codec.encrypt("1.5", Types.VARCHAR));
        assertThat(codec.encrypt(new BigDecimal("0.000"), Types.DECIMAL)).isEqualTo(codec.encrypt(0, Types.INTEGER));
    }

    @Test
    void randomizedGivesDifferentCellsForEqualValues() throws SQLException {
        CellCodec codec = new CellCodec(column(ColumnType.VARCHAR, EncryptionMode.RANDOMIZED), keys);
        byte[] a = codec.encrypt("same", Types.VARCHAR);
        byte[] b = codec.encrypt("same", Types.VARCHAR);
        assertThat(a).isNotEqualTo(b);
        assertThat(codec.decrypt(a)).isEqualTo(codec.decrypt(b)).isEqualTo("same");
    }

    @ParameterizedTest
    @EnumSource(EncryptionMode.class)
    void cellOfAnotherColumnFailsEvenUnderTheSameKey(EncryptionMode mode) throws SQLException {
        TestKeys shared = TestKeys.sharedAcrossDomains();
        CellCodec ssn = new CellCodec(column("patients", "ssn", ColumnType.VARCHAR, mode, 0, 0), shared);
        CellCodec name = new CellCodec(column("patients", "name", ColumnType.VARCHAR, mode, 0, 0), shared);
        byte[] cell = ssn.encrypt("123-45-6789", Types.VARCHAR);

        assertThatThrownBy(() -> name.decrypt(cell))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22000"))
                .hasMessageContaining("patients.name")
                .hasMessageNotContaining("123-45-6789");
    }

    @ParameterizedTest
    @EnumSource(EncryptionMode.class)
    void cellOfAnotherKeyDomainFailsToDecrypt(EncryptionMode mode) throws SQLException {
        CellCodec a = new CellCodec(column("a", "x", ColumnType.INT, mode, 0, 0), keys);
        CellCodec b = new CellCodec(column("b", "x", ColumnType.INT, mode, 0, 0), keys);
        byte[] cell = a.encrypt(7, Types.INTEGER);
        assertThatThrownBy(() -> b.decrypt(cell)).isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(e.getSQLState()).isEqualTo("22000"));
    }

    @ParameterizedTest
    @EnumSource(EncryptionMode.class)
    void everyFlippedByteFailsAuthentication(EncryptionMode mode) throws SQLException {
        CellCodec codec = new CellCodec(column(ColumnType.VARCHAR, mode), keys);
        byte[] cell = codec.encrypt("secret", Types.VARCHAR);
        for (int i = 0; i < cell.length; i++) {
            byte[] tampered = cell.clone();
            tampered[i] ^= 0x01;
            assertThatThrownBy(() -> codec.decrypt(tampered)).as("byte %d", i)
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22000"))
                    .hasMessageNotContaining("secret");
        }
    }

    @Test
    void truncatedOrForeignCellsFail() throws SQLException {
        CellCodec codec = new CellCodec(column(ColumnType.VARCHAR, EncryptionMode.RANDOMIZED), keys);
        byte[] cell = codec.encrypt("v", Types.VARCHAR);
        for (byte[] bad : new byte[][] {new byte[0], {1, 1}, Arrays.copyOf(cell, cell.length - 1),
                "plain text from before encryption".getBytes()}) {
            assertThatThrownBy(() -> codec.decrypt(bad)).isInstanceOfSatisfying(SQLException.class,
                    e -> assertThat(e.getSQLState()).isEqualTo("22000"));
        }
    }

    @Test
    void cellOfTheOtherModeIsNotACellOfThisColumn() throws SQLException {
        CellCodec randomized = new CellCodec(column(ColumnType.VARCHAR, EncryptionMode.RANDOMIZED), keys);
        CellCodec deterministic = new CellCodec(column(ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC), keys);
        byte[] cell = randomized.encrypt("v", Types.VARCHAR);
        assertThatThrownBy(() -> deterministic.decrypt(cell))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22000"))
                .hasMessageContaining("not a Cloak cell of a deterministic column");
    }

    @Test
    void aStoredValueThatIsNotACloakCellIsRefusedWithOneMessageThatHoldsNothingOfIt() throws SQLException {
        CellCodec codec = new CellCodec(column(ColumnType.VARCHAR, EncryptionMode.RANDOMIZED), keys);
        // plaintext written around Cloak: its first byte (117 is 'u'), its second, its length must not show
        byte[][] stored = {"user@example.org".getBytes(StandardCharsets.UTF_8), "u".getBytes(StandardCharsets.UTF_8),
                {0x01, 0x75, 0x73, 0x65, 0x72, 0x40, 0x65, 0x78}, {0x75}};
        List<String> messages = new ArrayList<>();
        for (byte[] value : stored) {
            SQLException e = catchSqlException(() -> codec.decrypt(value));
            assertThat(e.getSQLState()).isEqualTo("22000");
            assertThat(e.getMessage()).contains("not a Cloak cell").doesNotContain("117").doesNotContain("0x")
                    .doesNotContain("user").doesNotContain("short").doesNotContain("byte ");
            messages.add(e.getMessage());
        }
        assertThat(messages).as("one message whatever the value").containsOnly(messages.get(0));
    }

    private static SQLException catchSqlException(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
        assertThat(thrown).isInstanceOf(SQLException.class);
        return (SQLException) thrown;
    }

    @Test
    void valueOfAnotherTypeUnderTheSameKeyIsRejectedByItsTag() throws SQLException {
        TestKeys shared = TestKeys.sharedAcrossDomains();
        CellCodec asInt = new CellCodec(column("t", "c", ColumnType.INT, EncryptionMode.DETERMINISTIC, 0, 0), shared);
        CellCodec asDate = new CellCodec(new ColumnPolicy(null, "t", "c", false, ColumnType.DATE,
                EncryptionMode.DETERMINISTIC, "t.c", 0, 0), shared);
        byte[] cell = asInt.encrypt(1, Types.INTEGER);
        assertThatThrownBy(() -> asDate.decrypt(cell))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22000"))
                .hasMessageContaining("another type");
    }

    @Test
    void stringOnIntColumnIsAConversionErrorThatDoesNotQuoteTheValue() {
        CellCodec codec = new CellCodec(column("patients", "age", ColumnType.INT, EncryptionMode.DETERMINISTIC, 0, 0), keys);
        assertThatThrownBy(() -> codec.encrypt("abc", Types.VARCHAR))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22018"))
                .hasMessageContaining("patients.age")
                .hasMessageContaining("java.lang.String")
                .hasMessageNotContaining("abc")
                .hasNoCause();
    }

    @ParameterizedTest
    @EnumSource(EncryptionMode.class)
    void padBucketsMakePlaintextLengthsMultiplesOfPad(EncryptionMode mode) throws SQLException {
        int overhead = mode == EncryptionMode.RANDOMIZED ? GCM_OVERHEAD : SIV_OVERHEAD;
        CellCodec codec = new CellCodec(bucketColumn("p", "name", ColumnType.VARCHAR, mode, 32), keys);
        for (String name : new String[] {"", "Al", "x".repeat(30), "x".repeat(31), "x".repeat(32), "Zoë 李 🚀"}) {
            byte[] cell = codec.encrypt(name, Types.VARCHAR);
            assertThat((cell.length - overhead) % 32).as(name).isZero();
            assertThat(codec.decrypt(cell)).isEqualTo(name);
        }
        assertThat(codec.encrypt("", Types.VARCHAR).length).isEqualTo(codec.encrypt("x".repeat(30), Types.VARCHAR).length);
        assertThat(codec.encrypt("x".repeat(31), Types.VARCHAR).length - overhead).isEqualTo(64);
    }

    @ParameterizedTest
    @EnumSource(EncryptionMode.class)
    void aFixedPadGivesEveryValueOfUpToPadBytesOneCellSize(EncryptionMode mode) throws SQLException {
        int overhead = mode == EncryptionMode.RANDOMIZED ? GCM_OVERHEAD : SIV_OVERHEAD;
        CellCodec codec = new CellCodec(column("p", "name", ColumnType.VARCHAR, mode, 32, 0), keys);
        for (String name : new String[] {"", "Al", "x".repeat(31), "x".repeat(32), "Zoë 李 🚀", "é".repeat(16)}) {
            byte[] cell = codec.encrypt(name, Types.VARCHAR);
            // the type byte, 32 bytes of value and padding, the padding marker
            assertThat(cell.length - overhead).as(name).isEqualTo(34);
            assertThat(codec.decrypt(cell)).isEqualTo(name);
        }
    }

    @ParameterizedTest
    @EnumSource(EncryptionMode.class)
    void aValueLongerThanAFixedPadHoldsIsRefusedWith22001(EncryptionMode mode) {
        CellCodec codec = new CellCodec(column("p", "name", ColumnType.VARCHAR, mode, 32, 0), keys);
        List<String> messages = new ArrayList<>();
        for (String name : new String[] {"x".repeat(33), "x".repeat(34), "x".repeat(500), "é".repeat(17)}) {
            SQLException e = catchSqlException(() -> codec.encrypt(name, Types.VARCHAR));
            assertThat(e.getSQLState()).isEqualTo("22001");
            assertThat(e.getMessage()).contains("p.name").contains("more than 32 bytes").doesNotContain("xxx");
            messages.add(e.getMessage());
        }
        assertThat(messages).as("the message tells the limit, not the value's length").containsOnly(messages.get(0));
    }

    @ParameterizedTest
    @EnumSource(EncryptionMode.class)
    void aCellWrittenUnderPadBucketsReadsUnderAFixedPadAndTheOtherWayRound(EncryptionMode mode) throws SQLException {
        CellCodec fixed = new CellCodec(column("p", "name", ColumnType.VARCHAR, mode, 32, 0), keys);
        CellCodec buckets = new CellCodec(bucketColumn("p", "name", ColumnType.VARCHAR, mode, 32), keys);
        for (String name : new String[] {"", "Al", "x".repeat(30), "x".repeat(32)}) {
            assertThat(fixed.decrypt(buckets.encrypt(name, Types.VARCHAR))).isEqualTo(name);
            assertThat(buckets.decrypt(fixed.encrypt(name, Types.VARCHAR))).isEqualTo(name);
        }
    }

    @Test
    void aLongValueWrittenUnderPadBucketsStillReadsUnderAFixedPad() throws SQLException {
        CellCodec fixed = new CellCodec(column("p", "name", ColumnType.VARCHAR, EncryptionMode.RANDOMIZED, 32, 0),
                keys);
        CellCodec buckets = new CellCodec(bucketColumn("p", "name", ColumnType.VARCHAR, EncryptionMode.RANDOMIZED,
                32), keys);
        String longName = "Maria Magdalena Wilhelmina von Hohenzollern-Sigmaringen";

        assertThat(fixed.decrypt(buckets.encrypt(longName, Types.VARCHAR))).isEqualTo(longName);
    }

    @Test
    void aFixedPadTooSmallForEveryValueOfTheTypeIsRefused() {
        assertThatThrownBy(() -> column("t", "c", ColumnType.BIGINT, EncryptionMode.RANDOMIZED, 7, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pad 7 leaves no room for a bigint value").hasMessageContaining("pad: 8");
        assertThat(column("t", "c", ColumnType.BIGINT, EncryptionMode.RANDOMIZED, 8, 0).pad()).isEqualTo(8);
        assertThat(bucketColumn("t", "c", ColumnType.BIGINT, EncryptionMode.RANDOMIZED, 7).pad()).isEqualTo(7);
    }

    @Test
    void paddedCellsStayReadableAfterPadIsRemovedFromThePolicy() throws SQLException {
        CellCodec padded = new CellCodec(column("p", "name", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC, 16, 0), keys);
        CellCodec plain = new CellCodec(column("p", "name", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC, 0, 0), keys);
        assertThat(plain.decrypt(padded.encrypt("Ann\u0000", Types.VARCHAR))).isEqualTo("Ann\u0000");
    }

    @Test
    void valueLongerThanTheDeclaredSizeIsRejected() throws SQLException {
        CellCodec varchar = new CellCodec(column("p", "code", ColumnType.VARCHAR, EncryptionMode.RANDOMIZED, 0, 4), keys);
        assertThat(varchar.decrypt(varchar.encrypt("🚀🚀🚀🚀", Types.VARCHAR))).isEqualTo("🚀🚀🚀🚀");
        assertThatThrownBy(() -> varchar.encrypt("abcde", Types.VARCHAR))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22001"))
                .hasMessageContaining("p.code")
                .hasMessageNotContaining("abcde");

        CellCodec bytes = new CellCodec(column("p", "blob", ColumnType.BYTES, EncryptionMode.RANDOMIZED, 0, 3), keys);
        assertThat(bytes.encrypt(new byte[3], Types.VARBINARY)).isNotEmpty();
        assertThatThrownBy(() -> bytes.encrypt(new byte[4], Types.VARBINARY))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22001"));
    }

    @Test
    void keyFailuresFromTheKeyringPassThroughUnchanged() {
        SQLException unavailable = new SQLException("KMS unavailable", "58030");
        CellKeys down = new CellKeys() {
            @Override
            public com.google.crypto.tink.Aead aead(String keyDomain) throws SQLException {
                throw unavailable;
            }

            @Override
            public com.google.crypto.tink.DeterministicAead deterministicAead(String keyDomain) throws SQLException {
                throw unavailable;
            }
        };
        CellCodec codec = new CellCodec(column(ColumnType.VARCHAR, EncryptionMode.RANDOMIZED), down);
        assertThatThrownBy(() -> codec.encrypt("v", Types.VARCHAR)).isSameAs(unavailable);
    }

    @Test
    void toStringNamesTheColumnOnly() {
        CellCodec codec = new CellCodec(column("patients", "ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC, 0, 0), keys);
        assertThat(codec.toString()).contains("patients.ssn").doesNotContain("Aead");
        assertThat(codec.column().name()).isEqualTo("patients.ssn");
    }

    @ParameterizedTest
    @EnumSource(EncryptionMode.class)
    void oneCodecServesManyThreads(EncryptionMode mode) throws Exception {
        CellCodec codec = new CellCodec(column(ColumnType.BIGINT, mode), keys);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long base = t * 1_000_000L;
                results.add(pool.submit(() -> {
                    for (long v = base; v < base + 500; v++) {
                        if (!Long.valueOf(v).equals(codec.decrypt(codec.encrypt(v, Types.BIGINT)))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (java.util.concurrent.Future<Boolean> r : results) {
                assertThat(r.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLookupByValueOnARandomizedColumnIsARefusalThatKeepsThePooledConnection() {
        CellCodec codec = new CellCodec(column(ColumnType.VARCHAR, EncryptionMode.RANDOMIZED), keys);

        assertThatThrownBy(codec::lookupVersions).isInstanceOf(RejectedStatementException.class)
                .hasMessageContaining("cannot be looked up by value")
                .satisfies(e -> assertThat(new CloakExceptionOverride().adjudicate((SQLException) e))
                        .isEqualTo(SQLExceptionOverride.Override.DO_NOT_EVICT));
    }
}
