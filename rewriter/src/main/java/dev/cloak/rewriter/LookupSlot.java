package dev.cloak.rewriter;

import java.util.Objects;

/**
 * A deterministic column tested for equality with a value the driver encrypts: {@code col = ?},
 * {@code col <> ?}, {@code col = 'literal'} (either way round), or one item of {@code col [NOT] IN (...)}.
 * While the column's key domain has several enabled key versions, a stored cell may be under any of them, so
 * {@link StatementPlan#expand} rewrites the test to compare with one ciphertext per version:
 * {@code col = ?} becomes {@code col IN (?, ?)}, {@code col <> ?} becomes {@code col NOT IN (?, ?)}, and a list
 * item becomes one item per version. {@link #toString()} never shows a value.
 *
 * @param start        index of the test's first character in the plan's SQL text (the list item's, for
 *                     {@link Form#LIST_ITEM}); {@code -1} when the text could not be located, see {@link #expandable()}
 * @param end          index after the test's last character
 * @param form         what the test looks like
 * @param operandStart index of the encrypted operand's first character ({@code col}, or a subquery); unused for
 *                     {@link Form#LIST_ITEM}
 * @param operandEnd   index after the encrypted operand's last character; for a null-safe form, whose operand is a
 *                     column before the value, where the value starts (the test is {@code [start, operandEnd)}
 *                     followed by the value)
 * @param column       the deterministic column the value is compared with
 * @param parameter    the 1-based index of the {@code ?} compared, or 0 when it is a literal
 * @param literal      the literal compared, or {@code null} when it is a parameter
 */
public record LookupSlot(int start, int end, Form form, int operandStart, int operandEnd, EncryptedColumn column,
                         int parameter, LiteralSlot literal) {

    /** The shape of the equality test. */
    public enum Form {
        /** {@code operand = value} or {@code value = operand}. */
        EQUALS,
        /** {@code operand <> value}, {@code operand != value} or the reverse. */
        NOT_EQUALS,
        /** One item of {@code col [NOT] IN (...)}. */
        LIST_ITEM,
        /** {@code operand IS NOT DISTINCT FROM value}, MariaDB's {@code operand <=> value}: NULL equals NULL. */
        NULL_SAFE_EQUALS,
        /** {@code operand IS DISTINCT FROM value}. */
        NULL_SAFE_NOT_EQUALS;

        /** Whether the test is null-safe: its value may be NULL, and its expansion repeats the test per version. */
        boolean nullSafe() {
            return this == NULL_SAFE_EQUALS || this == NULL_SAFE_NOT_EQUALS;
        }
    }

    /** Checks that exactly one of parameter and literal is given. */
    public LookupSlot {
        Objects.requireNonNull(form, "form");
        Objects.requireNonNull(column, "column");
        if ((parameter > 0) == (literal != null) || parameter < 0) {
            throw new IllegalArgumentException("a lookup compares either a parameter or a literal");
        }
    }

    /** A lookup whose text could not be located: it cannot be expanded, so it works only with one key version. */
    static LookupSlot unlocated(Form form, EncryptedColumn column, int parameter, LiteralSlot literal) {
        return new LookupSlot(-1, -1, form, -1, -1, column, parameter, literal);
    }

    /** Whether the test was located in the text, so it can be rewritten for several key versions. */
    public boolean expandable() {
        return start >= 0;
    }

    LookupSlot shifted(int textShift, int parameterShift) {
        LiteralSlot movedLiteral = literal == null ? null : literal.shifted(textShift);
        int movedParameter = parameter == 0 ? 0 : parameter + parameterShift;
        if (!expandable()) {
            return unlocated(form, column, movedParameter, movedLiteral);
        }
        return new LookupSlot(start + textShift, end + textShift, form, operandStart + textShift,
                operandEnd + textShift, column, movedParameter, movedLiteral);
    }

    /** Span, form and column only: a literal's value is plaintext of an encrypted column. */
    @Override
    public String toString() {
        return "LookupSlot[" + start + ".." + end + ", " + form + ", column=" + column.name()
                + (parameter > 0 ? ", parameter=" + parameter : ", literal") + "]";
    }
}
