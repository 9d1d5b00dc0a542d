package dev.cloak.rewriter.lexer;

import dev.cloak.rewriter.Dialect;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The value the server gives a string literal: escapes, doubled quotes, prefixes and introducers decoded as
 * the dialect decodes them, under every combination of the session settings that could change it. A literal
 * whose value depends on a setting (a backslash on MariaDB, or in a PostgreSQL {@code '...'} string) or that this
 * class cannot decode exactly has no value here, and its caller must refuse it rather than guess.
 */
public final class StringLiterals {

    private StringLiterals() {
    }

    /**
     * The value of one string literal as JSqlParser hands it over (its prefix and the raw text between its
     * quotes), or {@code null} when the value is not the same under every setting of {@code dialect} (every
     * dialect when {@code null}) or cannot be decoded exactly.
     */
    public static String value(String prefix, String raw, Dialect dialect) {
        return value((prefix == null ? "" : prefix) + "'" + raw + "'", dialect);
    }

    /**
     * The value of {@code literal}, the whole text of one string literal (a {@code U&'...'} literal may carry its
     * {@code UESCAPE 'c'} clause), or {@code null} as for {@link #value(String, String, Dialect)}.
     */
    public static String value(String literal, Dialect dialect) {
        List<Dialect> dialects = dialect == null ? List.of(Dialect.values()) : List.of(dialect);
        String agreed = null;
        for (Dialect each : dialects) {
            for (Set<LexicalSetting> settings : LexicalSetting.combinations(each)) {
                Reading reading = SqlLexer.read(literal, each, settings);
                if (reading.failure() != null && reading.tokens().isEmpty()) {
                    // the server rejects the literal under these settings (U&'' without standard strings): no value
                    continue;
                }
                String value = decode(literal, reading, each, settings);
                if (value == null || agreed != null && !agreed.equals(value)) {
                    return null;
                }
                agreed = value;
            }
        }
        return agreed;
    }

    private static String decode(String text, Reading reading, Dialect dialect, Set<LexicalSetting> settings) {
        List<SqlToken> tokens = reading.tokens();
        if (reading.failure() != null || tokens.isEmpty()) {
            return null;
        }
        SqlToken token = tokens.get(0);
        if (token.start() != 0 || token.kind() != TokenKind.STRING || token.joined()) {
            return null;
        }
        int escape = '\\';
        if (tokens.size() == 3 && token.form() == TokenForm.UNICODE_STRING) {
            escape = uescape(text, tokens.get(1), tokens.get(2));
            if (escape < 0) {
                return null;
            }
        } else if (tokens.size() != 1) {
            return null;
        }
        if (token.end() != text.length() && tokens.size() == 1) {
            return null;
        }
        String body = text.substring(text.indexOf(quoteOf(token.form()), token.start()) + 1, token.end() - 1);
        return switch (token.form()) {
            case QUOTED_STRING, NATIONAL_STRING -> plain(body, dialect, settings, '\'');
            case DOUBLE_QUOTED_STRING -> plain(body, dialect, settings, '"');
            case ESCAPE_STRING -> dialect == Dialect.POSTGRESQL ? postgresEscapes(body) : null;
            case UNICODE_STRING -> unicodeEscapes(body.replace("''", "'"), escape);
            case DOLLAR_STRING -> dollarBody(text, token);
            case INTRODUCED_STRING -> introduced(text, token, dialect, settings);
            default -> null;
        };
    }

    private static char quoteOf(TokenForm form) {
        return form == TokenForm.DOUBLE_QUOTED_STRING ? '"' : '\'';
    }

    private static String plain(String body, Dialect dialect, Set<LexicalSetting> settings, char quote) {
        return switch (dialect) {
            case POSTGRESQL -> settings.contains(LexicalSetting.POSTGRESQL_BACKSLASH_STRINGS)
                    ? postgresEscapes(body) : body.replace("''", "'");
            case MARIADB -> settings.contains(LexicalSetting.MARIADB_NO_BACKSLASH_ESCAPES)
                    ? body.replace(String.valueOf(quote) + quote, String.valueOf(quote)) : mariaDbEscapes(body, quote);
            case H2 -> body.replace("''", "'");
        };
    }

    /** MariaDB's {@code my_unescape}: C-like escapes; {@code \%} and {@code \_} keep their backslash. */
    private static String mariaDbEscapes(String body, char quote) {
        StringBuilder out = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\' && i + 1 < body.length()) {
                char e = body.charAt(++i);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'b' -> out.append('\b');
                    case '0' -> out.append('\0');
                    case 'Z' -> out.append('\032');
                    case '_', '%' -> out.append('\\').append(e);
                    default -> out.append(e);
                }
            } else if (c == quote && i + 1 < body.length() && body.charAt(i + 1) == quote) {
                out.append(quote);
                i++;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * PostgreSQL's {@code E'...'} escapes. Octal and hex escapes that make a non-ASCII byte, and {@code \v} (a
     * vertical tab from version 16 on, a {@code v} before), have no single value here.
     */
    private static String postgresEscapes(String body) {
        StringBuilder out = new StringBuilder(body.length());
        int i = 0;
        while (i < body.length()) {
            char c = body.charAt(i);
            if (c == '\'' && i + 1 < body.length() && body.charAt(i + 1) == '\'') {
                out.append('\'');
                i += 2;
                continue;
            }
            if (c != '\\' || i + 1 >= body.length()) {
                out.append(c);
                i++;
                continue;
            }
            char e = body.charAt(i + 1);
            if (e >= '0' && e <= '7') {
                int end = i + 1;
                int code = 0;
                while (end < body.length() && end < i + 4 && body.charAt(end) >= '0' && body.charAt(end) <= '7') {
                    code = code * 8 + body.charAt(end) - '0';
                    end++;
                }
                if (code == 0 || code >= 0x80) {
                    return null;
                }
                out.append((char) code);
                i = end;
            } else if (e == 'x' && i + 2 < body.length() && Character.digit(body.charAt(i + 2), 16) >= 0) {
                int end = i + 2;
                int code = 0;
                while (end < body.length() && end < i + 4 && Character.digit(body.charAt(end), 16) >= 0) {
                    code = code * 16 + Character.digit(body.charAt(end), 16);
                    end++;
                }
                if (code == 0 || code >= 0x80) {
                    return null;
                }
                out.append((char) code);
                i = end;
            } else if (e == 'u' || e == 'U') {
                int digits = e == 'u' ? 4 : 8;
                int code = hex(body, i + 2, digits);
                if (code <= 0 || code > Character.MAX_CODE_POINT || Character.isSurrogate((char) code)
                        && code <= 0xFFFF) {
                    return null;
                }
                out.appendCodePoint(code);
                i += 2 + digits;
            } else if (e == 'v') {
                return null;
            } else {
                out.append(switch (e) {
                    case 'b' -> '\b';
                    case 'f' -> '\f';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    default -> e;
                });
                i += 2;
            }
        }
        return out.toString();
    }

    /** {@code U&'...'}: {@code cXXXX} and {@code c+XXXXXX} are code points, {@code cc} is {@code c}. */
    static String unicodeEscapes(String body, int escape) {
        StringBuilder out = new StringBuilder(body.length());
        int i = 0;
        while (i < body.length()) {
            char c = body.charAt(i);
            if (c != escape) {
                out.append(c);
                i++;
            } else if (i + 1 < body.length() && body.charAt(i + 1) == escape) {
                out.append(c);
                i += 2;
            } else {
                boolean six = i + 1 < body.length() && body.charAt(i + 1) == '+';
                int digits = six ? 6 : 4;
                int code = hex(body, i + (six ? 2 : 1), digits);
                if (code <= 0 || code > Character.MAX_CODE_POINT || code >= 0xD800 && code <= 0xDFFF) {
                    return null;
                }
                out.appendCodePoint(code);
                i += (six ? 2 : 1) + digits;
            }
        }
        return out.toString();
    }

    private static int hex(String s, int from, int digits) {
        if (from + digits > s.length()) {
            return -1;
        }
        int code = 0;
        for (int k = from; k < from + digits; k++) {
            int d = Character.digit(s.charAt(k), 16);
            if (d < 0) {
                return -1;
            }
            code = code * 16 + d;
        }
        return code;
    }

    /** The escape character of {@code UESCAPE 'c'}, or -1 when the two tokens are not that clause. */
    private static int uescape(String text, SqlToken keyword, SqlToken literal) {
        if (!text.substring(keyword.start(), keyword.end()).equalsIgnoreCase("UESCAPE")
                || literal.form() != TokenForm.QUOTED_STRING || literal.end() != text.length()
                || literal.end() - literal.start() != 3) {
            return -1;
        }
        char c = text.charAt(literal.start() + 1);
        boolean allowed = Character.digit(c, 16) < 0 && c != '+' && c != '\'' && c != '"'
                && !Character.isWhitespace(c);
        return allowed ? c : -1;
    }

    private static String dollarBody(String text, SqlToken token) {
        int tagEnd = text.indexOf('$', token.start() + 1);
        int tagLength = tagEnd - token.start() + 1;
        return text.substring(tagEnd + 1, token.end() - tagLength);
    }

    /** {@code _utf8mb4'...'} and {@code _utf8'...'} (three-byte UTF-8: no characters beyond the BMP). */
    private static String introduced(String text, SqlToken token, Dialect dialect, Set<LexicalSetting> settings) {
        int name = token.start() + 1;
        int nameEnd = name;
        while (nameEnd < token.end() && Character.isLetterOrDigit(text.charAt(nameEnd))) {
            nameEnd++;
        }
        String charset = text.substring(name, nameEnd).toLowerCase(Locale.ROOT);
        if (nameEnd >= token.end() || text.charAt(nameEnd) != '\'' && text.charAt(nameEnd) != '"'
                || !Set.of("utf8", "utf8mb3", "utf8mb4").contains(charset)) {
            return null;
        }
        char quote = text.charAt(nameEnd);
        String value = plain(text.substring(nameEnd + 1, token.end() - 1), dialect, settings, quote);
        if (value != null && !charset.equals("utf8mb4") && value.codePoints().anyMatch(cp -> cp > 0xFFFF)) {
            return null;
        }
        return value;
    }
}
