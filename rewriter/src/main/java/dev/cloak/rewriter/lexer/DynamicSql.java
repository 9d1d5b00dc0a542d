package dev.cloak.rewriter.lexer;

import dev.cloak.rewriter.Dialect;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds statements that make the server run SQL built from a string at run time: MariaDB's and H2's
 * {@code EXECUTE IMMEDIATE} and MariaDB's {@code PREPARE name FROM} with anything but a literal, and
 * PostgreSQL's {@code DO} blocks and function bodies that use {@code EXECUTE}. Such SQL can name a configured
 * table in pieces ({@code CONCAT('pat', 'ients')}) that no scan of the text sees, so Cloak cannot tell whether it
 * writes or compares an encrypted column.
 */
public final class DynamicSql {

    private static final Pattern EXECUTE = Pattern.compile("(?i)(?<![\\p{L}\\p{N}_$])execute(?![\\p{L}\\p{N}_$])");

    /**
     * Functions that run SQL given to them as a string, or read whole tables, schemas or databases named at run
     * time: PostgreSQL's XML exports ({@code query_to_xml('SELECT ssn FROM patients', …)}, {@code
     * table_to_xml('patients'::regclass, …)}, {@code database_to_xml}, …), {@code ts_stat}, {@code dblink} and
     * MariaDB's {@code sys.execute_prepared_stmt}.
     */
    private static final Set<String> TABLE_READERS = Set.of("query_to_xml", "query_to_xmlschema",
            "query_to_xml_and_xmlschema", "table_to_xml", "table_to_xmlschema", "table_to_xml_and_xmlschema",
            "schema_to_xml", "schema_to_xmlschema", "schema_to_xml_and_xmlschema", "database_to_xml",
            "database_to_xmlschema", "database_to_xml_and_xmlschema", "cursor_to_xml", "cursor_to_xmlschema",
            "ts_stat", "dblink", "dblink_exec", "dblink_open", "dblink_fetch", "dblink_send_query",
            "execute_prepared_stmt");

    private DynamicSql() {
    }

    /**
     * The function {@code sql} calls (as {@code dialect} reads it; any dialect when null) that runs SQL or reads
     * tables it is given by name at run time ({@link #TABLE_READERS}), or null: what it returns or writes cannot be
     * told from the text.
     */
    public static String tableReader(String sql, Dialect dialect) {
        if (!mentions(sql, "xml") && !mentions(sql, "ts_stat") && !mentions(sql, "dblink")
                && !mentions(sql, "execute_prepared_stmt")) {
            return null;
        }
        List<Dialect> dialects = dialect == null ? List.of(Dialect.values()) : List.of(dialect);
        for (Dialect each : dialects) {
            for (SqlToken token : SqlLexer.read(sql, each).tokens()) {
                if (token.kind() != TokenKind.WORD && token.kind() != TokenKind.QUOTED_IDENTIFIER) {
                    continue;
                }
                String text = sql.substring(token.start(), token.end());
                if (token.kind() == TokenKind.QUOTED_IDENTIFIER && text.length() >= 2) {
                    text = text.substring(1, text.length() - 1);
                }
                String name = text.toLowerCase(Locale.ROOT);
                if (TABLE_READERS.contains(name)) {
                    return name;
                }
            }
        }
        return null;
    }

    /** Whether {@code sql} runs SQL built at run time, as {@code dialect} reads it (any dialect when null). */
    public static boolean runsBuiltSql(String sql, Dialect dialect) {
        if (!mentions(sql, "execute") && !mentions(sql, "prepare")) {
            return false;
        }
        List<Dialect> dialects = dialect == null ? List.of(Dialect.values()) : List.of(dialect);
        for (Dialect each : dialects) {
            if (runsBuiltSql(sql, SqlLexer.read(sql, each).tokens(), each)) {
                return true;
            }
        }
        return false;
    }

    private static boolean runsBuiltSql(String sql, List<SqlToken> tokens, Dialect dialect) {
        String first = null;
        boolean prepare = false;
        for (int t = 0; t < tokens.size(); t++) {
            SqlToken token = tokens.get(t);
            if (token.kind() == TokenKind.SEMICOLON) {
                first = null;
                prepare = false;
                continue;
            }
            if (token.kind() == TokenKind.COMMENT) {
                continue;
            }
            String word = token.kind() == TokenKind.WORD
                    ? sql.substring(token.start(), token.end()).toLowerCase(Locale.ROOT) : "";
            if (first == null) {
                first = word;
            }
            if (dialect == Dialect.POSTGRESQL) {
                if ((first.equals("do") || first.equals("create")) && token.kind() == TokenKind.STRING
                        && EXECUTE.matcher(sql.substring(token.start(), token.end())).find()) {
                    return true;
                }
                continue;
            }
            if (word.equals("prepare")) {
                prepare = true;
            }
            boolean opensSource = word.equals("immediate") && t > 0 && isWord(sql, tokens.get(t - 1), "execute")
                    || word.equals("from") && prepare;
            if (opensSource && (t + 1 >= tokens.size() || !isLiteralSource(tokens, t + 1))) {
                return true;
            }
            if (word.equals("from")) {
                prepare = false;
            }
        }
        return false;
    }

    /** The source is one string literal, then the statement ends (or {@code USING} follows). */
    private static boolean isLiteralSource(List<SqlToken> tokens, int t) {
        int next = t;
        while (next < tokens.size() && tokens.get(next).kind() == TokenKind.COMMENT) {
            next++;
        }
        if (next >= tokens.size() || tokens.get(next).kind() != TokenKind.STRING) {
            return false;
        }
        int after = next + 1;
        while (after < tokens.size() && tokens.get(after).kind() == TokenKind.COMMENT) {
            after++;
        }
        return after >= tokens.size() || tokens.get(after).kind() == TokenKind.SEMICOLON
                || tokens.get(after).kind() == TokenKind.WORD;
    }

    private static boolean isWord(String sql, SqlToken token, String word) {
        return token.kind() == TokenKind.WORD && sql.substring(token.start(), token.end()).equalsIgnoreCase(word);
    }

    private static boolean mentions(String sql, String word) {
        int n = word.length();
        for (int i = 0; i + n <= sql.length(); i++) {
            if (sql.regionMatches(true, i, word, 0, n)) {
                return true;
            }
        }
        return false;
    }
}
