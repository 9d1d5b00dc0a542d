package dev.cloak.rewriter.lexer;

/**
 * H2's tokenizer ({@code org.h2.command.Tokenizer}, 2.3.232). {@code --} and {@code //} start line comments;
 * block comments nest; strings have no backslash escapes, and a string followed by another across white space
 * and block or {@code //} comments is one string; {@code $$ ... $$} is a string, a lone {@code $} a parameter;
 * {@code [name]} is an identifier in {@code MODE=MSSQLServer} and {@code #} an identifier character there and
 * in {@code MODE=Oracle}. Every character up to the space and every Unicode space separator is white space.
 */
final class H2Scanner extends Scanner {

    private final boolean squareBrackets;
    private final boolean poundIdentifiers;

    H2Scanner(String sql, boolean squareBrackets, boolean poundIdentifiers) {
        super(sql);
        this.squareBrackets = squareBrackets;
        this.poundIdentifiers = poundIdentifiers;
    }

    @Override
    void step() {
        int c = sql.charAt(pos);
        int next = at(pos + 1);
        if (c <= ' ') {
            pos++;
        } else if (c == '-' && next == '-' || c == '/' && next == '/') {
            emit(c == '-' ? TokenForm.DASH_COMMENT : TokenForm.SLASH_COMMENT, pos, lineEnd(pos + 2, true));
        } else if (c == '/' && next == '*') {
            blockComment(pos);
        } else if (c == '\'') {
            string(TokenForm.QUOTED_STRING, pos, pos);
        } else if (isLetter(c, 'n') && next == '\'') {
            string(TokenForm.NATIONAL_STRING, pos, pos + 1);
        } else if (isLetter(c, 'x') && next == '\'') {
            string(TokenForm.HEX_STRING, pos, pos + 1);
        } else if (isLetter(c, 'u') && next == '&' && at(pos + 2) == '\'') {
            string(TokenForm.UNICODE_STRING, pos, pos + 2);
        } else if (isLetter(c, 'u') && next == '&' && at(pos + 2) == '"') {
            delimited(TokenForm.UNICODE_IDENTIFIER, pos, pos + 2);
        } else if (c == '"') {
            delimited(TokenForm.DOUBLE_QUOTED_IDENTIFIER, pos, pos);
        } else if (c == '`') {
            delimited(TokenForm.BACKQUOTED_IDENTIFIER, pos, pos);
        } else if (c == '[' && squareBrackets) {
            int close = sql.indexOf(']', pos + 1);
            if (close < 0) {
                fail(TokenForm.BRACKETED_IDENTIFIER, pos);
            } else {
                emit(TokenForm.BRACKETED_IDENTIFIER, pos, close + 1);
            }
        } else if (c == '$') {
            dollar();
        } else if (c == '?') {
            question();
        } else if (c == ';') {
            emit(TokenForm.SEMICOLON, pos, pos + 1);
        } else if (isDigit(c) || c == '.' && isDigit(next)) {
            number();
        } else if (c == '#' && poundIdentifiers || c != '#' && c != '$' && isIdentifierStart(sql.codePointAt(pos))) {
            int i = pos + Character.charCount(sql.codePointAt(pos));
            while (i < length && isIdentifierPart(sql.codePointAt(i))) {
                i += Character.charCount(sql.codePointAt(i));
            }
            emit(TokenForm.WORD, pos, i);
        } else if (Character.isSpaceChar(sql.codePointAt(pos))) {
            pos += Character.charCount(sql.codePointAt(pos));
        } else if (c == '!' && next != '=' && next != '~' || c == '&' && next != '&' || c == '|' && next != '|'
                || c == '#' || c > 0x7f) {
            emit(TokenForm.OTHER, pos, pos + 1);
        } else {
            emit(TokenForm.OPERATOR, pos, pos + 1);
        }
    }

    private boolean isIdentifierStart(int cp) {
        return Character.isJavaIdentifierStart(cp);
    }

    private boolean isIdentifierPart(int cp) {
        return Character.isJavaIdentifierPart(cp) || cp == '#' && poundIdentifiers;
    }

    /** {@code skipBracketedComment}: nested, and the text must go on after the comment's start. */
    private void blockComment(int start) {
        int end = bracketedCommentEnd(start);
        if (end < 0) {
            fail(TokenForm.BLOCK_COMMENT, start);
        } else {
            emit(at(start + 2) == '+' ? TokenForm.HINT_COMMENT : TokenForm.BLOCK_COMMENT, start, end);
        }
    }

    private int bracketedCommentEnd(int start) {
        int i = start + 2;
        int level = 1;
        while (level > 0) {
            if (i >= length - 1) {
                return -1;
            }
            char c = sql.charAt(i++);
            if (c == '*' && sql.charAt(i) == '/') {
                level--;
                i++;
            } else if (c == '/' && sql.charAt(i) == '*') {
                level++;
                i++;
            }
        }
        return i;
    }

    /**
     * {@code readCharacterString} (and {@code readBinaryString}): {@code ''} stands for a quote; a quote after the
     * closing one, across white space, block and {@code //} comments, continues the literal.
     */
    private void string(TokenForm form, int start, int quote) {
        int partStart = start;
        boolean joined = false;
        int i = quote;
        while (true) {
            int close = sql.indexOf('\'', i + 1);
            while (close >= 0 && at(close + 1) == '\'') {
                if (form == TokenForm.HEX_STRING) {
                    fail(form, partStart);
                    return;
                }
                close = sql.indexOf('\'', close + 2);
            }
            if (close < 0) {
                fail(form, partStart);
                return;
            }
            emit(form, partStart, close + 1, joined);
            int after = skipWhitespaceAndComments(close + 1);
            if (failed() || at(after) != '\'') {
                return;
            }
            partStart = after;
            joined = true;
            i = after;
        }
    }

    /** {@code skipWhitespace}: Java white space, block comments and {@code //} comments (not {@code --}). */
    private int skipWhitespaceAndComments(int from) {
        int i = from;
        while (i < length) {
            int cp = sql.codePointAt(i);
            if (Character.isWhitespace(cp)) {
                i += Character.charCount(cp);
            } else if (cp == '/' && at(i + 1) == '*') {
                int end = bracketedCommentEnd(i);
                if (end < 0) {
                    fail(TokenForm.BLOCK_COMMENT, i);
                    return length;
                }
                emit(TokenForm.BLOCK_COMMENT, i, end);
                i = end;
            } else if (cp == '/' && at(i + 1) == '/') {
                int end = lineEnd(i + 2, true);
                emit(TokenForm.SLASH_COMMENT, i, end);
                i = end;
            } else {
                break;
            }
        }
        return i;
    }

    private void dollar() {
        if (at(pos + 1) == '$') {
            int close = sql.indexOf("$$", pos + 2);
            if (close < 0) {
                fail(TokenForm.DOLLAR_STRING, pos);
            } else {
                emit(TokenForm.DOLLAR_STRING, pos, close + 2);
            }
        } else if (isDigit(at(pos + 1))) {
            int i = pos + 1;
            while (isDigit(at(i))) {
                i++;
            }
            emit(TokenForm.NUMBERED_PLACEHOLDER, pos, i);
        } else {
            emit(TokenForm.DOLLAR_PLACEHOLDER, pos, pos + 1);
        }
    }

    /** {@code ??(} and {@code ??)} are brackets, {@code ?1} a numbered parameter, {@code ?} a parameter. */
    private void question() {
        if (at(pos + 1) == '?' && (at(pos + 2) == '(' || at(pos + 2) == ')')) {
            emit(TokenForm.OPERATOR, pos, pos + 3);
        } else if (isDigit(at(pos + 1))) {
            int i = pos + 1;
            while (isDigit(at(i))) {
                i++;
            }
            emit(TokenForm.NUMBERED_PLACEHOLDER, pos, i);
        } else {
            emit(TokenForm.PLACEHOLDER, pos, pos + 1);
        }
    }

    /** Digits (underscores between them allowed), a fraction, an exponent, a {@code L} suffix; 0x, 0b, 0o. */
    private void number() {
        int i = pos;
        int next = at(pos + 1);
        if (sql.charAt(pos) == '0' && "xXbBoO".indexOf(next) >= 0 && next > 0) {
            i = pos + 2;
            while (Character.isLetterOrDigit(at(i)) || at(i) == '_') {
                i++;
            }
            emit(TokenForm.NUMBER, pos, i);
            return;
        }
        while (isDigit(at(i)) || at(i) == '_') {
            i++;
        }
        if (at(i) == '.') {
            i++;
            while (isDigit(at(i)) || at(i) == '_') {
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
                while (isDigit(at(i)) || at(i) == '_') {
                    i++;
                }
            }
        } else if (isLetter(at(i), 'l')) {
            i++;
        }
        emit(TokenForm.NUMBER, pos, i);
    }
}
