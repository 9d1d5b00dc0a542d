package dev.cloak.rewriter;

import java.util.List;
import java.util.StringJoiner;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.Values;

/**
 * {@code INSERT INTO t VALUES (...)} (or {@code SELECT ...}) into a configured table without a column list: the
 * catalog gives the table's columns in order, and the text is sent with them named, so that each value goes to the
 * column Cloak encrypted it for even if the catalog's answer is stale (the database then refuses a list that no
 * longer fits, rather than storing a value in a column Cloak took for another).
 */
final class ImplicitColumns {

    private ImplicitColumns() {
    }

    /** The text with the columns named, and the columns it names. */
    record Named(String sql, ImpliedColumns implied) {
    }

    /**
     * The text of {@code statement} with its target table's columns named, or null when it is no INSERT into a
     * configured table without a column list.
     */
    static Named named(Statement statement, String sql, ConfiguredTables tables, Catalog catalog, Dialect dialect) {
        Insert insert = InsertAnalyzer.asInsert(statement);
        if (insert == null || insert.getColumns() != null && !insert.getColumns().isEmpty()
                || insert.isOnlyDefaultValues() || insert.isUseSet() || insert.getSelect() == null
                || !tables.isConfigured(insert.getTable())) {
            return null;
        }
        Table table = insert.getTable();
        String name = tables.policyName(table);
        List<String> columns = catalog.columns(table.getSchemaName(), table.getName());
        if (columns == null || columns.isEmpty()) {
            throw Rejection.catalogUnavailable("INSERT without a column list on configured table " + name + " needs"
                    + " the table's columns from the database's catalog, which did not give them: name the columns,"
                    + " e.g. INSERT INTO table (a, b) VALUES (?, ?)");
        }
        int end = new LiteralLocator(sql, dialect).endOf(table);
        if (end < 0 || table.getAlias() != null) {
            throw new Rejection("INSERT without a column list on configured table " + name + " could not be given"
                    + " its columns: name the columns, e.g. INSERT INTO table (a, b) VALUES (?, ?)");
        }
        int width = dialect == Dialect.POSTGRESQL ? width(insert.getSelect(), columns.size()) : columns.size();
        StringJoiner list = new StringJoiner(", ", " (", ")");
        List<String> filled = columns.subList(0, Math.min(width, columns.size()));
        for (String column : filled) {
            list.add(quoted(column, dialect));
        }
        return new Named(sql.substring(0, end) + list + sql.substring(end),
                new ImpliedColumns(table.getSchemaName(), table.getName(), filled));
    }

    /**
     * How many leading columns PostgreSQL fills: as many as the first row or select list has values (it fills the
     * rest with their defaults), or all of them when that cannot be told.
     */
    private static int width(Select source, int all) {
        Select query = source instanceof ParenthesedSelect p ? p.getSelect() : source;
        if (query instanceof Values values) {
            ExpressionList<?> rows = values.getExpressions();
            if (rows instanceof ParenthesedExpressionList<?> one) {
                return one.size();
            }
            return !rows.isEmpty() && rows.get(0) instanceof ExpressionList<?> first ? first.size() : all;
        }
        if (query instanceof PlainSelect plain && plain.getSelectItems().stream()
                .noneMatch(item -> item.getExpression() instanceof AllColumns)) {
            return plain.getSelectItems().size();
        }
        return all;
    }

    /** A column name as the catalog spells it, quoted for the dialect so the database reads exactly that name. */
    private static String quoted(String column, Dialect dialect) {
        if (dialect == Dialect.MARIADB) {
            return "`" + column.replace("`", "``") + "`";
        }
        return "\"" + column.replace("\"", "\"\"") + "\"";
    }
}
