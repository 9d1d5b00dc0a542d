package dev.cloak.driver.internal.codec;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.DeterministicAead;
import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.config.EncryptionMode;
import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.driver.internal.error.SqlState;
import dev.cloak.driver.internal.telemetry.ColumnMeter;
import dev.cloak.driver.internal.telemetry.ColumnMeter.FailureReason;
import dev.cloak.keyring.FramedAead;
import dev.cloak.keyring.FramedDeterministicAead;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Encrypts and decrypts the cells of one column, in the layout {@link CellFormat} describes. Thread-safe; one per
 * column.
 *
 * <p>The cell is copied as little as the primitives allow: with the keyring's AES-GCM ({@link FramedAead}) a cell
 * is decrypted where it lies, after its header, and encrypted into an array with room for the header; with its
 * AES-SIV ({@link FramedDeterministicAead}) a cell's body is copied once, out of the cell, for Tink's AES-SIV. A
 * deterministic column with {@code cache: { entries: N }} keeps its hot values in a {@link HotValueMemo}, which
 * {@link #close()} empties.
 */
public final class CellCodec {

    private final ColumnPolicy column;
    /** The key domain's primitives, found once. */
    private final CellKeys.Domain keys;
    private final String keyDomain;
    private final boolean deterministic;
    private final byte[] associatedData;
    /** The column's hot values, or null when its policy asks for none. */
    private final HotValueMemo memo;
    private final ColumnMeter meter;

    public CellCodec(ColumnPolicy column, CellKeys keys) {
        this(column, keys, ColumnMeter.unpublished());
    }

    /** A codec that counts its cells on {@code meter}. */
    public CellCodec(ColumnPolicy column, CellKeys keys, ColumnMeter meter) {
        this.meter = Objects.requireNonNull(meter, "meter");
        this.column = Objects.requireNonNull(column, "column");
        this.keyDomain = column.keyDomain();
        this.keys = Objects.requireNonNull(keys, "keys").forDomain(keyDomain);
        this.deterministic = column.mode() == EncryptionMode.DETERMINISTIC;
        this.associatedData = CellFormat.associatedData(keyDomain);
        this.memo = deterministic && column.cacheEntries() > 0 ? new HotValueMemo(column.cacheEntries()) : null;
    }

    /**
     * Converts, encodes, pads and encrypts a bound value. Deterministic columns normalise to the declared type
     * first, so {@code setString("42")} and {@code setInt(42)} on an int column give the same cell.
     *
     * @param value   a bound JDBC value, not null: SQL NULL is stored as NULL by the caller, never encrypted
     * @param sqlType the {@link java.sql.Types} hint of the setter, or {@link java.sql.Types#OTHER}
     * @throws SQLException 22018 when the value does not convert, 22001 when it exceeds the declared size, and
     *     whatever {@link CellKeys} throws when the key is unavailable
     */
    public byte[] encrypt(Object value, int sqlType) throws SQLException {
        if (memo != null) {
            return encryptRemembered(value, sqlType, null);
        }
        return encrypt(value, sqlType, deterministic ? keys.deterministicAead() : null);
    }

    /**
     * Loads this column's key, creating it under the keyring's rules when the key domain has none yet, so that
     * the first value written later does not have to.
     *
     * @throws SQLException what {@link CellKeys} throws when the key is unavailable or may not be created
     */
    public void prepareKey() throws SQLException {
        if (deterministic) {
            keys.deterministicAead();
        } else {
            keys.aead();
        }
    }

    /**
     * The key versions a lookup by value on this deterministic column must match now, the primary first: several
     * while the key domain rotates. Pass the list, or one of its elements, to
     * {@link #encryptUnder} so that a statement binds under the versions it was written for.
     *
     * @throws SQLException 0A000 for a randomized column, which has no lookups, and what {@link CellKeys} throws
     */
    public List<DeterministicAead> lookupVersions() throws SQLException {
        if (!deterministic) {
            throw SqlErrors.refused("randomized column " + CodecErrors.describe(column)
                    + " cannot be looked up by value");
        }
        return keys.deterministicAeadsByVersion();
    }

    /**
     * As {@link #encrypt(Object, int)}, under one key version of {@link #lookupVersions()} instead of the primary:
     * the cell a value has if it was stored under that version.
     */
    public byte[] encryptUnder(Object value, int sqlType, DeterministicAead version) throws SQLException {
        Objects.requireNonNull(version, "version");
        if (memo != null) {
            return encryptRemembered(value, sqlType, version);
        }
        return encrypt(value, sqlType, version);
    }

    private byte[] encrypt(Object value, int sqlType, DeterministicAead deterministicKey) throws SQLException {
        byte[] plaintext = plaintext(value, sqlType, deterministicKey);
        try {
            return encryptPlaintext(plaintext, deterministicKey);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /**
     * Through the memo: a value's cell under the domain's primary version, from the memo when it was encrypted
     * before under the same keys. A lookup under an older version (while the domain rotates) is encrypted as usual.
     *
     * @param version the version a lookup was prepared for, or null for the primary
     */
    private byte[] encryptRemembered(Object value, int sqlType, DeterministicAead version) throws SQLException {
        List<DeterministicAead> versions = keys.deterministicAeadsByVersion();
        DeterministicAead primary = versions.get(0);
        if (version != null && version != primary) {
            return encrypt(value, sqlType, version);
        }
        byte[] plaintext = plaintext(value, sqlType, primary);
        try {
            byte[] cell = memo.cell(versions, plaintext);
            if (cell == null) {
                cell = encryptPlaintext(plaintext, primary);
                memo.rememberCell(versions, plaintext, cell);
            } else {
                meter.encrypted(CellFormat.keyId(cell, CellFormat.HEADER)); // a cell written, as without the memo
            }
            return cell;
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /** The encoded plaintext of a bound value. */
    private byte[] plaintext(Object value, int sqlType, DeterministicAead deterministicKey) throws SQLException {
        Objects.requireNonNull(value, "value: SQL NULL is bound unencrypted by the caller");
        if (deterministic != (deterministicKey != null)) {
            throw new IllegalArgumentException("a key version is for deterministic columns only");
        }
        return PlaintextCodec.encode(column, ValueConverter.toCanonical(column, value, sqlType));
    }

    /** The cell of an encoded plaintext, which the caller zeroes; counted on the column's meter. */
    private byte[] encryptPlaintext(byte[] plaintext, DeterministicAead deterministicKey) throws SQLException {
        byte[] cell = encryptOnce(plaintext, deterministicKey);
        meter.encrypted(CellFormat.keyId(cell, CellFormat.HEADER));
        return cell;
    }

    private byte[] encryptOnce(byte[] plaintext, DeterministicAead deterministicKey) throws SQLException {
        try {
            if (deterministic) {
                return CellFormat.cell(column.mode(),
                        deterministicKey.encryptDeterministically(plaintext, associatedData));
            }
            Aead aead = keys.aead();
            if (aead instanceof FramedAead framed) {
                return CellFormat.withHeader(column.mode(),
                        framed.encrypt(plaintext, associatedData, CellFormat.HEADER));
            }
            return CellFormat.cell(column.mode(), aead.encrypt(plaintext, associatedData));
        } catch (GeneralSecurityException e) {
            throw SqlErrors.of(SqlState.BAD_CELL, "cannot encrypt a value of encrypted column "
                    + CodecErrors.describe(column) + ": the key of domain " + keyDomain + " failed");
        }
    }

    /**
     * The canonical value of a cell (see {@link ValueConverter}).
     *
     * @param cell a non-null cell as read from the database
     * @throws SQLException 22000 when the cell fails authentication, belongs to another key domain, has an
     *     unknown format or mode byte or an unknown key, or does not hold a value of this column's type
     */
    public Object decrypt(byte[] cell) throws SQLException {
        Objects.requireNonNull(cell, "cell: SQL NULL is read as NULL by the caller");
        String problem = CellFormat.problem(cell, column.mode());
        if (problem != null) {
            meter.failed(FailureReason.NOT_A_CLOAK_CELL);
            throw CodecErrors.badCell(column, problem);
        }
        if (memo == null) {
            return decryptCell(cell);
        }
        // remembered under the keys read before decrypting: a reload in between leaves the entry unused
        List<DeterministicAead> versions = keys.deterministicAeadsByVersion();
        Object value = memo.value(versions, cell);
        if (value == null) {
            value = decryptCell(cell);
            memo.rememberValue(versions, cell, value);
        } else {
            meter.decrypted(CellFormat.keyId(cell, CellFormat.HEADER)); // a cell read, as without the memo
        }
        return value;
    }

    /** The canonical value of a cell whose header {@link CellFormat#problem} accepted. */
    private Object decryptCell(byte[] cell) throws SQLException {
        byte[] plaintext;
        try {
            if (deterministic) {
                DeterministicAead deterministicKey = keys.deterministicAead();
                plaintext = deterministicKey instanceof FramedDeterministicAead framed
                        ? framed.decryptDeterministically(cell, CellFormat.HEADER, associatedData)
                        : deterministicKey.decryptDeterministically(CellFormat.ciphertext(cell), associatedData);
            } else {
                Aead aead = keys.aead();
                plaintext = aead instanceof FramedAead framed
                        ? framed.decrypt(cell, CellFormat.HEADER, associatedData)
                        : aead.decrypt(CellFormat.ciphertext(cell), associatedData);
            }
        } catch (GeneralSecurityException e) {
            int keyId = CellFormat.keyId(cell, CellFormat.HEADER);
            if (!keys.hasKeyVersion(keyId)) {
                meter.failed(FailureReason.UNKNOWN_KEY_VERSION);
                throw CodecErrors.badCell(column, "its key version " + Integer.toUnsignedString(keyId) + " is not one "
                        + "of key domain " + keyDomain + " (destroyed, or written with another key store)");
            }
            meter.failed(FailureReason.AUTHENTICATION_FAILED);
            throw CodecErrors.badCell(column, "authentication failed (tampered, copied from another column, or "
                    + "encrypted with a key this key domain does not have)");
        }
        meter.decrypted(CellFormat.keyId(cell, CellFormat.HEADER));
        try {
            return PlaintextCodec.decode(column, plaintext);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /** Empties the column's hot-value memo, if it has one: the driver is closing. */
    public void close() {
        if (memo != null) {
            memo.clear();
        }
    }

    /** The column's hot-value memo, or null; for tests. */
    HotValueMemo memo() {
        return memo;
    }

    /** The column this codec serves. */
    public ColumnPolicy column() {
        return column;
    }

    @Override
    public String toString() {
        return "CellCodec[" + column + ", domain=" + keyDomain + "]";
    }
}
