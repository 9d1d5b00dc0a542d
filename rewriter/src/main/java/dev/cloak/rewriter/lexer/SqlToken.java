package dev.cloak.rewriter.lexer;

/**
 * One token of a reading: its construct and its span {@code [start, end)} in the text. {@code joined} marks a
 * string literal the server joins to the string before it (PostgreSQL's quote continuation over a line break,
 * MariaDB's and H2's adjacent literals); it is reported as a token of its own so spans stay exact.
 *
 * @param form   the construct
 * @param start  index of the first character
 * @param end    index after the last character
 * @param joined whether the server joins this string to the previous one
 */
public record SqlToken(TokenForm form, int start, int end, boolean joined) {

    /** The coarse class of {@link #form()}. */
    public TokenKind kind() {
        return form.kind();
    }

    /** Span and construct only: a token may hold plaintext. */
    @Override
    public String toString() {
        return form + "[" + start + ".." + end + (joined ? ", joined" : "") + "]";
    }
}
