package dev.cloak.driver.internal.jdbc;

import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.driver.internal.error.SqlState;
import dev.cloak.driver.internal.policy.CompiledPolicy;
import dev.cloak.rewriter.EncryptedColumn;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.Calendar;
import java.util.Locale;

/**
 * The result of {@link java.sql.DatabaseMetaData#getColumns}: on a row that describes a column the policy
 * encrypts, the type columns ({@code DATA_TYPE}, {@code TYPE_NAME}, {@code COLUMN_SIZE}, {@code DECIMAL_DIGITS},
 * {@code NUM_PREC_RADIX}, {@code CHAR_OCTET_LENGTH}) report the logical type instead of the binary storage
 * type; every other row and column is exactly what the delegate reports.
 */
final class LogicalColumnsResultSet extends DelegatingResultSet {

    private enum TypeColumn { DATA_TYPE, TYPE_NAME, COLUMN_SIZE, DECIMAL_DIGITS, NUM_PREC_RADIX, CHAR_OCTET_LENGTH }

    private final CompiledPolicy policy;
    private final int schemaIndex;
    private final int tableIndex;
    private final int columnIndex;
    // TypeColumn of each result column (index 0 unused), or null for the columns passed through
    private final TypeColumn[] typeColumns;

    LogicalColumnsResultSet(ResultSet delegate, CompiledPolicy policy) throws SQLException {
        super(null, delegate);
        this.policy = policy;
        ResultSetMetaData metaData = delegate.getMetaData();
        this.typeColumns = new TypeColumn[metaData.getColumnCount() + 1];
        for (TypeColumn column : TypeColumn.values()) {
            typeColumns[delegate.findColumn(column.name())] = column;
        }
        this.schemaIndex = delegate.findColumn("TABLE_SCHEM");
        this.tableIndex = delegate.findColumn("TABLE_NAME");
        this.columnIndex = delegate.findColumn("COLUMN_NAME");
    }

    @Override
    protected boolean isEncrypted(int index) {
        if (index <= 0 || index >= typeColumns.length || typeColumns[index] == null) {
            return false;
        }
        try {
            return policyOfCurrentRow() != null;
        } catch (SQLException e) {
            return true; // readEncrypted asks again and throws: never report the storage type of a row it cannot place
        }
    }

    @Override
    protected int encryptedIndex(String columnLabel) throws SQLException {
        int index = delegate.findColumn(columnLabel);
        return isEncrypted(index) ? index : 0;
    }

    @Override
    protected <T> T readEncrypted(int index, Class<T> type, Calendar cal) throws SQLException {
        ColumnPolicy column = policyOfCurrentRow();
        if (column == null) {
            // Only reached when an earlier lookup failed and this one found a plain column: the delegate's answer.
            return type == Object.class ? type.cast(delegate.getObject(index)) : delegate.getObject(index, type);
        }
        Object value = switch (typeColumns[index]) {
            case DATA_TYPE -> LogicalColumnType.dataType(column);
            case TYPE_NAME -> LogicalColumnType.typeName(column);
            case COLUMN_SIZE -> LogicalColumnType.columnSize(column);
            case DECIMAL_DIGITS -> LogicalColumnType.decimalDigits(column);
            case NUM_PREC_RADIX -> LogicalColumnType.radix(column);
            case CHAR_OCTET_LENGTH -> LogicalColumnType.charOctetLength(column);
        };
        return convert(value, type);
    }

    @Override
    protected void updateEncrypted(int index, Object value, int sqlType) throws SQLException {
        throw SqlErrors.refused("Database metadata is read-only");
    }

    @Override
    protected ResultSetMetaData wrapMetaData(ResultSetMetaData metaData) {
        return new PlainResultSetMetaData(metaData);
    }

    /** The policy of the column the current row describes, or {@code null} when the policy does not encrypt it. */
    private ColumnPolicy policyOfCurrentRow() throws SQLException {
        String column = delegate.getString(columnIndex);
        if (column == null) {
            return null;
        }
        String schema = delegate.getString(schemaIndex);
        String table = delegate.getString(tableIndex);
        EncryptedColumn anySchema = null;
        for (EncryptedColumn candidate : policy.columnsNamed(column.toLowerCase(Locale.ROOT))) {
            if (!same(candidate.column(), column, candidate.quoted())
                    || !same(candidate.table(), table, candidate.quoted())) {
                continue;
            }
            if (candidate.schema() == null) {
                anySchema = candidate;
            } else if (same(candidate.schema(), schema, candidate.quoted())) {
                return policy.codec(candidate).column();
            }
        }
        return anySchema == null ? null : policy.codec(anySchema).column();
    }

    // Unquoted policy names match as SQL matches unquoted identifiers: case-insensitively.
    private static boolean same(String policyName, String reported, boolean quoted) {
        return reported != null && (quoted ? policyName.equals(reported) : policyName.equalsIgnoreCase(reported));
    }

    private static <T> T convert(Object value, Class<T> type) throws SQLException {
        if (value == null || type == Object.class || type.isInstance(value)) {
            return type.cast(value);
        }
        Object converted;
        if (type == String.class) {
            converted = value.toString();
        } else if (value instanceof Integer number) {
            converted = number(number, type);
        } else {
            converted = null;
        }
        if (converted == null) {
            throw SqlErrors.of(SqlState.NOT_CONVERTIBLE, "Cannot read metadata value as " + type.getName());
        }
        return type.cast(converted);
    }

    private static Object number(Integer value, Class<?> type) {
        if (type == Long.class) {
            return value.longValue();
        } else if (type == Short.class) {
            return value.shortValue();
        } else if (type == Byte.class) {
            return value.byteValue();
        } else if (type == Double.class) {
            return value.doubleValue();
        } else if (type == Float.class) {
            return value.floatValue();
        } else if (type == BigDecimal.class) {
            return BigDecimal.valueOf(value);
        } else if (type == Boolean.class) {
            return value != 0;
        }
        return null;
    }
}
