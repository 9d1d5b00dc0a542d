package dev.cloak.rewriter;

import java.util.List;
import java.util.Objects;

/**
 * A view as the database's catalog describes it. {@link #toString()} leaves out the definition, which may hold
 * literals.
 *
 * @param schema     the view's schema (or MariaDB database), unquoted; null when not known
 * @param name       the view's name, unquoted
 * @param columns    the view's column names in order, unquoted
 * @param definition the defining query as the database keeps it; null when the catalog does not show it
 */
public record ViewDefinition(String schema, String name, List<String> columns, String definition) {

    /** Copies the column list; a view has a name. */
    public ViewDefinition {
        Objects.requireNonNull(name, "name");
        columns = List.copyOf(columns);
    }

    @Override
    public String toString() {
        return "ViewDefinition[" + (schema == null ? "" : schema + ".") + name + ", columns=" + columns.size() + "]";
    }
}
