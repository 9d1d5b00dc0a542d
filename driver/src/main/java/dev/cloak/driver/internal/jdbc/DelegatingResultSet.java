package dev.cloak.driver.internal.jdbc;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URL;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.Calendar;
import java.util.Map;
import java.util.Objects;
import javax.sql.rowset.serial.SerialBlob;
import javax.sql.rowset.serial.SerialClob;

/**
 * A {@link ResultSet} in which every column getter and updater asks whether the column is encrypted:
 * an encrypted column is read through {@link #readEncrypted(int, Class, Calendar)} and written through
 * {@link #updateEncrypted(int, Object, int)}, so the application never sees ciphertext and the delegate
 * never sees plaintext; a plain column goes to the delegate unchanged. Reads by label resolve the label
 * with {@link #encryptedIndex(String)}. Everything else is a one-line delegation.
 */
abstract class DelegatingResultSet implements ResultSet {

    protected final ResultSet delegate;
    private final Statement owner;
    // wasNull() must answer for the last read, which may have been decrypted here rather than by the delegate
    private boolean lastReadEncrypted;
    private boolean lastEncryptedWasNull;

    /**
     * {@code owner} is what {@link #getStatement()} returns: the wrapper statement, or {@code null} (metadata results).
     */
    protected DelegatingResultSet(Statement owner, ResultSet delegate) {
        this.owner = owner;
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** Whether the result column at this 1-based index is encrypted. */
    protected boolean isEncrypted(int columnIndex) {
        return false;
    }

    /** The 1-based index of the encrypted column with this label, or 0 when that column is not encrypted. */
    protected int encryptedIndex(String columnLabel) throws SQLException {
        return 0;
    }

    /**
     * The decrypted value of the column converted to {@code type} ({@code null} = SQL NULL); {@code cal} may be null.
     */
    protected abstract <T> T readEncrypted(int columnIndex, Class<T> type, Calendar cal) throws SQLException;

    /**
     * Stages {@code value} ({@code null} = SQL NULL) for an encrypted column; {@code sqlType} is the updater's {@link
     * Types}.
     */
    protected abstract void updateEncrypted(int columnIndex, Object value, int sqlType) throws SQLException;

    /**
     * Called before the cursor moves or the current row's values change (next, absolute, refreshRow, updateRow,
     * moveToInsertRow, …) and when the result set closes, whether or not the delegate then succeeds: what was read
     * from the row before may no longer be what it holds.
     */
    protected void rowChanged() {
    }

    /** Wraps the delegate's result metadata. */
    protected abstract ResultSetMetaData wrapMetaData(ResultSetMetaData metaData) throws SQLException;

    // ---- the wrapper graph
    @Override public Statement getStatement() { return owner; }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        ResultSetMetaData metaData = delegate.getMetaData();
        return metaData == null ? null : wrapMetaData(metaData);
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || delegate.isWrapperFor(iface);
    }

    @Override
    public boolean wasNull() throws SQLException {
        return lastReadEncrypted ? lastEncryptedWasNull : delegate.wasNull();
    }

    // ---- reads by index: encrypted columns are decrypted by readEncrypted, the others come from the delegate
    @Override
    public String getString(int columnIndex) throws SQLException {
        return isEncrypted(columnIndex) ? read(columnIndex, String.class, null) : plain().getString(columnIndex);
    }

    @Override
    public String getNString(int columnIndex) throws SQLException {
        return isEncrypted(columnIndex) ? read(columnIndex, String.class, null) : plain().getNString(columnIndex);
    }

    @Override
    public boolean getBoolean(int columnIndex) throws SQLException {
        return isEncrypted(columnIndex) ? Boolean.TRUE.equals(read(columnIndex, Boolean.class, null))
                : plain().getBoolean(columnIndex);
    }

    @Override
    public byte getByte(int columnIndex) throws SQLException {
        return isEncrypted(columnIndex) ? orZero(read(columnIndex, Byte.class, null)).byteValue()
                : plain().getByte(columnIndex);
    }

    @Override
    public short getShort(int columnIndex) throws SQLException {
        return isEncrypted(columnIndex) ? orZero(read(columnIndex, Short.class, null)).shortValue()
                : plain().getShort(columnIndex);
    }

    @Override
    public int getInt(int columnIndex) throws SQLException {
        return isEncrypted(columnIndex) ? orZero(read(columnIndex, Integer.class, null)).intValue()
                : plain().getInt(columnIndex);
    }

    @Override
    public long getLong(int columnIndex) throws SQLException {
        return isEncrypted(columnIndex) ? orZero(read(columnIndex, Long.class, null)).longValue()
                : plain().getLong(columnIndex);
    }

    @Override
    public float getFloat(int columnIndex) throws SQLException {
        return isEncrypted(columnIndex) ? orZero(read(columnIndex, Float.class, null)).floatValue()
                : plain().getFloat(columnIndex);
    }

    @Override
    public double getDouble(int columnIndex) throws SQLException {
        return isEncrypted(columnIndex) ? orZero(read(columnIndex, Double.class, null)).doubleValue()
                : plain().getDouble(columnIndex);
    }

    @Override
    public BigDecimal getBigDecimal(int columnIndex) throws SQLException {
        return isEncrypted(columnIndex) ? read(columnIndex, BigDecimal.class, null)
                : plain().getBigDecimal(columnIndex);
    }

    @Override
    public BigDecimal getBigDecimal(int columnIndex, int scale) throws SQLException {
        return isEncrypted(columnIndex) ? scaled(read(columnIndex, BigDecimal.class, null), scale)
                : plain().getBigDecimal(columnIndex, scale);
    }

    @Override
    public byte[] getBytes(int columnIndex) throws SQLException {
        return isEncrypted(columnIndex) ? read(columnIndex, byte[].class, null) : plain().getBytes(columnIndex);
    }

    @Override
    public Date getDate(int columnIndex) throws SQLException {
        return isEncrypted(columnIndex) ? read(columnIndex, Date.class, null) : plain().getDate(columnIndex);
    }

    @Override
    public Date getDate(int columnIndex, Calendar cal) throws SQLException {
        return isEncrypted(columnIndex) ? read(columnIndex, Date.class, cal) : plain().getDate(columnIndex, cal);
    }

    @Override
    public Time getTime(int columnIndex) throws SQLException {
        return isEncrypted(columnIndex) ? read(columnIndex, Time.class, null) : plain().getTime(columnIndex);
    }

    @Override
    public Time getTime(int columnIndex, Calendar cal) throws SQLException {
        return isEncrypted(columnIndex) ? read(columnIndex, Time.class, cal) : plain().getTime(columnIndex, cal);
    }

    @Override
    public Timestamp getTimestamp(int columnIndex) throws SQLException {
        return isEncrypted(columnIndex) ? read(columnIndex, Timestamp.class, null) : plain().getTimestamp(columnIndex);
    }

    @Override
    public Timestamp getTimestamp(int columnIndex, Calendar cal) throws SQLException {
        return isEncrypted(columnIndex) ? read(columnIndex, Timestamp.class, cal)
                : plain().getTimestamp(columnIndex, cal);
    }

    @Override
    public Object getObject(int columnIndex) throws SQLException {
        return isEncrypted(columnIndex) ? read(columnIndex, Object.class, null) : plain().getObject(columnIndex);
    }

    @Override
    public Object getObject(int columnIndex, Map<String, Class<?>> map) throws SQLException {
        return isEncrypted(columnIndex) ? read(columnIndex, Object.class, null) : plain().getObject(columnIndex, map);
    }

    @Override
    public <T> T getObject(int columnIndex, Class<T> type) throws SQLException {
        return isEncrypted(columnIndex) ? read(columnIndex, type, null) : plain().getObject(columnIndex, type);
    }

    @Override
    public InputStream getAsciiStream(int columnIndex) throws SQLException {
        return isEncrypted(columnIndex) ? bytesOf(read(columnIndex, String.class, null), StandardCharsets.US_ASCII)
                : plain().getAsciiStream(columnIndex);
    }

    @Override
    public InputStream getUnicodeStream(int columnIndex) throws SQLException {
        return isEncrypted(columnIndex) ? bytesOf(read(columnIndex, String.class, null), StandardCharsets.UTF_16BE)
                : plain().getUnicodeStream(columnIndex);
    }

    @Override
    public InputStream getBinaryStream(int columnIndex) throws SQLException {
        return isEncrypted(columnIndex) ? streamOf(read(columnIndex, byte[].class, null))
                : plain().getBinaryStream(columnIndex);
    }

    @Override
    public Reader getCharacterStream(int columnIndex) throws SQLException {
        return isEncrypted(columnIndex) ? readerOf(read(columnIndex, String.class, null))
                : plain().getCharacterStream(columnIndex);
    }

    @Override
    public Reader getNCharacterStream(int columnIndex) throws SQLException {
        return isEncrypted(columnIndex) ? readerOf(read(columnIndex, String.class, null))
                : plain().getNCharacterStream(columnIndex);
    }

    @Override
    public Blob getBlob(int columnIndex) throws SQLException {
        return isEncrypted(columnIndex) ? blobOf(read(columnIndex, byte[].class, null)) : plain().getBlob(columnIndex);
    }

    @Override
    public Clob getClob(int columnIndex) throws SQLException {
        return isEncrypted(columnIndex) ? clobOf(read(columnIndex, String.class, null)) : plain().getClob(columnIndex);
    }

    @Override
    public NClob getNClob(int columnIndex) throws SQLException {
        return isEncrypted(columnIndex) ? nclobOf(read(columnIndex, String.class, null))
                : plain().getNClob(columnIndex);
    }

    @Override
    public Array getArray(int columnIndex) throws SQLException {
        return isEncrypted(columnIndex) ? read(columnIndex, Array.class, null) : plain().getArray(columnIndex);
    }

    @Override
    public Ref getRef(int columnIndex) throws SQLException {
        return isEncrypted(columnIndex) ? read(columnIndex, Ref.class, null) : plain().getRef(columnIndex);
    }

    @Override
    public RowId getRowId(int columnIndex) throws SQLException {
        return isEncrypted(columnIndex) ? read(columnIndex, RowId.class, null) : plain().getRowId(columnIndex);
    }

    @Override
    public SQLXML getSQLXML(int columnIndex) throws SQLException {
        return isEncrypted(columnIndex) ? read(columnIndex, SQLXML.class, null) : plain().getSQLXML(columnIndex);
    }

    @Override
    public URL getURL(int columnIndex) throws SQLException {
        return isEncrypted(columnIndex) ? read(columnIndex, URL.class, null) : plain().getURL(columnIndex);
    }

    // ---- reads by label: an encrypted label reads through its index
    @Override
    public String getString(String columnLabel) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getString(i) : plain().getString(columnLabel);
    }

    @Override
    public String getNString(String columnLabel) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getNString(i) : plain().getNString(columnLabel);
    }

    @Override
    public boolean getBoolean(String columnLabel) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getBoolean(i) : plain().getBoolean(columnLabel);
    }

    @Override
    public byte getByte(String columnLabel) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getByte(i) : plain().getByte(columnLabel);
    }

    @Override
    public short getShort(String columnLabel) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getShort(i) : plain().getShort(columnLabel);
    }

    @Override
    public int getInt(String columnLabel) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getInt(i) : plain().getInt(columnLabel);
    }

    @Override
    public long getLong(String columnLabel) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getLong(i) : plain().getLong(columnLabel);
    }

    @Override
    public float getFloat(String columnLabel) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getFloat(i) : plain().getFloat(columnLabel);
    }

    @Override
    public double getDouble(String columnLabel) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getDouble(i) : plain().getDouble(columnLabel);
    }

    @Override
    public BigDecimal getBigDecimal(String columnLabel) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getBigDecimal(i) : plain().getBigDecimal(columnLabel);
    }

    @Override
    public BigDecimal getBigDecimal(String columnLabel, int scale) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getBigDecimal(i, scale) : plain().getBigDecimal(columnLabel, scale);
    }

    @Override
    public byte[] getBytes(String columnLabel) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getBytes(i) : plain().getBytes(columnLabel);
    }

    @Override
    public Date getDate(String columnLabel) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getDate(i) : plain().getDate(columnLabel);
    }

    @Override
    public Date getDate(String columnLabel, Calendar cal) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getDate(i, cal) : plain().getDate(columnLabel, cal);
    }

    @Override
    public Time getTime(String columnLabel) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getTime(i) : plain().getTime(columnLabel);
    }

    @Override
    public Time getTime(String columnLabel, Calendar cal) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getTime(i, cal) : plain().getTime(columnLabel, cal);
    }

    @Override
    public Timestamp getTimestamp(String columnLabel) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getTimestamp(i) : plain().getTimestamp(columnLabel);
    }

    @Override
    public Timestamp getTimestamp(String columnLabel, Calendar cal) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getTimestamp(i, cal) : plain().getTimestamp(columnLabel, cal);
    }

    @Override
    public Object getObject(String columnLabel) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getObject(i) : plain().getObject(columnLabel);
    }

    @Override
    public Object getObject(String columnLabel, Map<String, Class<?>> map) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getObject(i, map) : plain().getObject(columnLabel, map);
    }

    @Override
    public <T> T getObject(String columnLabel, Class<T> type) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getObject(i, type) : plain().getObject(columnLabel, type);
    }

    @Override
    public InputStream getAsciiStream(String columnLabel) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getAsciiStream(i) : plain().getAsciiStream(columnLabel);
    }

    @Override
    public InputStream getUnicodeStream(String columnLabel) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getUnicodeStream(i) : plain().getUnicodeStream(columnLabel);
    }

    @Override
    public InputStream getBinaryStream(String columnLabel) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getBinaryStream(i) : plain().getBinaryStream(columnLabel);
    }

    @Override
    public Reader getCharacterStream(String columnLabel) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getCharacterStream(i) : plain().getCharacterStream(columnLabel);
    }

    @Override
    public Reader getNCharacterStream(String columnLabel) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getNCharacterStream(i) : plain().getNCharacterStream(columnLabel);
    }

    @Override
    public Blob getBlob(String columnLabel) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getBlob(i) : plain().getBlob(columnLabel);
    }

    @Override
    public Clob getClob(String columnLabel) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getClob(i) : plain().getClob(columnLabel);
    }

    @Override
    public NClob getNClob(String columnLabel) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getNClob(i) : plain().getNClob(columnLabel);
    }

    @Override
    public Array getArray(String columnLabel) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getArray(i) : plain().getArray(columnLabel);
    }

    @Override
    public Ref getRef(String columnLabel) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getRef(i) : plain().getRef(columnLabel);
    }

    @Override
    public RowId getRowId(String columnLabel) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getRowId(i) : plain().getRowId(columnLabel);
    }

    @Override
    public SQLXML getSQLXML(String columnLabel) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getSQLXML(i) : plain().getSQLXML(columnLabel);
    }

    @Override
    public URL getURL(String columnLabel) throws SQLException {
        int i = encryptedIndex(columnLabel);
        return i > 0 ? getURL(i) : plain().getURL(columnLabel);
    }

    // ---- updates by index: encrypted columns go to updateEncrypted, the others to the delegate unchanged
    @Override
    public void updateNull(int columnIndex) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, null, Types.NULL);
        } else {
            delegate.updateNull(columnIndex);
        }
    }

    @Override
    public void updateBoolean(int columnIndex, boolean x) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, x, Types.BOOLEAN);
        } else {
            delegate.updateBoolean(columnIndex, x);
        }
    }

    @Override
    public void updateByte(int columnIndex, byte x) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, x, Types.TINYINT);
        } else {
            delegate.updateByte(columnIndex, x);
        }
    }

    @Override
    public void updateShort(int columnIndex, short x) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, x, Types.SMALLINT);
        } else {
            delegate.updateShort(columnIndex, x);
        }
    }

    @Override
    public void updateInt(int columnIndex, int x) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, x, Types.INTEGER);
        } else {
            delegate.updateInt(columnIndex, x);
        }
    }

    @Override
    public void updateLong(int columnIndex, long x) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, x, Types.BIGINT);
        } else {
            delegate.updateLong(columnIndex, x);
        }
    }

    @Override
    public void updateFloat(int columnIndex, float x) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, x, Types.REAL);
        } else {
            delegate.updateFloat(columnIndex, x);
        }
    }

    @Override
    public void updateDouble(int columnIndex, double x) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, x, Types.DOUBLE);
        } else {
            delegate.updateDouble(columnIndex, x);
        }
    }

    @Override
    public void updateBigDecimal(int columnIndex, BigDecimal x) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, x, Types.DECIMAL);
        } else {
            delegate.updateBigDecimal(columnIndex, x);
        }
    }

    @Override
    public void updateString(int columnIndex, String x) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, x, Types.VARCHAR);
        } else {
            delegate.updateString(columnIndex, x);
        }
    }

    @Override
    public void updateNString(int columnIndex, String nString) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, nString, Types.NVARCHAR);
        } else {
            delegate.updateNString(columnIndex, nString);
        }
    }

    @Override
    public void updateBytes(int columnIndex, byte[] x) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, x, Types.VARBINARY);
        } else {
            delegate.updateBytes(columnIndex, x);
        }
    }

    @Override
    public void updateDate(int columnIndex, Date x) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, x, Types.DATE);
        } else {
            delegate.updateDate(columnIndex, x);
        }
    }

    @Override
    public void updateTime(int columnIndex, Time x) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, x, Types.TIME);
        } else {
            delegate.updateTime(columnIndex, x);
        }
    }

    @Override
    public void updateTimestamp(int columnIndex, Timestamp x) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, x, Types.TIMESTAMP);
        } else {
            delegate.updateTimestamp(columnIndex, x);
        }
    }

    @Override
    public void updateObject(int columnIndex, Object x) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, x, Types.OTHER);
        } else {
            delegate.updateObject(columnIndex, x);
        }
    }

    @Override
    public void updateObject(int columnIndex, Object x, int scaleOrLength) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, x, Types.OTHER);
        } else {
            delegate.updateObject(columnIndex, x, scaleOrLength);
        }
    }

    @Override
    public void updateObject(int columnIndex, Object x, SQLType targetSqlType) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, x, JdbcValues.typeNumber(targetSqlType));
        } else {
            delegate.updateObject(columnIndex, x, targetSqlType);
        }
    }

    @Override
    public void updateObject(int columnIndex, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, x, JdbcValues.typeNumber(targetSqlType));
        } else {
            delegate.updateObject(columnIndex, x, targetSqlType, scaleOrLength);
        }
    }

    @Override
    public void updateAsciiStream(int columnIndex, InputStream x) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, JdbcValues.text(x, StandardCharsets.US_ASCII), Types.LONGVARCHAR);
        } else {
            delegate.updateAsciiStream(columnIndex, x);
        }
    }

    @Override
    public void updateAsciiStream(int columnIndex, InputStream x, int length) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, JdbcValues.text(x, length, StandardCharsets.US_ASCII), Types.LONGVARCHAR);
        } else {
            delegate.updateAsciiStream(columnIndex, x, length);
        }
    }

    @Override
    public void updateAsciiStream(int columnIndex, InputStream x, long length) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, JdbcValues.text(x, length, StandardCharsets.US_ASCII), Types.LONGVARCHAR);
        } else {
            delegate.updateAsciiStream(columnIndex, x, length);
        }
    }

    @Override
    public void updateBinaryStream(int columnIndex, InputStream x) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, JdbcValues.bytes(x), Types.LONGVARBINARY);
        } else {
            delegate.updateBinaryStream(columnIndex, x);
        }
    }

    @Override
    public void updateBinaryStream(int columnIndex, InputStream x, int length) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, JdbcValues.bytes(x, length), Types.LONGVARBINARY);
        } else {
            delegate.updateBinaryStream(columnIndex, x, length);
        }
    }

    @Override
    public void updateBinaryStream(int columnIndex, InputStream x, long length) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, JdbcValues.bytes(x, length), Types.LONGVARBINARY);
        } else {
            delegate.updateBinaryStream(columnIndex, x, length);
        }
    }

    @Override
    public void updateCharacterStream(int columnIndex, Reader reader) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, JdbcValues.text(reader), Types.LONGVARCHAR);
        } else {
            delegate.updateCharacterStream(columnIndex, reader);
        }
    }

    @Override
    public void updateCharacterStream(int columnIndex, Reader reader, int length) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, JdbcValues.text(reader, length), Types.LONGVARCHAR);
        } else {
            delegate.updateCharacterStream(columnIndex, reader, length);
        }
    }

    @Override
    public void updateCharacterStream(int columnIndex, Reader reader, long length) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, JdbcValues.text(reader, length), Types.LONGVARCHAR);
        } else {
            delegate.updateCharacterStream(columnIndex, reader, length);
        }
    }

    @Override
    public void updateNCharacterStream(int columnIndex, Reader reader) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, JdbcValues.text(reader), Types.LONGNVARCHAR);
        } else {
            delegate.updateNCharacterStream(columnIndex, reader);
        }
    }

    @Override
    public void updateNCharacterStream(int columnIndex, Reader reader, long length) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, JdbcValues.text(reader, length), Types.LONGNVARCHAR);
        } else {
            delegate.updateNCharacterStream(columnIndex, reader, length);
        }
    }

    @Override
    public void updateBlob(int columnIndex, Blob x) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, JdbcValues.bytes(x), Types.BLOB);
        } else {
            delegate.updateBlob(columnIndex, x);
        }
    }

    @Override
    public void updateBlob(int columnIndex, InputStream inputStream) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, JdbcValues.bytes(inputStream), Types.BLOB);
        } else {
            delegate.updateBlob(columnIndex, inputStream);
        }
    }

    @Override
    public void updateBlob(int columnIndex, InputStream inputStream, long length) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, JdbcValues.bytes(inputStream, length), Types.BLOB);
        } else {
            delegate.updateBlob(columnIndex, inputStream, length);
        }
    }

    @Override
    public void updateClob(int columnIndex, Clob x) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, JdbcValues.text(x), Types.CLOB);
        } else {
            delegate.updateClob(columnIndex, x);
        }
    }

    @Override
    public void updateClob(int columnIndex, Reader reader) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, JdbcValues.text(reader), Types.CLOB);
        } else {
            delegate.updateClob(columnIndex, reader);
        }
    }

    @Override
    public void updateClob(int columnIndex, Reader reader, long length) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, JdbcValues.text(reader, length), Types.CLOB);
        } else {
            delegate.updateClob(columnIndex, reader, length);
        }
    }

    @Override
    public void updateNClob(int columnIndex, NClob nClob) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, JdbcValues.text(nClob), Types.NCLOB);
        } else {
            delegate.updateNClob(columnIndex, nClob);
        }
    }

    @Override
    public void updateNClob(int columnIndex, Reader reader) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, JdbcValues.text(reader), Types.NCLOB);
        } else {
            delegate.updateNClob(columnIndex, reader);
        }
    }

    @Override
    public void updateNClob(int columnIndex, Reader reader, long length) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, JdbcValues.text(reader, length), Types.NCLOB);
        } else {
            delegate.updateNClob(columnIndex, reader, length);
        }
    }

    @Override
    public void updateArray(int columnIndex, Array x) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, x, Types.ARRAY);
        } else {
            delegate.updateArray(columnIndex, x);
        }
    }

    @Override
    public void updateRef(int columnIndex, Ref x) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, x, Types.REF);
        } else {
            delegate.updateRef(columnIndex, x);
        }
    }

    @Override
    public void updateRowId(int columnIndex, RowId x) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, x, Types.ROWID);
        } else {
            delegate.updateRowId(columnIndex, x);
        }
    }

    @Override
    public void updateSQLXML(int columnIndex, SQLXML xmlObject) throws SQLException {
        if (isEncrypted(columnIndex)) {
            updateEncrypted(columnIndex, xmlObject, Types.SQLXML);
        } else {
            delegate.updateSQLXML(columnIndex, xmlObject);
        }
    }

    // ---- updates by label
    @Override
    public void updateNull(String columnLabel) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateNull(i);
        } else {
            delegate.updateNull(columnLabel);
        }
    }

    @Override
    public void updateBoolean(String columnLabel, boolean x) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateBoolean(i, x);
        } else {
            delegate.updateBoolean(columnLabel, x);
        }
    }

    @Override
    public void updateByte(String columnLabel, byte x) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateByte(i, x);
        } else {
            delegate.updateByte(columnLabel, x);
        }
    }

    @Override
    public void updateShort(String columnLabel, short x) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateShort(i, x);
        } else {
            delegate.updateShort(columnLabel, x);
        }
    }

    @Override
    public void updateInt(String columnLabel, int x) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateInt(i, x);
        } else {
            delegate.updateInt(columnLabel, x);
        }
    }

    @Override
    public void updateLong(String columnLabel, long x) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateLong(i, x);
        } else {
            delegate.updateLong(columnLabel, x);
        }
    }

    @Override
    public void updateFloat(String columnLabel, float x) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateFloat(i, x);
        } else {
            delegate.updateFloat(columnLabel, x);
        }
    }

    @Override
    public void updateDouble(String columnLabel, double x) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateDouble(i, x);
        } else {
            delegate.updateDouble(columnLabel, x);
        }
    }

    @Override
    public void updateBigDecimal(String columnLabel, BigDecimal x) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateBigDecimal(i, x);
        } else {
            delegate.updateBigDecimal(columnLabel, x);
        }
    }

    @Override
    public void updateString(String columnLabel, String x) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateString(i, x);
        } else {
            delegate.updateString(columnLabel, x);
        }
    }

    @Override
    public void updateNString(String columnLabel, String nString) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateNString(i, nString);
        } else {
            delegate.updateNString(columnLabel, nString);
        }
    }

    @Override
    public void updateBytes(String columnLabel, byte[] x) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateBytes(i, x);
        } else {
            delegate.updateBytes(columnLabel, x);
        }
    }

    @Override
    public void updateDate(String columnLabel, Date x) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateDate(i, x);
        } else {
            delegate.updateDate(columnLabel, x);
        }
    }

    @Override
    public void updateTime(String columnLabel, Time x) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateTime(i, x);
        } else {
            delegate.updateTime(columnLabel, x);
        }
    }

    @Override
    public void updateTimestamp(String columnLabel, Timestamp x) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateTimestamp(i, x);
        } else {
            delegate.updateTimestamp(columnLabel, x);
        }
    }

    @Override
    public void updateObject(String columnLabel, Object x) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateObject(i, x);
        } else {
            delegate.updateObject(columnLabel, x);
        }
    }

    @Override
    public void updateObject(String columnLabel, Object x, int scaleOrLength) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateObject(i, x, scaleOrLength);
        } else {
            delegate.updateObject(columnLabel, x, scaleOrLength);
        }
    }

    @Override
    public void updateObject(String columnLabel, Object x, SQLType targetSqlType) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateObject(i, x, targetSqlType);
        } else {
            delegate.updateObject(columnLabel, x, targetSqlType);
        }
    }

    @Override
    public void updateObject(String columnLabel, Object x, SQLType targetSqlType, int scaleOrLength)
            throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateObject(i, x, targetSqlType, scaleOrLength);
        } else {
            delegate.updateObject(columnLabel, x, targetSqlType, scaleOrLength);
        }
    }

    @Override
    public void updateAsciiStream(String columnLabel, InputStream x) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateAsciiStream(i, x);
        } else {
            delegate.updateAsciiStream(columnLabel, x);
        }
    }

    @Override
    public void updateAsciiStream(String columnLabel, InputStream x, int length) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateAsciiStream(i, x, length);
        } else {
            delegate.updateAsciiStream(columnLabel, x, length);
        }
    }

    @Override
    public void updateAsciiStream(String columnLabel, InputStream x, long length) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateAsciiStream(i, x, length);
        } else {
            delegate.updateAsciiStream(columnLabel, x, length);
        }
    }

    @Override
    public void updateBinaryStream(String columnLabel, InputStream x) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateBinaryStream(i, x);
        } else {
            delegate.updateBinaryStream(columnLabel, x);
        }
    }

    @Override
    public void updateBinaryStream(String columnLabel, InputStream x, int length) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateBinaryStream(i, x, length);
        } else {
            delegate.updateBinaryStream(columnLabel, x, length);
        }
    }

    @Override
    public void updateBinaryStream(String columnLabel, InputStream x, long length) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateBinaryStream(i, x, length);
        } else {
            delegate.updateBinaryStream(columnLabel, x, length);
        }
    }

    @Override
    public void updateCharacterStream(String columnLabel, Reader reader) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateCharacterStream(i, reader);
        } else {
            delegate.updateCharacterStream(columnLabel, reader);
        }
    }

    @Override
    public void updateCharacterStream(String columnLabel, Reader reader, int length) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateCharacterStream(i, reader, length);
        } else {
            delegate.updateCharacterStream(columnLabel, reader, length);
        }
    }

    @Override
    public void updateCharacterStream(String columnLabel, Reader reader, long length) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateCharacterStream(i, reader, length);
        } else {
            delegate.updateCharacterStream(columnLabel, reader, length);
        }
    }

    @Override
    public void updateNCharacterStream(String columnLabel, Reader reader) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateNCharacterStream(i, reader);
        } else {
            delegate.updateNCharacterStream(columnLabel, reader);
        }
    }

    @Override
    public void updateNCharacterStream(String columnLabel, Reader reader, long length) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateNCharacterStream(i, reader, length);
        } else {
            delegate.updateNCharacterStream(columnLabel, reader, length);
        }
    }

    @Override
    public void updateBlob(String columnLabel, Blob x) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateBlob(i, x);
        } else {
            delegate.updateBlob(columnLabel, x);
        }
    }

    @Override
    public void updateBlob(String columnLabel, InputStream inputStream) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateBlob(i, inputStream);
        } else {
            delegate.updateBlob(columnLabel, inputStream);
        }
    }

    @Override
    public void updateBlob(String columnLabel, InputStream inputStream, long length) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateBlob(i, inputStream, length);
        } else {
            delegate.updateBlob(columnLabel, inputStream, length);
        }
    }

    @Override
    public void updateClob(String columnLabel, Clob x) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateClob(i, x);
        } else {
            delegate.updateClob(columnLabel, x);
        }
    }

    @Override
    public void updateClob(String columnLabel, Reader reader) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateClob(i, reader);
        } else {
            delegate.updateClob(columnLabel, reader);
        }
    }

    @Override
    public void updateClob(String columnLabel, Reader reader, long length) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateClob(i, reader, length);
        } else {
            delegate.updateClob(columnLabel, reader, length);
        }
    }

    @Override
    public void updateNClob(String columnLabel, NClob nClob) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateNClob(i, nClob);
        } else {
            delegate.updateNClob(columnLabel, nClob);
        }
    }

    @Override
    public void updateNClob(String columnLabel, Reader reader) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateNClob(i, reader);
        } else {
            delegate.updateNClob(columnLabel, reader);
        }
    }

    @Override
    public void updateNClob(String columnLabel, Reader reader, long length) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateNClob(i, reader, length);
        } else {
            delegate.updateNClob(columnLabel, reader, length);
        }
    }

    @Override
    public void updateArray(String columnLabel, Array x) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateArray(i, x);
        } else {
            delegate.updateArray(columnLabel, x);
        }
    }

    @Override
    public void updateRef(String columnLabel, Ref x) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateRef(i, x);
        } else {
            delegate.updateRef(columnLabel, x);
        }
    }

    @Override
    public void updateRowId(String columnLabel, RowId x) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateRowId(i, x);
        } else {
            delegate.updateRowId(columnLabel, x);
        }
    }

    @Override
    public void updateSQLXML(String columnLabel, SQLXML xmlObject) throws SQLException {
        int i = encryptedIndex(columnLabel);
        if (i > 0) {
            updateSQLXML(i, xmlObject);
        } else {
            delegate.updateSQLXML(columnLabel, xmlObject);
        }
    }

    // ---- navigation and row changes: the delegate's, after rowChanged(); cursor state, lifecycle: delegation
    @Override
    public boolean absolute(int rows) throws SQLException {
        rowChanged();
        return delegate.absolute(rows);
    }
    @Override
    public void afterLast() throws SQLException {
        rowChanged();
        delegate.afterLast();
    }
    @Override
    public void beforeFirst() throws SQLException {
        rowChanged();
        delegate.beforeFirst();
    }
    @Override
    public void cancelRowUpdates() throws SQLException {
        rowChanged();
        delegate.cancelRowUpdates();
    }
    @Override public void clearWarnings() throws SQLException { delegate.clearWarnings(); }
    @Override
    public void close() throws SQLException {
        rowChanged();
        delegate.close();
    }
    @Override
    public void deleteRow() throws SQLException {
        rowChanged();
        delegate.deleteRow();
    }
    @Override public int findColumn(String columnLabel) throws SQLException { return delegate.findColumn(columnLabel); }
    @Override
    public boolean first() throws SQLException {
        rowChanged();
        return delegate.first();
    }
    @Override public int getConcurrency() throws SQLException { return delegate.getConcurrency(); }
    @Override public String getCursorName() throws SQLException { return delegate.getCursorName(); }
    @Override public int getFetchDirection() throws SQLException { return delegate.getFetchDirection(); }
    @Override public int getFetchSize() throws SQLException { return delegate.getFetchSize(); }
    @Override public int getHoldability() throws SQLException { return delegate.getHoldability(); }
    @Override public int getRow() throws SQLException { return delegate.getRow(); }
    @Override public int getType() throws SQLException { return delegate.getType(); }
    @Override public SQLWarning getWarnings() throws SQLException { return delegate.getWarnings(); }
    @Override
    public void insertRow() throws SQLException {
        rowChanged();
        delegate.insertRow();
    }
    @Override public boolean isAfterLast() throws SQLException { return delegate.isAfterLast(); }
    @Override public boolean isBeforeFirst() throws SQLException { return delegate.isBeforeFirst(); }
    @Override public boolean isClosed() throws SQLException { return delegate.isClosed(); }
    @Override public boolean isFirst() throws SQLException { return delegate.isFirst(); }
    @Override public boolean isLast() throws SQLException { return delegate.isLast(); }
    @Override
    public boolean last() throws SQLException {
        rowChanged();
        return delegate.last();
    }
    @Override
    public void moveToCurrentRow() throws SQLException {
        rowChanged();
        delegate.moveToCurrentRow();
    }
    @Override
    public void moveToInsertRow() throws SQLException {
        rowChanged();
        delegate.moveToInsertRow();
    }
    @Override
    public boolean next() throws SQLException {
        rowChanged();
        return delegate.next();
    }
    @Override
    public boolean previous() throws SQLException {
        rowChanged();
        return delegate.previous();
    }
    @Override
    public void refreshRow() throws SQLException {
        rowChanged();
        delegate.refreshRow();
    }
    @Override
    public boolean relative(int rows) throws SQLException {
        rowChanged();
        return delegate.relative(rows);
    }
    @Override public boolean rowDeleted() throws SQLException { return delegate.rowDeleted(); }
    @Override public boolean rowInserted() throws SQLException { return delegate.rowInserted(); }
    @Override public boolean rowUpdated() throws SQLException { return delegate.rowUpdated(); }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        delegate.setFetchDirection(direction);
    }

    @Override public void setFetchSize(int rows) throws SQLException { delegate.setFetchSize(rows); }
    @Override
    public void updateRow() throws SQLException {
        rowChanged();
        delegate.updateRow();
    }

    /** Reads an encrypted column and remembers, for {@link #wasNull()}, whether it was SQL NULL. */
    private <T> T read(int columnIndex, Class<T> type, Calendar cal) throws SQLException {
        T value = readEncrypted(columnIndex, type, cal);
        lastReadEncrypted = true;
        lastEncryptedWasNull = value == null;
        return value;
    }

    /** The delegate, for a read of a plain column: {@link #wasNull()} then asks the delegate. */
    private ResultSet plain() {
        lastReadEncrypted = false;
        return delegate;
    }

    private static Number orZero(Number value) {
        return value == null ? 0 : value;
    }

    private static BigDecimal scaled(BigDecimal value, int scale) {
        return value == null ? null : value.setScale(scale, RoundingMode.HALF_UP);
    }

    private static InputStream bytesOf(String text, Charset charset) {
        return text == null ? null : new ByteArrayInputStream(text.getBytes(charset));
    }

    private static InputStream streamOf(byte[] bytes) {
        return bytes == null ? null : new ByteArrayInputStream(bytes);
    }

    private static Reader readerOf(String text) {
        return text == null ? null : new StringReader(text);
    }

    private static Blob blobOf(byte[] bytes) throws SQLException {
        return bytes == null ? null : new SerialBlob(bytes);
    }

    private static Clob clobOf(String text) throws SQLException {
        return text == null ? null : new SerialClob(text.toCharArray());
    }

    private static NClob nclobOf(String text) throws SQLException {
        return text == null ? null : new SerialNClob(text.toCharArray());
    }

    /** A {@link SerialClob} that is also an {@link NClob} (NClob adds no methods). */
    private static final class SerialNClob extends SerialClob implements NClob {
        private static final long serialVersionUID = 1L;

        SerialNClob(char[] text) throws SQLException {
            super(text);
        }
    }
}
