package dev.cloak.rewriter;

import java.util.ArrayList;
import java.util.List;
import net.sf.jsqlparser.expression.JdbcNamedParameter;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.util.TablesNamesFinder;

/**
 * A full walk of a parsed statement (JSqlParser's own table finder) that records every table, column and
 * parameter node: the independent check that the analysis saw everything that matters.
 */
final class StatementWalk extends TablesNamesFinder<Void> {

    final List<Table> tables = new ArrayList<>();
    final List<Column> columns = new ArrayList<>();
    final List<JdbcParameter> parameters = new ArrayList<>();
    int namedParameters;

    static StatementWalk of(Statement statement) {
        StatementWalk walk = new StatementWalk();
        try {
            walk.getTables(statement);
        } catch (RuntimeException unsupportedByFinder) {
            throw new Rejection("this kind of statement on a configured table cannot be analysed:"
                    + " Cloak does not send what it cannot analyse");
        }
        return walk;
    }

    @Override
    public <S> Void visit(Table table, S context) {
        tables.add(table);
        return super.visit(table, context);
    }

    @Override
    public <S> Void visit(Column column, S context) {
        columns.add(column);
        return super.visit(column, context);
    }

    @Override
    public <S> Void visit(JdbcParameter parameter, S context) {
        parameters.add(parameter);
        return super.visit(parameter, context);
    }

    @Override
    public <S> Void visit(JdbcNamedParameter parameter, S context) {
        namedParameters++;
        return super.visit(parameter, context);
    }
}
