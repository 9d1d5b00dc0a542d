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
 */
public record EncryptedColumn(String schema, String table, String column, boolean quoted,
                              boolean deterministic, String keyDomain) {

    /** Validates that table and column are named. */
    public EncryptedColumn {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(column, "column");
        if (table.isBlank() || column.isBlank()) {
            throw new IllegalArgumentException("table and column must not be blank");
        }
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
