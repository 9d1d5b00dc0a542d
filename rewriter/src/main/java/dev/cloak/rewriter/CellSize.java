package dev.cloak.rewriter;

import java.util.List;
import java.util.Locale;

/**
 * The largest cell (SPEC §2.3) an encrypted column can hold: format and mode bytes, Tink's overhead, and the
 * padded plaintext (type tag and canonical encoding).
 */
final class CellSize {

    /** Format byte and mode byte in front of the Tink ciphertext. */
    static final int HEADER = 2;
    /** AES256_GCM: 5-byte key id prefix, 12-byte IV, 16-byte tag. */
    static final int RANDOMIZED_OVERHEAD = 33;
    /** AES256_SIV: 5-byte key id prefix, 16-byte synthetic IV. */
    static final int DETERMINISTIC_OVERHEAD = 21;
    /** UTF-8 takes at most four bytes per character. */
    static final int BYTES_PER_CHARACTER = 4;

    private CellSize() {
    }

    /**
     * The maximum cell length in bytes, or -1 when unbounded.
     *
     * @param column       the encrypted column (its policy type, size and padding)
     * @param declaredType the SQL type name the DDL declares, lower case
     * @param arguments    the SQL type's arguments, such as the length of {@code varchar(11)}
     */
    static long of(EncryptedColumn column, String declaredType, List<String> arguments) {
        int open = declaredType.indexOf('(');
        if (open >= 0 && (arguments == null || arguments.isEmpty())) {
            // JSqlParser keeps "varchar (11)" as the type name: take the arguments from it
            int close = declaredType.indexOf(')', open);
            arguments = List.of(declaredType.substring(open + 1, close < 0 ? declaredType.length() : close).split(","));
            declaredType = declaredType.substring(0, open);
        }
        String type = column.type() != null ? column.type() : logicalType(declaredType);
        long body = bodyBytes(type, declaredArgument(arguments, 0, column.size()), declaredArgument(arguments, 0, 0));
        if (body < 0) {
            return -1;
        }
        long plaintext = 1 + body;
        if (column.pad() > 0) {
            // the padding adds at least its 0x80 marker, then fills to the next multiple
            plaintext = (plaintext / column.pad() + 1) * column.pad();
        }
        return HEADER + (column.deterministic() ? DETERMINISTIC_OVERHEAD : RANDOMIZED_OVERHEAD) + plaintext;
    }

    private static long bodyBytes(String type, long size, long precision) {
        return switch (type) {
            case "varchar" -> size > 0 ? size * BYTES_PER_CHARACTER : -1;
            case "bytes" -> size > 0 ? size : -1;
            case "int" -> 4;
            case "smallint" -> 2;
            case "boolean" -> 1;
            case "bigint", "double", "date", "time" -> 8;
            case "timestamp", "timestamptz" -> 12;
            case "uuid" -> 16;
            // scale (4 bytes) and the two's complement unscaled value of at most `precision` digits
            case "decimal" -> precision > 0 ? 4 + (long) Math.ceil(precision * Math.log(10) / Math.log(2) / 8) + 1 : -1;
            default -> throw new Rejection("DDL for an encrypted column of type " + type + " is not supported:"
                    + " declare it as one of the policy types");
        };
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
