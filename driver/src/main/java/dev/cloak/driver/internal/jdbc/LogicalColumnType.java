package dev.cloak.driver.internal.jdbc;

import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.config.ColumnType;

/**
 * How {@link java.sql.DatabaseMetaData#getColumns} describes an encrypted column: the type, size and
 * digits of its logical type from the policy, the same numbers {@link DelegatingResultSetMetaData} reports,
 * so that schema validators (Hibernate's {@code hbm2ddl.auto=validate}) see what the application stores.
 */
final class LogicalColumnType {

    // Unbounded text and binary columns report the largest size JDBC can express, as pgjdbc does for text.
    private static final int UNBOUNDED = Integer.MAX_VALUE;

    private LogicalColumnType() {
    }

    /** {@code DATA_TYPE}: the {@link Types} constant of the logical type. */
    static int dataType(ColumnPolicy policy) {
        return policy.type().jdbcType();
    }

    /** {@code TYPE_NAME}: the SQL name of the logical type. */
    static String typeName(ColumnPolicy policy) {
        return switch (policy.type()) {
            case VARCHAR -> "VARCHAR";
            case INT -> "INTEGER";
            case BIGINT -> "BIGINT";
            case SMALLINT -> "SMALLINT";
            case DECIMAL -> "DECIMAL";
            case DOUBLE -> "DOUBLE";
            case BOOLEAN -> "BOOLEAN";
            case DATE -> "DATE";
            case TIME -> "TIME";
            case TIMESTAMP -> "TIMESTAMP";
            case TIMESTAMPTZ -> "TIMESTAMP WITH TIME ZONE";
            case UUID -> "UUID";
            case BYTES -> "VARBINARY";
        };
    }

    /** {@code COLUMN_SIZE}: characters, bytes or digits; the declared size wins where there is one. */
    static Integer columnSize(ColumnPolicy policy) {
        return switch (policy.type()) {
            case VARCHAR, BYTES -> policy.size() > 0 ? policy.size() : UNBOUNDED;
            case INT -> 10;
            case BIGINT -> 19;
            case SMALLINT -> 5;
            case DECIMAL -> 0; // the policy declares no precision: unknown, as ResultSetMetaData.getPrecision says
            case DOUBLE -> 17;
            case BOOLEAN -> 1;
            case DATE -> 10;
            case TIME -> 15;
            case TIMESTAMP -> 26;
            case TIMESTAMPTZ -> 32;
            case UUID -> 36;
        };
    }

    /** {@code DECIMAL_DIGITS}: the scale, or {@code null} where it does not apply (JDBC's rule). */
    static Integer decimalDigits(ColumnPolicy policy) {
        return switch (policy.type()) {
            case INT, BIGINT, SMALLINT -> 0;
            case DECIMAL -> policy.scale() == ColumnPolicy.NO_SCALE ? 0 : policy.scale();
            case TIME, TIMESTAMP, TIMESTAMPTZ -> 6; // microseconds, the finest all target databases keep
            default -> null;
        };
    }

    /** {@code NUM_PREC_RADIX}: 10 for numbers, {@code null} for the other types. */
    static Integer radix(ColumnPolicy policy) {
        return switch (policy.type()) {
            case INT, BIGINT, SMALLINT, DECIMAL, DOUBLE -> 10;
            default -> null;
        };
    }

    /** {@code CHAR_OCTET_LENGTH}: the most bytes a text value can take (UTF-8), {@code null} for other types. */
    static Integer charOctetLength(ColumnPolicy policy) {
        if (policy.type() != ColumnType.VARCHAR) {
            return null;
        }
        return policy.size() > 0 && policy.size() <= UNBOUNDED / 4 ? policy.size() * 4 : UNBOUNDED;
    }
}
