package dev.cloak.conformance;

import static java.nio.charset.StandardCharsets.UTF_16BE;
import static java.nio.charset.StandardCharsets.UTF_16LE;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
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
import java.util.function.Predicate;

import dev.cloak.driver.config.ColumnType;

/**
 * Test values for every logical type of the policy ({@code type: varchar}, ...): extremes for {@code setObject}, values the legacy
 * {@code setX}/{@code getX} methods can represent, how to compare them and which byte patterns of each
 * plaintext must never appear in storage.
 */
enum TypeSample {
    VARCHAR(ColumnType.VARCHAR, String.class,
            List.of("", "Zoë 李 🚀", "123-45-6789", "x".repeat(2000), "tab\tnew\nline 'quote' \"dq\" \\"),
            List.of("Zoë 李 🚀", ""), "Zoë 李 🚀", s -> s.equals("Zoë 李 🚀")) {
        @Override
        void setTyped(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setString(i, (String) v);
        }

        @Override
        Object getTyped(ResultSet rs, int i) throws SQLException {
            return rs.getString(i);
        }
    },
    INT(ColumnType.INT, Integer.class, List.of(Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1, 42),
            List.of(Integer.MIN_VALUE, Integer.MAX_VALUE, 0), Integer.MAX_VALUE, s -> s.equals("2147483647")) {
        @Override
        void setTyped(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setInt(i, (Integer) v);
        }

        @Override
        Object getTyped(ResultSet rs, int i) throws SQLException {
            return rs.getInt(i);
        }
    },
    BIGINT(ColumnType.BIGINT, Long.class, List.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, 1_234_567_890_123L),
            List.of(Long.MIN_VALUE, Long.MAX_VALUE), Long.MIN_VALUE, s -> s.equals("-9223372036854775808")) {
        @Override
        void setTyped(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setLong(i, (Long) v);
        }

        @Override
        Object getTyped(ResultSet rs, int i) throws SQLException {
            return rs.getLong(i);
        }
    },
    SMALLINT(ColumnType.SMALLINT, Short.class, List.of(Short.MIN_VALUE, Short.MAX_VALUE, (short) 0),
            List.of(Short.MIN_VALUE, Short.MAX_VALUE), Short.MIN_VALUE, s -> s.equals("-32768")) {
        @Override
        void setTyped(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setShort(i, (Short) v);
        }

        @Override
        Object getTyped(ResultSet rs, int i) throws SQLException {
            return rs.getShort(i);
        }
    },
    DECIMAL(ColumnType.DECIMAL, BigDecimal.class,
            List.of(new BigDecimal("123456789012345678901234567890123456789.123456789"),
                    new BigDecimal("0.000000000000000000000000000000000001"),
                    new BigDecimal("-98765.4321"), BigDecimal.ZERO, new BigDecimal("1E+50")),
            List.of(new BigDecimal("-98765.4321"), new BigDecimal("0.000000000000000000000000000000000001")),
            new BigDecimal("12345.678"), s -> new BigDecimal(s).compareTo(new BigDecimal("12345.678")) == 0) {
        @Override
        void setTyped(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setBigDecimal(i, (BigDecimal) v);
        }

        @Override
        Object getTyped(ResultSet rs, int i) throws SQLException {
            return rs.getBigDecimal(i);
        }
    },
    DOUBLE(ColumnType.DOUBLE, Double.class,
            List.of(Double.MAX_VALUE, Double.MIN_VALUE, -Double.MAX_VALUE, Double.NaN, Double.POSITIVE_INFINITY,
                    Double.NEGATIVE_INFINITY, 0.0, Math.PI),
            List.of(Double.MAX_VALUE, Double.MIN_VALUE, Double.NaN), 1.5, s -> Double.parseDouble(s) == 1.5) {
        @Override
        void setTyped(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setDouble(i, (Double) v);
        }

        @Override
        Object getTyped(ResultSet rs, int i) throws SQLException {
            return rs.getDouble(i);
        }
    },
    BOOLEAN(ColumnType.BOOLEAN, Boolean.class, List.of(true, false), List.of(true, false), true,
            s -> s.equalsIgnoreCase("true") || s.equalsIgnoreCase("t") || s.equals("1")) {
        @Override
        void setTyped(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setBoolean(i, (Boolean) v);
        }

        @Override
        Object getTyped(ResultSet rs, int i) throws SQLException {
            return rs.getBoolean(i);
        }
    },
    DATE(ColumnType.DATE, LocalDate.class,
            List.of(LocalDate.of(1, 1, 1), LocalDate.of(9999, 12, 31), LocalDate.of(2024, 2, 29), LocalDate.of(1970, 1, 1)),
            // java.sql.Date switches to the Julian calendar before 1582, so the legacy API gets modern dates.
            List.of(LocalDate.of(2024, 2, 29), LocalDate.of(9999, 12, 31)), LocalDate.of(2024, 2, 29),
            s -> s.startsWith("2024-02-29")) {
        @Override
        void setTyped(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setDate(i, Date.valueOf((LocalDate) v));
        }

        @Override
        Object getTyped(ResultSet rs, int i) throws SQLException {
            Date d = rs.getDate(i);
            return d == null ? null : d.toLocalDate();
        }
    },
    TIME(ColumnType.TIME, LocalTime.class,
            List.of(LocalTime.MIDNIGHT, LocalTime.of(23, 59, 59, 999_999_999), LocalTime.of(12, 34, 56, 123_456_789)),
            // java.sql.Time carries whole seconds only.
            List.of(LocalTime.of(12, 34, 56), LocalTime.of(23, 59, 59)), LocalTime.of(12, 34, 56),
            s -> s.startsWith("12:34:56")) {
        @Override
        void setTyped(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setTime(i, Time.valueOf((LocalTime) v));
        }

        @Override
        Object getTyped(ResultSet rs, int i) throws SQLException {
            Time t = rs.getTime(i);
            return t == null ? null : t.toLocalTime();
        }
    },
    TIMESTAMP(ColumnType.TIMESTAMP, LocalDateTime.class,
            List.of(LocalDateTime.of(1, 1, 1, 0, 0), LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_999),
                    LocalDateTime.of(2024, 2, 29, 12, 34, 56, 123_456_789)),
            List.of(LocalDateTime.of(2024, 2, 29, 12, 34, 56, 123_456_789), LocalDateTime.of(2000, 1, 1, 0, 0)),
            LocalDateTime.of(2024, 2, 29, 12, 34, 56), s -> s.contains("2024-02-29") && s.contains("12:34:56")) {
        @Override
        void setTyped(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setTimestamp(i, Timestamp.valueOf((LocalDateTime) v));
        }

        @Override
        Object getTyped(ResultSet rs, int i) throws SQLException {
            Timestamp t = rs.getTimestamp(i);
            return t == null ? null : t.toLocalDateTime();
        }
    },
    TIMESTAMPTZ(ColumnType.TIMESTAMPTZ, OffsetDateTime.class,
            List.of(OffsetDateTime.of(2024, 2, 29, 12, 34, 56, 123_456_789, ZoneOffset.ofHours(14)),
                    OffsetDateTime.of(2024, 2, 29, 12, 34, 56, 123_456_789, ZoneOffset.ofHours(-12)),
                    OffsetDateTime.of(2024, 2, 29, 12, 34, 56, 0, ZoneOffset.ofHoursMinutes(5, 45)),
                    OffsetDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_999, ZoneOffset.UTC)),
            List.of(OffsetDateTime.of(2024, 2, 29, 12, 34, 56, 0, ZoneOffset.ofHours(-5))),
            OffsetDateTime.of(2024, 2, 29, 12, 34, 56, 0, ZoneOffset.UTC), s -> s.contains("2024-02-29")) {
        @Override
        void setTyped(PreparedStatement ps, int i, Object v) throws SQLException {
            // JDBC 4.2 has no legacy setter for TIMESTAMP WITH TIME ZONE; setObject is the typed API.
            ps.setObject(i, v);
        }

        @Override
        Object getTyped(ResultSet rs, int i) throws SQLException {
            return rs.getObject(i, OffsetDateTime.class);
        }
    },
    UUID_(ColumnType.UUID, UUID.class,
            List.of(UUID.randomUUID(), UUID.randomUUID(), new UUID(0, 0), new UUID(-1, -1)),
            List.of(UUID.randomUUID()), UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e"),
            s -> s.equalsIgnoreCase("0f8fad5b-d9cb-469f-a165-70867728950e")) {
        @Override
        void setTyped(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setObject(i, v);
        }

        @Override
        Object getTyped(ResultSet rs, int i) throws SQLException {
            return rs.getObject(i, UUID.class);
        }
    },
    BYTES(ColumnType.BYTES, byte[].class,
            // {1, 2, …} looks like a Cloak cell header: stored bytes must still be encrypted, not trusted.
            List.of(new byte[0], new byte[] {0, 1, 2, (byte) 0xff}, new byte[] {1, 2, 3, 4, 5, 6}, randomBytes(20_000)),
            List.of(new byte[] {(byte) 0xca, (byte) 0xfe, (byte) 0xba, (byte) 0xbe}, new byte[0]),
            new byte[] {1, 2, 3}, s -> !s.isEmpty()) {
        @Override
        void setTyped(PreparedStatement ps, int i, Object v) throws SQLException {
            ps.setBytes(i, (byte[]) v);
        }

        @Override
        Object getTyped(ResultSet rs, int i) throws SQLException {
            return rs.getBytes(i);
        }
    };

    private final ColumnType type;
    private final Class<?> javaClass;
    private final List<Object> extremes;
    private final List<Object> typedValues;
    private final Object typical;
    private final Predicate<String> typicalAsString;

    @SuppressWarnings("unchecked")
    TypeSample(ColumnType type, Class<?> javaClass, List<?> extremes, List<?> typedValues, Object typical,
               Predicate<String> typicalAsString) {
        this.type = type;
        this.javaClass = javaClass;
        this.extremes = (List<Object>) extremes;
        this.typedValues = (List<Object>) typedValues;
        this.typical = typical;
        this.typicalAsString = typicalAsString;
    }

    /** Binds {@code v} with the type's own setter ({@code setInt}, {@code setDate}, …). */
    abstract void setTyped(PreparedStatement ps, int i, Object v) throws SQLException;

    /** Reads with the type's own getter, converted to the sample's Java class. */
    abstract Object getTyped(ResultSet rs, int i) throws SQLException;

    ColumnType type() {
        return type;
    }

    /** The name of the type in a policy file. */
    String policyName() {
        return type.policyName();
    }

    Class<?> javaClass() {
        return javaClass;
    }

    /** Edge values, bound with {@code setObject}. */
    List<Object> extremes() {
        return extremes;
    }

    /** Values the legacy {@code setX}/{@code getX} pair represents exactly. */
    List<Object> typedValues() {
        return typedValues;
    }

    /** One ordinary value. */
    Object typical() {
        return typical;
    }

    /** Whether {@code getString} of {@link #typical()} reads right. */
    boolean readsAsString(String s) {
        return s != null && typicalAsString.test(s);
    }

    /** Whether {@code actual} is the value {@code expected} after a round trip. */
    boolean sameValue(Object expected, Object actual) {
        if (expected == null || actual == null) {
            return expected == actual;
        }
        return switch (this) {
            case DECIMAL -> ((BigDecimal) expected).compareTo((BigDecimal) actual) == 0;
            case BYTES -> Arrays.equals((byte[]) expected, (byte[]) actual);
            // The offset is presentation; the instant is the value.
            case TIMESTAMPTZ -> ((OffsetDateTime) expected).isEqual((OffsetDateTime) actual);
            default -> expected.equals(actual);
        };
    }

    /** A readable form of a value for assertion messages (byte arrays by length). */
    static String describe(Object v) {
        return v instanceof byte[] b ? "byte[" + b.length + "]" : String.valueOf(v);
    }

    /** Byte patterns of {@code v}'s plaintext that an encrypted cell must not contain. */
    List<byte[]> needles(Object v) {
        List<byte[]> n = new ArrayList<>();
        if (v instanceof byte[] b) {
            n.add(b);
            return n;
        }
        String text = String.valueOf(v);
        n.add(text.getBytes(UTF_8));
        n.add(text.getBytes(UTF_16BE));
        n.add(text.getBytes(UTF_16LE));
        switch (this) {
            case INT -> n.add(ByteBuffer.allocate(4).putInt((Integer) v).array());
            case BIGINT -> n.add(ByteBuffer.allocate(8).putLong((Long) v).array());
            case SMALLINT -> n.add(ByteBuffer.allocate(2).putShort((Short) v).array());
            case DECIMAL -> {
                BigDecimal d = (BigDecimal) v;
                n.add(d.toPlainString().getBytes(UTF_8));
                n.add(d.unscaledValue().toByteArray());
            }
            case DOUBLE -> n.add(ByteBuffer.allocate(8).putLong(Double.doubleToRawLongBits((Double) v)).array());
            case DATE -> n.add(ByteBuffer.allocate(8).putLong(((LocalDate) v).toEpochDay()).array());
            case TIME -> n.add(ByteBuffer.allocate(8).putLong(((LocalTime) v).toNanoOfDay()).array());
            case TIMESTAMP -> n.add(text.replace('T', ' ').getBytes(UTF_8));
            case TIMESTAMPTZ -> {
                OffsetDateTime t = (OffsetDateTime) v;
                n.add(t.toInstant().toString().getBytes(UTF_8));
                n.add(ByteBuffer.allocate(8).putLong(t.toEpochSecond()).array());
            }
            case UUID_ -> {
                UUID u = (UUID) v;
                n.add(ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array());
            }
            default -> { }
        }
        return n;
    }

    private static byte[] randomBytes(int length) {
        byte[] b = new byte[length];
        new Random(20_261_128L).nextBytes(b);
        return b;
    }

    static TypeSample of(ColumnType type) {
        for (TypeSample s : values()) {
            if (s.type == type) {
                return s;
            }
        }
        throw new IllegalArgumentException("no sample for " + type);
    }
}
