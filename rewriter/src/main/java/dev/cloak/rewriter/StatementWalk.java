package dev.cloak.rewriter;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.JdbcNamedParameter;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.conditional.XorExpression;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
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
