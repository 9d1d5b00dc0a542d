package dev.cloak.rewriter;

import java.util.List;
import java.util.Locale;

/**
 * The largest cell an encrypted column declared in DDL can hold, from the declared SQL type and its arguments.
 * The bytes come from the column's {@link CellSizes}, which the driver supplies: the cell format is the
 * driver's, and the rewriter only reads the declaration.
 */
final class CellSize {

    private CellSize() {
    }

    /**
     * The maximum cell length in bytes, or -1 when unbounded (also when the column has no {@link CellSizes}).
     *
     * @param column       the encrypted column (its policy type, size and padding)
     * @param declaredType the SQL type name the DDL declares, lower case
     * @param arguments    the SQL type's arguments, such as the length of {@code varchar(11)}
     */
    static long of(EncryptedColumn column, String declaredType, List<String> arguments) {
        if (column.cellSizes() == null) {
            return -1;
        }
        int open = declaredType.indexOf('(');
        if (open >= 0 && (arguments == null || arguments.isEmpty())) {
            // JSqlParser keeps "varchar (11)" as the type name: take the arguments from it
            int close = declaredType.indexOf(')', open);
            arguments = List.of(declaredType.substring(open + 1, close < 0 ? declaredType.length() : close).split(","));
            declaredType = declaredType.substring(0, open);
        }
        String type = column.type() != null ? column.type() : logicalType(declaredType);
        try {
            return column.cellSizes().maxCellBytes(column, type, declaredArgument(arguments, 0, column.size()),
                    declaredArgument(arguments, 0, 0));
        } catch (IllegalArgumentException notEncrypted) {
            throw new Rejection("DDL for an encrypted column of type " + type + " is not supported:"
                    + " declare it as one of the policy types");
        }
    }

    private static long declaredArgument(List<String> arguments, int index, long otherwise) {
        if (arguments == null || arguments.size() <= index) {
            return otherwise;
        }
        try {
            return Long.parseLong(arguments.get(index).trim());
        } catch (NumberFormatException notANumber) {
            // varchar(max), varchar(255 char): no number Cloak can size from
            return -1;
        }
    }

    /** The policy type a SQL type name stands for, when the policy does not say. */
    static String logicalType(String declared) {
        String type = declared.toLowerCase(Locale.ROOT).trim();
        if (type.contains("char") || type.equals("text") || type.contains("string") || type.equals("clob")) {
            return "varchar";
        }
        if (type.contains("binary") || type.equals("bytea") || type.contains("blob")) {
            return "bytes";
        }
        return switch (type) {
            case "int", "integer", "int4", "mediumint" -> "int";
            case "smallint", "int2", "tinyint" -> "smallint";
            case "bigint", "int8" -> "bigint";
            case "bool", "boolean", "bit" -> "boolean";
            case "double", "double precision", "float8", "float", "real", "float4" -> "double";
            case "numeric", "decimal", "number" -> "decimal";
            case "date" -> "date";
            case "time", "time without time zone" -> "time";
            case "timestamp", "datetime", "timestamp without time zone" -> "timestamp";
            case "timestamptz", "timestamp with time zone" -> "timestamptz";
            case "uuid" -> "uuid";
            default -> type;
        };
    }
}
