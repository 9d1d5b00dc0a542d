package dev.cloak.driver.internal.codec;

import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.EncryptionMode;
import dev.cloak.rewriter.CellSizes;
import dev.cloak.rewriter.EncryptedColumn;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What a stored cell of an encrypted column looks like (format version 1); every reader and writer of cells
 * takes the layout from here.
 *
 * <pre>
 * byte 0       0x01              format version
 * byte 1       mode              0x01 randomized (Tink AES256_GCM), 0x02 deterministic (Tink AES256_SIV)
 * bytes 2-6    Tink prefix       0x01 and the 4-byte big-endian key id (0x00 and the id for legacy keys)
 * bytes 7-     Tink body         randomized: 12-byte IV, ciphertext, 16-byte tag;
 *                                deterministic: 16-byte synthetic IV, ciphertext
 * </pre>
 *
 * <p>The associated data is the UTF-8 of {@code cloak/v1/} and the column's key domain, so a cell copied into a
 * column of another key domain fails to decrypt. The plaintext under the ciphertext is {@link PlaintextCodec}'s: a
 * type tag, the value's canonical encoding, and the padding.
 */
public final class CellFormat {

    /** The format byte every version-1 cell starts with. */
    public static final byte VERSION_1 = 0x01;
    /** The format byte and the mode byte in front of the Tink ciphertext. */
    public static final int HEADER = 2;
    /** Tink's output prefix: one prefix byte and a 4-byte key id. */
    public static final int TINK_PREFIX = 5;

    private static final byte RANDOMIZED = 0x01;
    private static final byte DETERMINISTIC = 0x02;
    private static final byte TINK_KEY = 0x01;
    private static final byte LEGACY_KEY = 0x00;
    private static final int KEY_ID_OFFSET = HEADER + 1;
    /** AES256_GCM: the prefix, a 12-byte IV and a 16-byte tag. */
    private static final int RANDOMIZED_OVERHEAD = TINK_PREFIX + 12 + 16;
    /** AES256_SIV: the prefix and a 16-byte synthetic IV. */
    private static final int DETERMINISTIC_OVERHEAD = TINK_PREFIX + 16;
    private static final String ASSOCIATED_DATA_PREFIX = "cloak/v1/";

    /** The sizes of these cells, as DDL rewriting asks for them, for columns without pad buckets. */
    public static final CellSizes SIZES = new Sizes(false);
    /** As {@link #SIZES}, for columns whose pad rounds up to a multiple ({@code pad: { buckets: true }}). */
    public static final CellSizes BUCKET_SIZES = new Sizes(true);

    private CellFormat() {
    }

    /** The mode byte of a cell encrypted in {@code mode}. */
    public static byte modeByte(EncryptionMode mode) {
        return mode == EncryptionMode.DETERMINISTIC ? DETERMINISTIC : RANDOMIZED;
    }

    /** The associated data of every cell of {@code keyDomain}. */
    static byte[] associatedData(String keyDomain) {
        return (ASSOCIATED_DATA_PREFIX + keyDomain).getBytes(StandardCharsets.UTF_8);
    }

    /** A cell: the header for {@code mode}, then Tink's ciphertext. */
    static byte[] cell(EncryptionMode mode, byte[] ciphertext) {
        byte[] cell = new byte[HEADER + ciphertext.length];
        cell[0] = VERSION_1;
        cell[1] = modeByte(mode);
        System.arraycopy(ciphertext, 0, cell, HEADER, ciphertext.length);
        return cell;
    }

    /** A cell from Tink's ciphertext written after {@link #HEADER} free bytes: the header is filled in, no copy. */
    static byte[] withHeader(EncryptionMode mode, byte[] framed) {
        framed[0] = VERSION_1;
        framed[1] = modeByte(mode);
        return framed;
    }

    /** The Tink ciphertext of a cell that {@link #problem} accepted. */
    static byte[] ciphertext(byte[] cell) {
        return Arrays.copyOfRange(cell, HEADER, cell.length);
    }

    /**
     * Why {@code cell} is not a version-1 cell of {@code mode}, or {@code null} when its header is one. The reason is
     * the same for every stored value that is not one: a plaintext written around Cloak must not show a byte, nor
     * whether it is shorter than a header, in a message.
     */
    static String problem(byte[] cell, EncryptionMode mode) {
        if (cell.length < HEADER + TINK_PREFIX || cell[0] != VERSION_1 || cell[1] != modeByte(mode)) {
            return "not a Cloak cell of a " + mode.policyName() + " column (a value written without Cloak, or a cell"
                    + " written before the column's mode changed)";
        }
        return null;
    }

    /** Whether {@code stored} is shaped like a version-1 cell of {@code mode}, with a body after Tink's prefix. */
    public static boolean isCell(byte[] stored, EncryptionMode mode) {
        return stored != null && stored.length > HEADER + TINK_PREFIX && stored[0] == VERSION_1
                && stored[1] == modeByte(mode);
    }

    /**
     * The Tink key id in a cell that {@link #problem} accepted (offset {@link #HEADER}), or in a Tink ciphertext
     * (offset 0): the key version it is under, for metrics.
     */
    static int keyId(byte[] bytes, int offset) {
        int at = offset + 1;
        return (bytes[at] & 0xFF) << 24 | (bytes[at + 1] & 0xFF) << 16 | (bytes[at + 2] & 0xFF) << 8
                | bytes[at + 3] & 0xFF;
    }

    /** Whether a stored cell was encrypted under the key with Tink key id {@code keyId}; reads the header only. */
    public static boolean usesKey(byte[] cell, int keyId) {
        return cell != null && cell.length > HEADER + TINK_PREFIX
                && (cell[HEADER] == TINK_KEY || cell[HEADER] == LEGACY_KEY)
                && ByteBuffer.wrap(cell, KEY_ID_OFFSET, Integer.BYTES).getInt() == keyId;
    }

    /**
     * The largest cell of a column, or -1 when its values are unbounded.
     *
     * @param length    declared characters (varchar) or bytes (bytes); 0 or less for none
     * @param precision declared decimal digits; 0 or less for none
     */
    public static long maxCellBytes(ColumnType type, EncryptionMode mode, long length, long precision, int pad) {
        return maxCellBytes(type, mode, length, precision, pad, false);
    }

    /**
     * The largest cell of a column, or -1 when its values are unbounded; with {@code padBuckets} the plaintext rounds
     * up to a multiple of {@code pad}, else every cell of a padded column has the one size {@code pad} gives.
     */
    public static long maxCellBytes(ColumnType type, EncryptionMode mode, long length, long precision, int pad,
                                    boolean padBuckets) {
        long plaintext = PlaintextCodec.maxLength(type, length, precision, pad, padBuckets);
        if (plaintext < 0) {
            return -1;
        }
        return HEADER + (mode == EncryptionMode.DETERMINISTIC ? DETERMINISTIC_OVERHEAD : RANDOMIZED_OVERHEAD)
                + plaintext;
    }

    /**
     * Why a fixed {@code pad} cannot hold any value of {@code type} (every write would be refused), or {@code null}
     * when it can: the shortest value of the type must fit in {@code pad} bytes.
     */
    public static String fixedPadProblem(ColumnType type, int pad) {
        int shortest = PlaintextCodec.shortestBody(type);
        if (pad == 0 || pad >= shortest) {
            return null;
        }
        return "pad " + pad + " leaves no room for a " + type.policyName() + " value, which takes "
                + shortest + " bytes or more: use pad: " + shortest + " or more, or pad: { size: " + pad
                + ", buckets: true }";
    }

    /** The rewriter's view of {@link #maxCellBytes}: policy type names in, bytes out. */
    private static final class Sizes implements CellSizes {

        private final boolean padBuckets;

        Sizes(boolean padBuckets) {
            this.padBuckets = padBuckets;
        }

        @Override
        public long maxCellBytes(EncryptedColumn column, String type, long length, long precision) {
            ColumnType logical = ColumnType.fromPolicyName(type);
            if (logical == null) {
                throw new IllegalArgumentException("no cell format for type " + type);
            }
            EncryptionMode mode = column.deterministic() ? EncryptionMode.DETERMINISTIC : EncryptionMode.RANDOMIZED;
            return CellFormat.maxCellBytes(logical, mode, length, precision, column.pad(), padBuckets);
        }

        @Override
        public String toString() {
            return padBuckets ? "CellFormat.BUCKET_SIZES" : "CellFormat.SIZES";
        }
    }
}
