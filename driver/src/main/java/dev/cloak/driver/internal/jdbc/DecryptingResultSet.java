package dev.cloak.driver.internal.jdbc;

import dev.cloak.driver.config.DecryptAccess;
import dev.cloak.driver.internal.codec.CellCodec;
import dev.cloak.driver.internal.codec.ValueConverter;
import dev.cloak.rewriter.EncryptedColumn;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Calendar;

/**
 * A result set whose encrypted columns are decrypted as they are read, as the access policy allows. Each
 * column's codec and access decision are looked up on its first read and then reused for every row.
 */
final class DecryptingResultSet extends DelegatingResultSet {

    private final EncryptedColumn[] columns;
    private final EncryptingConnection connection;
    // per result column, filled on first read: the policy lookups are not repeated for every cell
    private final CellCodec[] codecs;
    private final DecryptAccess[] access;

    /** @param columns the encrypted column of each result column (index 0 unused), or null when none is */
    DecryptingResultSet(Statement owner, ResultSet delegate, EncryptedColumn[] columns,
            EncryptingConnection connection) {
        super(owner, delegate);
        this.columns = columns;
        this.connection = connection;
        this.codecs = columns == null ? null : new CellCodec[columns.length];
        this.access = columns == null ? null : new DecryptAccess[columns.length];
    }

    @Override
    protected boolean isEncrypted(int columnIndex) {
        return columns != null && columnIndex > 0 && columnIndex < columns.length && columns[columnIndex] != null;
    }

    @Override
    protected int encryptedIndex(String columnLabel) throws SQLException {
        if (columns == null) {
            return 0;
        }
        int index = delegate.findColumn(columnLabel);
        return isEncrypted(index) ? index : 0;
    }

    @Override
    protected <T> T readEncrypted(int columnIndex, Class<T> type, Calendar cal) throws SQLException {
        CellCodec codec = codecOf(columnIndex);
        Object value = connection.policy().access().read(accessOf(columnIndex, codec), connection.getPrincipal(),
                delegate, columnIndex, codec);
        return value == null ? null : ValueConverter.fromCanonical(codec.column(), value, type, cal);
    }

    @Override
    protected void updateEncrypted(int columnIndex, Object value, int sqlType) throws SQLException {
        // an updatable result set writes the column as an UPDATE would: the access policy decides alike
        connection.policy().access().checkWrite(codecOf(columnIndex).column(), connection.getPrincipal());
        if (value == null) {
            delegate.updateNull(columnIndex);
        } else {
            delegate.updateBytes(columnIndex, codecOf(columnIndex).encrypt(value, sqlType));
        }
    }

    private CellCodec codecOf(int columnIndex) throws SQLException {
        CellCodec codec = codecs[columnIndex];
        if (codec == null) {
            codec = connection.policy().codec(columns[columnIndex]);
            codecs[columnIndex] = codec;
        }
        return codec;
    }

    /** Decided for the principal of the connection when the column is first read. */
    private DecryptAccess accessOf(int columnIndex, CellCodec codec) throws SQLException {
        DecryptAccess decided = access[columnIndex];
        if (decided == null) {
            decided = connection.policy().access().decide(codec.column(), connection.getPrincipal());
            access[columnIndex] = decided;
        }
        return decided;
    }

    @Override
    protected ResultSetMetaData wrapMetaData(ResultSetMetaData metaData) {
        return metaData == null ? null : new DecryptingResultSetMetaData(metaData, columns, connection.policy());
    }
}
