package dev.cloak.rewriter;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.JsonExpression;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.Parenthesis;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.conditional.XorExpression;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.CosineSimilarity;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsDistinctExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;

/**
 * Conditions (WHERE, HAVING, JOIN ... ON, ON CONFLICT ... WHERE): the tests that work on an encrypted column.
 * {@code col = ?}, {@code col <> ?}, {@code col IS [NOT] DISTINCT FROM ?} (MariaDB's {@code col <=> ?}),
 * {@code col [NOT] IN (?, ...)} and their literal forms compare ciphertexts
 * of a deterministic column, and become encrypted parameters, literals and lookups of the plan; two columns
 * compare when they share a deterministic key; {@code IS [NOT] NULL} works on any encrypted column. Anything
 * else must be plain.
 */
final class Conditions {

    private final Analysis analysis;
    /** How many parenthesised expressions enclose the condition being analysed. */
    private int depth;

    Conditions(Analysis analysis) {
        this.analysis = analysis;
    }

    void condition(Expression expression, Scope scope) {
        if (expression instanceof Parenthesis || expression instanceof ParenthesedExpressionList<?> list
                && list.size() == 1) {
            depth++;
            try {
                condition(expression instanceof Parenthesis parenthesis ? parenthesis.getExpression()
                        : ((ParenthesedExpressionList<?>) expression).get(0), scope);
            } finally {
                depth--;
            }
        } else {
            test(expression, scope);
        }
    }

    private void test(Expression expression, Scope scope) {
        Expression regrouped = expression instanceof JsonExpression json ? regroup(json) : null;
        if (regrouped != null) {
            condition(regrouped, scope);
        } else if (expression instanceof AndExpression || expression instanceof OrExpression
                || expression instanceof XorExpression) {
            BinaryExpression binary = (BinaryExpression) expression;
            condition(binary.getLeftExpression(), scope);
            condition(binary.getRightExpression(), scope);
        } else if (expression instanceof NotExpression not) {
            condition(not.getExpression(), scope);
        } else if (expression instanceof EqualsTo || expression instanceof NotEqualsTo) {
            equality((BinaryExpression) expression, scope);
        } else if (expression instanceof IsDistinctExpression
                || expression instanceof CosineSimilarity && analysis.dialect == Dialect.MARIADB) {
            // IS [NOT] DISTINCT FROM, and MariaDB's <=> (the same as IS NOT DISTINCT FROM; pgvector's <=> elsewhere)
            equality((BinaryExpression) expression, scope);
        } else if (expression instanceof InExpression in && isConnective(in.getRightExpression())) {
            condition(regroup(in, in.getRightExpression()), scope);
        } else if (expression instanceof InExpression in) {
            in(in, scope);
        } else if (expression instanceof IsNullExpression isNull
                && directEncrypted(isNull.getLeftExpression(), scope) != null) {
            requireShallow(directEncrypted(isNull.getLeftExpression(), scope));
            analysis.use(directEncrypted(isNull.getLeftExpression(), scope), ColumnUse.Kind.NULL_TEST);
            analysis.approve((Column) isNull.getLeftExpression());
        } else {
            analysis.plain.requirePlain(expression, "condition", scope);
        }
    }

    /**
     * JSqlParser reads {@code data->'a'->>'k' = ? AND ssn = ?} as {@code data->'a' ->> ('k' = ? AND ssn = ?)}; the
     * server's JSON operators bind tighter than comparisons and connectives, so the operator takes the leftmost
     * operand of its last key: {@code (data->'a'->>'k') = ? AND ssn = ?}. Null when the last key is no binary
     * expression (nothing to regroup). The text sent is never rebuilt from the tree.
     */
    private static Expression regroup(JsonExpression json) {
        // JSqlParser nests a chain to the right, data -> ('a' ->> ('k' = ?)): flatten it first
        List<Map.Entry<Expression, String>> keys = new ArrayList<>(json.getIdentList());
        while (!keys.isEmpty() && keys.get(keys.size() - 1).getKey() instanceof JsonExpression inner) {
            String operator = keys.remove(keys.size() - 1).getValue();
            keys.add(new AbstractMap.SimpleEntry<>(inner.getExpression(), operator));
            keys.addAll(inner.getIdentList());
        }
        if (keys.isEmpty() || !(keys.get(keys.size() - 1).getKey() instanceof BinaryExpression last)) {
            return null;
        }
        return attachedLeftmost(new JsonExpression(json.getExpression(), keys), last);
    }

    private static Expression attachedLeftmost(JsonExpression json, Expression key) {
        if (key instanceof BinaryExpression binary) {
            binary.setLeftExpression(attachedLeftmost(json, binary.getLeftExpression()));
            return binary;
        }
        List<Map.Entry<Expression, String>> keys = new ArrayList<>(json.getIdentList());
        String operator = keys.remove(keys.size() - 1).getValue();
        keys.add(new AbstractMap.SimpleEntry<>(key, operator));
        return new JsonExpression(json.getExpression(), keys);
    }

    private static boolean isConnective(Expression expression) {
        return expression instanceof AndExpression || expression instanceof OrExpression
                || expression instanceof XorExpression;
    }

    /** JSqlParser 5.3 reads {@code a IN (x) AND b} as {@code a IN ((x) AND b)}: give the IN back its own list. */
    private static Expression regroup(InExpression in, Expression right) {
        if (!isConnective(right)) {
            InExpression own = new InExpression(in.getLeftExpression(), right);
            own.setNot(in.isNot());
            return own;
        }
        BinaryExpression connective = (BinaryExpression) right;
        BinaryExpression copy = connective instanceof AndExpression ? new AndExpression()
                : connective instanceof OrExpression ? new OrExpression() : new XorExpression();
        copy.setLeftExpression(regroup(in, connective.getLeftExpression()));
        copy.setRightExpression(connective.getRightExpression());
        return copy;
    }

    private void equality(BinaryExpression comparison, Scope scope) {
        String construct = "comparison " + comparison.getStringExpression();
        Expression leftExpression = comparison.getLeftExpression();
        Expression rightExpression = comparison.getRightExpression();
        EncryptedColumn left = operand(leftExpression, scope);
        EncryptedColumn right = operand(rightExpression, scope);
        if (left == null && right == null) {
            analysis.plain.requirePlain(comparison, construct, scope);
            return;
        }
        if (left != null && right != null) {
            requireShallow(left);
            CiphertextRules.requireJoinable(left, right, construct, "two columns");
            analysis.use(left, ColumnUse.Kind.COMPARE);
            analysis.use(right, ColumnUse.Kind.COMPARE);
            approve(leftExpression);
            approve(rightExpression);
            return;
        }
        EncryptedColumn column = left != null ? left : right;
        requireShallow(column);
        Expression other = left != null ? rightExpression : leftExpression;
        if (!column.deterministic()) {
            throw new Rejection(construct + " on randomized column " + column.name()
                    + " is not supported: equal values have different ciphertexts; only IS [NOT] NULL works on it,"
                    + " or make the column deterministic");
        }
        LookupSlot.Form nullSafe = comparison instanceof EqualsTo || comparison instanceof NotEqualsTo ? null
                : comparison instanceof IsDistinctExpression distinct && !distinct.isNot()
                        ? LookupSlot.Form.NULL_SAFE_NOT_EQUALS : LookupSlot.Form.NULL_SAFE_EQUALS;
        if (nullSafe != null && other instanceof NullValue) {
            // IS [NOT] DISTINCT FROM NULL tests NULL-ness, which the cells keep
            analysis.use(column, ColumnUse.Kind.NULL_TEST);
            approve(left != null ? leftExpression : rightExpression);
        } else if (other instanceof JdbcParameter parameter) {
            int index = analysis.checkedIndex(parameter);
            analysis.encryptedParameter(index, column);
            analysis.lookup(nullSafe != null
                    ? analysis.locator.nullSafeLookup(comparison, nullSafe, column, index, null)
                    : analysis.locator.comparisonLookup(comparison, left != null, column, index, null));
            approve(left != null ? leftExpression : rightExpression);
        } else if (LiteralLocator.isLiteral(other)) {
            LiteralSlot slot = analysis.literal(other, column);
            analysis.lookup(nullSafe != null ? analysis.locator.nullSafeLookup(comparison, nullSafe, column, 0, slot)
                    : analysis.locator.comparisonLookup(comparison, left != null, column, 0, slot));
            approve(left != null ? leftExpression : rightExpression);
        } else {
            throw new Rejection(construct + " of encrypted column " + column.name()
                    + " with a column or expression is not supported: compare it with a ? parameter");
        }
    }

    /**
     * The encrypted column an operand of a comparison stands for: a column reference, or a subquery returning
     * one encrypted column (analysed here, once).
     */
    private EncryptedColumn operand(Expression expression, Scope scope) {
        if (expression instanceof Column column) {
            return scope.encryptedOf(column);
        }
        if (expression instanceof ParenthesedSelect select) {
            return singleColumn(analysis.queries.query(select, scope), "a subquery compared with a value");
        }
        return null;
    }

    private static EncryptedColumn singleColumn(ResultColumns result, String construct) {
        if (result.projections().size() != 1 || !(result.projections().get(0) instanceof Projection.Column column)) {
            if (!result.encryptedByName().isEmpty()) {
                throw new Rejection(construct + " must return exactly one column when it reads an encrypted"
                        + " column: list that column");
            }
            return null;
        }
        return column.column();
    }

    /** An encrypted column tested under more parentheses than the bound is refused: the bound is for them. */
    private void requireShallow(EncryptedColumn column) {
        if (depth > SqlRewriter.MAX_EXPRESSION_NESTING) {
            throw new Rejection("a test of encrypted column " + column.name() + " nested in more than "
                    + SqlRewriter.MAX_EXPRESSION_NESTING + " parenthesised expressions is not supported: remove"
                    + " redundant parentheses or simplify the condition");
        }
    }

    /** The encrypted column an expression is, when it is exactly a column reference. */
    static EncryptedColumn directEncrypted(Expression expression, Scope scope) {
        return expression instanceof Column column ? scope.encryptedOf(column) : null;
    }

    private void approve(Expression expression) {
        if (expression instanceof Column column) {
            analysis.approve(column);
        }
    }

    private void in(InExpression in, Scope scope) {
        String construct = in.isNot() ? "NOT IN" : "IN";
        EncryptedColumn column = directEncrypted(in.getLeftExpression(), scope);
        if (in.getRightExpression() instanceof ParenthesedSelect select) {
            EncryptedColumn selected = singleColumn(analysis.queries.query(select, scope), construct + " (SELECT ...)");
            if (column == null && selected == null) {
                analysis.plain.requirePlain(in.getLeftExpression(), construct, scope);
                return;
            }
            if (column == null && !(in.getLeftExpression() instanceof Column)) {
                throw new Rejection(construct + " (SELECT ...) compares an expression with encrypted column "
                        + selected.name() + ": compare a column of the same key domain");
            }
            CiphertextRules.requireJoinable(column, selected, construct + " (SELECT ...)", "two columns");
            analysis.use(column, ColumnUse.Kind.COMPARE);
            analysis.use(selected, ColumnUse.Kind.COMPARE);
            approve(in.getLeftExpression());
            return;
        }
        if (column == null) {
            analysis.plain.requirePlain(in, construct, scope);
            return;
        }
        requireShallow(column);
        if (!column.deterministic()) {
            throw new Rejection(construct + " on randomized column " + column.name()
                    + " is not supported: equal values have different ciphertexts; make the column deterministic");
        }
        if (in.getRightExpression() instanceof ExpressionList<?> items && items.size() > SqlRewriter.MAX_LIST_TERMS) {
            throw new Rejection(construct + " list of more than " + SqlRewriter.MAX_LIST_TERMS + " items on encrypted"
                    + " column " + column.name() + " is not supported: split long IN lists into several statements,"
                    + " or load the values into a table and join it");
        }
        if (!(in.getRightExpression() instanceof ExpressionList<?> list) || list.isEmpty()
                || !list.stream().allMatch(e -> e instanceof JdbcParameter || LiteralLocator.isLiteral(e))) {
            throw new Rejection(construct + " on encrypted column " + column.name()
                    + " takes only ? parameters or literals: write column " + construct + " (?, ?, ...)");
        }
        for (Expression item : list) {
            if (item instanceof JdbcParameter parameter) {
                int index = analysis.checkedIndex(parameter);
                analysis.encryptedParameter(index, column);
                analysis.lookup(analysis.locator.parameterItemLookup(item, column, index));
            } else {
                analysis.lookup(LiteralLocator.literalItemLookup(analysis.literal(item, column)));
            }
        }
        analysis.approve((Column) in.getLeftExpression());
    }
}
