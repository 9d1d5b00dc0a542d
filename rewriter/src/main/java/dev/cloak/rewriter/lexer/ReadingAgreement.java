package dev.cloak.rewriter.lexer;

import dev.cloak.rewriter.Dialect;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides whether a text that names a configured table may be planned: the server's readings under every
 * session setting agree ({@link ServerReading}), the text holds nothing the server runs that Cloak's parser
 * skips (executable comments), nothing the server joins that the parser splits (adjacent literals), the JDBC
 * driver finds its parameters and statement boundaries where the server does, and JSqlParser scans every
 * string, quoted identifier, comment, parameter, statement boundary, word and number exactly where the server
 * does. The reason for a refusal names the construct and never quotes the text.
 */
public final class ReadingAgreement {

    private ReadingAgreement() {
    }

    /**
     * Why {@code sql} must not be planned, or {@code null} when every reading agrees.
     *
     * @param dialect the target database's dialect, or {@code null} when unknown (every dialect must agree)
     * @param server  the server's reading of {@code sql} for {@code dialect}
     * @param parser  JSqlParser's reading of {@code sql}
     */
    public static String refusal(String sql, Dialect dialect, ServerReading server, ParserReading parser) {
        String unread = serverAndDriverRefusal(sql, dialect, server);
        if (unread != null) {
            return unread;
        }
        return parserDisagreement(sql, dialect == Dialect.MARIADB ? userVariablesJoined(sql, server.tokens())
                : server.tokens(), parser);
    }

    /**
     * MariaDB's tokens with each user or system variable written {@code @name} or {@code @@name} (the at signs right
     * before the name) as one name, as JSqlParser reads it: the server's grammar takes the at signs and the name for
     * one variable, which holds a plain value.
     */
    private static List<SqlToken> userVariablesJoined(String sql, List<SqlToken> tokens) {
        List<SqlToken> joined = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            int last = i;
            while (last < tokens.size() && last - i < 2 && isAt(sql, tokens.get(last))
                    && (last == i || tokens.get(last - 1).end() == tokens.get(last).start())) {
                last++;
            }
            if (last > i && last < tokens.size() && tokens.get(last).kind() == TokenKind.WORD
                    && tokens.get(last - 1).end() == tokens.get(last).start()) {
                joined.add(new SqlToken(TokenForm.WORD, tokens.get(i).start(), tokens.get(last).end(), false));
                i = last;
            } else {
                joined.add(tokens.get(i));
            }
        }
        return joined;
    }

    private static boolean isAt(String sql, SqlToken token) {
        return token.kind() == TokenKind.OPERATOR && token.end() == token.start() + 1
                && sql.charAt(token.start()) == '@';
    }

    /**
     * What {@link #refusal} finds before it compares JSqlParser's reading: the server's readings disagree, the
     * text holds what only the server runs or joins, or the JDBC driver reads it otherwise. A statement Cloak reads
     * from the server's tokens alone (a {@code DO} block, a MariaDB {@code GRANT}) must pass this much.
     */
    public static String serverAndDriverRefusal(String sql, Dialect dialect, ServerReading server) {
        Objects.requireNonNull(sql, "sql");
        if (server.disagreement() != null) {
            return server.disagreement() + ", and a session can change its settings at any time: "
                    + advice(server.disagreement());
        }
        List<SqlToken> tokens = server.tokens();
        for (SqlToken token : tokens) {
            if (token.kind() == TokenKind.EXECUTABLE) {
                return "it holds an " + token.form().description() + ", whose content MariaDB/MySQL run as SQL"
                        + " while Cloak's parser skips it: remove the comment or write its content as plain SQL";
            }
            if (token.joined()) {
                return "it has a " + token.form().description() + " right after another string literal, which the"
                        + " server joins into one literal while Cloak's parser reads two: write one literal or bind"
                        + " a ? parameter";
            }
            if (token.kind() == TokenKind.NUMBERED_PLACEHOLDER) {
                return "it uses a " + token.form().description() + ", which the JDBC driver and Cloak would number"
                        + " differently: use plain ? parameters";
            }
            if (token.form() == TokenForm.NUL) {
                return "it holds a NUL character, where the server stops reading: remove it";
            }
        }
        if (dialect == Dialect.MARIADB || dialect == null) {
            String multibyte = multibyteHazard(sql, tokens);
            if (multibyte != null) {
                return multibyte;
            }
        }
        return driverDisagreement(sql, dialect, server, tokens);
    }

    private static String advice(String disagreement) {
        if (disagreement.contains("ANSI_QUOTES")) {
            return "write identifiers in backquotes and strings in single quotes, or bind values with ? parameters";
        }
        if (disagreement.contains("backslash")) {
            return "bind the value with a ? parameter (what a backslash means depends on the setting)";
        }
        if (disagreement.contains("unterminated")) {
            return "close every string, quoted identifier and comment";
        }
        return "bind values with ? parameters and use plain SQL quoting";
    }

    /**
     * A non-ASCII character right before a backslash or backquote: a session whose {@code character_set_client}
     * is a multi-byte set (gbk, big5, sjis, cp932, gb18030) reads the UTF-8 bytes of the character together with
     * the backslash or backquote as one character, which moves where strings and identifiers end. What it says in
     * words for a refusal, or null; {@code tokens} are the comments to look past (none: the whole text counts).
     */
    public static String multibyteHazard(String sql, List<SqlToken> tokens) {
        for (int i = 1; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if ((c == '\\' || c == '`') && sql.charAt(i - 1) >= 0x80 && !inComment(tokens, i)) {
                return "a non-ASCII character stands right before a " + (c == '\\' ? "backslash" : "backquote")
                        + ", which a session with a multi-byte character_set_client (gbk, big5, sjis, cp932,"
                        + " gb18030) reads differently: bind the value with a ? parameter or put a space between";
            }
        }
        return null;
    }

    private static boolean inComment(List<SqlToken> tokens, int at) {
        for (SqlToken token : tokens) {
            if (token.kind() == TokenKind.COMMENT && token.start() <= at && at < token.end()) {
                return true;
            }
        }
        return false;
    }

    private static String driverDisagreement(String sql, Dialect dialect, ServerReading server,
                                             List<SqlToken> tokens) {
        List<Integer> placeholders = new ArrayList<>();
        List<Integer> semicolons = new ArrayList<>();
        for (SqlToken token : tokens) {
            if (token.kind() == TokenKind.PLACEHOLDER) {
                placeholders.add(token.start());
            } else if (token.kind() == TokenKind.SEMICOLON) {
                semicolons.add(token.start());
            }
        }
        if (dialect == Dialect.POSTGRESQL || dialect == null) {
            for (boolean conforming : new boolean[] {true, false}) {
                if (dialect != null
                        && !server.readable(LexicalSetting.POSTGRESQL_BACKSLASH_STRINGS, !conforming)) {
                    // the server runs nothing of the text with this setting, whatever the driver sends
                    continue;
                }
                DriverReading pgjdbc = DriverReading.pgjdbc(sql, conforming);
                String why = compare("pgjdbc" + (conforming ? "" : " (with standard_conforming_strings = off)"),
                        pgjdbc.placeholders(), placeholders, "? parameter", sql, tokens);
                if (why == null) {
                    why = compare("pgjdbc", pgjdbc.splits(), semicolons, "statement boundary", sql, tokens);
                }
                if (why != null) {
                    return why;
                }
            }
        }
        if (dialect == Dialect.MARIADB || dialect == null) {
            for (boolean noBackslashEscapes : new boolean[] {false, true}) {
                if (dialect != null
                        && !server.readable(LexicalSetting.MARIADB_NO_BACKSLASH_ESCAPES, noBackslashEscapes)) {
                    continue;
                }
                String why = compare("MariaDB Connector/J"
                                + (noBackslashEscapes ? " (with sql_mode NO_BACKSLASH_ESCAPES)" : ""),
                        DriverReading.connectorJ(sql, noBackslashEscapes).placeholders(), placeholders,
                        "? parameter", sql, tokens);
                if (why != null) {
                    return why;
                }
            }
        }
        return null;
    }

    private static String compare(String driver, List<Integer> driverSees, List<Integer> serverSees, String what,
                                  String sql, List<SqlToken> tokens) {
        if (driverSees.equals(serverSees)) {
            return null;
        }
        int n = Math.min(driverSees.size(), serverSees.size());
        int at = -1;
        for (int i = 0; i < n && at < 0; i++) {
            if (!driverSees.get(i).equals(serverSees.get(i))) {
                at = Math.min(driverSees.get(i), serverSees.get(i));
            }
        }
        if (at < 0) {
            at = driverSees.size() > n ? driverSees.get(n) : serverSees.get(n);
        }
        if (sql.startsWith("??", at)) {
            return "it holds ??, which " + driver + " sends as one literal ? while the server and Cloak's parser see"
                    + " parameters: write the operator another way (for example the jsonb_exists function)";
        }
        SqlToken around = tokenAt(tokens, at);
        String where = around == null || around.kind() == TokenKind.PLACEHOLDER
                || around.kind() == TokenKind.SEMICOLON ? "" : " inside a " + around.form().description();
        return "the JDBC driver (" + driver + ") finds a " + what + " where the server does not, or misses one"
                + where + ": keep ? parameters and semicolons out of comments and quoted text, and bind values"
                + " with ? parameters";
    }

    private static SqlToken tokenAt(List<SqlToken> tokens, int at) {
        for (SqlToken token : tokens) {
            if (token.start() <= at && at < token.end()) {
                return token;
            }
        }
        return null;
    }

    private static String parserDisagreement(String sql, List<SqlToken> server, ParserReading parser) {
        if (!parser.complete()) {
            return "Cloak's SQL parser cannot scan it the way the server does (a character or quoting it does not"
                    + " know): simplify the text and bind values with ? parameters";
        }
        List<SqlToken> mine = structure(server);
        List<SqlToken> theirs = structure(parser.tokens());
        int n = Math.min(mine.size(), theirs.size());
        for (int i = 0; i < n; i++) {
            SqlToken a = mine.get(i);
            SqlToken b = theirs.get(i);
            if (a.start() != b.start() || a.end() != b.end() || a.kind() != b.kind()) {
                return parserMismatch(sql, a.start() <= b.start() ? a : null, a.start() <= b.start() ? null : b);
            }
        }
        if (mine.size() != theirs.size()) {
            return parserMismatch(sql, mine.size() > n ? mine.get(n) : null, theirs.size() > n ? theirs.get(n) : null);
        }
        Map<Integer, SqlToken> words = new HashMap<>();
        for (SqlToken token : server) {
            if (token.kind() == TokenKind.WORD || token.kind() == TokenKind.NUMBER) {
                words.put(token.start(), token);
            }
        }
        for (SqlToken token : parser.tokens()) {
            if (token.kind() == TokenKind.WORD || token.kind() == TokenKind.NUMBER) {
                SqlToken same = words.get(token.start());
                if (same == null || same.end() != token.end()) {
                    return "the server and Cloak's SQL parser split its " + (token.kind() == TokenKind.NUMBER
                            ? "numbers" : "names") + " into tokens differently (a number run into a name, or a"
                            + " character one of them takes for part of a name): put spaces between numbers and names"
                            + " and use plain identifiers";
                }
            }
        }
        return null;
    }

    private static List<SqlToken> structure(List<SqlToken> tokens) {
        List<SqlToken> structural = new ArrayList<>();
        for (SqlToken token : tokens) {
            if (ServerReading.structural(token.kind())) {
                structural.add(token);
            }
        }
        return structural;
    }

    private static String parserMismatch(String sql, SqlToken server, SqlToken parser) {
        String construct;
        if (server != null) {
            construct = "a " + server.form().description();
        } else {
            String text = sql.substring(parser.start(), parser.end());
            if (parser.kind() == TokenKind.SEMICOLON) {
                construct = text.isBlank() ? "three line breaks in a row, which it takes for a statement boundary"
                        : "a line holding only / or go, which it takes for a statement boundary";
            } else if (parser.kind() == TokenKind.COMMENT && text.startsWith("--")) {
                construct = "-- without a blank after it, which it takes for a comment and MariaDB/MySQL for two"
                        + " minus signs";
            } else if (parser.kind() == TokenKind.COMMENT && text.startsWith("//")) {
                construct = "//, which it takes for a comment and the server for an operator";
            } else {
                construct = "text it takes for a " + parserWord(parser.kind());
            }
        }
        return "Cloak's SQL parser does not read " + construct + " as the server does: "
                + (server != null && server.kind() == TokenKind.COMMENT ? "remove the comment"
                : "write strings in plain single quotes, use plain identifiers, put a blank after --, and bind"
                + " values with ? parameters");
    }

    private static String parserWord(TokenKind kind) {
        return switch (kind) {
            case STRING -> "string";
            case QUOTED_IDENTIFIER -> "quoted identifier";
            case COMMENT -> "comment";
            case PLACEHOLDER -> "? parameter";
            default -> "token of its own";
        };
    }
}
