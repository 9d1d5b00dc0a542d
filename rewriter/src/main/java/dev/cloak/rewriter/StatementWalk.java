package dev.cloak.rewriter;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.JdbcNamedParameter;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.conditional.XorExpression;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.ParenthesedFromItem;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.util.TablesNamesFinder;

/**
 * A full walk of a parsed statement (JSqlParser's own table finder) that records every table, column and
 * parameter node: the independent check that the analysis saw everything that matters. On its way it rebalances
 * long chains of one connective ({@code a OR b OR c ...}), which JSqlParser builds as deep as they are long, so
 * that neither this walk nor the analysis after it needs a stack as deep as the chain; AND, OR and XOR are
 * associative, and the text sent is never rebuilt from the tree.
 */
final class StatementWalk extends TablesNamesFinder<Void> {

    /** Chains up to this long are left as the parser built them. */
    private static final int BALANCED_CHAIN = 32;

    final List<Table> tables = new ArrayList<>();
    final List<Column> columns = new ArrayList<>();
    final List<JdbcParameter> parameters = new ArrayList<>();
    int namedParameters;
    private final Set<Expression> balanced = Collections.newSetFromMap(new IdentityHashMap<>());
    /** The nodes whose names were counted: the finder visits some of them twice. */
    private final Set<Object> named = Collections.newSetFromMap(new IdentityHashMap<>());
    /** How often the walk met each name (unquoted, lower case) as a column's own name, once per node. */
    private final Map<String, Integer> columnNames = new HashMap<>();
    /**
     * How often the walk met each name (unquoted, lower case) as anything else: a table, its schema and alias, a
     * column's or {@code t.*}'s qualifier, a select-list alias, a WITH name, a subquery's alias and columns, a
     * function.
     */
    private final Map<String, Integer> otherNames = new HashMap<>();

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

    /** How often the walk met each name (unquoted, lower case) as a column's own name. */
    Map<String, Integer> columnNames() {
        return columnNames;
    }

    /** How often the walk met each name (unquoted, lower case) as a name that is not a column's own. */
    Map<String, Integer> otherNames() {
        return otherNames;
    }

    @Override
    public <S> Void visit(Table table, S context) {
        if ("table".equalsIgnoreCase(table.getName()) && table.getSchemaName() == null) {
            // JSqlParser reads PostgreSQL's (TABLE t) x as a table named TABLE under the alias t
            throw new Rejection("PostgreSQL's TABLE t form in a statement that names a configured table is not"
                    + " supported: write SELECT * FROM t");
        }
        tables.add(table);
        if (named.add(table)) {
            other(table.getName());
            other(table.getSchemaName());
            alias(table.getAlias());
        }
        return super.visit(table, context);
    }

    @Override
    public <S> Void visit(Column column, S context) {
        columns.add(column);
        if (named.add(column)) {
            count(columnNames, column.getColumnName());
            Table qualifier = column.getTable();
            if (qualifier != null) {
                other(qualifier.getName());
                other(qualifier.getSchemaName());
            }
        }
        return super.visit(column, context);
    }

    @Override
    public <S> Void visit(AllTableColumns columns, S context) {
        if (named.add(columns) && columns.getTable() != null) {
            other(columns.getTable().getName());
            other(columns.getTable().getSchemaName());
        }
        return super.visit(columns, context);
    }

    @Override
    public <S> Void visit(PlainSelect select, S context) {
        if (named.add(select)) {
            if (select.getSelectItems() != null) {
                for (SelectItem<?> item : select.getSelectItems()) {
                    alias(item.getAlias());
                }
            }
            if (select.getWindowDefinitions() != null) {
                // WINDOW w AS (…), which the finder does not walk
                select.getWindowDefinitions().forEach(window -> window.getAllExpressions()
                        .forEach(expression -> expression.accept(this, context)));
            }
            if (select.getForUpdateTables() != null) {
                // FOR UPDATE OF p (Hibernate's pessimistic lock over a join) names FROM items, reads no value
                for (Table locked : select.getForUpdateTables()) {
                    other(locked.getName());
                    other(locked.getSchemaName());
                }
            }
        }
        return super.visit(select, context);
    }

    @Override
    public <S> Void visit(WithItem<?> item, S context) {
        if (named.add(item)) {
            alias(item.getAlias()); // its column list, if any, the analysis counts as references
        }
        return super.visit(item, context);
    }

    @Override
    public <S> Void visit(ParenthesedSelect select, S context) {
        if (named.add(select)) {
            alias(select.getAlias());
        }
        return super.visit(select, context);
    }

    @Override
    public <S> Void visit(ParenthesedFromItem item, S context) {
        if (named.add(item)) {
            alias(item.getAlias());
        }
        return super.visit(item, context);
    }

    @Override
    public <S> Void visit(Function function, S context) {
        if (named.add(function) && function.getMultipartName() != null) {
            function.getMultipartName().forEach(this::other);
        }
        return super.visit(function, context);
    }

    /**
     * A window function's {@code PARTITION BY} and {@code ORDER BY}, which the finder does not walk: their columns'
     * qualifiers ({@code partition by p.city}) are names the statement gives, as anywhere else.
     */
    @Override
    public <S> Void visit(AnalyticExpression analytic, S context) {
        Void result = super.visit(analytic, context);
        if (analytic.getPartitionExpressionList() != null) {
            analytic.getPartitionExpressionList().forEach(expression -> expression.accept(this, context));
        }
        if (analytic.getOrderByElements() != null) {
            analytic.getOrderByElements().forEach(element -> element.getExpression().accept(this, context));
        }
        return result;
    }

    private void alias(Alias alias) {
        if (alias != null) {
            other(alias.getName());
            if (alias.getAliasColumns() != null) {
                alias.getAliasColumns().forEach(column -> other(column.name));
            }
        }
    }

    private void other(String name) {
        count(otherNames, name);
    }

    private static void count(Map<String, Integer> counts, String name) {
        if (name != null && !name.isEmpty()) {
            counts.merge(Identifiers.key(name), 1, Integer::sum);
        }
    }

    @Override
    public <S> Void visit(JdbcParameter parameter, S context) {
        parameters.add(parameter);
        return super.visit(parameter, context);
    }

    @Override
    public <S> Void visit(OrExpression or, S context) {
        balance(or);
        return super.visit(or, context);
    }

    @Override
    public <S> Void visit(AndExpression and, S context) {
        balance(and);
        return super.visit(and, context);
    }

    @Override
    public <S> Void visit(XorExpression xor, S context) {
        balance(xor);
        return super.visit(xor, context);
    }

    /** Rebuilds a long chain under {@code top} as a balanced tree of the same connective, in the same order. */
    private void balance(BinaryExpression top) {
        if (balanced.contains(top) || top.getLeftExpression().getClass() != top.getClass()) {
            return;
        }
        List<Expression> terms = new ArrayList<>();
        Deque<Expression> todo = new ArrayDeque<>();
        todo.push(top.getRightExpression());
        todo.push(top.getLeftExpression());
        while (!todo.isEmpty()) {
            Expression next = todo.pop();
            if (next.getClass() == top.getClass()) {
                todo.push(((BinaryExpression) next).getRightExpression());
                todo.push(((BinaryExpression) next).getLeftExpression());
            } else {
                terms.add(next);
            }
        }
        if (terms.size() <= BALANCED_CHAIN) {
            return;
        }
        int middle = terms.size() / 2;
        top.setLeftExpression(tree(top, terms, 0, middle));
        top.setRightExpression(tree(top, terms, middle, terms.size()));
        balanced.add(top);
    }

    private Expression tree(BinaryExpression kind, List<Expression> terms, int from, int to) {
        if (to - from == 1) {
            return terms.get(from);
        }
        int middle = (from + to) / 2;
        BinaryExpression node = kind instanceof AndExpression ? new AndExpression()
                : kind instanceof OrExpression ? new OrExpression() : new XorExpression();
        node.setLeftExpression(tree(kind, terms, from, middle));
        node.setRightExpression(tree(kind, terms, middle, to));
        balanced.add(node);
        return node;
    }

    @Override
    public <S> Void visit(JdbcNamedParameter parameter, S context) {
        namedParameters++;
        return super.visit(parameter, context);
    }
}
