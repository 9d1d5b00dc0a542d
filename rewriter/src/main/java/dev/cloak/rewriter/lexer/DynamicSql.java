package dev.cloak.rewriter.lexer;

import dev.cloak.rewriter.Dialect;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds statements that make the server run SQL built from a string at run time: MariaDB's and H2's
 * {@code EXECUTE IMMEDIATE} and MariaDB's {@code PREPARE name FROM} with anything but a literal, and
 * PostgreSQL's {@code DO} blocks and function bodies that use {@code EXECUTE}. Such SQL can name a configured
 * table in pieces ({@code CONCAT('pat', 'ients')}) that no scan of the text sees, so Cloak cannot tell whether it
 * writes or compares an encrypted column.
 */
public final class DynamicSql {

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}_$]+");
    private static final Pattern EXECUTE = Pattern.compile("(?i)(?<![\\p{L}\\p{N}_$])execute(?![\\p{L}\\p{N}_$])");

    /** The names pgjdbc gives its server-side prepared statements and portals, quoted as SQL must to reach them. */
    private static final Pattern DRIVER_NAME = Pattern.compile("\"[SC]_[0-9]+\"");

    /** Catalog views and tables that hold sampled column values (PostgreSQL, MariaDB, MySQL). */
    private static final Set<String> STATISTICS_VIEWS = Set.of("pg_stats", "pg_statistic", "pg_stats_ext",
            "pg_stats_ext_exprs", "pg_statistic_ext_data", "column_stats", "column_statistics");

    /** What stands before {@code EXECUTE} as a privilege: {@code GRANT EXECUTE}, {@code REVOKE SELECT, EXECUTE}. */
    private static final Set<String> PRIVILEGE_LIST = Set.of("grant", "revoke", ",");

    /** Statements that name a prepared statement or cursor. */
    private static final Set<String> DRIVER_NAME_USERS = Set.of("prepare", "deallocate", "declare", "close", "move");

    /** A PL/pgSQL {@code FETCH} of a cursor; not a query's {@code FETCH FIRST|NEXT n ROWS ONLY}. */
    private static final Pattern PLPGSQL_FETCH = Pattern.compile("(?i)(?<![\\p{L}\\p{N}_$])fetch(?![\\p{L}\\p{N}_$])"
            + "(?!\\s+(?:first|next)\\b[^;]*?\\brows?\\s+(?:only|with\\s+ties))");

    /**
     * Functions that run SQL given to them as a string, or read whole tables, schemas or databases named at run
     * time: PostgreSQL's XML exports ({@code query_to_xml('SELECT ssn FROM patients', …)}, {@code
     * table_to_xml('patients'::regclass, …)}, {@code database_to_xml}, …), {@code ts_stat}, {@code dblink} and
     * MariaDB's {@code sys.execute_prepared_stmt}, and {@code ts_rewrite}, whose second argument may be a query;
     * tablefunc's {@code crosstab} and {@code connectby}, pageinspect's page readers and the server file readers
     * ({@code pg_read_binary_file(pg_relation_filepath('patients'))} hands back a table's heap pages).
     */
    private static final Set<String> TABLE_READERS = Set.of("query_to_xml", "query_to_xmlschema",
            "query_to_xml_and_xmlschema", "table_to_xml", "table_to_xmlschema", "table_to_xml_and_xmlschema",
            "schema_to_xml", "schema_to_xmlschema", "schema_to_xml_and_xmlschema", "database_to_xml",
            "database_to_xmlschema", "database_to_xml_and_xmlschema", "cursor_to_xml", "cursor_to_xmlschema",
            "ts_stat", "ts_rewrite", "dblink", "dblink_exec", "dblink_open", "dblink_fetch", "dblink_send_query",
            "execute_prepared_stmt", "crosstab", "crosstab2", "crosstab3", "crosstab4", "connectby",
            "get_raw_page", "heap_page_items", "heap_page_item_attrs", "tuple_data_split", "bt_page_items",
            "brin_page_items", "gin_leafpage_items", "gist_page_items", "hash_page_items", "pg_read_file",
            "pg_read_binary_file", "lo_import", "xpath_table", "pg_background_launch");

    /**
     * dblink's functions, every one of which reaches a table named in a string ({@code dblink_build_sql_insert} hands
     * back a row of it as SQL text), and pg_cron's jobs, whose command runs later, past Cloak.
     */
    private static final Pattern TABLE_READER_FAMILIES = Pattern.compile("(?i)(?<![\\p{L}\\p{N}_$])"
            + "(dblink_[\\p{L}\\p{N}_]*|cron\\s*\\.\\s*(?:schedule|schedule_in_database|alter_job))"
            + "(?![\\p{L}\\p{N}_$])");

    private DynamicSql() {
    }

    private static final Set<String> H2_FILES_AND_LINKS = Set.of("runscript", "csvwrite", "csvread", "file_read",
            "file_write", "link_schema", "linked");

    /** The languages whose function bodies Cloak reads as SQL text (the others may build SQL in their own code). */
    private static final Set<String> READABLE_LANGUAGES = Set.of("sql", "plpgsql");

    /**
     * Why a statement that runs SQL held in a string (PostgreSQL's {@code DO} and function bodies, MariaDB's and
     * H2's {@code EXECUTE IMMEDIATE} and {@code PREPARE … FROM}) cannot be read for the names in it: a string the
     * server decodes ({@code E'pat\ients'}, {@code U&'…'}, a backslash in {@code '…'}, which MariaDB reads as an
     * escape, a hex or national string) or a {@code U&"…"} name inside it, a function body in a language other
     * than SQL and PL/pgSQL, or an H2 alias (Java code). Null when there is none: the strings then read as written,
     * and the usual search for configured names sees what they hold.
     */
    public static String opaqueSqlString(String sql, Dialect dialect) {
        if (!mentions(sql, "do") && !mentions(sql, "create") && !mentions(sql, "execute")
                && !mentions(sql, "prepare")) {
            return null;
        }
        List<Dialect> dialects = dialect == null ? List.of(Dialect.values()) : List.of(dialect);
        for (Dialect each : dialects) {
            String reason = opaqueSqlString(sql, SqlLexer.read(sql, each).tokens(), each);
            if (reason != null) {
                return reason;
            }
        }
        return null;
    }

    private static String opaqueSqlString(String sql, List<SqlToken> tokens, Dialect dialect) {
        List<String> words = new ArrayList<>();
        List<SqlToken> strings = new ArrayList<>();
        int start = 0;
        for (int t = 0; t <= tokens.size(); t++) {
            SqlToken token = t < tokens.size() ? tokens.get(t) : null;
            if (token == null || token.kind() == TokenKind.SEMICOLON) {
                String reason = opaqueStatement(sql, words, strings, dialect,
                        sql.substring(start, token == null ? sql.length() : token.start()));
                if (reason != null) {
                    return reason;
                }
                words.clear();
                strings.clear();
                start = token == null ? sql.length() : token.end();
                continue;
            }
            if (token.kind() == TokenKind.WORD) {
                words.add(sql.substring(token.start(), token.end()).toLowerCase(Locale.ROOT));
            } else if (token.kind() == TokenKind.STRING) {
                strings.add(token);
            }
        }
        return null;
    }

    private static String opaqueStatement(String sql, List<String> words, List<SqlToken> strings, Dialect dialect,
                                          String statement) {
        if (words.isEmpty()) {
            return null;
        }
        List<String> head = words.subList(0, Math.min(words.size(), 4));
        boolean function = words.get(0).equals("create") && (head.contains("function")
                || head.contains("procedure"));
        boolean runsString = dialect == Dialect.POSTGRESQL ? words.get(0).equals("do") || function
                : words.get(0).equals("prepare") || words.get(0).equals("execute") && words.size() > 1
                        && words.get(1).equals("immediate");
        if (dialect == Dialect.H2 && words.get(0).equals("create") && head.contains("alias")) {
            return "an H2 alias, whose Java code may build SQL in pieces";
        }
        if (!runsString) {
            return null;
        }
        for (SqlToken string : strings) {
            String text = sql.substring(string.start(), string.end());
            if (string.form() != TokenForm.DOLLAR_STRING
                    && (string.form() != TokenForm.QUOTED_STRING || text.indexOf('\\') >= 0)) {
                return "a string the server decodes (an escape, a backslash, a Unicode, hex or national string)";
            }
        }
        if (mentions(statement, "u&")) {
            return "a U&\"...\" name or U&'...' string inside SQL held in a string";
        }
        if (dialect == Dialect.POSTGRESQL && function) {
            int language = words.indexOf("language");
            if (language >= 0 && language + 1 < words.size()
                    && !READABLE_LANGUAGES.contains(words.get(language + 1))) {
                return "a function body in language " + words.get(language + 1) + ", whose code may build SQL";
            }
        }
        return null;
    }

    /**
     * The function {@code sql} calls (as {@code dialect} reads it; any dialect when null) that runs SQL or reads
     * tables it is given by name at run time ({@link #TABLE_READERS}), or null: what it returns or writes cannot be
     * told from the text.
     */
    public static String tableReader(String sql, Dialect dialect) {
        if (dialect != Dialect.POSTGRESQL && dialect != Dialect.MARIADB) {
            String h2 = h2FileOrLink(sql);
            if (h2 != null) {
                return h2;
            }
        }
        if (!mentions(sql, "xml") && !mentions(sql, "ts_") && !mentions(sql, "dblink")
                && !mentions(sql, "execute_prepared_stmt") && !mentions(sql, "crosstab")
                && !mentions(sql, "connectby") && !mentions(sql, "page") && !mentions(sql, "tuple_data")
                && !mentions(sql, "read_file") && !mentions(sql, "read_binary") && !mentions(sql, "lo_import")
                && !mentions(sql, "xpath") && !mentions(sql, "background") && !mentions(sql, "cron")) {
            return null;
        }
        // the whole text, strings and comments included: a function defined here may call one in its body
        String reader = firstWordIn(sql, TABLE_READERS);
        if (reader != null) {
            return reader;
        }
        Matcher family = TABLE_READER_FAMILIES.matcher(sql);
        return family.find() ? family.group(1).replaceAll("\\s", "").toLowerCase(Locale.ROOT) : null;
    }

    /** The first word of {@code sql} (strings and comments included), in lower case, that {@code names} holds. */
    private static String firstWordIn(String sql, Set<String> names) {
        Matcher words = WORD.matcher(sql);
        while (words.find()) {
            String name = words.group().toLowerCase(Locale.ROOT);
            if (names.contains(name)) {
                return name;
            }
        }
        return null;
    }

    /**
     * Whether {@code sql} runs a statement MariaDB holds prepared by name: {@code EXECUTE s [USING …]} anywhere, as a
     * statement, in a procedure's body or a handler; not {@code EXECUTE IMMEDIATE '…'}, whose text is in the
     * statement, nor the privilege ({@code GRANT EXECUTE ON …}). Cloak read the prepared text when it was prepared,
     * but the server resolves its names again at each {@code EXECUTE}: a table it names may since have been
     * replaced by a view over a configured table, whose cells it would then write in clear or hand back raw.
     */
    public static boolean executesPreparedByName(String sql) {
        if (!mentions(sql, "execute")) {
            return false;
        }
        List<SqlToken> tokens = SqlLexer.read(sql, Dialect.MARIADB).withoutComments();
        for (int i = 0; i + 1 < tokens.size(); i++) {
            SqlToken next = tokens.get(i + 1);
            boolean named = next.kind() == TokenKind.WORD || next.kind() == TokenKind.QUOTED_IDENTIFIER;
            String previous = i == 0 ? "" : sql.substring(tokens.get(i - 1).start(), tokens.get(i - 1).end());
            if (isWord(sql, tokens.get(i), "EXECUTE") && named && !isWord(sql, next, "IMMEDIATE")
                    && !isWord(sql, next, "ON") && !PRIVILEGE_LIST.contains(previous.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code sql} makes the session another user: PostgreSQL's {@code SET [SESSION | LOCAL] SESSION
     * AUTHORIZATION}, {@code RESET SESSION AUTHORIZATION}, or {@code set_config('session_authorization', …)}. The
     * access policy decides on the user the session logged in as, read once per physical connection.
     */
    public static boolean changesSessionUser(String sql) {
        if (!mentions(sql, "authorization")) {
            return false;
        }
        List<SqlToken> tokens = SqlLexer.read(sql, Dialect.POSTGRESQL).withoutComments();
        for (int i = 0; i < tokens.size(); i++) {
            SqlToken token = tokens.get(i);
            if (i + 1 < tokens.size() && isWord(sql, token, "SESSION") && isWord(sql, tokens.get(i + 1),
                    "AUTHORIZATION") || token.kind() == TokenKind.STRING && sql.substring(token.start(), token.end())
                    .toLowerCase(Locale.ROOT).contains("session_authorization")) {
                return true;
            }
        }
        return false;
    }

    /**
     * PostgreSQL's SQL {@code EXECUTE name(…)} and {@code FETCH … FROM name} reach prepared statements and cursors by
     * name, and pgjdbc keeps its own on the server under names anyone can guess ({@code S_1}, {@code C_1}, …),
     * holding statements Cloak rewrote: {@code EXECUTE "S_1"(1, 'value')} would bind a value unencrypted where Cloak
     * encrypts it, {@code FETCH ALL FROM "C_1"} hand back the cells Cloak decrypts. Returns the statement's word when
     * {@code sql} runs either (at a statement's start, after {@code EXPLAIN} or as {@code … AS EXECUTE}; a PL/pgSQL
     * {@code FETCH} in a {@code DO} block or function body), or when it prepares, deallocates, declares, closes or
     * moves one under such a name ({@code DEALLOCATE "S_1"; PREPARE "S_1"(bytea) AS SELECT $1 AS id} would swap
     * the application's statement for one that hands back what it binds, ciphertext), else null.
     */
    public static String runsNamedStatement(String sql) {
        if (!mentions(sql, "execute") && !mentions(sql, "fetch") && !mentions(sql, "\"s_")
                && !mentions(sql, "\"c_")) {
            return null;
        }
        List<SqlToken> tokens = SqlLexer.read(sql, Dialect.POSTGRESQL).tokens();
        String first = null;
        String previous = null;
        boolean routine = false;
        boolean namesStatements = false;
        for (SqlToken token : tokens) {
            if (token.kind() == TokenKind.SEMICOLON) {
                first = null;
                previous = null;
                routine = false;
                namesStatements = false;
                continue;
            }
            if (token.kind() == TokenKind.COMMENT) {
                continue;
            }
            String text = sql.substring(token.start(), token.end());
            String word = token.kind() == TokenKind.WORD ? text.toLowerCase(Locale.ROOT) : "";
            if (first == null) {
                first = word;
                namesStatements = DRIVER_NAME_USERS.contains(word);
            }
            if (namesStatements && token.kind() == TokenKind.QUOTED_IDENTIFIER && DRIVER_NAME.matcher(text).matches()) {
                return first.toUpperCase(Locale.ROOT);
            }
            routine |= word.equals("function") || word.equals("procedure");
            if ((first.equals("do") || first.equals("create") && routine) && token.kind() == TokenKind.STRING
                    && PLPGSQL_FETCH.matcher(withoutComments(sql, token)).find()) {
                return "FETCH";
            }
            boolean execute = word.equals("execute");
            if ((previous == null || first.equals("explain") || "as".equals(previous)) && execute
                    || previous == null && word.equals("fetch")) {
                return word.toUpperCase(Locale.ROOT);
            }
            previous = word;
        }
        return null;
    }

    /**
     * The catalog view of column statistics {@code sql} names, or null: PostgreSQL's {@code pg_stats} (filled by
     * autovacuum without any {@code ANALYZE}) and MariaDB's {@code mysql.column_stats} keep sampled values of every
     * column, an encrypted column's cells among them, and would hand them back raw.
     */
    public static String statisticsView(String sql) {
        return mentions(sql, "_stat") ? firstWordIn(sql, STATISTICS_VIEWS) : null;
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
                        && EXECUTE.matcher(sql.substring(token.start(), token.end())).find()
                        && bodyBuildsSql(sql, token)) {
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

    /** Statements a {@code format()} template may be: {@code %L} there fills a value, never code or a name. */
    private static final Set<String> VALUE_STATEMENTS = Set.of("select", "insert", "update", "delete", "with");

    /**
     * Whether a PL/pgSQL body (the {@code DO} block's or function's string) runs SQL it builds at run time. Its
     * {@code EXECUTE} runs SQL written out in the body when it is given a plain string literal, or {@code
     * format('…', …)} over one whose only specifiers are {@code %L} (each a quoted literal) and whose statement is a
     * query or a write: the SQL's names are then all in the text, where the usual search for configured names sees
     * them. The literal is read the same way in turn ({@code EXECUTE 'DO …'}). Anything else builds SQL: {@code
     * EXECUTE v}, {@code 'SELECT … FROM ' || t}, {@code format('… %I', t)}, a body in a string the server decodes.
     */
    private static boolean bodyBuildsSql(String sql, SqlToken string) {
        String body = plainContent(sql, string);
        if (body == null) {
            return true;
        }
        List<SqlToken> tokens = SqlLexer.read(body, Dialect.POSTGRESQL).withoutComments();
        for (int t = 0; t < tokens.size(); t++) {
            if (!isWord(body, tokens.get(t), "EXECUTE")) {
                continue;
            }
            int next = t + 1;
            if (next < tokens.size() && (isWord(body, tokens.get(next), "FUNCTION")
                    || isWord(body, tokens.get(next), "PROCEDURE"))) {
                continue; // CREATE TRIGGER … EXECUTE FUNCTION f(): no SQL of its own
            }
            boolean format = next + 2 < tokens.size() && isWord(body, tokens.get(next), "format")
                    && body.startsWith("(", tokens.get(next + 1).start());
            int literal = format ? next + 2 : next;
            String template = literal < tokens.size() ? plainContent(body, tokens.get(literal)) : null;
            int after = literal + 1;
            if (template == null || after < tokens.size() && !ends(body, tokens.get(after), format)) {
                return true;
            }
            if (format) {
                // what follows the call must end the EXECUTE too: format(…) || v builds SQL again
                int close = closing(body, tokens, next + 1);
                if (close < 0 || close + 1 < tokens.size() && !ends(body, tokens.get(close + 1), false)
                        || !fillsValuesOnly(template)) {
                    return true;
                }
            }
            if (runsBuiltSql(template, Dialect.POSTGRESQL)) {
                return true;
            }
        }
        return false;
    }

    /** The index of the parenthesis that closes the one at {@code open}, or -1. */
    private static int closing(String body, List<SqlToken> tokens, int open) {
        int depth = 0;
        for (int t = open; t < tokens.size(); t++) {
            if (body.startsWith("(", tokens.get(t).start()) && tokens.get(t).kind() == TokenKind.OPERATOR) {
                depth++;
            } else if (body.startsWith(")", tokens.get(t).start()) && tokens.get(t).kind() == TokenKind.OPERATOR
                    && --depth == 0) {
                return t;
            }
        }
        return -1;
    }

    /**
     * Whether a {@code format()} template fills only values: a query or a write, read alike under every setting,
     * without backslashes, whose specifiers are {@code %%} and plain {@code %L} standing where a token may start,
     * outside strings, comments and quoted names (there the quoted value would be code: {@code '/* %L *}{@code /'}).
     */
    private static boolean fillsValuesOnly(String template) {
        ServerReading reading = ServerReading.of(template, Dialect.POSTGRESQL);
        List<SqlToken> tokens = reading.tokens();
        List<SqlToken> words = tokens.stream().filter(t -> t.kind() != TokenKind.COMMENT).toList();
        if (template.indexOf('\\') >= 0 || reading.disagreement() != null || reading.setAside() != null
                || words.isEmpty() || !VALUE_STATEMENTS.contains(template.substring(words.get(0).start(),
                        words.get(0).end()).toLowerCase(Locale.ROOT))) {
            return false;
        }
        for (int i = 0; i < template.length(); i++) {
            if (template.charAt(i) != '%') {
                continue;
            }
            char next = i + 1 < template.length() ? template.charAt(i + 1) : ' ';
            if (next == '%') {
                i++;
                continue;
            }
            char before = i > 0 ? template.charAt(i - 1) : ' ';
            int at = i;
            boolean quoted = tokens.stream().anyMatch(t -> t.kind() != TokenKind.OPERATOR
                    && t.kind() != TokenKind.WORD && t.start() <= at && at < t.end());
            if (next != 'L' || quoted || Character.isLetterOrDigit(before) || before == '_' || before == '$'
                    || before == '&') {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the token after {@code EXECUTE}'s source ends it ({@code ;}, {@code INTO}, {@code USING}), or, for a
     * format's template, the template ({@code ,}, {@code )}).
     */
    private static boolean ends(String body, SqlToken token, boolean format) {
        if (format) {
            return body.startsWith(",", token.start()) || body.startsWith(")", token.start());
        }
        return token.kind() == TokenKind.SEMICOLON || isWord(body, token, "INTO") || isWord(body, token, "USING");
    }

    /**
     * A body string's text with its comments blanked out, as PL/pgSQL reads it (a comment could make a cursor's
     * {@code FETCH NEXT /* rows only *}{@code /} look like a query's row limit); the string as written when its
     * content cannot be read plainly.
     */
    private static String withoutComments(String sql, SqlToken string) {
        String body = plainContent(sql, string);
        if (body == null) {
            return sql.substring(string.start(), string.end());
        }
        char[] text = body.toCharArray();
        for (SqlToken token : SqlLexer.read(body, Dialect.POSTGRESQL).tokens()) {
            if (token.kind() == TokenKind.COMMENT) {
                Arrays.fill(text, token.start(), token.end(), ' ');
            }
        }
        return new String(text);
    }

    /**
     * What a {@code '…'} (without backslashes) or {@code $tag$…$tag$} string holds, as SQL in it reads; null for any
     * other token, and for a string the server joins to the one before it.
     */
    public static String plainContent(String sql, SqlToken token) {
        String text = sql.substring(token.start(), token.end());
        if (token.joined()) {
            return null;
        }
        if (token.form() == TokenForm.DOLLAR_STRING) {
            int tag = text.indexOf('$', 1) + 1;
            return text.substring(tag, text.length() - tag);
        }
        if (token.form() == TokenForm.QUOTED_STRING && text.indexOf('\\') < 0) {
            return text.substring(1, text.length() - 1).replace("''", "'");
        }
        return null;
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

    /**
     * H2's statements and functions that move rows between tables and files or other databases, or run SQL they
     * are given as text: {@code SCRIPT}, {@code RUNSCRIPT}, {@code CSVWRITE}, {@code CSVREAD}, {@code FILE_READ},
     * {@code FILE_WRITE}, {@code LINK_SCHEMA} and {@code CREATE LINKED TABLE}.
     */
    private static String h2FileOrLink(String sql) {
        Matcher words = WORD.matcher(sql);
        boolean first = true;
        while (words.find()) {
            String name = words.group().toLowerCase(Locale.ROOT);
            if (H2_FILES_AND_LINKS.contains(name) || first && name.equals("script")) {
                return name;
            }
            first = false;
        }
        return null;
    }

    /** Whether {@code token} is the word {@code word}, in any case. */
    public static boolean isWord(String sql, SqlToken token, String word) {
        return token.kind() == TokenKind.WORD && sql.substring(token.start(), token.end()).equalsIgnoreCase(word);
    }

    /** Whether {@code word} occurs anywhere in {@code sql}, in any case: a quick test before any lexing. */
    public static boolean mentions(String sql, String word) {
        int n = word.length();
        for (int i = 0; i + n <= sql.length(); i++) {
            if (sql.regionMatches(true, i, word, 0, n)) {
                return true;
            }
        }
        return false;
    }
}
