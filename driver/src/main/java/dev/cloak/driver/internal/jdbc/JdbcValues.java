package dev.cloak.driver.internal.jdbc;

import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.driver.internal.error.SqlState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.Charset;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Calendar;

/**
 * Turns the JDBC value shapes that cannot be encrypted as they stand (streams, readers, LOBs, values
 * with a calendar) into plain Java values, so that an encrypted parameter or cell sees one object.
 */
final class JdbcValues {

    // Internal marker for the setters without a length argument; callers' lengths are checked to be >= 0.
    private static final long TO_END = -1;

    private JdbcValues() {
    }

    /** All bytes of {@code in}; {@code null} stays {@code null}. */
    static byte[] bytes(InputStream in) throws SQLException {
        return read(in, TO_END);
    }

    /** Exactly {@code length} bytes of {@code in}; {@code null} stays {@code null}. */
    static byte[] bytes(InputStream in, long length) throws SQLException {
        return read(in, checked(length));
    }

    /** All characters of {@code reader}; {@code null} stays {@code null}. */
    static String text(Reader reader) throws SQLException {
        return read(reader, TO_END);
    }

    /** Exactly {@code length} characters of {@code reader}; {@code null} stays {@code null}. */
    static String text(Reader reader, long length) throws SQLException {
        return read(reader, checked(length));
    }

    /** All bytes of {@code in} decoded with {@code charset} (ASCII and Unicode streams). */
    static String text(InputStream in, Charset charset) throws SQLException {
        byte[] bytes = read(in, TO_END);
        return bytes == null ? null : new String(bytes, charset);
    }

    /** Exactly {@code length} bytes of {@code in} decoded with {@code charset}. */
    static String text(InputStream in, long length, Charset charset) throws SQLException {
        byte[] bytes = read(in, checked(length));
        return bytes == null ? null : new String(bytes, charset);
    }

    private static byte[] read(InputStream in, long length) throws SQLException {
        if (in == null) {
            return null;
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            long remaining = length == TO_END ? Long.MAX_VALUE : length;
            while (remaining > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
                if (n < 0) {
                    break;
                }
                out.write(buffer, 0, n);
                remaining -= n;
            }
            requireComplete(length, out.size());
            return out.toByteArray();
        } catch (IOException e) {
            throw SqlErrors.unreadable("Reading the stream of an encrypted value failed", e);
        }
    }

    private static String read(Reader reader, long length) throws SQLException {
        if (reader == null) {
            return null;
        }
        try {
            StringBuilder out = new StringBuilder();
            char[] buffer = new char[8192];
            long remaining = length == TO_END ? Long.MAX_VALUE : length;
            while (remaining > 0) {
                int n = reader.read(buffer, 0, (int) Math.min(buffer.length, remaining));
                if (n < 0) {
                    break;
                }
                out.append(buffer, 0, n);
                remaining -= n;
            }
            requireComplete(length, out.length());
            return out.toString();
        } catch (IOException e) {
            throw SqlErrors.unreadable("Reading the reader of an encrypted value failed", e);
        }
    }

    /** The whole content of a {@link Blob}; {@code null} stays {@code null}. */
    static byte[] bytes(Blob blob) throws SQLException {
        return blob == null ? null : read(blob.getBinaryStream(), TO_END);
    }

    /** The whole content of a {@link Clob} (or NClob); {@code null} stays {@code null}. */
    static String text(Clob clob) throws SQLException {
        return clob == null ? null : read(clob.getCharacterStream(), TO_END);
    }

    /** The calendar date of {@code date} as seen in the calendar's zone. */
    static LocalDate localDate(java.util.Date date, Calendar cal) {
        return date == null ? null : Instant.ofEpochMilli(date.getTime()).atZone(zone(cal)).toLocalDate();
    }

    /** The wall-clock time of {@code time} as seen in the calendar's zone. */
    static LocalTime localTime(java.util.Date time, Calendar cal) {
        return time == null ? null : Instant.ofEpochMilli(time.getTime()).atZone(zone(cal)).toLocalTime();
    }

    /** The wall-clock date and time of {@code timestamp} (nanoseconds kept) as seen in the calendar's zone. */
    static LocalDateTime localDateTime(java.sql.Timestamp timestamp, Calendar cal) {
        return timestamp == null ? null : timestamp.toInstant().atZone(zone(cal)).toLocalDateTime();
    }

    /** The vendor type number of a {@link SQLType}, or {@link Types#OTHER} when it has none. */
    static int typeNumber(SQLType type) {
        Integer number = type == null ? null : type.getVendorTypeNumber();
        return number == null ? Types.OTHER : number;
    }

    private static ZoneId zone(Calendar cal) {
        return cal == null ? ZoneId.systemDefault() : cal.getTimeZone().toZoneId();
    }

    private static long checked(long length) throws SQLException {
        if (length < 0) {
            throw SqlErrors.of(SqlState.INVALID_LENGTH, "Stream length must not be negative: " + length);
        }
        return length;
    }

    // A short stream would silently encrypt a truncated value; JDBC says the length is exact.
    private static void requireComplete(long length, long read) throws SQLException {
        if (length != TO_END && read < length) {
            throw SqlErrors.of(SqlState.INVALID_LENGTH, "Stream ended after " + read + " of the declared " + length
                    + " units");
        }
    }
}
