package dev.cloak.rewriter;

import dev.cloak.rewriter.lexer.StringLiterals;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.DateTimeLiteralExpression;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.HexValue;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
import net.sf.jsqlparser.parser.ASTNodeAccess;
import net.sf.jsqlparser.parser.Node;
import net.sf.jsqlparser.parser.Token;

/**
 * Where literals of encrypted columns and equality tests on them are in one SQL text, and what a literal's value
 * is. The driver later puts ciphertext at exactly these places, so a place is only reported when the text there
 * is proven to hold the tokens the parser read; otherwise the literal is refused or the lookup left unlocated.
 */
final class LiteralLocator {

    private final String sql;
    private final Dialect dialect;
    private int[] lineStarts;

    LiteralLocator(String sql, Dialect dialect) {
        this.sql = sql;
        this.dialect = dialect;
    }

    /** A literal's exact span in the text and its value, so the driver can put ciphertext in its place. */
    LiteralSlot literal(Expression expression, EncryptedColumn column) {
        Object value = value(expression, column);
        int[] span = span(expression);
        if (span == null) {
            throw new Rejection("a literal for encrypted column " + column.name() + " could not be located in the"
                    + " text: bind it with a ? parameter");
        }
        return new LiteralSlot(span[0], span[1], column, value);
    }

    /**
     * The lookup of {@code operand = value} or {@code value = operand} ({@code <>}, {@code !=} likewise): the
     * comparison's span, and the operand's found by stepping over blanks and the operator next to the value.
     * Anything else between them (comments, unusual spellings) leaves the lookup unlocated.
     */
    LookupSlot comparisonLookup(BinaryExpression comparison, boolean valueOnRight, EncryptedColumn column,
                                int parameter, LiteralSlot literal) {
        LookupSlot.Form form = comparison instanceof NotEqualsTo ? LookupSlot.Form.NOT_EQUALS : LookupSlot.Form.EQUALS;
        int[] whole = span(comparison);
        int[] value = span(valueOnRight ? comparison.getRightExpression() : comparison.getLeftExpression());
        if (whole == null || value == null) {
            return LookupSlot.unlocated(form, column, parameter, literal);
        }
        int operandStart;
        int operandEnd;
        if (valueOnRight) {
            int operatorEnd = skipBlanks(value[0], -1);
            int operatorStart = operatorEnd - operatorLength(operatorEnd, form, true);
            operandStart = whole[0];
            operandEnd = skipBlanks(operatorStart, -1);
            if (value[1] != whole[1] || operatorStart == operatorEnd) {
                return LookupSlot.unlocated(form, column, parameter, literal);
            }
        } else {
            int operatorStart = skipBlanks(value[1], 1);
            int operatorEnd = operatorStart + operatorLength(operatorStart, form, false);
            operandStart = skipBlanks(operatorEnd, 1);
            operandEnd = whole[1];
            if (value[0] != whole[0] || operatorStart == operatorEnd) {
                return LookupSlot.unlocated(form, column, parameter, literal);
            }
        }
        if (operandStart >= operandEnd) {
            return LookupSlot.unlocated(form, column, parameter, literal);
        }
        return new LookupSlot(whole[0], whole[1], form, operandStart, operandEnd, column, parameter, literal);
    }

    /**
     * The lookup of a null-safe test ({@code col IS [NOT] DISTINCT FROM value}, MariaDB's {@code col <=> value}):
     * located only when the column stands before the value, since its expansion repeats the text before the value.
     */
    LookupSlot nullSafeLookup(BinaryExpression comparison, LookupSlot.Form form, EncryptedColumn column,
                              int parameter, LiteralSlot literal) {
        int[] whole = span(comparison);
        int[] value = span(comparison.getRightExpression());
        if (whole == null || value == null || !(comparison.getLeftExpression() instanceof Column)
                || value[1] != whole[1] || value[0] <= whole[0]) {
            return LookupSlot.unlocated(form, column, parameter, literal);
        }
        return new LookupSlot(whole[0], whole[1], form, whole[0], value[0], column, parameter, literal);
    }

    /** The lookup of one {@code ?} item of {@code col [NOT] IN (...)}. */
    LookupSlot parameterItemLookup(Expression item, EncryptedColumn column, int parameter) {
        int[] span = span(item);
        return span == null ? LookupSlot.unlocated(LookupSlot.Form.LIST_ITEM, column, parameter, null)
                : new LookupSlot(span[0], span[1], LookupSlot.Form.LIST_ITEM, -1, -1, column, parameter, null);
    }

    /** The lookup of one literal item of {@code col [NOT] IN (...)}: the literal's own span. */
    static LookupSlot literalItemLookup(LiteralSlot literal) {
        return new LookupSlot(literal.start(), literal.end(), LookupSlot.Form.LIST_ITEM, -1, -1, literal.column(), 0,
                literal);
    }

    /**
     * Where the tokens the parser read for {@code expression} are in the text ({@code [start, end)}), or null when
     * the parser kept no position or the text there does not hold those tokens: a text is never rewritten in a
     * place that was not proven to be the expression.
     */
    private int[] span(Expression expression) {
        Node node = expression.getASTNode();
        Token first = node == null ? null : node.jjtGetFirstToken();
        Token last = node == null ? null : node.jjtGetLastToken();
        int start = first == null ? -1 : offset(first.beginLine, first.beginColumn);
        int end = last == null ? -1 : offset(last.endLine, last.endColumn) + 1;
        if (start < 0 || end <= start || end > sql.length() || !sql.startsWith(first.image, start)
                || !sql.startsWith(last.image, end - last.image.length())) {
            return null;
        }
        return new int[] {start, end};
    }

    /**
     * The index after the last token the parser read for {@code node} (a table name, say), or -1 when it kept no
     * position or the text there does not hold that token.
     */
    int endOf(ASTNodeAccess node) {
        Node ast = node.getASTNode();
        Token last = ast == null ? null : ast.jjtGetLastToken();
        int end = last == null ? -1 : offset(last.endLine, last.endColumn) + 1;
        return end > 0 && end <= sql.length() && sql.startsWith(last.image, end - last.image.length()) ? end : -1;
    }

    /** From {@code at} (an index after the blanks when stepping back, at them when stepping on), past blanks. */
    private int skipBlanks(int at, int step) {
        int i = at;
        while (step < 0 ? i > 0 && Character.isWhitespace(sql.charAt(i - 1))
                : i < sql.length() && Character.isWhitespace(sql.charAt(i))) {
            i += step;
        }
        return i;
    }

    /** The length of the comparison operator ending (backwards) or starting at {@code at}, 0 when there is none. */
    private int operatorLength(int at, LookupSlot.Form form, boolean backwards) {
        List<String> operators = form == LookupSlot.Form.EQUALS ? List.of("=") : List.of("<>", "!=");
        for (String operator : operators) {
            int start = backwards ? at - operator.length() : at;
            if (start >= 0 && sql.startsWith(operator, start)) {
                return operator.length();
            }
        }
        return 0;
    }

    /** The index in the text of a parser position (1-based line and column), or -1 when it is outside the text. */
    private int offset(int line, int column) {
        if (lineStarts == null) {
            List<Integer> starts = new ArrayList<>(List.of(0));
            for (int i = 0; i < sql.length(); i++) {
                char c = sql.charAt(i);
                // JavaCC counts \r\n, \r and \n each as one line break
                if (c == '\n' || c == '\r' && (i + 1 >= sql.length() || sql.charAt(i + 1) != '\n')) {
                    starts.add(i + 1);
                }
            }
            lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
        }
        return line >= 1 && line <= lineStarts.length && column >= 1 ? lineStarts[line - 1] + column - 1 : -1;
    }

    /** Whether an expression is a literal (possibly signed), which a value for an encrypted column may be. */
    static boolean isLiteral(Expression expression) {
        return expression instanceof StringValue || expression instanceof LongValue
                || expression instanceof DoubleValue || expression instanceof HexValue
                || expression instanceof BooleanValue || expression instanceof DateTimeLiteralExpression
                || expression instanceof SignedExpression signed && isLiteral(signed.getExpression());
    }

    /**
     * The Java value of a literal: String, Long, BigDecimal or Boolean; a typed literal ({@code DATE '...'},
     * {@code TIMESTAMP '...'}) gives its text, which the driver converts to the column's type. Other literal kinds
     * are refused.
     */
    Object value(Expression expression, EncryptedColumn column) {
        boolean negative = false;
        Expression literal = expression;
        if (expression instanceof SignedExpression signed) {
            negative = signed.getSign() == '-';
            if (signed.getSign() != '-' && signed.getSign() != '+') {
                throw unsupportedLiteral(column);
            }
            literal = signed.getExpression();
            if (!(literal instanceof LongValue || literal instanceof DoubleValue)) {
                throw unsupportedLiteral(column);
            }
        }
        if (literal instanceof StringValue string) {
            int[] text = span(string);
            String value = text == null ? null : StringLiterals.value(sql.substring(text[0], text[1]), dialect);
            if (value == null) {
                // its value depends on the session's settings or on escapes Cloak does not decode: never guess
                throw new Rejection("a string literal with a prefix or backslash for encrypted column "
                        + column.name() + " is not supported: bind it with a ? parameter");
            }
            return value;
        }
        if (literal instanceof LongValue number) {
            BigInteger integer = new BigInteger(number.getStringValue());
            integer = negative ? integer.negate() : integer;
            return integer.bitLength() < 64 ? (Object) integer.longValue() : new BigDecimal(integer);
        }
        if (literal instanceof DoubleValue number) {
            BigDecimal decimal = new BigDecimal(number.toString());
            return negative ? decimal.negate() : decimal;
        }
        if (literal instanceof BooleanValue bool) {
            return bool.getValue();
        }
        if (literal instanceof DateTimeLiteralExpression typed && !negative) {
            // DATE '...': the string after the keyword, decoded as any string literal of the dialect
            int[] text = span(typed);
            int quote = text == null ? -1 : sql.indexOf('\'', text[0]);
            String value = quote < 0 || quote >= text[1] ? null
                    : StringLiterals.value(sql.substring(quote, text[1]), dialect);
            if (value == null) {
                throw unsupportedLiteral(column);
            }
            return value;
        }
        throw unsupportedLiteral(column);
    }

    private static Rejection unsupportedLiteral(EncryptedColumn column) {
        return new Rejection("this kind of literal for encrypted column " + column.name()
                + " is not supported: bind it with a ? parameter");
    }
}
