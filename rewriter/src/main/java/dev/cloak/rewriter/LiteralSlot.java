package dev.cloak.rewriter;

import java.util.Objects;

/**
 * A literal in the SQL text that belongs to an encrypted column: the driver encrypts its value and
 * {@link StatementPlan#render} puts a binary literal of the dialect in its place. {@link #toString()} never
 * shows the value.
 *
 * @param start  index of the literal's first character in the plan's SQL text
 * @param end    index after the literal's last character
 * @param column the encrypted column the literal is compared with or assigned to
 * @param value  the literal's value: a {@link String}, {@link Long}, {@link java.math.BigDecimal} or
 *               {@link Boolean}
 */
public record LiteralSlot(int start, int end, EncryptedColumn column, Object value) {

    /** Validates the span and that a value is present (SQL NULL is left in the text, never a slot). */
    public LiteralSlot {
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(value, "value");
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("bad literal span");
        }
    }

    LiteralSlot shifted(int textShift) {
        return new LiteralSlot(start + textShift, end + textShift, column, value);
    }

    /** Span and column only: the value is plaintext of an encrypted column. */
    @Override
    public String toString() {
        return "LiteralSlot[" + start + ".." + end + ", column=" + column.name() + "]";
    }
}
