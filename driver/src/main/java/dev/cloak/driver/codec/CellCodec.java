package dev.cloak.driver.codec;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import com.google.crypto.tink.DeterministicAead;

import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.config.EncryptionMode;

/**
 * Encrypts and decrypts the cells of one column (SPEC §2.3). Thread-safe; one per column.
 *
 * <p>A version-1 cell is {@code 0x01} (format) · the mode byte ({@link EncryptionMode#cellByte()}) · the Tink
 * ciphertext with its 5-byte key-id prefix. The associated data is the UTF-8 of {@code cloak/v1/} and the
 * column's key domain, so a cell copied into a column of another domain fails to decrypt.
 */
public final class CellCodec {

    /** The format byte of a version-1 cell. */
    static final byte FORMAT_V1 = 0x01;
    private static final int HEADER = 2;
    /** Tink's output prefix: one version byte and a 4-byte key id. */
    private static final int TINK_PREFIX = 5;

    private final ColumnPolicy column;
    private final CellKeys keys;
    private final String keyDomain;
    private final boolean deterministic;
    private final byte modeByte;
    private final byte[] associatedData;

    public CellCodec(ColumnPolicy column, CellKeys keys) {
        this.column = Objects.requireNonNull(column, "column");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.keyDomain = column.keyDomain();
        this.deterministic = column.mode() == EncryptionMode.DETERMINISTIC;
        this.modeByte = column.mode().cellByte();
        this.associatedData = ("cloak/v1/" + keyDomain).getBytes(StandardCharsets.UTF_8);
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
        return encrypt(value, sqlType, deterministic ? keys.deterministicAead(keyDomain) : null);
    }

    /**
     * The key versions a lookup by value on this deterministic column must match now, the primary first: several
     * while the key domain rotates (SPEC §2.4). Pass the list, or one of its elements, to
     * {@link #encryptUnder} so that a statement binds under the versions it was written for.
     *
     * @throws SQLException 0A000 for a randomized column, which has no lookups, and what {@link CellKeys} throws
     */
    public List<DeterministicAead> lookupVersions() throws SQLException {
        if (!deterministic) {
            throw new SQLFeatureNotSupportedException("randomized column " + CodecErrors.describe(column)
                    + " cannot be looked up by value", "0A000");
        }
        return keys.deterministicAeadsByVersion(keyDomain);
    }

    /**
     * As {@link #encrypt(Object, int)}, under one key version of {@link #lookupVersions()} instead of the primary:
     * the cell a value has if it was stored under that version.
     */
    public byte[] encryptUnder(Object value, int sqlType, DeterministicAead version) throws SQLException {
        return encrypt(value, sqlType, Objects.requireNonNull(version, "version"));
    }

    private byte[] encrypt(Object value, int sqlType, DeterministicAead deterministicKey) throws SQLException {
        Objects.requireNonNull(value, "value: SQL NULL is bound unencrypted by the caller");
        if (deterministic != (deterministicKey != null)) {
            throw new IllegalArgumentException("a key version is for deterministic columns only");
        }
        byte[] plaintext = PlaintextCodec.encode(column, ValueConverter.toCanonical(column, value, sqlType));
        byte[] ciphertext;
        try {
            ciphertext = deterministic
                    ? deterministicKey.encryptDeterministically(plaintext, associatedData)
                    : keys.aead(keyDomain).encrypt(plaintext, associatedData);
        } catch (GeneralSecurityException e) {
            throw new SQLDataException("cannot encrypt a value of encrypted column " + CodecErrors.describe(column)
                    + ": the key of domain " + keyDomain + " failed", CodecErrors.BAD_CELL);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
        byte[] cell = new byte[HEADER + ciphertext.length];
        cell[0] = FORMAT_V1;
        cell[1] = modeByte;
        System.arraycopy(ciphertext, 0, cell, HEADER, ciphertext.length);
        return cell;
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
        if (cell.length < HEADER + TINK_PREFIX) {
            throw CodecErrors.badCell(column, "too short to be a Cloak cell");
        }
        if (cell[0] != FORMAT_V1) {
            throw CodecErrors.badCell(column, "unknown cell format " + (cell[0] & 0xff));
        }
        if (cell[1] != modeByte) {
            throw CodecErrors.badCell(column, "the cell's mode byte " + (cell[1] & 0xff) + " is not "
                    + column.mode().policyName() + " (" + (modeByte & 0xff) + ")");
        }
        byte[] ciphertext = Arrays.copyOfRange(cell, HEADER, cell.length);
        byte[] plaintext;
        try {
            plaintext = deterministic
                    ? keys.deterministicAead(keyDomain).decryptDeterministically(ciphertext, associatedData)
                    : keys.aead(keyDomain).decrypt(ciphertext, associatedData);
        } catch (GeneralSecurityException e) {
            throw CodecErrors.badCell(column, "authentication failed (tampered, copied from another column, or "
                    + "encrypted with a key this key domain does not have)");
        }
        try {
            return PlaintextCodec.decode(column, plaintext);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
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
