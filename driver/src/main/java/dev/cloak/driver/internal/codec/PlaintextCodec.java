package dev.cloak.driver.internal.codec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.UUID;

import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.config.ColumnType;

/**
 * The plaintext of a version-1 cell (see {@link CellFormat}): a type tag byte (high bit set when padded), the canonical
 * encoding of the value, then, on a padded column, ISO/IEC 7816-4 padding ({@code 0x80}, zeros): to exactly the
 * column's pad plus the tag and the {@code 0x80} (a value longer than the pad is refused), or with pad buckets to the
 * next multiple of the pad. Both paddings decode alike, so cells written under either rule stay readable.
 * One allocation per encode, written in place.
 */
final class PlaintextCodec {

    private static final int PADDED = 0x80;
    /** A decimal's scale, in front of its unscaled value. */
    private static final int DECIMAL_SCALE = 4;
    /** UTF-8 takes at most four bytes per character. */
    private static final int MAX_UTF8_BYTES = 4;
    /** Headroom under the JVM's array limit for the tag, the padding and Tink's overhead. */
    private static final long MAX_PLAINTEXT = Integer.MAX_VALUE - 8192;

    private PlaintextCodec() {
    }

    /** The tag byte of each type; part of the stored format, so fixed here rather than taken from ordinal(). */
    static int tag(ColumnType type) {
        return switch (type) {
            case VARCHAR -> 1;
            case INT -> 2;
            case BIGINT -> 3;
            case SMALLINT -> 4;
            case DECIMAL -> 5;
            case DOUBLE -> 6;
            case BOOLEAN -> 7;
            case DATE -> 8;
            case TIME -> 9;
            case TIMESTAMP -> 10;
            case TIMESTAMPTZ -> 11;
            case UUID -> 12;
            case BYTES -> 13;
        };
    }

    /** The encoded length of every value of a fixed-size type; -1 for varchar, bytes and decimal. */
    private static int fixedLength(ColumnType type) {
        return switch (type) {
            case INT -> 4;
            case SMALLINT -> 2;
            case BOOLEAN -> 1;
            case BIGINT, DOUBLE, DATE, TIME -> 8;
            case TIMESTAMP, TIMESTAMPTZ -> 12; // epoch seconds and nanoseconds
            case UUID -> 16;
            case VARCHAR, BYTES, DECIMAL -> -1;
        };
    }

    /**
     * The length of a tag and body of {@code length} bytes after padding: at least the 0x80 marker, then up to the
     * next multiple of {@code pad} (buckets), or to exactly the tag, {@code pad} bytes of body and the marker, which
     * the caller has checked the body fits.
     */
    private static long padded(long length, int pad, boolean buckets) {
        if (pad == 0) {
            return length;
        }
        return buckets ? (length / pad + 1) * pad : fixedPadded(pad);
    }

    /**
     * The longest plaintext (tag, body, padding) of a column declared so, or -1 when its values are unbounded. A column
     * padded to a fixed size has that size whatever its declared length.
     *
     * @param length    declared characters (varchar) or bytes (bytes); 0 or less for none
     * @param precision declared decimal digits; 0 or less for none
     */
    static long maxLength(ColumnType type, long length, long precision, int pad, boolean buckets) {
        if (pad > 0 && !buckets) {
            return fixedPadded(pad);
        }
        long body = switch (type) {
            case VARCHAR -> length > 0 ? length * MAX_UTF8_BYTES : -1;
            case BYTES -> length > 0 ? length : -1;
            // the scale, then the two's complement unscaled value of at most `precision` digits
            case DECIMAL -> precision > 0
                    ? DECIMAL_SCALE + (long) Math.ceil(precision * Math.log(10) / Math.log(2) / 8) + 1 : -1;
            default -> fixedLength(type);
        };
        return body < 0 ? -1 : padded(1 + body, pad, buckets);
    }

    /** The plaintext of every value on a column padded to a fixed size: the tag, {@code pad} bytes, the 0x80 marker. */
    static long fixedPadded(int pad) {
        return 1L + pad + 1;
    }

    /**
     * The shortest encoding of any value of {@code type}: the empty string, a decimal's scale and one byte, a
     * fixed-size type's whole encoding.
     */
    static int shortestBody(ColumnType type) {
        return switch (type) {
            case VARCHAR, BYTES -> 0;
            case DECIMAL -> DECIMAL_SCALE + 1;
            default -> fixedLength(type);
        };
    }

    /** Encodes a canonical value of the column's type; SQLState 22001 when it exceeds the declared size. */
    static byte[] encode(ColumnPolicy column, Object canonical) throws SQLException {
        ColumnType type = column.type();
        byte[] raw = null; // strings and bytes: the body as is
        BigInteger unscaled = null;
        int bodyLength;
        switch (type) {
            case VARCHAR -> {
                String s = (String) canonical;
                // length() >= code points, so counting is needed only when it exceeds the size.
                if (column.size() > 0 && s.length() > column.size()
                        && s.codePointCount(0, s.length()) > column.size()) {
                    throw CodecErrors.tooLong(column, "more than " + column.size() + " characters");
                }
                raw = s.getBytes(StandardCharsets.UTF_8);
                bodyLength = raw.length;
            }
            case BYTES -> {
                raw = (byte[]) canonical;
                if (column.size() > 0 && raw.length > column.size()) {
                    throw CodecErrors.tooLong(column, "more than " + column.size() + " bytes");
                }
                bodyLength = raw.length;
            }
            case DECIMAL -> {
                unscaled = ((BigDecimal) canonical).unscaledValue();
                bodyLength = DECIMAL_SCALE + unscaled.bitLength() / 8 + 1; // the length of toByteArray()
            }
            default -> bodyLength = fixedLength(type);
        }
        int pad = column.pad();
        if (pad > 0 && !column.padBuckets() && bodyLength > pad) {
            // a fixed cell size hides lengths only if nothing longer is ever stored
            throw CodecErrors.tooLong(column, "more than " + pad + " bytes, the most its pad: " + pad + " holds");
        }
        long length = padded(1L + bodyLength, pad, column.padBuckets());
        if (length > MAX_PLAINTEXT) {
            throw CodecErrors.tooLong(column, "the encoded value exceeds the largest cell");
        }
        byte[] out = new byte[(int) length];
        out[0] = (byte) (tag(type) | (pad > 0 ? PADDED : 0));
        switch (type) {
            case VARCHAR, BYTES -> System.arraycopy(raw, 0, out, 1, raw.length);
            case INT -> putInt(out, 1, (Integer) canonical);
            case SMALLINT -> putShort(out, 1, (Short) canonical);
            case BOOLEAN -> out[1] = (byte) ((Boolean) canonical ? 1 : 0);
            case BIGINT -> putLong(out, 1, (Long) canonical);
            case DOUBLE -> putLong(out, 1, Double.doubleToLongBits((Double) canonical));
            case DATE -> putLong(out, 1, ((LocalDate) canonical).toEpochDay());
            case TIME -> putLong(out, 1, ((LocalTime) canonical).toNanoOfDay());
            case TIMESTAMP -> {
                LocalDateTime t = (LocalDateTime) canonical;
                putLong(out, 1, t.toEpochSecond(ZoneOffset.UTC));
                putInt(out, 9, t.getNano());
            }
            case TIMESTAMPTZ -> {
                OffsetDateTime t = (OffsetDateTime) canonical;
                putLong(out, 1, t.toEpochSecond());
                putInt(out, 9, t.getNano());
            }
            case UUID -> {
                UUID u = (UUID) canonical;
                putLong(out, 1, u.getMostSignificantBits());
                putLong(out, 9, u.getLeastSignificantBits());
            }
            case DECIMAL -> {
                putInt(out, 1, ((BigDecimal) canonical).scale());
                byte[] b = unscaled.toByteArray();
                System.arraycopy(b, 0, out, 1 + DECIMAL_SCALE, b.length);
            }
            default -> throw new IllegalStateException("no encoding for " + type);
        }
        if (pad > 0) {
            out[1 + bodyLength] = (byte) 0x80;
        }
        return out;
    }

    /** Decodes an authenticated plaintext; SQLState 22000 when it is not a value of the column's type. */
    static Object decode(ColumnPolicy column, byte[] p) throws SQLException {
        if (p.length < 1) {
            throw CodecErrors.badCell(column, "empty plaintext");
        }
        int tag = p[0] & 0xff;
        if ((tag & ~PADDED) != tag(column.type())) {
            throw CodecErrors.badCell(column, "the cell holds a value of another type");
        }
        int end = p.length;
        if ((tag & PADDED) != 0) {
            // The tag, not the current policy, says whether the cell was padded: old cells survive a change of pad.
            int i = end - 1;
            while (i > 0 && p[i] == 0) {
                i--;
            }
            if (i < 1 || p[i] != (byte) 0x80) {
                throw CodecErrors.badCell(column, "bad padding");
            }
            end = i;
        }
        int n = end - 1;
        int fixed = fixedLength(column.type());
        if (fixed >= 0 && n != fixed) {
            throw CodecErrors.badCell(column, "bad " + column.type().policyName() + " encoding");
        }
        try {
            return switch (column.type()) {
                case VARCHAR -> new String(p, 1, n, StandardCharsets.UTF_8);
                case BYTES -> Arrays.copyOfRange(p, 1, end);
                case INT -> getInt(p, 1);
                case SMALLINT -> (short) (((p[1] & 0xff) << 8) | (p[2] & 0xff));
                case BOOLEAN -> {
                    if (p[1] != 0 && p[1] != 1) {
                        throw CodecErrors.badCell(column, "bad boolean encoding");
                    }
                    yield p[1] == 1;
                }
                case BIGINT -> getLong(p, 1);
                case DOUBLE -> Double.longBitsToDouble(getLong(p, 1));
                case DATE -> LocalDate.ofEpochDay(getLong(p, 1));
                case TIME -> LocalTime.ofNanoOfDay(getLong(p, 1));
                case TIMESTAMP -> LocalDateTime.ofEpochSecond(getLong(p, 1), getInt(p, 9), ZoneOffset.UTC);
                case TIMESTAMPTZ -> Instant.ofEpochSecond(getLong(p, 1), getInt(p, 9)).atOffset(ZoneOffset.UTC);
                case UUID -> new UUID(getLong(p, 1), getLong(p, 9));
                case DECIMAL -> {
                    if (n < DECIMAL_SCALE + 1) {
                        throw CodecErrors.badCell(column, "bad decimal encoding");
                    }
                    yield new BigDecimal(new BigInteger(p, 1 + DECIMAL_SCALE, n - DECIMAL_SCALE), getInt(p, 1));
                }
            };
        } catch (DateTimeException | ArithmeticException e) {
            throw CodecErrors.badCell(column, "bad " + column.type().policyName() + " encoding");
        }
    }

    private static void putShort(byte[] b, int off, short v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    private static void putLong(byte[] b, int off, long v) {
        putInt(b, off, (int) (v >>> 32));
        putInt(b, off + 4, (int) v);
    }

    private static int getInt(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    private static long getLong(byte[] b, int off) {
        return ((long) getInt(b, off) << 32) | (getInt(b, off + 4) & 0xffffffffL);
    }
}
