package dev.cloak.driver.internal.jdbc;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.Calendar;

/**
 * A {@link PreparedStatement} in which every setter that takes a parameter index asks
 * {@link #isEncrypted(int)} first: an encrypted parameter gets its value, as one plain Java object, through
 * {@link #setEncrypted(int, Object, int)} and the delegate never sees it; any other parameter is bound on
 * the delegate unchanged. Streams, readers and LOBs of encrypted parameters are read fully first; calendar
 * variants become {@code LocalDate}/{@code LocalTime}/{@code LocalDateTime} in the calendar's zone.
 *
 * @param <S> the delegate's statement interface
 */
abstract class DelegatingPreparedStatement<S extends PreparedStatement> extends DelegatingStatement<S>
        implements PreparedStatement {

    protected DelegatingPreparedStatement(Connection owner, S delegate) {
        super(owner, delegate);
    }

    /**
     * Where the delegate binds the plain parameter at this 1-based index of the application's text: the same
     * index, unless the text sent has more {@code ?} than the application's (lookups expanded during key rotation).
     */
    protected int delegateIndex(int parameterIndex) {
        return parameterIndex;
    }

    /**
     * Whether the parameter at this 1-based index is one the delegate never gets the application's value for: it
     * belongs to an encrypted column, or (in {@code ? IS NULL}) only whether it is NULL counts.
     */
    protected boolean isEncrypted(int parameterIndex) {
        return false;
    }

    /**
     * Binds {@code value} ({@code null} = SQL NULL) to an encrypted parameter, or what stands for it to one only
     * tested for NULL. {@code sqlType} is the
     * {@link Types} constant of the setter that was called ({@code setString} gives {@code VARCHAR},
     * {@code setObject(i, x)} gives {@code OTHER}, {@code setNull(i, t)} gives {@code t}).
     */
    protected abstract void setEncrypted(int parameterIndex, Object value, int sqlType) throws SQLException;

    /** Wraps the metadata of the result this statement will produce. */
    protected abstract ResultSetMetaData wrapMetaData(ResultSetMetaData metaData) throws SQLException;

    // ---- execution: checked first, query results and their metadata are wrapped
    @Override
    public ResultSet executeQuery() throws SQLException {
        beforeExecute();
        return wrapResultSet(delegate.executeQuery());
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        ResultSetMetaData metaData = delegate.getMetaData();
        return metaData == null ? null : wrapMetaData(metaData);
    }

    @Override
    public boolean execute() throws SQLException {
        beforeExecute();
        return delegate.execute();
    }

    @Override
    public int executeUpdate() throws SQLException {
        beforeExecute();
        return delegate.executeUpdate();
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        beforeExecute();
        return delegate.executeLargeUpdate();
    }

    @Override
    public void addBatch() throws SQLException {
        beforeExecute();
        delegate.addBatch();
    }
    @Override public void clearParameters() throws SQLException { delegate.clearParameters(); }

    @Override
    public ParameterMetaData getParameterMetaData() throws SQLException {
        return delegate.getParameterMetaData();
    }

    // ---- parameters: encrypted ones go to setEncrypted, the others to the delegate unchanged
    @Override
    public void setNull(int parameterIndex, int sqlType) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, null, sqlType);
        } else {
            delegate.setNull(delegateIndex(parameterIndex), sqlType);
        }
    }

    @Override
    public void setNull(int parameterIndex, int sqlType, String typeName) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, null, sqlType);
        } else {
            delegate.setNull(delegateIndex(parameterIndex), sqlType, typeName);
        }
    }

    @Override
    public void setBoolean(int parameterIndex, boolean x) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, x, Types.BOOLEAN);
        } else {
            delegate.setBoolean(delegateIndex(parameterIndex), x);
        }
    }

    @Override
    public void setByte(int parameterIndex, byte x) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, x, Types.TINYINT);
        } else {
            delegate.setByte(delegateIndex(parameterIndex), x);
        }
    }

    @Override
    public void setShort(int parameterIndex, short x) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, x, Types.SMALLINT);
        } else {
            delegate.setShort(delegateIndex(parameterIndex), x);
        }
    }

    @Override
    public void setInt(int parameterIndex, int x) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, x, Types.INTEGER);
        } else {
            delegate.setInt(delegateIndex(parameterIndex), x);
        }
    }

    @Override
    public void setLong(int parameterIndex, long x) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, x, Types.BIGINT);
        } else {
            delegate.setLong(delegateIndex(parameterIndex), x);
        }
    }

    @Override
    public void setFloat(int parameterIndex, float x) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, x, Types.REAL);
        } else {
            delegate.setFloat(delegateIndex(parameterIndex), x);
        }
    }

    @Override
    public void setDouble(int parameterIndex, double x) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, x, Types.DOUBLE);
        } else {
            delegate.setDouble(delegateIndex(parameterIndex), x);
        }
    }

    @Override
    public void setBigDecimal(int parameterIndex, BigDecimal x) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, x, Types.DECIMAL);
        } else {
            delegate.setBigDecimal(delegateIndex(parameterIndex), x);
        }
    }

    @Override
    public void setString(int parameterIndex, String x) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, x, Types.VARCHAR);
        } else {
            delegate.setString(delegateIndex(parameterIndex), x);
        }
    }

    @Override
    public void setNString(int parameterIndex, String value) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, value, Types.NVARCHAR);
        } else {
            delegate.setNString(delegateIndex(parameterIndex), value);
        }
    }

    @Override
    public void setBytes(int parameterIndex, byte[] x) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, x, Types.VARBINARY);
        } else {
            delegate.setBytes(delegateIndex(parameterIndex), x);
        }
    }

    @Override
    public void setDate(int parameterIndex, Date x) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, x, Types.DATE);
        } else {
            delegate.setDate(delegateIndex(parameterIndex), x);
        }
    }

    @Override
    public void setDate(int parameterIndex, Date x, Calendar cal) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, JdbcValues.localDate(x, cal), Types.DATE);
        } else {
            delegate.setDate(delegateIndex(parameterIndex), x, cal);
        }
    }

    @Override
    public void setTime(int parameterIndex, Time x) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, x, Types.TIME);
        } else {
            delegate.setTime(delegateIndex(parameterIndex), x);
        }
    }

    @Override
    public void setTime(int parameterIndex, Time x, Calendar cal) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, JdbcValues.localTime(x, cal), Types.TIME);
        } else {
            delegate.setTime(delegateIndex(parameterIndex), x, cal);
        }
    }

    @Override
    public void setTimestamp(int parameterIndex, Timestamp x) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, x, Types.TIMESTAMP);
        } else {
            delegate.setTimestamp(delegateIndex(parameterIndex), x);
        }
    }

    @Override
    public void setTimestamp(int parameterIndex, Timestamp x, Calendar cal) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, JdbcValues.localDateTime(x, cal), Types.TIMESTAMP);
        } else {
            delegate.setTimestamp(delegateIndex(parameterIndex), x, cal);
        }
    }

    @Override
    public void setObject(int parameterIndex, Object x) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, x, Types.OTHER);
        } else {
            delegate.setObject(delegateIndex(parameterIndex), x);
        }
    }

    @Override
    public void setObject(int parameterIndex, Object x, int targetSqlType) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, x, targetSqlType);
        } else {
            delegate.setObject(delegateIndex(parameterIndex), x, targetSqlType);
        }
    }

    @Override
    public void setObject(int parameterIndex, Object x, int targetSqlType, int scaleOrLength) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, x, targetSqlType);
        } else {
            delegate.setObject(delegateIndex(parameterIndex), x, targetSqlType, scaleOrLength);
        }
    }

    @Override
    public void setObject(int parameterIndex, Object x, SQLType targetSqlType) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, x, JdbcValues.typeNumber(targetSqlType));
        } else {
            delegate.setObject(delegateIndex(parameterIndex), x, targetSqlType);
        }
    }

    @Override
    public void setObject(int parameterIndex, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, x, JdbcValues.typeNumber(targetSqlType));
        } else {
            delegate.setObject(delegateIndex(parameterIndex), x, targetSqlType, scaleOrLength);
        }
    }

    @Override
    public void setAsciiStream(int parameterIndex, InputStream x) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, JdbcValues.text(x, StandardCharsets.US_ASCII), Types.LONGVARCHAR);
        } else {
            delegate.setAsciiStream(delegateIndex(parameterIndex), x);
        }
    }

    @Override
    public void setAsciiStream(int parameterIndex, InputStream x, int length) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, JdbcValues.text(x, length, StandardCharsets.US_ASCII), Types.LONGVARCHAR);
        } else {
            delegate.setAsciiStream(delegateIndex(parameterIndex), x, length);
        }
    }

    @Override
    public void setAsciiStream(int parameterIndex, InputStream x, long length) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, JdbcValues.text(x, length, StandardCharsets.US_ASCII), Types.LONGVARCHAR);
        } else {
            delegate.setAsciiStream(delegateIndex(parameterIndex), x, length);
        }
    }

    @Override
    public void setUnicodeStream(int parameterIndex, InputStream x, int length) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, JdbcValues.text(x, length, StandardCharsets.UTF_8), Types.LONGVARCHAR);
        } else {
            delegate.setUnicodeStream(delegateIndex(parameterIndex), x, length);
        }
    }

    @Override
    public void setBinaryStream(int parameterIndex, InputStream x) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, JdbcValues.bytes(x), Types.LONGVARBINARY);
        } else {
            delegate.setBinaryStream(delegateIndex(parameterIndex), x);
        }
    }

    @Override
    public void setBinaryStream(int parameterIndex, InputStream x, int length) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, JdbcValues.bytes(x, length), Types.LONGVARBINARY);
        } else {
            delegate.setBinaryStream(delegateIndex(parameterIndex), x, length);
        }
    }

    @Override
    public void setBinaryStream(int parameterIndex, InputStream x, long length) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, JdbcValues.bytes(x, length), Types.LONGVARBINARY);
        } else {
            delegate.setBinaryStream(delegateIndex(parameterIndex), x, length);
        }
    }

    @Override
    public void setCharacterStream(int parameterIndex, Reader reader) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, JdbcValues.text(reader), Types.LONGVARCHAR);
        } else {
            delegate.setCharacterStream(delegateIndex(parameterIndex), reader);
        }
    }

    @Override
    public void setCharacterStream(int parameterIndex, Reader reader, int length) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, JdbcValues.text(reader, length), Types.LONGVARCHAR);
        } else {
            delegate.setCharacterStream(delegateIndex(parameterIndex), reader, length);
        }
    }

    @Override
    public void setCharacterStream(int parameterIndex, Reader reader, long length) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, JdbcValues.text(reader, length), Types.LONGVARCHAR);
        } else {
            delegate.setCharacterStream(delegateIndex(parameterIndex), reader, length);
        }
    }

    @Override
    public void setNCharacterStream(int parameterIndex, Reader value) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, JdbcValues.text(value), Types.LONGNVARCHAR);
        } else {
            delegate.setNCharacterStream(delegateIndex(parameterIndex), value);
        }
    }

    @Override
    public void setNCharacterStream(int parameterIndex, Reader value, long length) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, JdbcValues.text(value, length), Types.LONGNVARCHAR);
        } else {
            delegate.setNCharacterStream(delegateIndex(parameterIndex), value, length);
        }
    }

    @Override
    public void setBlob(int parameterIndex, Blob x) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, JdbcValues.bytes(x), Types.BLOB);
        } else {
            delegate.setBlob(delegateIndex(parameterIndex), x);
        }
    }

    @Override
    public void setBlob(int parameterIndex, InputStream inputStream) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, JdbcValues.bytes(inputStream), Types.BLOB);
        } else {
            delegate.setBlob(delegateIndex(parameterIndex), inputStream);
        }
    }

    @Override
    public void setBlob(int parameterIndex, InputStream inputStream, long length) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, JdbcValues.bytes(inputStream, length), Types.BLOB);
        } else {
            delegate.setBlob(delegateIndex(parameterIndex), inputStream, length);
        }
    }

    @Override
    public void setClob(int parameterIndex, Clob x) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, JdbcValues.text(x), Types.CLOB);
        } else {
            delegate.setClob(delegateIndex(parameterIndex), x);
        }
    }

    @Override
    public void setClob(int parameterIndex, Reader reader) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, JdbcValues.text(reader), Types.CLOB);
        } else {
            delegate.setClob(delegateIndex(parameterIndex), reader);
        }
    }

    @Override
    public void setClob(int parameterIndex, Reader reader, long length) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, JdbcValues.text(reader, length), Types.CLOB);
        } else {
            delegate.setClob(delegateIndex(parameterIndex), reader, length);
        }
    }

    @Override
    public void setNClob(int parameterIndex, NClob value) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, JdbcValues.text(value), Types.NCLOB);
        } else {
            delegate.setNClob(delegateIndex(parameterIndex), value);
        }
    }

    @Override
    public void setNClob(int parameterIndex, Reader reader) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, JdbcValues.text(reader), Types.NCLOB);
        } else {
            delegate.setNClob(delegateIndex(parameterIndex), reader);
        }
    }

    @Override
    public void setNClob(int parameterIndex, Reader reader, long length) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, JdbcValues.text(reader, length), Types.NCLOB);
        } else {
            delegate.setNClob(delegateIndex(parameterIndex), reader, length);
        }
    }

    @Override
    public void setURL(int parameterIndex, URL x) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, x == null ? null : x.toString(), Types.VARCHAR);
        } else {
            delegate.setURL(delegateIndex(parameterIndex), x);
        }
    }

    @Override
    public void setArray(int parameterIndex, Array x) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, x, Types.ARRAY);
        } else {
            delegate.setArray(delegateIndex(parameterIndex), x);
        }
    }

    @Override
    public void setRef(int parameterIndex, Ref x) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, x, Types.REF);
        } else {
            delegate.setRef(delegateIndex(parameterIndex), x);
        }
    }

    @Override
    public void setRowId(int parameterIndex, RowId x) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, x, Types.ROWID);
        } else {
            delegate.setRowId(delegateIndex(parameterIndex), x);
        }
    }

    @Override
    public void setSQLXML(int parameterIndex, SQLXML xmlObject) throws SQLException {
        if (isEncrypted(parameterIndex)) {
            setEncrypted(parameterIndex, xmlObject, Types.SQLXML);
        } else {
            delegate.setSQLXML(delegateIndex(parameterIndex), xmlObject);
        }
    }
}
