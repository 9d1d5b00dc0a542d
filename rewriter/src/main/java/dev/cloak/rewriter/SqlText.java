package dev.cloak.rewriter;

import dev.cloak.rewriter.lexer.DriverReading;
import dev.cloak.rewriter.lexer.Reading;
import dev.cloak.rewriter.lexer.SqlLexer;
import dev.cloak.rewriter.lexer.SqlToken;
import dev.cloak.rewriter.lexer.TokenForm;
import dev.cloak.rewriter.lexer.TokenKind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Counts and splits over a text's tokens, as the server's lexer ({@link dev.cloak.rewriter.lexer}) reads them. */
final class SqlText {

    private SqlText() {
    }

    /**
     * The number of {@code ?} parameters the JDBC driver of {@code dialect} binds in {@code sql}: pgjdbc's count
     * ({@code ??} is a literal {@code ?}), Connector/J's, or H2's own; pgjdbc's when the dialect is unknown. For
     * a statement on a configured table Cloak also checks that the server finds the same parameters.
     */
    static int countParameters(String sql, Dialect dialect) {
        if (dialect == Dialect.MARIADB) {
            return DriverReading.connectorJ(sql, false).placeholders().size();
        }
        if (dialect == Dialect.H2) {
            int unnumbered = 0;
            int highest = 0;
            for (SqlToken token : SqlLexer.read(sql, Dialect.H2).tokens()) {
                if (token.kind() == TokenKind.PLACEHOLDER) {
                    unnumbered++;
                } else if (token.kind() == TokenKind.NUMBERED_PLACEHOLDER) {
                    highest = Math.max(highest, parseIndex(sql, token));
                }
            }
            return Math.max(unnumbered, highest);
        }
        return DriverReading.pgjdbc(sql, true).placeholders().size();
    }

    /** {@link #countParameters(String, Dialect)} for a text whose dialect is not known. */
    static int countParameters(String sql) {
        return countParameters(sql, null);
    }

    private static int parseIndex(String sql, SqlToken token) {
        try {
            return Integer.parseInt(sql.substring(token.start() + 1, token.end()));
        } catch (NumberFormatException tooLarge) {
            return Integer.MAX_VALUE;
        }
    }

    /** The number of {@code ?} parameters among {@code tokens} within {@code [start, end)}. */
    static int countPlaceholders(List<SqlToken> tokens, int start, int end) {
        int count = 0;
        for (SqlToken token : tokens) {
            if (token.kind() == TokenKind.PLACEHOLDER && token.start() >= start && token.end() <= end) {
                count++;
            }
        }
        return count;
    }

    /** Splits a text at the statement boundaries the server reads, dropping blank pieces. */
    static List<Piece> splitStatements(String sql, List<SqlToken> tokens) {
        List<Piece> pieces = new ArrayList<>();
        int start = 0;
        for (SqlToken token : tokens) {
            if (token.kind() == TokenKind.SEMICOLON) {
                addPiece(pieces, sql, start, token.start());
                start = token.end();
            }
        }
        addPiece(pieces, sql, start, sql.length());
        return pieces;
    }

    private static void addPiece(List<Piece> pieces, String sql, int start, int end) {
        String piece = sql.substring(start, end);
        if (!piece.isBlank()) {
            pieces.add(new Piece(start, piece));
        }
    }

    /** One statement's text and where it starts in the whole text. */
    record Piece(int start, String text) {
    }

    /** Names the server takes for plain identifiers and JSqlParser for keywords, anywhere in a statement. */
    private static final Map<Dialect, Set<String>> PARSER_KEYWORDS = Map.of(
            Dialect.POSTGRESQL, Set.of("settings"),
            Dialect.MARIADB, Set.of("settings", "only", "window"));

    /** The statements whose names {@link #withParserKeywordsQuoted} quotes, by their first word. */
    private static final Set<String> QUOTED_IN = Set.of("select", "insert", "update", "delete", "with", "create",
            "alter", "replace");

    /** Words of a statement that defines a routine, whose body the keyword quoting leaves alone. */
    private static final Set<String> ROUTINE_WORDS = Set.of("function", "procedure", "trigger", "event");

    /** The words after which MariaDB's {@code ONLY} is a keyword: {@code READ ONLY}, {@code FETCH … ROWS ONLY}. */
    private static final Set<String> ONLY_KEYWORD_AFTER = Set.of("read", "row", "rows");

    /**
     * Names JSqlParser reads as a keyword before a dot ({@code year.id} as a field of {@code YEAR}) or cannot read as
     * a table alias at all ({@code … AS map}), which both servers take for plain names there.
     */
    private static final Set<String> QUALIFIER_KEYWORDS = Set.of("year", "month", "day", "hour", "minute", "second",
            "map", "current", "prior", "sample", "unknown");

    /** Of {@link #QUALIFIER_KEYWORDS}, those JSqlParser cannot read as a table alias either. */
    private static final Set<String> ALIAS_KEYWORDS = Set.of("map", "current", "prior", "sample", "unknown");

    /** The words before a table name: a word after the name is its alias. */
    private static final Set<String> BEFORE_TABLE = Set.of("from", "join", "update", ",");

    /** Names JSqlParser takes for MySQL's {@code KEY name (…)} or {@code INDEX name (…)} in a column list. */
    private static final Set<String> INDEX_WORDS = Set.of("key", "index");

    /**
     * The text with each name that the server reads as a plain identifier but JSqlParser as a keyword quoted as the
     * server would read it unquoted ({@code settings} as {@code "settings"} on PostgreSQL, {@code `settings`} on
     * MariaDB), or null when there is none: {@code settings}, MariaDB's {@code only} and {@code window} (not its
     * {@code WINDOW w AS (…)} clause, {@code FETCH … ROWS ONLY} nor {@code READ ONLY}), and PostgreSQL's {@code key}
     * and {@code index} as a column declared in a column list ({@code (id int, key varchar(20))}), and table aliases
     * and qualifiers such as {@code map} ({@code FROM mapping AS map}, {@code map.id}) and {@code year}
     * ({@code year.id}, which JSqlParser reads as a field of {@code YEAR}). Only in statements that query, write or
     * define tables, where these words have no other meaning.
     */
    /**
     * Per token of {@code words}, whether its statement (of the several a text may hold) queries, writes or defines
     * tables, and defines no routine: there a keyword name is quoted, each statement judged on its own.
     */
    private static boolean[] quotableStatements(String sql, List<SqlToken> words) {
        boolean[] quotable = new boolean[words.size()];
        int start = 0;
        for (int i = 0; i <= words.size(); i++) {
            if (i < words.size() && words.get(i).kind() != TokenKind.SEMICOLON) {
                continue;
            }
            List<SqlToken> statement = words.subList(start, i);
            boolean quotes = !statement.isEmpty() && QUOTED_IN.contains(lower(sql, statement.get(0)))
                    && statement.stream().noneMatch(t -> ROUTINE_WORDS.contains(lower(sql, t)));
            Arrays.fill(quotable, start, i, quotes);
            start = i + 1;
        }
        return quotable;
    }

    static String withParserKeywordsQuoted(String sql, List<SqlToken> tokens, Dialect dialect) {
        Set<String> anywhere = dialect == null ? null : PARSER_KEYWORDS.get(dialect);
        if (anywhere == null) {
            return null;
        }
        List<SqlToken> words = tokens.stream().filter(t -> t.kind() != TokenKind.COMMENT).toList();
        boolean[] quotable = quotableStatements(sql, words);
        StringBuilder text = new StringBuilder(sql.length() + 8);
        int copied = 0;
        for (int i = 0; i < words.size(); i++) {
            SqlToken token = words.get(i);
            String word = lower(sql, token);
            String previous = i > 0 ? text(sql, words.get(i - 1)) : "";
            boolean quote;
            if (token.kind() != TokenKind.WORD || !quotable[i]) {
                quote = false;
            } else if (QUALIFIER_KEYWORDS.contains(word)) {
                quote = isQualifier(sql, words, i) || ALIAS_KEYWORDS.contains(word) && isTableAlias(sql, words, i);
            } else if (anywhere.contains(word)) {
                quote = !(word.equals("only") && ONLY_KEYWORD_AFTER.contains(previous.toLowerCase(Locale.ROOT)))
                        && !(word.equals("window") && i + 2 < words.size()
                                && words.get(i + 1).kind() == TokenKind.WORD
                                && lower(sql, words.get(i + 2)).equals("as"));
            } else {
                quote = dialect == Dialect.POSTGRESQL && INDEX_WORDS.contains(word)
                        && (previous.equals("(") || previous.equals(",") || previous.equalsIgnoreCase("COLUMN")
                                || previous.equalsIgnoreCase("ADD"))
                        && i + 1 < words.size() && words.get(i + 1).kind() == TokenKind.WORD
                        && !lower(sql, words.get(i + 1)).equals("using");
            }
            if (quote) {
                text.append(sql, copied, token.start())
                        .append(dialect == Dialect.MARIADB ? "`" + sql.substring(token.start(), token.end()) + "`"
                                : "\"" + word + "\"");
                copied = token.end();
            }
        }
        return copied == 0 ? null : text.append(sql, copied, sql.length()).toString();
    }

    /** Whether the word at {@code i} qualifies a name: a dot right after it, then a name. */
    private static boolean isQualifier(String sql, List<SqlToken> words, int i) {
        return i + 2 < words.size() && words.get(i + 1).start() == words.get(i).end()
                && text(sql, words.get(i + 1)).equals(".") && (words.get(i + 2).kind() == TokenKind.WORD
                        || words.get(i + 2).kind() == TokenKind.QUOTED_IDENTIFIER);
    }

    /** Whether the word at {@code i} names a table's alias: after {@code AS}, or right after a table's name. */
    private static boolean isTableAlias(String sql, List<SqlToken> words, int i) {
        if (i >= 1 && lower(sql, words.get(i - 1)).equals("as")) {
            return true;
        }
        return i >= 2 && (words.get(i - 1).kind() == TokenKind.WORD
                || words.get(i - 1).kind() == TokenKind.QUOTED_IDENTIFIER)
                && BEFORE_TABLE.contains(text(sql, words.get(i - 2)).toLowerCase(Locale.ROOT));
    }

    private static String lower(String sql, SqlToken token) {
        return token.kind() == TokenKind.WORD
                ? sql.substring(token.start(), token.end()).toLowerCase(Locale.ROOT) : "";
    }

    /**
     * MariaDB's text with the markers of its executable comments blanked ({@code /*!}, {@code /*M!}, either with
     * five digits below 50700, and their {@code *}{@code /}), so that their content stands as the plain SQL the
     * server runs ({@code bigint /*! unsigned *}{@code / not null} from mysqldump and MySQL-targeted schemas); null
     * when there is none, or when one runs only on some server versions ({@code /*M!NNNNNN}, six digits), which
     * Cloak cannot tell.
     */
    static String withoutExecutableMarkers(String sql, List<SqlToken> tokens) {
        char[] text = null;
        for (SqlToken token : tokens) {
            if (token.kind() != TokenKind.EXECUTABLE) {
                continue;
            }
            String marker = sql.substring(token.start(), token.end());
            if (token.form() == TokenForm.EXECUTABLE_COMMENT && !marker.matches("/\\*M?!([0-9]{5})?")
                    || token.form() == TokenForm.VERSION_COMMENT) {
                return null;
            }
            text = text == null ? sql.toCharArray() : text;
            Arrays.fill(text, token.start(), token.end(), ' ');
        }
        return text == null ? null : new String(text);
    }

    /**
     * MariaDB's text with each {@code #} comment blanked, from the {@code #} to the end of its line (the line break
     * stays), where the server's reading puts it: the server skips it and JSqlParser, which does not know it, then
     * reads the same tokens at the same places. Null when there is none.
     */
    static String withoutHashComments(String sql, List<SqlToken> tokens) {
        char[] text = null;
        for (SqlToken token : tokens) {
            if (token.form() == TokenForm.HASH_COMMENT) {
                text = text == null ? sql.toCharArray() : text;
                Arrays.fill(text, token.start(), token.end(), ' ');
            }
        }
        return text == null ? null : new String(text);
    }

    /**
     * The text with each run of line breaks between tokens cut to its first (the others become blanks, so every
     * token keeps its place), or null when no run of three is found: JSqlParser takes three line breaks in a row for
     * a statement boundary, which no server does, and a blank between tokens reads as a line break does. The first
     * line break of a run stays: it ends a {@code --} comment and joins PostgreSQL's strings across lines.
     */
    static String withoutBlankLines(String sql, List<SqlToken> tokens) {
        if (!sql.contains("\n\n\n")) {
            return null;
        }
        char[] text = sql.toCharArray();
        boolean changed = false;
        int gap = 0;
        for (int t = 0; t <= tokens.size(); t++) {
            int end = t < tokens.size() ? tokens.get(t).start() : text.length;
            if (sql.substring(gap, end).contains("\n\n\n")) {
                for (int i = gap + 1; i < end; i++) {
                    if (sql.charAt(i) == '\n' && sql.charAt(i - 1) == '\n') {
                        text[i] = ' ';
                        changed = true;
                    }
                }
            }
            gap = t < tokens.size() ? tokens.get(t).end() : text.length;
        }
        return changed ? new String(text) : null;
    }

    /**
     * Counts list separators and boolean connectives (commas, AND, OR) among the tokens JSqlParser will read: a
     * cheap measure of how long it will take, since its time grows steeply with long lists and chains.
     */
    static int countListTerms(String sql, List<SqlToken> tokens) {
        int count = 0;
        for (SqlToken token : tokens) {
            String text = sql.substring(token.start(), token.end());
            boolean connective = text.equalsIgnoreCase("and") || text.equalsIgnoreCase("or");
            boolean comma = token.kind() == TokenKind.OPERATOR && text.equals(",");
            if (comma || token.kind() == TokenKind.WORD && connective) {
                count++;
            }
        }
        return count;
    }

    /**
     * The deepest nesting of parentheses that do not open a subquery ({@code (SELECT}, {@code (WITH},
     * {@code (VALUES}) among the tokens JSqlParser will read: its time grows exponentially with it.
     */
    static int maxExpressionDepth(String sql, List<SqlToken> tokens) {
        ArrayDeque<Boolean> open = new ArrayDeque<>();
        int depth = 0;
        int max = 0;
        for (int t = 0; t < tokens.size(); t++) {
            String text = text(sql, tokens.get(t));
            if (text.equals("(")) {
                String next = t + 1 < tokens.size() ? text(sql, tokens.get(t + 1)).toLowerCase(Locale.ROOT) : "";
                boolean expression = !(next.equals("select") || next.equals("with") || next.equals("values"));
                open.push(expression);
                if (expression) {
                    max = Math.max(max, ++depth);
                }
            } else if (text.equals(")") && !open.isEmpty() && open.pop()) {
                depth--;
            }
        }
        return max;
    }

    /** The deepest parenthesis nesting among the tokens JSqlParser will read. */
    static int maxParenthesisDepth(String sql, List<SqlToken> tokens) {
        int depth = 0;
        int max = 0;
        for (SqlToken token : tokens) {
            String text = text(sql, token);
            if (text.equals("(")) {
                max = Math.max(max, ++depth);
            } else if (text.equals(")") && depth > 0) {
                depth--;
            }
        }
        return max;
    }

    private static String text(String sql, SqlToken token) {
        if (token.kind() != TokenKind.OPERATOR && token.kind() != TokenKind.WORD) {
            return "";
        }
        return sql.substring(token.start(), token.end());
    }

    /**
     * Counts how often each of the given lower-case words occurs as an identifier, plain or quoted, outside
     * string literals and comments, compared case-insensitively: the highest count any known dialect's reading
     * gives (the statement was already checked to read the same way on its own dialect).
     */
    static Map<String, Integer> countIdentifiers(String sql, Set<String> lowerCaseWords) {
        Map<String, String> byFolded = new HashMap<>();
        for (String word : lowerCaseWords) {
            byFolded.put(EncryptedSchema.fold(word), word);
        }
        Map<String, Integer> highest = new HashMap<>();
        for (Dialect dialect : Dialect.values()) {
            Reading reading = SqlLexer.read(sql, dialect);
            Map<String, Integer> counts = new HashMap<>();
            for (SqlToken token : reading.tokens()) {
                String name = identifier(sql, token);
                String word = name == null ? null : byFolded.get(EncryptedSchema.fold(name));
                if (word != null) {
                    counts.merge(word, 1, Integer::sum);
                }
            }
            counts.forEach((word, count) -> highest.merge(word, count, Math::max));
        }
        return highest;
    }

    private static String identifier(String sql, SqlToken token) {
        String text = sql.substring(token.start(), token.end());
        if (token.kind() == TokenKind.WORD) {
            return text;
        }
        if (token.kind() == TokenKind.QUOTED_IDENTIFIER && token.form() != TokenForm.UNICODE_IDENTIFIER
                && text.length() >= 2) {
            char quote = text.charAt(0);
            String inner = text.substring(1, text.length() - 1);
            return quote == '[' ? inner : inner.replace(String.valueOf(quote) + quote, String.valueOf(quote));
        }
        return null;
    }

    /**
     * Two spellings of one name (compared in lower case, as the analysis compares names) that PostgreSQL or H2
     * reads as two names: a quoted identifier keeps its case ({@code "SSN"}), an unquoted one is folded (to lower
     * case on PostgreSQL, to upper case on H2). Returns the name's lower-case form, or null when there is none.
     * MariaDB folds no quoted name differently from an unquoted one.
     *
     * <p>A report's quoted output label ({@code count(*) AS "Count"}, {@code o.name AS "Office"}) names a result
     * column only: no other part of the statement resolves it. Such a label (an {@code AS "Label"} in the outer
     * select list of a statement that starts with {@code SELECT}) may share its name with unquoted words that cannot be
     * taken for it either: a qualified column ({@code p.name}), a function ({@code count(}) or an {@code EXTRACT}
     * field ({@code extract(year from …)}). Any other pair of spellings clashes.
     */
    static String caseClash(String sql, List<SqlToken> tokens, Dialect dialect) {
        if (dialect == Dialect.MARIADB) {
            return null;
        }
        List<SqlToken> words = tokens.stream().filter(t -> t.kind() != TokenKind.COMMENT).toList();
        Set<Integer> labels = outputLabels(sql, words);
        // each name's spellings: as a label, as a word that cannot be a label's, as anything else
        Map<String, String> asLabel = new HashMap<>();
        Map<String, String> apart = new HashMap<>();
        Map<String, String> readAs = new HashMap<>();
        for (int i = 0; i < words.size(); i++) {
            SqlToken token = words.get(i);
            String text = sql.substring(token.start(), token.end());
            String server;
            if (token.form() == TokenForm.WORD) {
                server = dialect == Dialect.H2 ? text.toUpperCase(Locale.ROOT) : text.toLowerCase(Locale.ROOT);
            } else if (token.form() == TokenForm.DOUBLE_QUOTED_IDENTIFIER && text.length() >= 2) {
                server = text.substring(1, text.length() - 1).replace("\"\"", "\"");
            } else {
                continue;
            }
            String key = server.toLowerCase(Locale.ROOT);
            Map<String, String> group = labels.contains(i) ? asLabel
                    : token.form() == TokenForm.WORD && cannotBeALabel(sql, words, i) ? apart : readAs;
            String before = group.putIfAbsent(key, server);
            if (before != null && !before.equals(server)) {
                return key;
            }
        }
        for (Map<String, String> group : List.of(asLabel, apart)) {
            for (Map.Entry<String, String> spelling : group.entrySet()) {
                String other = readAs.get(spelling.getKey());
                if (other != null && !other.equals(spelling.getValue())) {
                    return spelling.getKey();
                }
            }
        }
        return null;
    }

    /**
     * The indexes (in {@code words}) of the quoted labels {@code AS "Label"} in the select list of a query that starts
     * with {@code SELECT}, outside parentheses, each followed by a comma or {@code FROM} outside parentheses, or by
     * the end of the text.
     */
    private static Set<Integer> outputLabels(String sql, List<SqlToken> words) {
        Set<Integer> labels = new HashSet<>();
        if (words.isEmpty() || !isWord(sql, words.get(0), "SELECT")) {
            // a view's labels name its columns, which Cloak maps by name
            return labels;
        }
        int depth = 0;
        boolean inList = false;
        for (int i = 0; i < words.size(); i++) {
            SqlToken token = words.get(i);
            String text = sql.substring(token.start(), token.end());
            if (text.equals("(")) {
                depth++;
            } else if (text.equals(")")) {
                depth--;
            } else if (depth == 0 && token.kind() == TokenKind.WORD && text.equalsIgnoreCase("SELECT")) {
                if (inList) {
                    break;
                }
                inList = true;
            } else if (depth == 0 && inList && (token.kind() == TokenKind.SEMICOLON
                    || token.kind() == TokenKind.WORD && text.equalsIgnoreCase("FROM"))) {
                break;
            } else if (depth == 0 && inList && token.form() == TokenForm.DOUBLE_QUOTED_IDENTIFIER && i > 0
                    && isWord(sql, words.get(i - 1), "AS") && (i + 1 == words.size()
                    || sql.startsWith(",", words.get(i + 1).start()) || isWord(sql, words.get(i + 1), "FROM"))) {
                labels.add(i);
            }
        }
        return labels;
    }

    /** Whether the word at {@code i} is a qualified name's last part, a function's name, or an EXTRACT field. */
    private static boolean cannotBeALabel(String sql, List<SqlToken> words, int i) {
        boolean qualified = i > 0 && sql.startsWith(".", words.get(i - 1).start());
        boolean called = i + 1 < words.size() && sql.startsWith("(", words.get(i + 1).start());
        boolean extracted = i >= 2 && isWord(sql, words.get(i - 2), "EXTRACT")
                && sql.startsWith("(", words.get(i - 1).start()) && i + 1 < words.size()
                && isWord(sql, words.get(i + 1), "FROM");
        return qualified || called || extracted;
    }

    /**
     * The text for JSqlParser, which cannot parse MariaDB's {@code SELECT … LOCK IN SHARE MODE [NOWAIT | SKIP LOCKED
     * | WAIT n]} (Hibernate's pessimistic read lock): the lock clause at the end, which takes a lock and carries no
     * value, blanked out with spaces so every other character keeps its place. The text itself is sent as written.
     */
    static String withoutShareLock(String sql, List<SqlToken> tokens) {
        List<SqlToken> words = tokens.stream().filter(t -> t.kind() != TokenKind.COMMENT).toList();
        int end = words.size();
        if (end > 0 && words.get(end - 1).kind() == TokenKind.SEMICOLON) {
            end--;
        }
        int from = end;
        if (from >= 1 && isWord(sql, words.get(from - 1), "NOWAIT")) {
            from--;
        } else if (from >= 2 && isWord(sql, words.get(from - 2), "SKIP")
                && isWord(sql, words.get(from - 1), "LOCKED")) {
            from -= 2;
        } else if (from >= 2 && isWord(sql, words.get(from - 2), "WAIT")
                && words.get(from - 1).kind() == TokenKind.NUMBER) {
            from -= 2;
        }
        if (from < 4 || !isWord(sql, words.get(from - 4), "LOCK") || !isWord(sql, words.get(from - 3), "IN")
                || !isWord(sql, words.get(from - 2), "SHARE") || !isWord(sql, words.get(from - 1), "MODE")) {
            return sql;
        }
        int start = words.get(from - 4).start();
        int stop = words.get(end - 1).end();
        return sql.substring(0, start) + " ".repeat(stop - start) + sql.substring(stop);
    }

    private static boolean isWord(String sql, SqlToken token, String word) {
        return token.kind() == TokenKind.WORD && sql.substring(token.start(), token.end()).equalsIgnoreCase(word);
    }

    /**
     * Whether a text JSqlParser printed (its tokens joined by spaces) has a comma outside parentheses and quotes: an
     * action list rather than one action.
     */
    static boolean hasTopLevelComma(String printed) {
        int depth = 0;
        char quote = 0;
        for (int i = 0; i < printed.length(); i++) {
            char c = printed.charAt(i);
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '\'' || c == '"' || c == '`') {
                quote = c;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                return true;
            }
        }
        return false;
    }

    /** PostgreSQL keeps the first 63 bytes of a longer name (NAMEDATALEN - 1). */
    static final int POSTGRESQL_NAME_BYTES = 63;

    /**
     * The names longer than PostgreSQL keeps, each cut as the server cuts it (to 63 bytes of UTF-8, on a character
     * boundary; unquoted ones in lower case): Cloak compares names in full, so two names the server takes for one
     * ({@code <63 a>x} and {@code <63 a>y}) read as two. Empty when there is none.
     */
    static List<String> postgresTruncatedNames(String sql, List<SqlToken> tokens) {
        List<String> cut = new ArrayList<>();
        for (SqlToken token : tokens) {
            String text = sql.substring(token.start(), token.end());
            String name;
            if (token.form() == TokenForm.WORD) {
                name = text.toLowerCase(Locale.ROOT);
            } else if (token.form() == TokenForm.DOUBLE_QUOTED_IDENTIFIER && text.length() >= 2) {
                name = text.substring(1, text.length() - 1).replace("\"\"", "\"");
            } else {
                continue;
            }
            if (name.getBytes(StandardCharsets.UTF_8).length <= POSTGRESQL_NAME_BYTES) {
                continue;
            }
            int end = 0;
            int bytes = 0;
            while (end < name.length()) {
                int cp = name.codePointAt(end);
                int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
                if (bytes + size > POSTGRESQL_NAME_BYTES) {
                    break;
                }
                bytes += size;
                end += Character.charCount(cp);
            }
            cut.add(name.substring(0, end));
        }
        return cut;
    }

    /** Whether the text may hold a name longer than PostgreSQL keeps: a cheap test before reading it. */
    static boolean mayHoldLongName(String sql) {
        if (sql.length() <= POSTGRESQL_NAME_BYTES / 3) {
            return false;
        }
        if (sql.indexOf('"') >= 0) {
            return true;
        }
        int run = 0;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            run = isWordChar(c) ? run + (c < 0x80 ? 1 : 3) : 0;
            if (run > POSTGRESQL_NAME_BYTES) {
                return true;
            }
        }
        return false;
    }

    static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
}
