package dev.cloak.driver.internal.jdbc;

import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.config.ColumnType;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.Objects;

/**
 * A {@link ResultSetMetaData} that describes an encrypted column by its logical type from the policy
 * (what the application reads) instead of the binary type the database stores; names, labels, tables,
 * nullability and everything else about any column come from the delegate.
 */
abstract class DelegatingResultSetMetaData implements ResultSetMetaData {

    // Unbounded text and binary columns report the largest size JDBC can express, as pgjdbc does for text.
    private static final int UNBOUNDED = Integer.MAX_VALUE;

    protected final ResultSetMetaData delegate;

    protected DelegatingResultSetMetaData(ResultSetMetaData delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The policy of the encrypted result column at this 1-based index, or {@code null} when the column is plain. */
    protected abstract ColumnPolicy encryptedColumn(int column) throws SQLException;

    // ---- type description: an encrypted column reports its logical type
    @Override
    public int getColumnType(int column) throws SQLException {
        ColumnPolicy policy = encryptedColumn(column);
        return policy == null ? delegate.getColumnType(column) : policy.type().jdbcType();
    }

    @Override
    public String getColumnTypeName(int column) throws SQLException {
        ColumnPolicy policy = encryptedColumn(column);
        return policy == null ? delegate.getColumnTypeName(column) : LogicalColumnType.typeName(policy);
    }

    @Override
    public String getColumnClassName(int column) throws SQLException {
        ColumnPolicy policy = encryptedColumn(column);
        return policy == null ? delegate.getColumnClassName(column) : className(policy.type());
    }

    @Override
    public int getPrecision(int column) throws SQLException {
        ColumnPolicy policy = encryptedColumn(column);
        return policy == null ? delegate.getPrecision(column) : LogicalColumnType.columnSize(policy);
    }

    @Override
    public int getScale(int column) throws SQLException {
        ColumnPolicy policy = encryptedColumn(column);
        return policy == null ? delegate.getScale(column) : scale(policy);
    }

    @Override
    public int getColumnDisplaySize(int column) throws SQLException {
        ColumnPolicy policy = encryptedColumn(column);
        return policy == null ? delegate.getColumnDisplaySize(column) : displaySize(policy);
    }

    @Override
    public boolean isSigned(int column) throws SQLException {
        ColumnPolicy policy = encryptedColumn(column);
        return policy == null ? delegate.isSigned(column) : isNumeric(policy.type());
    }

    @Override
    public boolean isCaseSensitive(int column) throws SQLException {
        ColumnPolicy policy = encryptedColumn(column);
        return policy == null ? delegate.isCaseSensitive(column) : policy.type() == ColumnType.VARCHAR;
    }

    @Override
    public boolean isCurrency(int column) throws SQLException {
        return encryptedColumn(column) == null && delegate.isCurrency(column);
    }

    // ---- the wrapper graph
    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || delegate.isWrapperFor(iface);
    }

    // ---- names, origin, nullability, writability: plain delegation
    @Override public int getColumnCount() throws SQLException { return delegate.getColumnCount(); }
    @Override public String getColumnLabel(int column) throws SQLException { return delegate.getColumnLabel(column); }
    @Override public String getColumnName(int column) throws SQLException { return delegate.getColumnName(column); }
    @Override public String getTableName(int column) throws SQLException { return delegate.getTableName(column); }
    @Override public String getSchemaName(int column) throws SQLException { return delegate.getSchemaName(column); }
    @Override public String getCatalogName(int column) throws SQLException { return delegate.getCatalogName(column); }
    @Override public int isNullable(int column) throws SQLException { return delegate.isNullable(column); }

    @Override
    public boolean isAutoIncrement(int column) throws SQLException {
        return delegate.isAutoIncrement(column);
    }

    @Override public boolean isSearchable(int column) throws SQLException { return delegate.isSearchable(column); }
    @Override public boolean isReadOnly(int column) throws SQLException { return delegate.isReadOnly(column); }
    @Override public boolean isWritable(int column) throws SQLException { return delegate.isWritable(column); }

    @Override
    public boolean isDefinitelyWritable(int column) throws SQLException {
        return delegate.isDefinitelyWritable(column);
    }


    private static String className(ColumnType type) {
        return switch (type) {
            case VARCHAR -> "java.lang.String";
            case INT, SMALLINT -> "java.lang.Integer"; // JDBC maps SMALLINT to Integer for getObject
            case BIGINT -> "java.lang.Long";
            case DECIMAL -> "java.math.BigDecimal";
            case DOUBLE -> "java.lang.Double";
            case BOOLEAN -> "java.lang.Boolean";
            case DATE -> "java.sql.Date";
            case TIME -> "java.sql.Time";
            case TIMESTAMP, TIMESTAMPTZ -> "java.sql.Timestamp";
            case UUID -> "java.util.UUID";
            case BYTES -> "[B";
        };
    }

    /** Maximum characters (text), bytes (binary) or digits (numbers); the declared size wins where there is one. */

    /** JDBC's getScale is 0 where DECIMAL_DIGITS does not apply. */
    private static int scale(ColumnPolicy policy) {
        Integer digits = LogicalColumnType.decimalDigits(policy);
        return digits == null ? 0 : digits;
    }

    private static int displaySize(ColumnPolicy policy) {
        return switch (policy.type()) {
            case INT, BIGINT, SMALLINT -> LogicalColumnType.columnSize(policy) + 1; // the sign
            case DECIMAL -> UNBOUNDED;
            case DOUBLE -> 25;
            case BOOLEAN -> 5; // "false"
            case BYTES -> policy.size() > 0 ? 2 * policy.size() : UNBOUNDED; // hexadecimal
            default -> LogicalColumnType.columnSize(policy);
        };
    }

    private static boolean isNumeric(ColumnType type) {
        return switch (type) {
            case INT, BIGINT, SMALLINT, DECIMAL, DOUBLE -> true;
            default -> false;
        };
    }
}
