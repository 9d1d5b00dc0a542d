package dev.cloak.driver.internal.jdbc;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.Calendar;

/**
 * A result set in which no column is encrypted — database metadata results (tables, columns, type info)
 * — wrapped anyway so that {@link #getStatement()} and {@link #getMetaData()} stay inside the wrapper graph.
 */
public final class PlainResultSet extends DelegatingResultSet {

    /** {@code owner} is returned by {@link #getStatement()} and may be {@code null}. */
    public PlainResultSet(Statement owner, ResultSet delegate) {
        super(owner, delegate);
    }

    @Override
    protected <T> T readEncrypted(int columnIndex, Class<T> type, Calendar cal) {
        throw new IllegalStateException("A plain result set has no encrypted column");
    }

    @Override
    protected void updateEncrypted(int columnIndex, Object value, int sqlType) {
        throw new IllegalStateException("A plain result set has no encrypted column");
    }

    @Override
    protected ResultSetMetaData wrapMetaData(ResultSetMetaData metaData) {
        return new PlainResultSetMetaData(metaData);
    }
}
