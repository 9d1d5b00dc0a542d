package dev.cloak.driver.internal.codec;

import static dev.cloak.driver.internal.codec.CellCodecTest.column;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.Map;
import java.util.TimeZone;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.EncryptionMode;

class ValueConverterTest {

    private static ColumnPolicy col(ColumnType type) {
        return column(type, EncryptionMode.DETERMINISTIC);
    }

    private static Object canonical(ColumnType type, Object value) throws SQLException {
        return ValueConverter.toCanonical(col(type), value, Types.OTHER);
    }

    private static void assertConversionError(ColumnType type, Object value) {
        assertThatThrownBy(() -> canonical(type, value)).as("%s <- %s", type, value)
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22018"))
                .hasMessageContaining(value.getClass().getName())
                .hasMessageNotContaining(String.valueOf(value));
    }

    private static <T> T read(ColumnType type, Object canonical, Class<T> as) throws SQLException {
        return ValueConverter.fromCanonical(col(type), canonical, as, null);
    }

    private static final Map<ColumnType, Object> SAMPLES = Map.ofEntries(
            Map.entry(ColumnType.VARCHAR, "Zoë"),
            Map.entry(ColumnType.INT, 42),
            Map.entry(ColumnType.BIGINT, 5_000_000_000L),
            Map.entry(ColumnType.SMALLINT, (short) 7),
            Map.entry(ColumnType.DECIMAL, new BigDecimal("1E+2")),
            Map.entry(ColumnType.DOUBLE, 0.1),
            Map.entry(ColumnType.BOOLEAN, true),
            Map.entry(ColumnType.DATE, LocalDate.of(2024, 2, 29)),
            Map.entry(ColumnType.TIME, LocalTime.of(9, 5, 0, 120_000_000)),
            Map.entry(ColumnType.TIMESTAMP, LocalDateTime.of(2024, 2, 29, 9, 5)),
            Map.entry(ColumnType.TIMESTAMPTZ, OffsetDateTime.of(2024, 2, 29, 9, 5, 1, 0, ZoneOffset.UTC)),
            Map.entry(ColumnType.UUID, new UUID(1, 2)),
            Map.entry(ColumnType.BYTES, new byte[] {0x0a, (byte) 0xff}));

    private static final Map<ColumnType, String> AS_STRING = Map.ofEntries(
            Map.entry(ColumnType.VARCHAR, "Zoë"),
            Map.entry(ColumnType.INT, "42"),
            Map.entry(ColumnType.BIGINT, "5000000000"),
            Map.entry(ColumnType.SMALLINT, "7"),
            Map.entry(ColumnType.DECIMAL, "100"),
            Map.entry(ColumnType.DOUBLE, "0.1"),
            Map.entry(ColumnType.BOOLEAN, "true"),
            Map.entry(ColumnType.DATE, "2024-02-29"),
            Map.entry(ColumnType.TIME, "09:05:00.12"),
            Map.entry(ColumnType.TIMESTAMP, "2024-02-29 09:05:00"),
            Map.entry(ColumnType.TIMESTAMPTZ, "2024-02-29 09:05:01+00:00"),
            Map.entry(ColumnType.UUID, "00000000-0000-0001-0000-000000000002"),
            Map.entry(ColumnType.BYTES, "0aff"));

    private static final Map<ColumnType, Class<?>> DEFAULT_CLASS = Map.ofEntries(
            Map.entry(ColumnType.VARCHAR, String.class),
            Map.entry(ColumnType.INT, Integer.class),
            Map.entry(ColumnType.BIGINT, Long.class),
            Map.entry(ColumnType.SMALLINT, Integer.class),
            Map.entry(ColumnType.DECIMAL, BigDecimal.class),
            Map.entry(ColumnType.DOUBLE, Double.class),
            Map.entry(ColumnType.BOOLEAN, Boolean.class),
            Map.entry(ColumnType.DATE, java.sql.Date.class),
            Map.entry(ColumnType.TIME, Time.class),
            Map.entry(ColumnType.TIMESTAMP, Timestamp.class),
            Map.entry(ColumnType.TIMESTAMPTZ, Timestamp.class),
            Map.entry(ColumnType.UUID, UUID.class),
            Map.entry(ColumnType.BYTES, byte[].class));

    @ParameterizedTest
    @EnumSource(ColumnType.class)
    void getStringWorksOnEveryType(ColumnType type) throws SQLException {
        assertThat(read(type, SAMPLES.get(type), String.class)).isEqualTo(AS_STRING.get(type));
    }

    @ParameterizedTest
    @EnumSource(ColumnType.class)
    void getObjectReturnsTheJdbcDefaultClass(ColumnType type) throws SQLException {
        assertThat(read(type, SAMPLES.get(type), Object.class)).isInstanceOf(DEFAULT_CLASS.get(type));
    }

    @ParameterizedTest
    @EnumSource(ColumnType.class)
    void nullStaysNull(ColumnType type) throws SQLException {
        assertThat(read(type, null, String.class)).isNull();
        assertThat(read(type, null, int.class)).isNull();
    }

    @Test
    void objectDefaultsCarryTheValue() throws SQLException {
        assertThat(read(ColumnType.SMALLINT, (short) 7, Object.class)).isEqualTo(7);
        assertThat(read(ColumnType.DATE, LocalDate.of(2024, 2, 29), Object.class)).isEqualTo(java.sql.Date.valueOf("2024-02-29"));
        assertThat(read(ColumnType.TIMESTAMP, LocalDateTime.of(2024, 2, 29, 9, 5, 0, 1), Object.class))
                .isEqualTo(Timestamp.valueOf(LocalDateTime.of(2024, 2, 29, 9, 5, 0, 1)));
        assertThat(((Timestamp) read(ColumnType.TIMESTAMPTZ, OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 5, ZoneOffset.UTC), Object.class))
                .toInstant()).isEqualTo(Instant.parse("2024-01-01T00:00:00.000000005Z"));
        assertThat(((Time) read(ColumnType.TIME, LocalTime.of(9, 5, 0, 120_000_000), Object.class)).getTime() % 1000)
                .isEqualTo(120);
    }

    @Test
    void getIntOnBigintWorksInRangeAndFailsOutOfRange() throws SQLException {
        assertThat(read(ColumnType.BIGINT, 2_147_483_647L, Integer.class)).isEqualTo(Integer.MAX_VALUE);
        assertThat(read(ColumnType.BIGINT, -5L, int.class)).isEqualTo(-5);
        assertThatThrownBy(() -> read(ColumnType.BIGINT, 2_147_483_648L, Integer.class))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22018"))
                .hasMessageContaining("t.c (bigint)")
                .hasMessageNotContaining("2147483648");
        assertThatThrownBy(() -> read(ColumnType.INT, 40_000, Short.class)).isInstanceOf(SQLException.class);
    }

    @Test
    void numericGettersConvertExactlyOrFail() throws SQLException {
        assertThat(read(ColumnType.DECIMAL, new BigDecimal("1E+2"), long.class)).isEqualTo(100L);
        assertThat(read(ColumnType.DECIMAL, new BigDecimal("1E+2"), BigInteger.class)).isEqualTo(BigInteger.valueOf(100));
        assertThat(read(ColumnType.INT, 3, BigDecimal.class)).isEqualTo(BigDecimal.valueOf(3));
        assertThat(read(ColumnType.INT, 3, double.class)).isEqualTo(3.0);
        assertThat(read(ColumnType.DOUBLE, 2.0, int.class)).isEqualTo(2);
        assertThat(read(ColumnType.DOUBLE, 0.1, BigDecimal.class)).isEqualTo(new BigDecimal("0.1"));
        assertThat(read(ColumnType.VARCHAR, " 17 ", int.class)).isEqualTo(17);
        assertThat(read(ColumnType.BOOLEAN, true, int.class)).isEqualTo(1);
        assertThatThrownBy(() -> read(ColumnType.DECIMAL, new BigDecimal("1.5"), int.class)).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> read(ColumnType.DOUBLE, Double.NaN, long.class)).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> read(ColumnType.DOUBLE, Double.MAX_VALUE, float.class)).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> read(ColumnType.VARCHAR, "abc", int.class))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22018"))
                .hasMessageNotContaining("abc");
    }

    @Test
    void booleanGettersAcceptOnlyZeroAndOne() throws SQLException {
        assertThat(read(ColumnType.INT, 0, boolean.class)).isFalse();
        assertThat(read(ColumnType.VARCHAR, "t", Boolean.class)).isTrue();
        assertThatThrownBy(() -> read(ColumnType.INT, 2, Boolean.class)).isInstanceOf(SQLException.class);
    }

    @Test
    void temporalGettersFollowTheColumnType() throws SQLException {
        LocalDateTime ts = LocalDateTime.of(2024, 2, 29, 9, 5, 0, 7);
        assertThat(read(ColumnType.TIMESTAMP, ts, LocalDateTime.class)).isEqualTo(ts);
        assertThat(read(ColumnType.TIMESTAMP, ts, LocalDate.class)).isEqualTo(ts.toLocalDate());
        assertThat(read(ColumnType.TIMESTAMP, ts, Timestamp.class).getNanos()).isEqualTo(7);
        assertThat(read(ColumnType.DATE, LocalDate.of(2024, 2, 29), LocalDateTime.class)).isEqualTo(LocalDate.of(2024, 2, 29).atStartOfDay());
        OffsetDateTime tz = OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        assertThat(read(ColumnType.TIMESTAMPTZ, tz, Instant.class)).isEqualTo(tz.toInstant());
        assertThat(read(ColumnType.TIMESTAMPTZ, tz, OffsetDateTime.class)).isEqualTo(tz);
        assertThatThrownBy(() -> read(ColumnType.TIMESTAMPTZ, tz, LocalDateTime.class)).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> read(ColumnType.TIMESTAMP, ts, OffsetDateTime.class)).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> read(ColumnType.DATE, LocalDate.MAX, java.sql.Date.class)).isInstanceOf(SQLException.class);
        assertThat(read(ColumnType.DATE, LocalDate.MAX, LocalDate.class)).isEqualTo(LocalDate.MAX);
    }

    @Test
    void calendarGivesTheTimeZoneOfDateAndTimestampGetters() throws SQLException {
        Calendar tokyo = new GregorianCalendar(TimeZone.getTimeZone("Asia/Tokyo"));
        LocalDateTime ts = LocalDateTime.of(2024, 1, 1, 9, 0, 0, 123_456_789);
        Timestamp t = ValueConverter.fromCanonical(col(ColumnType.TIMESTAMP), ts, Timestamp.class, tokyo);
        assertThat(t.toInstant()).isEqualTo(Instant.parse("2024-01-01T00:00:00.123456789Z"));
        java.sql.Date d = ValueConverter.fromCanonical(col(ColumnType.DATE), LocalDate.of(2024, 1, 1), java.sql.Date.class, tokyo);
        assertThat(d.getTime()).isEqualTo(Instant.parse("2023-12-31T15:00:00Z").toEpochMilli());
    }

    @Test
    void bytesGetterReturnsACopy() throws SQLException {
        byte[] canonical = {1, 2, 3};
        byte[] got = read(ColumnType.BYTES, canonical, byte[].class);
        got[0] = 9;
        assertThat(canonical[0]).isEqualTo((byte) 1);
    }

    @Test
    void impossibleGetterConversionIsRefused() {
        assertThatThrownBy(() -> read(ColumnType.BYTES, new byte[1], Integer.class))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22018"))
                .hasMessageContaining("java.lang.Integer");
        assertThatThrownBy(() -> read(ColumnType.UUID, new UUID(1, 1), LocalDate.class)).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> read(ColumnType.VARCHAR, "x", StringBuilder.class)).isInstanceOf(SQLException.class);
    }

    @Test
    void aRandomizedDecimalKeepsTheScaleItWasBoundWith() throws SQLException {
        ColumnPolicy randomized = column(ColumnType.DECIMAL, EncryptionMode.RANDOMIZED);
        for (Object bound : new Object[] {new BigDecimal("1234.50"), "1234.50", new BigDecimal("0.00")}) {
            BigDecimal canonical = (BigDecimal) ValueConverter.toCanonical(randomized, bound, Types.OTHER);
            assertThat(canonical).as("%s", bound).isEqualTo(new BigDecimal(bound.toString())); // equals compares scale
            assertThat(ValueConverter.fromCanonical(randomized, canonical, String.class, null))
                    .isEqualTo(bound.toString());
        }
        assertThat(ValueConverter.toCanonical(randomized, 42, Types.OTHER)).isEqualTo(new BigDecimal("42"));
        // a deterministic column keeps one form per number, or a lookup for 1234.5 would miss 1234.50
        assertThat(canonical(ColumnType.DECIMAL, "1234.50")).isEqualTo(new BigDecimal("1234.5"));
    }

    @Test
    void aDeclaredScaleIsAppliedInBothModesAndNeverRounds() throws SQLException {
        for (EncryptionMode mode : EncryptionMode.values()) {
            ColumnPolicy scaled = new ColumnPolicy(null, "t", "c", false, ColumnType.DECIMAL, mode, "t.c", 0, 0, 2);
            assertThat(ValueConverter.toCanonical(scaled, "1234.5", Types.OTHER)).isEqualTo(new BigDecimal("1234.50"));
            assertThat(ValueConverter.toCanonical(scaled, new BigDecimal("1234.5000"), Types.OTHER))
                    .isEqualTo(new BigDecimal("1234.50"));
            assertThat(ValueConverter.toCanonical(scaled, 7, Types.OTHER)).isEqualTo(new BigDecimal("7.00"));
            assertThat(ValueConverter.toCanonical(scaled, new BigDecimal("0E+5"), Types.OTHER))
                    .isEqualTo(new BigDecimal("0.00"));
            assertThat(ValueConverter.toCanonical(scaled, new BigDecimal("1E+3"), Types.OTHER))
                    .isEqualTo(new BigDecimal("1000.00"));
            for (Object tooPrecise : new Object[] {"1.555", 0.1 + 0.2, new BigDecimal("1E+200000")}) {
                assertThatThrownBy(() -> ValueConverter.toCanonical(scaled, tooPrecise, Types.OTHER)).as("%s", tooPrecise)
                        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22018"))
                        .hasMessageContaining("scale 2")
                        .hasMessageNotContaining(String.valueOf(tooPrecise));
            }
        }
    }

    @Test
    void boundValuesNormaliseToTheCanonicalClass() throws SQLException {
        assertThat(canonical(ColumnType.INT, "  42 ")).isEqualTo(42);
        assertThat(canonical(ColumnType.INT, 42.0)).isEqualTo(42);
        assertThat(canonical(ColumnType.SMALLINT, 7)).isEqualTo((short) 7);
        assertThat(canonical(ColumnType.BIGINT, BigInteger.TEN)).isEqualTo(10L);
        assertThat(canonical(ColumnType.DECIMAL, new BigDecimal("12.3400"))).isEqualTo(new BigDecimal("12.34"));
        assertThat(canonical(ColumnType.DECIMAL, new BigDecimal("0.000"))).isSameAs(BigDecimal.ZERO);
        assertThat(canonical(ColumnType.DECIMAL, 0.1)).isEqualTo(new BigDecimal("0.1"));
        assertThat(canonical(ColumnType.DOUBLE, -0.0)).isEqualTo(0.0);
        assertThat(canonical(ColumnType.DOUBLE, "0.1")).isEqualTo(0.1);
        assertThat(canonical(ColumnType.DOUBLE, 1.5f)).isEqualTo(1.5);
        assertThat(canonical(ColumnType.BOOLEAN, "TRUE")).isEqualTo(true);
        assertThat(canonical(ColumnType.BOOLEAN, 0)).isEqualTo(false);
        assertThat(canonical(ColumnType.VARCHAR, 42)).isEqualTo("42");
        assertThat(canonical(ColumnType.DATE, java.sql.Date.valueOf("2024-02-29"))).isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(canonical(ColumnType.DATE, "2024-02-29")).isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(canonical(ColumnType.TIME, new Time(Time.valueOf("10:15:30").getTime() + 250))).isEqualTo(LocalTime.of(10, 15, 30, 250_000_000));
        assertThat(canonical(ColumnType.TIMESTAMP, "2024-02-29 10:15:30.5")).isEqualTo(LocalDateTime.of(2024, 2, 29, 10, 15, 30, 500_000_000));
        assertThat(canonical(ColumnType.TIMESTAMP, Timestamp.valueOf("2024-02-29 10:15:30.000000001")))
                .isEqualTo(LocalDateTime.of(2024, 2, 29, 10, 15, 30, 1));
        assertThat(canonical(ColumnType.TIMESTAMPTZ, OffsetDateTime.of(2024, 1, 1, 9, 0, 0, 0, ZoneOffset.ofHours(9))))
                .isEqualTo(OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
        assertThat(canonical(ColumnType.TIMESTAMPTZ, Instant.EPOCH)).isEqualTo(OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
        assertThat(canonical(ColumnType.UUID, "00000000-0000-0001-0000-000000000002")).isEqualTo(new UUID(1, 2));
        java.util.Date legacy = new java.util.Date(1_700_000_000_123L);
        assertThat(canonical(ColumnType.TIMESTAMPTZ, legacy)).isEqualTo(Instant.ofEpochMilli(1_700_000_000_123L).atOffset(ZoneOffset.UTC));
        assertThat(canonical(ColumnType.TIMESTAMP, legacy)).isEqualTo(new Timestamp(1_700_000_000_123L).toLocalDateTime());
    }

    @Test
    void inexactBoundValuesAreRefusedWithoutQuotingThem() {
        assertConversionError(ColumnType.INT, "abc");
        assertConversionError(ColumnType.INT, 2_147_483_648L);
        assertConversionError(ColumnType.INT, 1.5);
        assertConversionError(ColumnType.INT, "4.2e1");
        assertConversionError(ColumnType.SMALLINT, 40_000);
        assertConversionError(ColumnType.BIGINT, new BigDecimal("9223372036854775808"));
        assertConversionError(ColumnType.BIGINT, 9.3e18);
        assertConversionError(ColumnType.DECIMAL, Double.NaN);
        assertConversionError(ColumnType.DOUBLE, Long.MAX_VALUE);
        assertConversionError(ColumnType.DOUBLE, new BigDecimal("0.10000000000000000001"));
        assertConversionError(ColumnType.DOUBLE, "1e400");
        assertConversionError(ColumnType.BOOLEAN, 2);
        assertConversionError(ColumnType.BOOLEAN, "maybe");
        assertConversionError(ColumnType.DATE, LocalDateTime.of(2024, 1, 1, 10, 0));
        assertConversionError(ColumnType.DATE, "31/12/2024");
        assertConversionError(ColumnType.TIMESTAMPTZ, LocalDateTime.of(2024, 1, 1, 10, 0));
        assertConversionError(ColumnType.TIMESTAMPTZ, OffsetDateTime.MAX);
        assertConversionError(ColumnType.UUID, "1-1-1-1-1");
        assertConversionError(ColumnType.BYTES, "deadbeef");
        assertConversionError(ColumnType.VARCHAR, new Object());
        assertConversionError(ColumnType.VARCHAR, "broken \uD800 surrogate");
    }

    @Test
    void structuredSqlTypeHintsAreRefused() {
        assertThatThrownBy(() -> ValueConverter.toCanonical(col(ColumnType.VARCHAR), "x", Types.ARRAY))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22018"));
    }

    @Test
    void nullIsNotABoundValue() {
        assertThatThrownBy(() -> ValueConverter.toCanonical(col(ColumnType.INT), null, Types.INTEGER))
                .isInstanceOf(NullPointerException.class);
    }
}
