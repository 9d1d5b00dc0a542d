package dev.cloak.rewriter.lexer;

import java.util.List;

/**
 * One reading of a text: its tokens in order (comments included, white space left out), and the failure that
 * stopped the scan, if any (then the tokens end before it).
 *
 * @param tokens  the tokens in text order
 * @param failure why the scan stopped early, or {@code null} when it reached the end
 */
public record Reading(List<SqlToken> tokens, LexFailure failure) {

    /** Copies the token list. */
    public Reading {
        tokens = List.copyOf(tokens);
    }

    /** The tokens without the comments: what the server runs, in text order. */
    public List<SqlToken> withoutComments() {
        return tokens.stream().filter(t -> t.kind() != TokenKind.COMMENT).toList();
    }

    /** Counts and spans only. */
    @Override
    public String toString() {
        return "Reading[" + tokens.size() + " tokens" + (failure == null ? "" : ", " + failure) + "]";
    }
}
