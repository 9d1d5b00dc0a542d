package dev.cloak.driver.internal.jdbc;

import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.internal.policy.CompiledPolicy;
import dev.cloak.rewriter.EncryptedColumn;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;

/** Result metadata that reports the logical type of encrypted columns, not their binary storage. */
final class DecryptingResultSetMetaData extends DelegatingResultSetMetaData {

    private final EncryptedColumn[] columns;
    private final CompiledPolicy policy;

    DecryptingResultSetMetaData(ResultSetMetaData delegate, EncryptedColumn[] columns, CompiledPolicy policy) {
        super(delegate);
        this.columns = columns;
        this.policy = policy;
    }

    @Override
    protected ColumnPolicy encryptedColumn(int column) throws SQLException {
        if (columns == null || column <= 0 || column >= columns.length || columns[column] == null) {
            return null;
        }
        return policy.codec(columns[column]).column();
    }
}
