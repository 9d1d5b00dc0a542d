package dev.cloak.rewriter.lexer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;
import net.sf.jsqlparser.parser.CCJSqlParserConstants;
import net.sf.jsqlparser.parser.CCJSqlParserTokenManager;
import net.sf.jsqlparser.parser.Token;

/**
 * How JSqlParser scans a text: its token manager's tokens (the parser reads exactly these, in this order), with
 * the comments it keeps as special tokens, each placed at its span in the text. JSqlParser's grammar has no
 * lexical states, so this stream is the one a parse of the same text consumes.
 */
public final class ParserReading {

    private static final int QUESTION_MARK = JdbcParameterTokens.kindOf("\"?\"");
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}\\p{M}_$#@]+");

    private final List<SqlToken> tokens;
    private final boolean complete;

    private ParserReading(List<SqlToken> tokens, boolean complete) {
        this.tokens = List.copyOf(tokens);
        this.complete = complete;
    }

    /**
     * Scans {@code sql} with JSqlParser's token manager (its default features, as the parser uses them), reading
     * {@code ?} as the parses do ({@link JdbcParameterTokens}).
     */
    public static ParserReading of(String sql) {
        List<SqlToken> tokens = new ArrayList<>();
        int[] pos = {0};
        try {
            CCJSqlParserTokenManager manager = JdbcParameterTokens.scanner(sql);
            while (true) {
                Token token = manager.getNextToken();
                Deque<Token> specials = new ArrayDeque<>();
                for (Token special = token.specialToken; special != null; special = special.specialToken) {
                    specials.push(special);
                }
                for (Token special : specials) {
                    if (!place(sql, pos, special, tokens)) {
                        return new ParserReading(tokens, false);
                    }
                }
                if (token.kind == CCJSqlParserConstants.EOF) {
                    while (pos[0] < sql.length() && isSkipped(sql.charAt(pos[0]))) {
                        pos[0]++;
                    }
                    return new ParserReading(tokens, pos[0] == sql.length());
                }
                if (!place(sql, pos, token, tokens)) {
                    return new ParserReading(tokens, false);
                }
            }
        } catch (RuntimeException | Error scanError) {
            // a character JSqlParser cannot scan (its exception quotes the text: never passed on)
            return new ParserReading(tokens, false);
        }
    }

    /** JSqlParser's tokens with spans and the construct each maps to ({@link TokenForm#OPERATOR} for the rest). */
    public List<SqlToken> tokens() {
        return tokens;
    }

    /** Whether JSqlParser scanned the whole text and every token was found where it says. */
    public boolean complete() {
        return complete;
    }

    private static boolean place(String sql, int[] pos, Token token, List<SqlToken> tokens) {
        String image = token.image;
        if (image == null || image.isEmpty()) {
            return false;
        }
        int at = pos[0];
        while (!sql.startsWith(image, at)) {
            if (at >= sql.length() || !isSkipped(sql.charAt(at))) {
                return false;
            }
            at++;
        }
        int end = at + image.length();
        if (token.kind == CCJSqlParserConstants.S_HEX && image.indexOf('\'') >= 0) {
            // X'..' swallows the blanks after it
            int trimmed = end;
            while (trimmed > at && sql.charAt(trimmed - 1) == ' ') {
                trimmed--;
            }
            tokens.add(new SqlToken(TokenForm.HEX_STRING, at, trimmed, false));
        } else {
            tokens.add(new SqlToken(formOf(token, image), at, end, false));
        }
        pos[0] = end;
        return true;
    }

    private static TokenForm formOf(Token token, String image) {
        int kind = token.kind;
        if (kind == CCJSqlParserConstants.S_CHAR_LITERAL) {
            return TokenForm.QUOTED_STRING;
        }
        if (kind == CCJSqlParserConstants.S_QUOTED_IDENTIFIER) {
            return TokenForm.DOUBLE_QUOTED_IDENTIFIER;
        }
        if (kind == CCJSqlParserConstants.LINE_COMMENT) {
            return TokenForm.DASH_COMMENT;
        }
        if (kind == CCJSqlParserConstants.MULTI_LINE_COMMENT) {
            return TokenForm.BLOCK_COMMENT;
        }
        if (kind == CCJSqlParserConstants.ST_SEMICOLON) {
            return TokenForm.SEMICOLON;
        }
        if (kind == QUESTION_MARK || kind == CCJSqlParserConstants.S_PARAMETER) {
            return TokenForm.PLACEHOLDER;
        }
        if (kind == CCJSqlParserConstants.S_LONG || kind == CCJSqlParserConstants.S_DOUBLE
                || kind == CCJSqlParserConstants.S_HEX) {
            return TokenForm.NUMBER;
        }
        if (WORD.matcher(image).matches()) {
            return TokenForm.WORD;
        }
        return TokenForm.OPERATOR;
    }

    /** JSqlParser's {@code SKIP}: only these four characters are white space to it. */
    private static boolean isSkipped(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }
}
