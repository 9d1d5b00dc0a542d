package dev.cloak.rewriter;

import dev.cloak.rewriter.lexer.SqlToken;
import dev.cloak.rewriter.lexer.TokenForm;
import dev.cloak.rewriter.lexer.TokenKind;
import java.util.ArrayList;
import java.util.List;

/**
 * One token of a statement JSqlParser could not parse, as {@link UnparsedUtility} reads it: its kind, its text and
 * its span {@code [start, end)}. It is taken from the server's own reading of the text ({@link #of}), in which
 * comments are what the server ignores; a text with any token a utility statement has no use for (a string, a
 * parameter, an executable comment or hint, an operator other than its punctuation) yields no tokens at all.
 *
 * @param kind  what the token is
 * @param text  the token as written; for a quoted name, the name without its quotes
 * @param start index of the first character
 * @param end   index after the last character
 */
record UtilityToken(Kind kind, String text, int start, int end) {

    /** What a token is. */
    enum Kind {
        /** An unquoted word: a keyword or a name. */
        WORD,
        /** A quoted name. */
        QUOTED_NAME,
        /** An unsigned integer or decimal number. */
        NUMBER,
        /** One punctuation character: {@code ( ) , . ; * = + -}. */
        SYMBOL,
        /** Any other operator ({@code <>}, {@code >=}, {@code ::}): only a condition's part, never a form's own. */
        OPERATOR,
        /** A plain {@code '…'} string: only a condition's part, never a form's own. */
        STRING
    }

    private static final String SYMBOLS = "(),.;*=+-";

    /**
     * The tokens of {@code sql} as the server reads them ({@code serverTokens}, in text order), or null when one of
     * them is something a utility statement does not hold.
     */
    static List<UtilityToken> of(String sql, List<SqlToken> serverTokens) {
        List<UtilityToken> tokens = new ArrayList<>();
        for (SqlToken token : serverTokens) {
            if (token.kind() == TokenKind.COMMENT && token.form() != TokenForm.HINT_COMMENT) {
                continue; // the server ignores it
            }
            String text = sql.substring(token.start(), token.end());
            UtilityToken read = switch (token.form()) {
                case WORD -> new UtilityToken(Kind.WORD, text, token.start(), token.end());
                case NUMBER -> text.matches("[0-9]+(\\.[0-9]+)?")
                        ? new UtilityToken(Kind.NUMBER, text, token.start(), token.end()) : null;
                case OPERATOR, SEMICOLON -> text.length() == 1 && SYMBOLS.indexOf(text.charAt(0)) >= 0
                        ? new UtilityToken(Kind.SYMBOL, text, token.start(), token.end())
                        : new UtilityToken(Kind.OPERATOR, text, token.start(), token.end());
                case QUOTED_STRING -> new UtilityToken(Kind.STRING, text, token.start(), token.end());
                case DOUBLE_QUOTED_IDENTIFIER, BACKQUOTED_IDENTIFIER -> new UtilityToken(Kind.QUOTED_NAME,
                        Identifiers.unquote(text), token.start(), token.end());
                default -> null;
            };
            if (read == null) {
                return null;
            }
            tokens.add(read);
        }
        return tokens;
    }

    boolean isWord(String word) {
        return kind == Kind.WORD && text.equalsIgnoreCase(word);
    }

    boolean isSymbol(char symbol) {
        return kind == Kind.SYMBOL && text.charAt(0) == symbol;
    }

    boolean isName() {
        return kind == Kind.WORD || kind == Kind.QUOTED_NAME;
    }

    /** Kind and span only: a token of an unparsed statement may hold anything. */
    @Override
    public String toString() {
        return kind + "[" + start + ".." + end + "]";
    }
}
