package dev.cloak.driver.internal.jdbc;

import dev.cloak.driver.config.ColumnPolicy;
import java.sql.ResultSetMetaData;

/** Metadata of a result in which no column is encrypted: every answer comes from the delegate. */
final class PlainResultSetMetaData extends DelegatingResultSetMetaData {

    PlainResultSetMetaData(ResultSetMetaData delegate) {
        super(delegate);
    }

    @Override
    protected ColumnPolicy encryptedColumn(int column) {
        return null;
    }
}
