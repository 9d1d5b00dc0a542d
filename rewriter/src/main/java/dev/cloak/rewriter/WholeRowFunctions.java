package dev.cloak.rewriter;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;

/**
 * PostgreSQL's attribute notation: {@code t.f} where {@code t} is a table or alias and {@code f} is no column of it
 * calls the function {@code f(t)} on the whole row ({@code p.to_json}, {@code p.row_to_json}, {@code p.text}, or any
 * function the database defines on the table's row type), which the database builds from ciphertext. A plain
 * qualified reference to a configured table must therefore name one of its columns, as the catalog lists them;
 * without a catalog ({@code cloak explain}), the built-in functions that take any row are refused.
 */
final class WholeRowFunctions {

    /** PostgreSQL's built-in functions of one argument that accept any row (record, anyelement, "any"). */
    private static final Set<String> ANY_ROW = Set.of("to_json", "to_jsonb", "row_to_json", "hstore", "text",
            "quote_literal", "quote_nullable", "pg_column_size", "num_nulls", "num_nonnulls", "json_strip_nulls",
            "jsonb_strip_nulls", "array_to_json", "format", "concat", "row_security_active", "pg_typeof",
            "to_tsvector", "json_build_array", "jsonb_build_array", "json_build_object", "jsonb_build_object");

    private WholeRowFunctions() {
    }

    /** Whether {@code lowerCaseName} is a built-in function that takes any row. */
    static boolean takesAnyRow(String lowerCaseName) {
        return ANY_ROW.contains(lowerCaseName.toLowerCase(Locale.ROOT));
    }

    /**
     * On PostgreSQL, every plain column node the walk met whose qualifier names a configured table (by alias or
     * name) must be a column of that table: refused when the catalog does not list it (or, without a catalog, when
     * it is a built-in function that takes any row).
     */
    static void check(StatementWalk walk, Analysis analysis) {
        if (analysis.dialect != Dialect.POSTGRESQL) {
            return;
        }
        for (Column column : walk.columns) {
            Table qualifier = column.getTable();
            if (qualifier == null || qualifier.getName() == null
                    || analysis.tables.column(qualifier, column.getColumnName()) != null) {
                continue;
            }
            Table table = configuredTable(walk, qualifier, analysis);
            if (table == null || analysis.tables.column(table, column.getColumnName()) != null) {
                continue;
            }
            List<String> columns = analysis.catalogColumns(table);
            String name = Identifiers.unquote(column.getColumnName());
            boolean listed = columns == null ? !takesAnyRow(name)
                    : columns.stream().anyMatch(c -> Identifiers.isQuoted(column.getColumnName()) ? c.equals(name)
                            : c.equalsIgnoreCase(name));
            if (!listed) {
                throw new Rejection(column.getFullyQualifiedName() + " names no column of configured table "
                        + analysis.tables.policyName(table) + ": PostgreSQL would read it as the function " + name
                        + " over the whole row, built from ciphertext; select the columns you need");
            }
        }
    }

    /** The configured table (not a view) the qualifier names by alias or, without one, by name; else null. */
    private static Table configuredTable(StatementWalk walk, Table qualifier, Analysis analysis) {
        String key = Identifiers.key(qualifier.getName());
        for (Table table : walk.tables) {
            boolean named = table.getAlias() != null ? Identifiers.key(table.getAlias().getName()).equals(key)
                    : Identifiers.key(table.getName()).equals(key);
            if (named && analysis.tables.isConfigured(table) && analysis.tables.view(table) == null) {
                return table;
            }
        }
        return null;
    }
}
