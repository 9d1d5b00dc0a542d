package dev.cloak.driver.internal.codec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Calendar;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;

import dev.cloak.driver.config.ColumnPolicy;

/** The getter side of {@link ValueConverter}: a canonical value as the class a JDBC getter asks for. */
final class CanonicalReader {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_LOCAL_TIME;
    private static final HexFormat HEX = HexFormat.of();

    private CanonicalReader() {
    }

    @SuppressWarnings("unchecked")
    static <T> T read(ColumnPolicy column, Object value, Class<T> type, Calendar cal) throws SQLException {
        if (value == null) {
            return null;
        }
        if (type == String.class && value instanceof String s) {
            return (T) s; // a varchar read by getString, the most common read: what convert gives, without the search
        }
        Object out;
        try {
            out = convert(column, value, type.isPrimitive() ? wrapper(type) : type, cal);
        } catch (IllegalArgumentException | ArithmeticException | DateTimeException e) {
            throw CodecErrors.notReadable(column, type, "the value is out of range or not representable");
        }
        if (out == null) {
            throw CodecErrors.notReadable(column, type, "no such conversion");
        }
        return (T) out;
    }

    private static Class<?> wrapper(Class<?> primitive) {
        if (primitive == int.class) {
            return Integer.class;
        } else if (primitive == long.class) {
            return Long.class;
        } else if (primitive == short.class) {
            return Short.class;
        } else if (primitive == byte.class) {
            return Byte.class;
        } else if (primitive == double.class) {
            return Double.class;
        } else if (primitive == float.class) {
            return Float.class;
        } else if (primitive == boolean.class) {
            return Boolean.class;
        }
        return primitive; // char and void: no conversion, reported as such
    }

    private static Object convert(ColumnPolicy column, Object v, Class<?> t, Calendar cal) {
        if (t == Object.class) {
            return convert(column, v, defaultClass(column), null);
        }
        if (t == String.class) {
            return asString(v);
        }
        if (t == v.getClass()) {
            return v instanceof byte[] b ? b.clone() : v;
        }
        if (t == Integer.class) {
            Long l = asLong(v);
            return l == null ? null : Math.toIntExact(l);
        }
        if (t == Long.class) {
            return asLong(v);
        }
        if (t == Short.class) {
            Long l = asLong(v);
            return l == null ? null : narrow(l, Short.MIN_VALUE, Short.MAX_VALUE).shortValue();
        }
        if (t == Byte.class) {
            Long l = asLong(v);
            return l == null ? null : narrow(l, Byte.MIN_VALUE, Byte.MAX_VALUE).byteValue();
        }
        if (t == BigDecimal.class) {
            return asDecimal(v);
        }
        if (t == BigInteger.class) {
            BigDecimal d = asDecimal(v);
            return d == null ? null : d.toBigIntegerExact();
        }
        if (t == Double.class) {
            return asDouble(v);
        }
        if (t == Float.class) {
            Double d = asDouble(v);
            if (d == null) {
                return null;
            }
            float f = d.floatValue();
            if (Float.isInfinite(f) && !d.isInfinite()) {
                throw new ArithmeticException();
            }
            return f;
        }
        if (t == Boolean.class) {
            return asBoolean(v);
        }
        if (t == java.sql.Date.class) {
            LocalDate d = asLocalDate(v, cal);
            return d == null ? null : sqlDate(d, cal);
        }
        if (t == Time.class) {
            LocalTime lt = asLocalTime(v, cal);
            return lt == null ? null : sqlTime(lt, cal);
        }
        if (t == Timestamp.class) {
            if (v instanceof OffsetDateTime o) {
                return Timestamp.from(o.toInstant());
            }
            LocalDateTime ldt = asLocalDateTime(v);
            return ldt == null ? null : sqlTimestamp(ldt, cal);
        }
        if (t == LocalDate.class) {
            return v instanceof OffsetDateTime ? null : asLocalDate(v, null);
        }
        if (t == LocalTime.class) {
            return v instanceof OffsetDateTime ? null : asLocalTime(v, null);
        }
        if (t == LocalDateTime.class) {
            return asLocalDateTime(v);
        }
        if (t == OffsetDateTime.class) {
            return asOffsetDateTime(v);
        }
        if (t == ZonedDateTime.class) {
            OffsetDateTime o = asOffsetDateTime(v);
            return o == null ? null : o.toZonedDateTime();
        }
        if (t == Instant.class) {
            OffsetDateTime o = asOffsetDateTime(v);
            return o == null ? null : o.toInstant();
        }
        if (t == UUID.class) {
            return v instanceof String s ? TextValues.uuid(s) : null;
        }
        return null;
    }

    /** The JDBC default class of getObject(i) for each logical type. */
    private static Class<?> defaultClass(ColumnPolicy column) {
        return switch (column.type()) {
            case VARCHAR -> String.class;
            case INT, SMALLINT -> Integer.class;
            case BIGINT -> Long.class;
            case DECIMAL -> BigDecimal.class;
            case DOUBLE -> Double.class;
            case BOOLEAN -> Boolean.class;
            case DATE -> java.sql.Date.class;
            case TIME -> Time.class;
            case TIMESTAMP, TIMESTAMPTZ -> Timestamp.class;
            case UUID -> UUID.class;
            case BYTES -> byte[].class;
        };
    }

    private static Long narrow(long l, long min, long max) {
        if (l < min || l > max) {
            throw new ArithmeticException();
        }
        return l;
    }

    static String asString(Object v) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (v instanceof LocalTime t) {
            return TIME.format(t);
        }
        if (v instanceof LocalDateTime t) {
            return t.toLocalDate() + " " + TIME.format(t.toLocalTime());
        }
        if (v instanceof OffsetDateTime t) {
            return t.toLocalDate() + " " + TIME.format(t.toLocalTime())
                    + (t.getOffset().getTotalSeconds() == 0 ? "+00:00" : t.getOffset().getId());
        }
        if (v instanceof byte[] b) {
            return HEX.formatHex(b);
        }
        // Integer, Long, Short, Double, Boolean, LocalDate, UUID: their toString is the SQL text form.
        return v.toString();
    }

    private static Long asLong(Object v) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigDecimal d) {
            return d.longValueExact();
        }
        if (v instanceof Double d) {
            double x = d;
            if (x != Math.rint(x) || Double.isInfinite(x) || x >= 0x1p63 || x < -0x1p63) {
                throw new ArithmeticException();
            }
            return (long) x;
        }
        if (v instanceof Boolean b) {
            return b ? 1L : 0L;
        }
        if (v instanceof String s) {
            return Long.parseLong(s.strip());
        }
        return null;
    }

    private static BigDecimal asDecimal(Object v) {
        if (v instanceof BigDecimal d) {
            return d;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            return BigDecimal.valueOf(((Number) v).longValue());
        }
        if (v instanceof Double d) {
            return BigDecimal.valueOf(d);
        }
        if (v instanceof String s) {
            return new BigDecimal(s.strip());
        }
        return null;
    }

    private static Double asDouble(Object v) {
        if (v instanceof Double d) {
            return d;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            return ((Number) v).doubleValue();
        }
        if (v instanceof BigDecimal d) {
            double x = d.doubleValue();
            if (Double.isInfinite(x)) {
                throw new ArithmeticException();
            }
            return x;
        }
        if (v instanceof String s) {
            return Double.parseDouble(s.strip());
        }
        return null;
    }

    private static Boolean asBoolean(Object v) {
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
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof BigDecimal) {
            long l = asLong(v);
            if (l == 0 || l == 1) {
                return l == 1;
            }
            throw new IllegalArgumentException();
        }
        return null;
    }

    private static ZoneId zone(Calendar cal) {
        return cal == null ? ZoneId.systemDefault() : cal.getTimeZone().toZoneId();
    }

    private static LocalDate asLocalDate(Object v, Calendar cal) {
        if (v instanceof LocalDate d) {
            return d;
        }
        if (v instanceof LocalDateTime t) {
            return t.toLocalDate();
        }
        if (v instanceof OffsetDateTime o) {
            return o.atZoneSameInstant(zone(cal)).toLocalDate();
        }
        if (v instanceof String s) {
            return LocalDate.parse(s.strip());
        }
        return null;
    }

    private static LocalTime asLocalTime(Object v, Calendar cal) {
        if (v instanceof LocalTime t) {
            return t;
        }
        if (v instanceof LocalDateTime t) {
            return t.toLocalTime();
        }
        if (v instanceof OffsetDateTime o) {
            return o.atZoneSameInstant(zone(cal)).toLocalTime();
        }
        if (v instanceof String s) {
            return LocalTime.parse(s.strip());
        }
        return null;
    }

    private static LocalDateTime asLocalDateTime(Object v) {
        if (v instanceof LocalDateTime t) {
            return t;
        }
        if (v instanceof LocalDate d) {
            return d.atStartOfDay();
        }
        if (v instanceof String s) {
            return TextValues.localDateTime(s);
        }
        return null;
    }

    private static OffsetDateTime asOffsetDateTime(Object v) {
        if (v instanceof OffsetDateTime o) {
            return o;
        }
        if (v instanceof String s) {
            return TextValues.offsetDateTime(s);
        }
        return null;
    }

    private static java.sql.Date sqlDate(LocalDate d, Calendar cal) {
        if (cal != null) {
            return new java.sql.Date(d.atStartOfDay(zone(cal)).toInstant().toEpochMilli());
        }
        java.sql.Date date = java.sql.Date.valueOf(d);
        if (!date.toLocalDate().equals(d)) {
            throw new ArithmeticException(); // beyond java.util.Date's range
        }
        return date;
    }

    private static Time sqlTime(LocalTime t, Calendar cal) {
        if (cal != null) {
            return new Time(LocalDate.EPOCH.atTime(t).atZone(zone(cal)).toInstant().toEpochMilli());
        }
        // Time.valueOf keeps whole seconds only; a Time can carry milliseconds.
        return new Time(Time.valueOf(t).getTime() + t.getNano() / 1_000_000);
    }

    private static Timestamp sqlTimestamp(LocalDateTime t, Calendar cal) {
        if (cal != null) {
            Timestamp ts = new Timestamp(t.atZone(zone(cal)).toInstant().toEpochMilli());
            ts.setNanos(t.getNano());
            return ts;
        }
        Timestamp ts = Timestamp.valueOf(t);
        if (!ts.toLocalDateTime().equals(t)) {
            throw new ArithmeticException(); // beyond java.util.Date's range
        }
        return ts;
    }
}
