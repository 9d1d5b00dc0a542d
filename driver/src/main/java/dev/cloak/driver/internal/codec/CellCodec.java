package dev.cloak.driver.internal.codec;

import com.google.crypto.tink.DeterministicAead;
import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.config.EncryptionMode;
import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.driver.internal.error.SqlState;
import dev.cloak.driver.internal.telemetry.ColumnMeter;
import dev.cloak.driver.internal.telemetry.ColumnMeter.FailureReason;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Encrypts and decrypts the cells of one column, in the layout {@link CellFormat} describes. Thread-safe; one per
 * column.
 */
public final class CellCodec {

    private final ColumnPolicy column;
    private final CellKeys keys;
    private final String keyDomain;
    private final boolean deterministic;
    private final byte[] associatedData;
    private final ColumnMeter meter;

    public CellCodec(ColumnPolicy column, CellKeys keys) {
        this(column, keys, ColumnMeter.unpublished());
    }

    /** A codec that counts its cells on {@code meter}. */
    public CellCodec(ColumnPolicy column, CellKeys keys, ColumnMeter meter) {
        this.meter = Objects.requireNonNull(meter, "meter");
        this.column = Objects.requireNonNull(column, "column");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.keyDomain = column.keyDomain();
        this.deterministic = column.mode() == EncryptionMode.DETERMINISTIC;
        this.associatedData = CellFormat.associatedData(keyDomain);
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
            throw SqlErrors.of(SqlState.BAD_CELL, "cannot encrypt a value of encrypted column "
                    + CodecErrors.describe(column) + ": the key of domain " + keyDomain + " failed");
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
        meter.encrypted(CellFormat.keyId(ciphertext, 0));
        return CellFormat.cell(column.mode(), ciphertext);
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
        byte[] ciphertext = CellFormat.ciphertext(cell);
        byte[] plaintext;
        try {
            plaintext = deterministic
                    ? keys.deterministicAead(keyDomain).decryptDeterministically(ciphertext, associatedData)
                    : keys.aead(keyDomain).decrypt(ciphertext, associatedData);
        } catch (GeneralSecurityException e) {
            int keyId = CellFormat.keyId(cell, CellFormat.HEADER);
            if (!keys.hasKeyVersion(keyDomain, keyId)) {
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

    /** The column this codec serves. */
    public ColumnPolicy column() {
        return column;
    }

    @Override
    public String toString() {
        return "CellCodec[" + column + ", domain=" + keyDomain + "]";
    }
}
