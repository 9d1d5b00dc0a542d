package dev.cloak.rewriter.lexer;

/**
 * Where and why a text cannot be scanned to its end: a string, identifier or comment that is never closed, or a
 * literal the server rejects while scanning.
 *
 * @param form the construct that fails
 * @param at   index where it starts
 */
public record LexFailure(TokenForm form, int at) {

    /** The refusal's words for it. */
    public String describe() {
        return "an unterminated or malformed " + form.description();
    }
}
