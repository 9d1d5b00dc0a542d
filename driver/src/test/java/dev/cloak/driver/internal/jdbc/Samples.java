package dev.cloak.driver.internal.jdbc;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.JDBCType;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Calendar;
import java.util.Map;
import java.util.TimeZone;
import javax.sql.rowset.serial.SerialBlob;
import javax.sql.rowset.serial.SerialClob;

/** Sample arguments per JDBC parameter type, and what an encrypting hook should receive for them. */
final class Samples {

    /** Every stream, reader and LOB sample holds this content; every length argument is its length. */
    static final String CONTENT = "abc";
    static final int LENGTH = 3;
    static final int INDEX = 2;
    static final String LABEL = "secret";
    // A zone far from any test machine's default, so a calendar that is ignored shows.
    static final TimeZone ZONE = TimeZone.getTimeZone("Pacific/Kiritimati");
    static final Timestamp TIMESTAMP = Timestamp.valueOf("2024-03-05 23:30:15.123456789");

    private Samples() {
    }

    /** Arguments for {@code method}: the column/parameter index or label first, then one sample per type. */
    static Object[] argumentsFor(Method method, Object first) throws SQLException {
        Class<?>[] types = method.getParameterTypes();
        Object[] args = new Object[types.length];
        args[0] = first;
        for (int k = 1; k < types.length; k++) {
            args[k] = sample(types[k]);
        }
        return args;
    }

    static Object sample(Class<?> type) throws SQLException {
        if (type == int.class) {
            return LENGTH;
        }
        if (type == long.class) {
            return (long) LENGTH;
        }
        if (type == boolean.class) {
            return true;
        }
        if (type == byte.class) {
            return (byte) 7;
        }
        if (type == short.class) {
            return (short) 7;
        }
        if (type == float.class) {
            return 1.5f;
        }
        if (type == double.class) {
            return 2.5d;
        }
        if (type == String.class) {
            return "value";
        }
        if (type == BigDecimal.class) {
            return new BigDecimal("12.345");
        }
        if (type == byte[].class) {
            return new byte[] {1, 2, 3};
        }
        if (type == Date.class) {
            return new Date(TIMESTAMP.getTime());
        }
        if (type == Time.class) {
            return new Time(TIMESTAMP.getTime());
        }
        if (type == Timestamp.class) {
            return TIMESTAMP;
        }
        if (type == Calendar.class) {
            return Calendar.getInstance(ZONE);
        }
        if (type == Object.class) {
            return "object";
        }
        if (type == SQLType.class) {
            return JDBCType.BIGINT;
        }
        if (type == InputStream.class) {
            return new ByteArrayInputStream(CONTENT.getBytes(StandardCharsets.US_ASCII));
        }
        if (type == Reader.class) {
            return new StringReader(CONTENT);
        }
        if (type == Blob.class) {
            return new SerialBlob(CONTENT.getBytes(StandardCharsets.US_ASCII));
        }
        if (type == NClob.class) {
            return new TestNClob(CONTENT);
        }
        if (type == Clob.class) {
            return new SerialClob(CONTENT.toCharArray());
        }
        if (type == URL.class) {
            try {
                return URI.create("https://example.org/x").toURL();
            } catch (java.net.MalformedURLException e) {
                throw new IllegalStateException(e);
            }
        }
        if (type == int[].class) {
            return new int[] {1};
        }
        if (type == String[].class) {
            return new String[] {"id"};
        }
        if (type == Map.class) {
            return Map.of();
        }
        if (type == Class.class) {
            return String.class;
        }
        if (type == Array.class || type == Ref.class || type == RowId.class || type == SQLXML.class) {
            return Proxy.newProxyInstance(Samples.class.getClassLoader(), new Class<?>[] {type},
                    (proxy, m, a) -> switch (m.getName()) {
                        case "equals" -> proxy == a[0];
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "toString" -> type.getSimpleName() + " sample";
                        default -> null;
                    });
        }
        throw new IllegalArgumentException("no sample for " + type);
    }

    /** The plain Java value an encrypting hook must receive for the sample of {@code type}. */
    static Object expectedValue(Method method, Object[] args) {
        if (method.getName().equals("setNull") || method.getName().equals("updateNull")) {
            return null;
        }
        Class<?> type = method.getParameterTypes()[1];
        Object sample = args[1];
        boolean withCalendar = method.getParameterTypes()[method.getParameterCount() - 1] == Calendar.class;
        if (withCalendar && type == Date.class) {
            return LocalDate.ofInstant(TIMESTAMP.toInstant(), ZONE.toZoneId());
        }
        if (withCalendar && type == Time.class) {
            return LocalTime.ofInstant(java.time.Instant.ofEpochMilli(TIMESTAMP.getTime()), ZONE.toZoneId());
        }
        if (withCalendar && type == Timestamp.class) {
            return LocalDateTime.ofInstant(TIMESTAMP.toInstant(), ZONE.toZoneId());
        }
        if (type == InputStream.class) {
            boolean text = method.getName().contains("Ascii") || method.getName().contains("Unicode");
            return text ? CONTENT : CONTENT.getBytes(StandardCharsets.US_ASCII);
        }
        if (type == Blob.class) {
            return CONTENT.getBytes(StandardCharsets.US_ASCII);
        }
        if (type == Reader.class || type == Clob.class || type == NClob.class) {
            return CONTENT;
        }
        if (type == URL.class) {
            return sample.toString();
        }
        return sample;
    }

    /** An NClob with fixed content (the JDK has no serial NClob). */
    static final class TestNClob extends SerialClob implements NClob {
        private static final long serialVersionUID = 1L;

        TestNClob(String text) throws SQLException {
            super(text.toCharArray());
        }
    }
}
