package dev.cloak.rewriter.lexer;

import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL's scanner ({@code src/backend/parser/scan.l}, version 15) applied to a JDBC text: {@code ?} is a
 * parameter as pgjdbc reads it. Backslashes escape in {@code E'...'} strings always and in {@code '...'} strings
 * only with {@code standard_conforming_strings = off}; block comments nest; two string literals separated by
 * white space that includes a line break are one literal (quote continuation).
 */
final class PostgresScanner extends Scanner {

    private static final String SELF_ONLY = ",()[].;:";
    private static final String OP_CHARS = "~!@#^&|`+-*/%<>=";

    private final boolean backslashStrings;

    PostgresScanner(String sql, boolean backslashStrings) {
        super(sql);
        this.backslashStrings = backslashStrings;
    }

    @Override
    void step() {
        int c = sql.charAt(pos);
        int next = at(pos + 1);
        if (isSpace(c)) {
            pos++;
        } else if (c == '-' && next == '-') {
            emit(TokenForm.DASH_COMMENT, pos, lineEnd(pos, true));
        } else if (c == '/' && next == '*') {
            blockComment();
        } else if (isLetter(c, 'e') && next == '\'') {
            string(TokenForm.ESCAPE_STRING, pos, pos + 1, true, true);
        } else if (isLetter(c, 'n') && next == '\'') {
            string(TokenForm.NATIONAL_STRING, pos, pos + 1, backslashStrings, true);
        } else if (isLetter(c, 'b') && next == '\'') {
            string(TokenForm.BIT_STRING, pos, pos + 1, false, false);
        } else if (isLetter(c, 'x') && next == '\'') {
            string(TokenForm.HEX_STRING, pos, pos + 1, false, false);
        } else if (isLetter(c, 'u') && next == '&' && at(pos + 2) == '\'') {
            if (backslashStrings) {
                // "unsafe use of string constant with Unicode escapes"
                fail(TokenForm.UNICODE_STRING, pos);
            } else {
                string(TokenForm.UNICODE_STRING, pos, pos + 2, false, true);
            }
        } else if (isLetter(c, 'u') && next == '&' && at(pos + 2) == '"') {
            delimited(TokenForm.UNICODE_IDENTIFIER, pos, pos + 2);
        } else if (c == '\'') {
            string(TokenForm.QUOTED_STRING, pos, pos, backslashStrings, true);
        } else if (c == '"') {
            delimited(TokenForm.DOUBLE_QUOTED_IDENTIFIER, pos, pos);
        } else if (c == '$') {
            dollar();
        } else if (c == '?') {
            emit(TokenForm.PLACEHOLDER, pos, pos + 1);
        } else if (c == ';') {
            emit(TokenForm.SEMICOLON, pos, pos + 1);
        } else if (isIdentStart(c)) {
            int i = pos + 1;
            while (i < length && isIdentCont(sql.charAt(i))) {
                i++;
            }
            emit(TokenForm.WORD, pos, i);
        } else if (isDigit(c) || c == '.' && isDigit(next)) {
            number();
        } else if (OP_CHARS.indexOf(c) >= 0) {
            operator();
        } else if (SELF_ONLY.indexOf(c) >= 0) {
            emit(TokenForm.OPERATOR, pos, c == ':' && next == ':' ? pos + 2 : pos + 1);
        } else {
            emit(c == 0 ? TokenForm.NUL : TokenForm.OTHER, pos, pos + 1);
        }
    }

    static boolean isSpace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    }

    static boolean isIdentStart(int c) {
        return isAsciiLetter(c) || c == '_' || c >= 0x80;
    }

    static boolean isIdentCont(int c) {
        return isIdentStart(c) || isDigit(c) || c == '$';
    }

    /** Block comments nest: each {@code /*} inside needs its own {@code *}{@code /}. */
    private void blockComment() {
        int depth = 0;
        int i = pos + 2;
        while (i < length) {
            if (sql.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (sql.startsWith("*/", i)) {
                if (depth == 0) {
                    emit(at(pos + 2) == '+' ? TokenForm.HINT_COMMENT : TokenForm.BLOCK_COMMENT, pos, i + 2);
                    return;
                }
                depth--;
                i += 2;
            } else {
                i++;
            }
        }
        fail(TokenForm.BLOCK_COMMENT, pos);
    }

    /**
     * A quoted literal whose opening quote is at {@code quote}, and the parts the server joins to it. A backslash
     * takes the next character along when {@code backslash}; {@code doubling} lets {@code ''} stand for a quote.
     */
    private void string(TokenForm form, int start, int quote, boolean backslash, boolean doubling) {
        int partStart = start;
        boolean joined = false;
        int i = quote + 1;
        while (i < length) {
            char c = sql.charAt(i);
            if (backslash && c == '\\') {
                i += 2;
            } else if (c == '\'' && doubling && at(i + 1) == '\'') {
                i += 2;
            } else if (c == '\'') {
                emit(form, partStart, i + 1, joined);
                int continued = continuation(i + 1);
                if (continued < 0) {
                    return;
                }
                partStart = continued;
                joined = true;
                i = continued + 1;
            } else {
                i++;
            }
        }
        fail(form, partStart);
    }

    /**
     * Where the next part of a string starts when white space with a line break (and {@code --} comments) and then
     * a quote follow {@code from} ({@code whitespace_with_newline} in scan.l), else -1. Comments on the way are
     * emitted as tokens.
     */
    private int continuation(int from) {
        List<int[]> comments = new ArrayList<>();
        int i = from;
        while (true) {
            int c = at(i);
            if (c == ' ' || c == '\t' || c == '\f') {
                i++;
            } else if (c == '-' && at(i + 1) == '-') {
                int end = lineEnd(i, true);
                comments.add(new int[] {i, end});
                i = end;
            } else {
                break;
            }
        }
        if (at(i) != '\n' && at(i) != '\r') {
            return -1;
        }
        i++;
        while (true) {
            int c = at(i);
            if (isSpace(c)) {
                i++;
            } else if (c == '-' && at(i + 1) == '-' && lineEnd(i, true) < length) {
                int end = lineEnd(i, true);
                comments.add(new int[] {i, end});
                i = end + 1;
            } else {
                break;
            }
        }
        if (at(i) != '\'') {
            return -1;
        }
        for (int[] comment : comments) {
            emit(TokenForm.DASH_COMMENT, comment[0], comment[1]);
        }
        return i;
    }

    /** {@code $1} (a numbered parameter), {@code $tag$ ... $tag$} and {@code $$ ... $$}, or a lone {@code $}. */
    private void dollar() {
        int next = at(pos + 1);
        if (isDigit(next)) {
            int i = pos + 1;
            while (isDigit(at(i))) {
                i++;
            }
            emit(TokenForm.NUMBERED_PLACEHOLDER, pos, i);
            return;
        }
        int i = pos + 1;
        if (isIdentStart(next)) {
            i++;
            while (i < length && isIdentStart(sql.charAt(i)) || isDigit(at(i))) {
                i++;
            }
        }
        if (at(i) != '$') {
            emit(TokenForm.OTHER, pos, pos + 1);
            return;
        }
        String tag = sql.substring(pos, i + 1);
        int close = sql.indexOf(tag, i + 1);
        if (close < 0) {
            fail(TokenForm.DOLLAR_STRING, pos);
            return;
        }
        emit(TokenForm.DOLLAR_STRING, pos, close + tag.length());
    }

    private void number() {
        int i = pos;
        while (isDigit(at(i))) {
            i++;
        }
        if (at(i) == '.' && at(i + 1) != '.') {
            i++;
            while (isDigit(at(i))) {
                i++;
            }
        }
        if (isLetter(at(i), 'e')) {
            int j = i + 1;
            if (at(j) == '+' || at(j) == '-') {
                j++;
            }
            if (isDigit(at(j))) {
                i = j;
                while (isDigit(at(i))) {
                    i++;
                }
            }
        }
        emit(TokenForm.NUMBER, pos, i);
    }

    /** A run of operator characters, cut before a comment start ({@code --} or {@code /*}) inside it. */
    private void operator() {
        int i = pos + 1;
        while (i < length && OP_CHARS.indexOf(sql.charAt(i)) >= 0
                && !sql.startsWith("--", i) && !sql.startsWith("/*", i)) {
            i++;
        }
        emit(TokenForm.OPERATOR, pos, i);
    }
}
