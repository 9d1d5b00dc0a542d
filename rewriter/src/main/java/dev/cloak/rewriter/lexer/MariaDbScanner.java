package dev.cloak.rewriter.lexer;

import java.util.Locale;
import java.util.Set;

/**
 * MariaDB's scanner ({@code Lex_input_stream::lex_one_token} in {@code sql/sql_lex.cc}, 10.11) for a UTF-8
 * session. {@code #} and {@code -- } (two dashes and white space or a control character) start line comments
 * that end at a line feed; block comments do not nest; {@code /*!}, {@code /*!NNNNN} and {@code /*M!} open
 * comments whose content the server runs; backslashes escape in strings unless {@code NO_BACKSLASH_ESCAPES};
 * {@code "..."} is a string unless {@code ANSI_QUOTES}; adjacent string literals are one.
 */
final class MariaDbScanner extends Scanner {

    /** Character set names an introducer ({@code _latin1'...'}) may name. */
    private static final Set<String> CHARSETS = Set.of("armscii8", "ascii", "big5", "binary", "cp1250", "cp1251",
            "cp1256", "cp1257", "cp850", "cp852", "cp866", "cp932", "dec8", "eucjpms", "euckr", "gb2312", "gbk",
            "geostd8", "greek", "hebrew", "hp8", "keybcs2", "koi8r", "koi8u", "latin1", "latin2", "latin5", "latin7",
            "macce", "macroman", "sjis", "swe7", "tis620", "ucs2", "ujis", "utf16", "utf16le", "utf32", "utf8",
            "utf8mb3", "utf8mb4");

    private final boolean backslashEscapes;
    private final boolean ansiQuotes;
    private final boolean oracle;
    private boolean inExecutableComment;

    MariaDbScanner(String sql, boolean noBackslashEscapes, boolean ansiQuotes, boolean oracle) {
        super(sql);
        this.backslashEscapes = !noBackslashEscapes;
        this.ansiQuotes = ansiQuotes;
        this.oracle = oracle;
    }

    @Override
    void step() {
        int c = sql.charAt(pos);
        int next = at(pos + 1);
        if (isSpace(c)) {
            pos++;
        } else if (c == 0) {
            // a NUL ends the statement for the server's parser
            emit(TokenForm.NUL, pos, pos + 1);
        } else if (c == '#') {
            emit(TokenForm.HASH_COMMENT, pos, lineEnd(pos));
        } else if (c == '-' && next == '-' && (pos + 2 >= length || isSpace(at(pos + 2)) || isControl(at(pos + 2)))) {
            emit(TokenForm.DASH_COMMENT, pos, lineEnd(pos));
        } else if (c == '/' && next == '*') {
            comment();
        } else if (c == '*' && next == '/' && inExecutableComment) {
            inExecutableComment = false;
            emit(TokenForm.EXECUTABLE_COMMENT_END, pos, pos + 2);
        } else if (c == '\'') {
            string(TokenForm.QUOTED_STRING, pos, pos);
        } else if (c == '"') {
            if (ansiQuotes) {
                delimited(TokenForm.DOUBLE_QUOTED_IDENTIFIER, pos, pos);
            } else {
                string(TokenForm.DOUBLE_QUOTED_STRING, pos, pos);
            }
        } else if (c == '`') {
            delimited(TokenForm.BACKQUOTED_IDENTIFIER, pos, pos);
        } else if (isLetter(c, 'n') && next == '\'') {
            string(TokenForm.NATIONAL_STRING, pos, pos + 1);
        } else if (isLetter(c, 'x') && next == '\'') {
            digits(TokenForm.HEX_STRING, "0123456789abcdefABCDEF");
        } else if (isLetter(c, 'b') && next == '\'') {
            digits(TokenForm.BIT_STRING, "01");
        } else if (c == '?') {
            emit(TokenForm.PLACEHOLDER, pos, pos + 1);
        } else if (c == ';') {
            emit(TokenForm.SEMICOLON, pos, pos + 1);
        } else if (c == ':' && oracle && (isIdentChar(next))) {
            int i = pos + 1;
            while (isIdentChar(at(i))) {
                i++;
            }
            emit(TokenForm.NAMED_PLACEHOLDER, pos, i);
        } else if (isDigit(c)) {
            numberOrIdentifier();
        } else if (c == '.' && isDigit(next)) {
            number(pos + 1);
        } else if (isIdentChar(c)) {
            word(pos);
        } else {
            emit(TokenForm.OPERATOR, pos, pos + 1);
        }
    }

    @Override
    void finish() {
        introducersAndJoins();
        if (inExecutableComment) {
            // "Unbalanced comments with a missing '*' '/' are a syntax error"
            fail(TokenForm.EXECUTABLE_COMMENT, length);
        }
    }

    /** {@code my_isspace} of the UTF-8 character sets: tab, line feed, vertical tab, form feed, return, space. */
    static boolean isSpace(int c) {
        return c >= 0x09 && c <= 0x0d || c == ' ';
    }

    static boolean isControl(int c) {
        return c >= 0 && c < 0x20 || c == 0x7f;
    }

    /** {@code ident_map} of the UTF-8 character sets: letters, digits, {@code _}, {@code $} and all non-ASCII. */
    static boolean isIdentChar(int c) {
        return isAsciiLetter(c) || isDigit(c) || c == '_' || c == '$' || c >= 0x80;
    }

    private int lineEnd(int from) {
        int i = from;
        while (i < length && sql.charAt(i) != '\n' && sql.charAt(i) != 0) {
            i++;
        }
        return i;
    }

    private void comment() {
        boolean mariaOnly = at(pos + 2) == 'M' && at(pos + 3) == '!';
        if (at(pos + 2) == '!' || mariaOnly) {
            int p = pos + (mariaOnly ? 4 : 3);
            int digits = 0;
            while (digits < 6 && isDigit(at(p + digits))) {
                digits++;
            }
            if (digits >= 5) {
                long version = Long.parseLong(sql.substring(p, p + digits));
                // MariaDB ignores MySQL 5.7+ versioned comments; newer servers than the text's version run it
                if (!mariaOnly && digits == 5 && version >= 50700) {
                    consumeComment(TokenForm.VERSION_COMMENT, p + digits, true);
                    return;
                }
                p += digits;
            }
            inExecutableComment = true;
            emit(TokenForm.EXECUTABLE_COMMENT, pos, p);
            return;
        }
        consumeComment(at(pos + 2) == '+' ? TokenForm.HINT_COMMENT : TokenForm.BLOCK_COMMENT, pos + 2, false);
    }

    /** Scans to the first {@code *}{@code /}; a skipped version comment may hold one plain comment inside. */
    private void consumeComment(TokenForm form, int from, boolean oneNestedComment) {
        int i = from;
        while (i < length) {
            if (oneNestedComment && sql.startsWith("/*", i)) {
                int inner = sql.indexOf("*/", i + 2);
                if (inner < 0) {
                    break;
                }
                i = inner + 2;
            } else if (sql.startsWith("*/", i)) {
                emit(form, pos, i + 2);
                return;
            } else {
                i++;
            }
        }
        fail(form, pos);
    }

    /** {@code get_text}: a backslash takes the next character along (unless disabled); a doubled quote is one. */
    private void string(TokenForm form, int start, int quote) {
        char q = sql.charAt(quote);
        int i = quote + 1;
        while (i < length) {
            char c = sql.charAt(i);
            if (c == '\\' && backslashEscapes) {
                if (i + 1 >= length) {
                    break;
                }
                i += 2;
            } else if (c == q && at(i + 1) == q) {
                i += 2;
            } else if (c == q) {
                emit(form, start, i + 1);
                return;
            } else {
                i++;
            }
        }
        fail(form, start);
    }

    /** {@code X'...'} and {@code B'...'}: only the given digits, then a closing quote. */
    private void digits(TokenForm form, String allowed) {
        int i = pos + 2;
        while (i < length && allowed.indexOf(sql.charAt(i)) >= 0) {
            i++;
        }
        if (at(i) != '\'') {
            fail(form, pos);
            return;
        }
        emit(form, pos, i + 1);
    }

    /** {@code MY_LEX_NUMBER_IDENT}: a number, or an identifier that starts with digits ({@code 1abc}). */
    private void numberOrIdentifier() {
        int c = sql.charAt(pos);
        int next = at(pos + 1);
        if (c == '0' && (next == 'x' || next == 'b')) {
            String allowed = next == 'x' ? "0123456789abcdefABCDEF" : "01";
            int i = pos + 2;
            while (i < length && allowed.indexOf(sql.charAt(i)) >= 0) {
                i++;
            }
            if (i - pos >= 3 && !isIdentChar(at(i))) {
                emit(TokenForm.NUMBER, pos, i);
            } else {
                word(pos);
            }
            return;
        }
        int i = pos;
        while (isDigit(at(i))) {
            i++;
        }
        if (!isIdentChar(at(i))) {
            if (at(i) == '.' && at(i + 1) != '.') {
                number(i + 1);
            } else {
                emit(TokenForm.NUMBER, pos, i);
            }
            return;
        }
        if (isLetter(at(i), 'e')) {
            int j = i + 1;
            if (at(j) == '+' || at(j) == '-') {
                j++;
            }
            if (isDigit(at(j))) {
                while (isDigit(at(j))) {
                    j++;
                }
                emit(TokenForm.NUMBER, pos, j);
                return;
            }
        }
        word(pos);
    }

    /** The fraction and exponent of a number whose digits before the point end before {@code from}. */
    private void number(int from) {
        int i = from;
        while (isDigit(at(i))) {
            i++;
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

    private void word(int start) {
        int i = start;
        while (isIdentChar(at(i))) {
            i++;
        }
        emit(TokenForm.WORD, start, i);
    }

    /**
     * {@code _charset} before a literal (white space and comments may come between) is an introducer: the two
     * become one token. A string right after another one (again across white space and comments) is joined to it.
     */
    private void introducersAndJoins() {
        for (int t = 0; t < tokens.size(); t++) {
            SqlToken token = tokens.get(t);
            int literal = nextNonComment(t);
            if (token.form() == TokenForm.WORD && isIntroducer(token) && literal > 0) {
                TokenForm form = tokens.get(literal).form();
                if (form == TokenForm.QUOTED_STRING || form == TokenForm.DOUBLE_QUOTED_STRING
                        || form == TokenForm.HEX_STRING || form == TokenForm.BIT_STRING) {
                    SqlToken merged = new SqlToken(TokenForm.INTRODUCED_STRING, token.start(),
                            tokens.get(literal).end(), false);
                    tokens.remove(literal);
                    tokens.set(t, merged);
                }
            }
        }
        for (int t = 0; t < tokens.size(); t++) {
            SqlToken token = tokens.get(t);
            int after = nextNonComment(t);
            if (after > 0 && joinsNext(token.form()) && (tokens.get(after).form() == TokenForm.QUOTED_STRING
                    || tokens.get(after).form() == TokenForm.DOUBLE_QUOTED_STRING)) {
                SqlToken next = tokens.get(after);
                tokens.set(after, new SqlToken(next.form(), next.start(), next.end(), true));
            }
        }
    }

    private static boolean joinsNext(TokenForm form) {
        return form == TokenForm.QUOTED_STRING || form == TokenForm.DOUBLE_QUOTED_STRING
                || form == TokenForm.NATIONAL_STRING || form == TokenForm.INTRODUCED_STRING;
    }

    private boolean isIntroducer(SqlToken word) {
        return sql.charAt(word.start()) == '_' && word.end() - word.start() > 1
                && CHARSETS.contains(sql.substring(word.start() + 1, word.end()).toLowerCase(Locale.ROOT));
    }

    /** The index of the first token after {@code t} that is not a comment, or -1. */
    private int nextNonComment(int t) {
        for (int i = t + 1; i < tokens.size(); i++) {
            if (tokens.get(i).kind() != TokenKind.COMMENT) {
                return i;
            }
        }
        return -1;
    }
}
