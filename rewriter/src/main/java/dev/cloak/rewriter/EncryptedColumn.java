package dev.cloak.rewriter;

import java.util.Objects;

/**
 * An encrypted column as the rewriter sees it: where it lives, how it is matched and how it is encrypted.
 *
 * @param schema        the schema name, or {@code null} to match the table in any schema
 * @param table         the table name as given in the policy (without quotes)
 * @param column        the column name as given in the policy (without quotes)
 * @param quoted        {@code true} when the policy names are quoted and so match SQL identifiers exactly
 * @param deterministic {@code true} for deterministic (searchable) encryption, {@code false} for randomized
 * @param keyDomain     the key domain (lower-case {@code table.column} of the column that owns the key)
 * @param type          the policy's logical type in lower case ({@code varchar}, {@code int}, ...), or
 *                      {@code null} when not known (DDL then sizes the cell from the declared SQL type)
 * @param size          the policy's declared maximum (characters for varchar, bytes for bytes); 0 for none
 * @param pad           pad the encoded plaintext to a multiple of this many bytes; 0 for none
 * @param cellSizes     how large its cells get, told by the driver; {@code null} when not known (DDL then declares
 *                      an unbounded binary type)
 */
public record EncryptedColumn(String schema, String table, String column, boolean quoted,
                              boolean deterministic, String keyDomain, String type, int size, int pad,
                              CellSizes cellSizes) {

    /** Validates that table and column are named and sizes are not negative. */
    public EncryptedColumn {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(column, "column");
        if (table.isBlank() || column.isBlank()) {
            throw new IllegalArgumentException("table and column must not be blank");
        }
        if (size < 0 || pad < 0) {
            throw new IllegalArgumentException("size and pad must not be negative");
        }
        type = type == null ? null : type.toLowerCase(java.util.Locale.ROOT);
    }

    /** An encrypted column without storage details (type, size, padding unknown): the first version's shape. */
    public EncryptedColumn(String schema, String table, String column, boolean quoted, boolean deterministic,
                           String keyDomain) {
        this(schema, table, column, quoted, deterministic, keyDomain, null, 0, 0, null);
    }

    /**
     * An encrypted column with its policy type, size and padding but no cell sizes: DDL declaring it gets an
     * unbounded binary type.
     *
     * @param type the policy type ({@code varchar}, {@code int}, ... as the policy file names them), any case
     * @param size the declared maximum (characters for varchar, bytes for bytes), 0 for none
     * @param pad  the padding block in bytes, 0 for none
     */
    public static EncryptedColumn declared(String schema, String table, String column, boolean quoted,
                                           boolean deterministic, String keyDomain, String type, int size, int pad) {
        return new EncryptedColumn(schema, table, column, quoted, deterministic, keyDomain, type, size, pad, null);
    }

    /** {@code table.column} or {@code schema.table.column}, as given. */
    public String name() {
        return schema == null ? table + "." + column : schema + "." + table + "." + column;
    }

    /** The encryption mode as a word for messages. */
    String mode() {
        return deterministic ? "deterministic" : "randomized";
    }
}
