package dev.cloak.driver.jdbc;

import dev.cloak.driver.codec.CellCodec;
import dev.cloak.driver.codec.ValueConverter;
import dev.cloak.driver.config.DecryptAccess;
import dev.cloak.rewriter.EncryptedColumn;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Calendar;

/** A result set whose encrypted columns are decrypted as they are read, as the access policy allows. */
final class DecryptingResultSet extends DelegatingResultSet {

    private final EncryptedColumn[] columns;
    private final EncryptingConnection connection;

    /** @param columns the encrypted column of each result column (index 0 unused), or null when none is */
    DecryptingResultSet(Statement owner, ResultSet delegate, EncryptedColumn[] columns, EncryptingConnection connection) {
        super(owner, delegate);
        this.columns = columns;
        this.connection = connection;
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
        EncryptedColumn column = columns[columnIndex];
        CompiledPolicy policy = connection.policy();
        DecryptAccess access = policy.access(column, connection.getPrincipal());
        if (access == DecryptAccess.DENY) {
            policy.recordAccessDenied(column, connection.getPrincipal());
            throw new SQLException("Principal " + connection.getPrincipal() + " may not read encrypted column "
                    + column.name() + " (access policy: deny)", "28000");
        }
        byte[] cell = delegate.getBytes(columnIndex);
        if (cell == null || access == DecryptAccess.NULL) {
            return null;
        }
        CellCodec codec = policy.codec(column);
        Object value = codec.decrypt(cell);
        if (access == DecryptAccess.MASK) {
            value = Masking.mask(value);
        }
        return ValueConverter.fromCanonical(codec.column(), value, type, cal);
    }

    @Override
    protected void updateEncrypted(int columnIndex, Object value, int sqlType) throws SQLException {
        if (value == null) {
            delegate.updateNull(columnIndex);
        } else {
            delegate.updateBytes(columnIndex, connection.policy().codec(columns[columnIndex]).encrypt(value, sqlType));
        }
    }

    @Override
    protected ResultSetMetaData wrapMetaData(ResultSetMetaData metaData) {
        return metaData == null ? null : new DecryptingResultSetMetaData(metaData, columns, connection.policy());
    }
}
