package dev.cloak.rewriter;

import java.util.List;
import java.util.Objects;

/**
 * The column order an {@code INSERT} into a configured table without a column list was planned with: the catalog's
 * answer for the table as the text names it. The text sent names these columns, and each value was encrypted (or
 * not) for the column at its position; the driver checks, on the connection that runs the statement, that the
 * server resolves the name to a table with these columns in this order (a schema on the search path, a temporary
 * table, another database may hold another table of that name).
 *
 * @param schema  the schema as the text names it, quotes kept; null when it names none
 * @param table   the table as the text names it, quotes kept
 * @param columns the leading columns the text sent names, in order, as the catalog spells them
 */
public record ImpliedColumns(String schema, String table, List<String> columns) {

    /** Copies the columns. */
    public ImpliedColumns {
        Objects.requireNonNull(table, "table");
        columns = List.copyOf(columns);
    }
}
