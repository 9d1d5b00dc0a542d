package dev.cloak.driver.internal.codec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.SQLException;
import java.sql.Types;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Calendar;
import java.util.Locale;
import java.util.UUID;

import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.config.EncryptionMode;

/**
 * Converts bound JDBC values to a column's canonical Java value, and canonical values to what a getter asks for.
 *
 * <p>Canonical values: VARCHAR {@link String}, INT {@link Integer}, BIGINT {@link Long}, SMALLINT {@link Short},
 * DECIMAL {@link BigDecimal} (at the column's declared {@link ColumnPolicy#scale() scale} when it has one, a value
 * with more digits after the point refused; otherwise randomized: the bound value with its scale, as an
 * unconstrained NUMERIC keeps it; deterministic: trailing zeros stripped and zero {@link BigDecimal#ZERO}, so that
 * equal numbers encrypt alike),
 * DOUBLE {@link Double} ({@code -0.0} is {@code 0.0}, one NaN), BOOLEAN {@link Boolean}, DATE {@link LocalDate},
 * TIME {@link LocalTime}, TIMESTAMP {@link LocalDateTime}, TIMESTAMPTZ {@link OffsetDateTime} at UTC, UUID
 * {@link UUID}, BYTES {@code byte[]}. Conversions are exact: a value that would be rounded, truncated or
 * reinterpreted fails with SQLState 22018, whose message names the column and the Java type but never the value.
 */
public final class ValueConverter {

    private ValueConverter() {
    }

    /**
     * The canonical value for the column's type.
     *
     * @param value   a bound JDBC value, not null (SQL NULL is never encrypted; the caller binds it as is)
     * @param sqlType the {@link Types} hint of the setter, or {@link Types#OTHER} when none; structured hints
     *                (ARRAY, STRUCT, REF, ROWID, SQLXML, DATALINK) are refused
     * @throws SQLException SQLState 22018 when the value is not exactly convertible
     */
    public static Object toCanonical(ColumnPolicy column, Object value, int sqlType) throws SQLException {
        if (value == null) {
            throw new NullPointerException("value: SQL NULL is bound unencrypted by the caller");
        }
        switch (sqlType) {
            case Types.ARRAY, Types.STRUCT, Types.REF, Types.ROWID, Types.SQLXML, Types.DATALINK ->
                    throw CodecErrors.notConvertible(column, value, "a value bound as SQL type " + sqlType
                            + " cannot be encrypted into a scalar column");
            default -> {
            }
        }
        try {
            Object canonical = switch (column.type()) {
                case VARCHAR -> toVarchar(value);
                case INT -> toInt(value);
                case BIGINT -> toBigint(value);
                case SMALLINT -> toSmallint(value);
                case DECIMAL -> toDecimal(value, column);
                case DOUBLE -> toDouble(value);
                case BOOLEAN -> toBoolean(value);
                case DATE -> toDate(value);
                case TIME -> toTime(value);
                case TIMESTAMP -> toTimestamp(value);
                case TIMESTAMPTZ -> toTimestamptz(value);
                case UUID -> toUuid(value);
                case BYTES -> value instanceof byte[] ? value : null;
            };
            if (canonical == null) {
                throw CodecErrors.notConvertible(column, value);
            }
            return canonical;
        } catch (IllegalArgumentException | ArithmeticException | DateTimeException e) {
            // The JDK's messages quote the input: drop them, and the cause with them.
            throw CodecErrors.notConvertible(column, value, "not an exact " + column.type().policyName() + " value"
                    + (column.scale() == ColumnPolicy.NO_SCALE ? "" : " at the policy's scale " + column.scale()));
        }
    }

    /**
     * What {@code getString}, {@code getInt}, {@code getObject(i, Class)} and friends return for a canonical value.
     *
     * @param canonical a value as returned by {@link #toCanonical} or {@link CellCodec#decrypt}; null stays null
     *                  (a getter of a primitive turns that into 0 or false itself)
     * @param type      a primitive or its wrapper, String, Object (the JDBC default class of the column's type),
     *                  java.sql.Date/Time/Timestamp, java.time types, UUID, byte[], BigDecimal, BigInteger, Boolean
     * @param cal       the Calendar of {@code getDate(i, cal)} and friends, or null for the JVM's time zone
     * @throws SQLException SQLState 22018 when the conversion is impossible or out of range
     */
    public static <T> T fromCanonical(ColumnPolicy column, Object canonical, Class<T> type, Calendar cal)
            throws SQLException {
        return CanonicalReader.read(column, canonical, type, cal);
    }

    // ---- to canonical ----

    private static String toVarchar(Object v) {
        if (v instanceof String s) {
            return wellFormed(s) ? s : null;
        }
        if (v instanceof Character c) {
            return Character.isSurrogate(c) ? null : String.valueOf(c);
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
                || v instanceof BigInteger) {
            return v.toString();
        }
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (v instanceof UUID u) {
            return u.toString();
        }
        return null;
    }

    /** Whether {@code s} has no unpaired surrogate: those would turn into '?' in UTF-8 and collide. */
    private static boolean wellFormed(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return false;
                }
            }
        }
        return true;
    }

    /** An exact whole number as a long, or null; out of long range throws ArithmeticException. */
    private static Long wholeNumber(Object v) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger b) {
            return b.longValueExact();
        }
        if (v instanceof BigDecimal d) {
            return d.longValueExact();
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (d != Math.rint(d) || Double.isInfinite(d) || d >= 0x1p63 || d < -0x1p63) {
                throw new ArithmeticException();
            }
            return (long) d;
        }
        if (v instanceof String s) {
            return Long.parseLong(s.strip());
        }
        return null;
    }

    private static Integer toInt(Object v) {
        if (v instanceof Integer i) {
            return i;
        }
        Long l = wholeNumber(v);
        return l == null ? null : Math.toIntExact(l);
    }

    private static Long toBigint(Object v) {
        return wholeNumber(v);
    }

    private static Short toSmallint(Object v) {
        if (v instanceof Short s) {
            return s;
        }
        Long l = wholeNumber(v);
        if (l == null) {
            return null;
        }
        if (l < Short.MIN_VALUE || l > Short.MAX_VALUE) {
            throw new ArithmeticException();
        }
        return l.shortValue();
    }

    /** PostgreSQL's limit on a NUMERIC's digits before the point; also what a declared scale may pad out. */
    private static final int MAX_INTEGER_DIGITS = 131_072;

    private static BigDecimal toDecimal(Object v, ColumnPolicy column) {
        BigDecimal d;
        if (v instanceof BigDecimal b) {
            d = b;
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            d = BigDecimal.valueOf(((Number) v).longValue());
        } else if (v instanceof BigInteger b) {
            d = new BigDecimal(b);
        } else if (v instanceof Double x) {
            d = BigDecimal.valueOf(x); // NaN and infinities throw NumberFormatException
        } else if (v instanceof Float f) {
            d = new BigDecimal(Float.toString(f));
        } else if (v instanceof String s) {
            d = new BigDecimal(s.strip());
        } else {
            return null;
        }
        if (column.scale() != ColumnPolicy.NO_SCALE) {
            // As NUMERIC(p, s), except that a value with more digits after the point is refused, not rounded.
            if (d.signum() != 0 && d.precision() - d.scale() > MAX_INTEGER_DIGITS) {
                throw new ArithmeticException(); // setScale would have to write out every digit of 1E+999999999
            }
            return (d.signum() == 0 ? BigDecimal.ZERO : d).setScale(column.scale()); // ArithmeticException: rounds
        }
        // A lookup must find 1.50 under 1.5, so a deterministic column keeps one form per number; a randomized one
        // is never compared and keeps the scale the application bound, as an unconstrained NUMERIC would.
        return column.mode() == EncryptionMode.DETERMINISTIC ? canonicalDecimal(d) : d;
    }

    static BigDecimal canonicalDecimal(BigDecimal d) {
        return d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
    }

    private static Double toDouble(Object v) {
        double d;
        if (v instanceof Double x) {
            d = x;
        } else if (v instanceof Float f) {
            d = f;
        } else if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            d = ((Number) v).doubleValue();
        } else if (v instanceof Long l) {
            d = l;
            if (d == 0x1p63 || (long) d != l) {
                throw new ArithmeticException();
            }
        } else if (v instanceof BigInteger || v instanceof BigDecimal) {
            d = exactDouble(v instanceof BigInteger b ? new BigDecimal(b) : (BigDecimal) v);
        } else if (v instanceof String s) {
            String t = s.strip();
            d = switch (t) {
                case "NaN" -> Double.NaN;
                case "Infinity", "+Infinity" -> Double.POSITIVE_INFINITY;
                case "-Infinity" -> Double.NEGATIVE_INFINITY;
                default -> exactDouble(new BigDecimal(t));
            };
        } else {
            return null;
        }
        return canonicalDouble(d);
    }

    /** The double whose shortest decimal form equals {@code d}; anything that would round throws. */
    private static double exactDouble(BigDecimal d) {
        double x = d.doubleValue();
        if (Double.isInfinite(x) || BigDecimal.valueOf(x).compareTo(d) != 0) {
            throw new ArithmeticException();
        }
        return x;
    }

    static Double canonicalDouble(double d) {
        if (d == 0.0) {
            return 0.0; // -0.0 == 0.0, and one zero keeps deterministic cells equal
        }
        return Double.isNaN(d) ? Double.NaN : d;
    }

    private static Boolean toBoolean(Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s) {
            return switch (s.strip().toLowerCase(Locale.ROOT)) {
                case "true", "t", "yes", "y", "on", "1" -> Boolean.TRUE;
                case "false", "f", "no", "n", "off", "0" -> Boolean.FALSE;
                default -> throw new IllegalArgumentException();
            };
        }
        if (v instanceof Number && !(v instanceof Double) && !(v instanceof Float)) {
            Long l = wholeNumber(v);
            if (l == 0) {
                return Boolean.FALSE;
            }
            if (l == 1) {
                return Boolean.TRUE;
            }
            throw new IllegalArgumentException();
        }
        return null;
    }

    private static LocalDate toDate(Object v) {
        if (v instanceof LocalDate d) {
            return d;
        }
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        if (v instanceof java.sql.Timestamp t) {
            return midnight(t.toLocalDateTime());
        }
        if (v instanceof LocalDateTime t) {
            return midnight(t);
        }
        if (v instanceof String s) {
            return LocalDate.parse(s.strip());
        }
        return null;
    }

    private static LocalDate midnight(LocalDateTime t) {
        if (!t.toLocalTime().equals(LocalTime.MIDNIGHT)) {
            throw new ArithmeticException(); // a time of day would be lost
        }
        return t.toLocalDate();
    }

    private static LocalTime toTime(Object v) {
        if (v instanceof LocalTime t) {
            return t;
        }
        if (v instanceof java.sql.Time t) {
            // toLocalTime() drops the milliseconds a Time can carry.
            return t.toLocalTime().withNano((int) Math.floorMod(t.getTime(), 1000L) * 1_000_000);
        }
        if (v instanceof String s) {
            return LocalTime.parse(s.strip());
        }
        return null;
    }

    private static LocalDateTime toTimestamp(Object v) {
        if (v instanceof LocalDateTime t) {
            return t;
        }
        if (v instanceof java.sql.Timestamp t) {
            return t.toLocalDateTime();
        }
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate().atStartOfDay();
        }
        if (v instanceof LocalDate d) {
            return d.atStartOfDay();
        }
        if (v.getClass() == java.util.Date.class) {
            // A plain java.util.Date is an instant; read it in the JVM's zone, as a Timestamp would be.
            return LocalDateTime.ofInstant(((java.util.Date) v).toInstant(), java.time.ZoneId.systemDefault());
        }
        if (v instanceof String s) {
            return TextValues.localDateTime(s);
        }
        return null;
    }

    private static OffsetDateTime toTimestamptz(Object v) {
        Instant instant;
        if (v instanceof OffsetDateTime t) {
            return utc(t);
        } else if (v instanceof ZonedDateTime t) {
            return utc(t.toOffsetDateTime());
        } else if (v instanceof Instant i) {
            instant = i;
        } else if (v instanceof java.sql.Timestamp t) {
            instant = t.toInstant();
        } else if (v.getClass() == java.util.Date.class) {
            instant = ((java.util.Date) v).toInstant();
        } else if (v instanceof String s) {
            return utc(TextValues.offsetDateTime(s));
        } else {
            return null;
        }
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static OffsetDateTime utc(OffsetDateTime t) {
        return t.getOffset().equals(ZoneOffset.UTC) ? t : t.withOffsetSameInstant(ZoneOffset.UTC);
    }

    private static UUID toUuid(Object v) {
        if (v instanceof UUID u) {
            return u;
        }
        if (v instanceof String s) {
            return TextValues.uuid(s);
        }
        return null;
    }
}
