package dev.cloak.driver.internal.codec;

import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.driver.internal.error.SqlState;
import java.sql.SQLException;

/** The codec's messages; they name the column, its type and the reason, never a value or key. */
final class CodecErrors {

    private CodecErrors() {
    }

    static String describe(ColumnPolicy column) {
        return column.name() + " (" + column.type().policyName() + ")";
    }

    static SQLException notConvertible(ColumnPolicy column, Object value) {
        return SqlErrors.of(SqlState.NOT_CONVERTIBLE, "cannot convert a value of Java type "
                + value.getClass().getName() + " to encrypted column " + describe(column));
    }

    static SQLException notConvertible(ColumnPolicy column, Object value, String reason) {
        return SqlErrors.of(SqlState.NOT_CONVERTIBLE, "cannot convert a value of Java type "
                + value.getClass().getName() + " to encrypted column " + describe(column) + ": " + reason);
    }

    static SQLException notReadable(ColumnPolicy column, Class<?> type, String reason) {
        return SqlErrors.of(SqlState.NOT_CONVERTIBLE, "cannot read encrypted column " + describe(column) + " as "
                + type.getName() + ": " + reason);
    }

    static SQLException tooLong(ColumnPolicy column, String reason) {
        return SqlErrors.of(SqlState.VALUE_TOO_LONG, "value too long for encrypted column " + describe(column) + ": "
                + reason);
    }

    static SQLException badCell(ColumnPolicy column, String reason) {
        return SqlErrors.of(SqlState.BAD_CELL, "cannot decrypt a cell of encrypted column " + describe(column) + ": "
                + reason);
    }
}
