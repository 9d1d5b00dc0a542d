package dev.cloak.driver.codec;

import java.sql.SQLDataException;
import java.sql.SQLException;

import dev.cloak.driver.config.ColumnPolicy;

/** The codec's SQLExceptions; messages name the column, its type and the reason, never a value or key. */
final class CodecErrors {

    static final String CONVERSION = "22018";
    static final String TOO_LONG = "22001";
    static final String BAD_CELL = "22000";

    private CodecErrors() {
    }

    static String describe(ColumnPolicy column) {
        return column.name() + " (" + column.type().policyName() + ")";
    }

    static SQLException notConvertible(ColumnPolicy column, Object value) {
        return new SQLDataException("cannot convert a value of Java type " + value.getClass().getName()
                + " to encrypted column " + describe(column), CONVERSION);
    }

    static SQLException notConvertible(ColumnPolicy column, Object value, String reason) {
        return new SQLDataException("cannot convert a value of Java type " + value.getClass().getName()
                + " to encrypted column " + describe(column) + ": " + reason, CONVERSION);
    }

    static SQLException notReadable(ColumnPolicy column, Class<?> type, String reason) {
        return new SQLDataException("cannot read encrypted column " + describe(column) + " as " + type.getName()
                + ": " + reason, CONVERSION);
    }

    static SQLException tooLong(ColumnPolicy column, String reason) {
        return new SQLDataException("value too long for encrypted column " + describe(column) + ": " + reason, TOO_LONG);
    }

    static SQLException badCell(ColumnPolicy column, String reason) {
        return new SQLDataException("cannot decrypt a cell of encrypted column " + describe(column) + ": " + reason, BAD_CELL);
    }
}
