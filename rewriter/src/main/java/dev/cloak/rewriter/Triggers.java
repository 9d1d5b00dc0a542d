package dev.cloak.rewriter;

import dev.cloak.rewriter.lexer.DynamicSql;
import dev.cloak.rewriter.lexer.SqlLexer;
import dev.cloak.rewriter.lexer.SqlToken;
import dev.cloak.rewriter.lexer.TokenKind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.sf.jsqlparser.schema.Table;

/**
 * Triggers on configured tables, read from the server's tokens (JSqlParser cannot parse them). A trigger passes as
 * written only when its body cannot read or write an encrypted value: it names none of the table's encrypted
 * columns and no configured table or known view, runs no SQL built from strings, and reaches the row only through
 * named columns ({@code NEW.c}, {@code OLD.c}), never as a whole ({@code row_to_json(NEW)}, {@code NEW := …}).
 * <ul>
 * <li>MariaDB's body is part of {@code CREATE TRIGGER … FOR EACH ROW body}, which cannot run built SQL.</li>
 * <li>PostgreSQL's is the PL/pgSQL function {@code EXECUTE FUNCTION f()} names, read from the catalog when the
 * trigger is created; and since {@code CREATE OR REPLACE FUNCTION f()} changes the body of every trigger that runs
 * it, a new body of a function that a configured table's trigger runs is checked the same way. Neither is cached:
 * the function may change between two runs of one text.</li>
 * <li>H2's body is a Java class: its triggers on configured tables stay refused.</li>
 * </ul>
 */
final class Triggers {

    private static final Set<String> TIMES = Set.of("BEFORE", "AFTER");
    private static final Set<String> EVENTS = Set.of("INSERT", "UPDATE", "DELETE");

    private final String sql;
    private final List<SqlToken> tokens;
    private int at;

    private Triggers(String sql, List<SqlToken> serverTokens) {
        this.sql = sql;
        this.tokens = serverTokens.stream().filter(token -> token.kind() != TokenKind.COMMENT).toList();
    }

    /**
     * The plan of a MariaDB or PostgreSQL trigger on a configured table whose body cannot touch an encrypted value;
     * refused when it could; null when the text is no trigger on a configured table (it is then planned, or
     * refused, as any other statement).
     */
    static StatementPlan plan(String sql, List<SqlToken> serverTokens, Dialect dialect, ConfiguredTables tables,
                              int parameterCount, Catalog catalog) {
        if (parameterCount != 0 || dialect != Dialect.MARIADB && dialect != Dialect.POSTGRESQL) {
            return null;
        }
        Triggers reader = new Triggers(sql, serverTokens);
        Table table = dialect == Dialect.MARIADB ? reader.mariaDbTrigger() : reader.postgresTrigger();
        if (table == null || !tables.isConfigured(table) || tables.view(table) != null) {
            return null;
        }
        String what = "a trigger on configured table " + tables.policyName(table);
        if (dialect == Dialect.MARIADB) {
            requireUntouched(what + " whose body", sql, reader.tokens.subList(reader.at, reader.tokens.size()),
                    tables, table);
        } else {
            requireUntouched(what, sql, reader.tokens.subList(reader.events, reader.eventsEnd), tables, table);
            requireUntouched(what, sql, reader.tokens.subList(reader.at, reader.tokens.size()), tables, table);
            requireUntouchingFunction(what, reader.function, catalog, tables, table);
        }
        return StatementPlan.builder(StatementPlan.Kind.DDL, sql, 0).build();
    }

    /**
     * PostgreSQL's {@code CREATE [OR REPLACE] FUNCTION f() RETURNS trigger … AS 'body' LANGUAGE plpgsql}, when a
     * configured table has a trigger that runs {@code f()}: its new body is checked as a trigger's, and refused when
     * it could touch an encrypted value. The statement is then planned as any other.
     */
    static void checkFunction(String sql, Dialect dialect, ConfiguredTables tables, Catalog catalog) {
        if (dialect != Dialect.POSTGRESQL || !mayDefine(sql)) {
            return;
        }
        Triggers reader = new Triggers(sql, SqlLexer.read(sql, Dialect.POSTGRESQL).tokens());
        String function = reader.triggerFunctionDefinition();
        if (function == null) {
            return;
        }
        List<Catalog.Relation> triggered = catalog == Catalog.NONE ? List.of() : catalog.triggerTables(function);
        if (triggered == null) {
            throw Rejection.catalogUnavailable("which tables' triggers run function " + function + "() could not be"
                    + " read from the database's catalog, so its new body cannot be checked; try again");
        }
        for (Catalog.Relation relation : triggered) {
            Table table = new Table(relation.schema(), relation.table());
            if (tables.isConfigured(table) && tables.view(table) == null) {
                String what = "function " + function + "(), which a trigger on configured table "
                        + tables.policyName(table) + " runs,";
                if (!"plpgsql".equalsIgnoreCase(reader.language)) {
                    throw new Rejection(what + " is not supported in language " + reader.language + ": Cloak reads"
                            + " only PL/pgSQL bodies; write it in PL/pgSQL");
                }
                requireUntouchedBody(what, reader.body, tables, table);
            }
        }
        // then planned as any other statement: a body that names a configured table is refused there
    }

    /** Whether the text may create a trigger or a function: its plan is then never reused. */
    static boolean mayDefine(String sql) {
        int i = 0;
        while (i < sql.length() && Character.isWhitespace(sql.charAt(i))) {
            i++;
        }
        boolean leadingComment = sql.startsWith("/*", i) || sql.startsWith("--", i);
        return (leadingComment ? contains(sql, "create") : sql.regionMatches(true, i, "create", 0, 6))
                && (contains(sql, "trigger") || contains(sql, "function"));
    }

    private static boolean contains(String sql, String word) {
        for (int i = 0; i + word.length() <= sql.length(); i++) {
            if (sql.regionMatches(true, i, word, 0, word.length())) {
                return true;
            }
        }
        return false;
    }

    /** The function a PostgreSQL trigger runs: PL/pgSQL whose body cannot touch an encrypted value of the table. */
    private static void requireUntouchingFunction(String what, String function, Catalog catalog,
                                                  ConfiguredTables tables, Table table) {
        Catalog.FunctionSource source = catalog == Catalog.NONE ? null : catalog.triggerFunction(function);
        if (catalog == Catalog.NONE) {
            throw new Rejection(what + " is checked against its function's body, which only the database's catalog"
                    + " holds: plan it on a connection");
        }
        if (source == null) {
            throw Rejection.catalogUnavailable("the body of function " + function + "() could not be read from the"
                    + " database's catalog, so " + what + " cannot be checked; try again");
        }
        if (source.language() == null) {
            throw new Rejection(what + " runs function " + function + "(), which the database does not have: create"
                    + " the function first");
        }
        if (!"plpgsql".equalsIgnoreCase(source.language())) {
            throw new Rejection(what + " runs function " + function + "() in language " + source.language()
                    + ", which Cloak cannot read: write it in PL/pgSQL");
        }
        requireUntouchedBody(what + " runs function " + function + "(), whose body", source.source(), tables, table);
    }

    private static void requireUntouchedBody(String what, String body, ConfiguredTables tables, Table table) {
        if (body == null) {
            throw new Rejection(what + " could not be read: write the body as one quoted or dollar-quoted string");
        }
        var reading = SqlLexer.read(body, Dialect.POSTGRESQL);
        if (reading.failure() != null) {
            throw new Rejection(what + " could not be read: its body does not scan as PostgreSQL text");
        }
        List<SqlToken> tokens = reading.tokens().stream().filter(token -> token.kind() != TokenKind.COMMENT)
                .toList();
        String reader = DynamicSql.tableReader(body, Dialect.POSTGRESQL);
        if (reader != null) {
            throw new Rejection(what + " calls " + reader + ", which runs SQL or reads tables it is given by name at"
                    + " run time: do that work in the application");
        }
        requireUntouched(what, body, tokens, tables, table);
        for (int i = 0; i < tokens.size(); i++) {
            String word = tokens.get(i).kind() == TokenKind.WORD ? text(body, tokens.get(i)).toUpperCase(Locale.ROOT)
                    : "";
            if (word.equals("EXECUTE")) {
                throw new Rejection(what + " runs SQL built from strings (EXECUTE), which may name an encrypted"
                        + " column in pieces Cloak cannot see: write the statements themselves");
            }
        }
    }

    /**
     * The tokens name none of the table's encrypted columns and no configured table or known view (as a name, or as
     * a word of a string: a trigger's arguments), call no procedure, and reach the row only column by column:
     * {@code NEW}/{@code OLD} (quoted or not) followed by {@code .name}, or returned ({@code RETURN NEW}).
     */
    private static void requireUntouched(String what, String text, List<SqlToken> tokens, ConfiguredTables tables,
                                         Table table) {
        Set<String> encrypted = new HashSet<>();
        tables.columnsOf(table).forEach(column -> encrypted.add(Identifiers.key(column.column())));
        Set<String> relations = tables.lowerCaseNames();
        for (int i = 0; i < tokens.size(); i++) {
            SqlToken token = tokens.get(i);
            String written = text(text, token);
            if (token.kind() == TokenKind.STRING) {
                for (String word : written.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}_$]+")) {
                    if (encrypted.contains(word)) {
                        throw touches(what, tables, table, word);
                    }
                    if (relations.contains(EncryptedSchema.fold(word))) {
                        throw new Rejection(what + " names configured table or view " + word + " in a string, which"
                                + " is not supported: its rows could be read or written without Cloak");
                    }
                }
                continue;
            }
            if (token.kind() == TokenKind.QUOTED_IDENTIFIER && written.startsWith("U&")) {
                throw new Rejection(what + " spells a name with U&\"...\", which Cloak does not read: use plain"
                        + " identifiers");
            }
            if (token.kind() != TokenKind.WORD && token.kind() != TokenKind.QUOTED_IDENTIFIER) {
                continue;
            }
            String name = Identifiers.key(written);
            if (encrypted.contains(name)) {
                throw touches(what, tables, table, name);
            }
            if (relations.contains(EncryptedSchema.fold(name))) {
                throw new Rejection(what + " names configured table or view " + name + ", which is not supported:"
                        + " its rows would be read or written without Cloak; do that work in the application");
            }
            if (token.kind() == TokenKind.WORD && name.equals("call")) {
                throw new Rejection(what + " calls a procedure, whose statements Cloak cannot see: do that work in"
                        + " the trigger's own body or in the application");
            }
            if ((name.equals("new") || name.equals("old"))
                    && !columnOf(text, tokens, i) && !(i > 0 && text(text, tokens.get(i - 1))
                            .equalsIgnoreCase("return"))) {
                throw new Rejection(what + " uses the whole row " + name.toUpperCase(Locale.ROOT) + ", which holds"
                        + " encrypted columns of " + tables.policyName(table) + " (row_to_json(NEW), NEW := …,"
                        + " OLD.*): it would be built from, or write, ciphertext; name the plain columns it needs");
            }
        }
    }

    /** Whether the token at {@code i} is followed by {@code .name}. */
    private static boolean columnOf(String text, List<SqlToken> tokens, int i) {
        return i + 2 < tokens.size() && text(text, tokens.get(i + 1)).equals(".")
                && (tokens.get(i + 2).kind() == TokenKind.WORD
                        || tokens.get(i + 2).kind() == TokenKind.QUOTED_IDENTIFIER);
    }

    private static Rejection touches(String what, ConfiguredTables tables, Table table, String column) {
        return new Rejection(what + " names encrypted column " + tables.policyName(table) + "." + column
                + ", which is not supported: the database would compute over its ciphertext or store a plaintext"
                + " in it; do that work in the application");
    }

    private static String text(String text, SqlToken token) {
        return text.substring(token.start(), token.end());
    }

    /**
     * {@code CREATE [OR REPLACE] TRIGGER [IF NOT EXISTS] name BEFORE|AFTER INSERT|UPDATE|DELETE ON table FOR EACH
     * ROW [FOLLOWS|PRECEDES other]}: the table, with {@link #at} on the body's first token; null for any other text.
     */
    private Table mariaDbTrigger() {
        if (!word("CREATE")) {
            return null;
        }
        if (word("OR") && !word("REPLACE")) {
            return null;
        }
        if (!word("TRIGGER")) {
            return null; // DEFINER = … and other forms are not read here
        }
        if (word("IF") && !(word("NOT") && word("EXISTS"))) {
            return null;
        }
        if (name().isEmpty() || !oneOf(TIMES) || !oneOf(EVENTS) || !word("ON")) {
            return null;
        }
        List<String> table = name();
        if (table.isEmpty() || !word("FOR") || !word("EACH") || !word("ROW")) {
            return null;
        }
        if ((word("FOLLOWS") || word("PRECEDES")) && name().isEmpty()) {
            return null;
        }
        return at >= tokens.size() ? null : table.size() == 1 ? new Table(table.get(0))
                : new Table(table.get(0), table.get(1));
    }

    /** The function {@link #postgresTrigger} found after {@code EXECUTE FUNCTION|PROCEDURE}, as written. */
    private String function;
    /** Where {@link #postgresTrigger} found its events ({@code UPDATE OF c, …}): from, and up to {@code ON}. */
    private int events;
    private int eventsEnd;
    /** What {@link #triggerFunctionDefinition} found: the body's text and language. */
    private String body;
    private String language;

    /**
     * {@code CREATE [OR REPLACE] [CONSTRAINT] TRIGGER name BEFORE|AFTER|INSTEAD OF … ON table … EXECUTE
     * FUNCTION|PROCEDURE f(args)}: the table, with {@link #at} after it and {@link #function} set; null for any other
     * text, or one with {@code FROM} (a constraint trigger's other table) or {@code REFERENCING} (transition tables,
     * whole rows), which stay refused.
     */
    private Table postgresTrigger() {
        if (!word("CREATE") || word("OR") && !word("REPLACE")) {
            return null;
        }
        word("CONSTRAINT");
        if (!word("TRIGGER") || name().isEmpty()) {
            return null;
        }
        events = at;
        while (at < tokens.size() && !(tokens.get(at).kind() == TokenKind.WORD && text(at).equalsIgnoreCase("ON"))) {
            at++;
        }
        eventsEnd = at;
        if (!word("ON")) {
            return null;
        }
        word("ONLY");
        List<String> table = name();
        int afterTable = at;
        int depth = 0;
        for (int i = afterTable; i < tokens.size(); i++) {
            String written = text(i);
            depth += written.equals("(") ? 1 : written.equals(")") ? -1 : 0;
            String upper = tokens.get(i).kind() == TokenKind.WORD ? written.toUpperCase(Locale.ROOT) : "";
            if (depth == 0 && (upper.equals("FROM") || upper.equals("REFERENCING"))) {
                return null;
            }
            if (upper.equals("EXECUTE") && i + 2 < tokens.size()) {
                at = i + 1;
                if (!word("FUNCTION") && !word("PROCEDURE")) {
                    return null;
                }
                int start = at;
                List<String> named = name();
                if (named.isEmpty() || at >= tokens.size() || !text(at).equals("(")) {
                    return null;
                }
                function = sql.substring(tokens.get(start).start(), tokens.get(at - 1).end());
                at = afterTable;
                return table.isEmpty() ? null : table.size() == 1 ? new Table(table.get(0))
                        : new Table(table.get(0), table.get(1));
            }
        }
        return null;
    }

    /**
     * {@code CREATE [OR REPLACE] FUNCTION f() RETURNS trigger … AS 'body' … LANGUAGE l}: the function's name as
     * written, with {@link #body} and {@link #language} set; null for any other text (a function with arguments
     * or of another return type cannot run a trigger).
     */
    private String triggerFunctionDefinition() {
        at = 0;
        if (!word("CREATE") || word("OR") && !word("REPLACE")) {
            return null;
        }
        if (!word("FUNCTION")) {
            return null;
        }
        int start = at;
        if (name().isEmpty() || at + 1 >= tokens.size() || !text(at).equals("(") || !text(at + 1).equals(")")) {
            return null;
        }
        String name = sql.substring(tokens.get(start).start(), tokens.get(at - 1).end());
        at += 2;
        if (!word("RETURNS")) {
            return null;
        }
        List<String> type = name(); // trigger, "trigger", pg_catalog.trigger
        if (type.isEmpty() || !Identifiers.unquote(type.get(type.size() - 1)).equalsIgnoreCase("trigger")) {
            return null;
        }
        for (int i = at; i < tokens.size(); i++) {
            String upper = tokens.get(i).kind() == TokenKind.WORD ? text(i).toUpperCase(Locale.ROOT) : "";
            if (upper.equals("AS") && body == null && i + 1 < tokens.size()
                    && tokens.get(i + 1).kind() == TokenKind.STRING) {
                body = stringContent(text(i + 1));
            }
            if (upper.equals("LANGUAGE") && i + 1 < tokens.size()) {
                language = Identifiers.unquote(text(i + 1).replace("'", "\""));
            }
        }
        return name;
    }

    /** The content of a {@code '…'} or dollar-quoted string; null for any other form. */
    private static String stringContent(String literal) {
        if (literal.length() >= 2 && literal.startsWith("'") && literal.endsWith("'")) {
            return literal.substring(1, literal.length() - 1).replace("''", "'");
        }
        if (literal.startsWith("$")) {
            int tagEnd = literal.indexOf('$', 1);
            String tag = literal.substring(0, tagEnd + 1);
            if (tagEnd > 0 && literal.length() >= 2 * tag.length() && literal.endsWith(tag)) {
                return literal.substring(tag.length(), literal.length() - tag.length());
            }
        }
        return null;
    }

    /** A name, or a qualified one of two parts, as written (quotes kept); empty when none is next. */
    private List<String> name() {
        List<String> parts = new ArrayList<>();
        if (!isName(at)) {
            return parts;
        }
        parts.add(text(at++));
        if (at + 1 < tokens.size() && text(at).equals(".") && isName(at + 1)) {
            parts.add(text(at + 1));
            at += 2;
        }
        return parts;
    }

    private boolean isName(int index) {
        return index < tokens.size() && (tokens.get(index).kind() == TokenKind.WORD
                || tokens.get(index).kind() == TokenKind.QUOTED_IDENTIFIER);
    }

    private boolean word(String word) {
        if (at < tokens.size() && tokens.get(at).kind() == TokenKind.WORD && text(at).equalsIgnoreCase(word)) {
            at++;
            return true;
        }
        return false;
    }

    private boolean oneOf(Set<String> words) {
        if (at < tokens.size() && tokens.get(at).kind() == TokenKind.WORD
                && words.contains(text(at).toUpperCase(Locale.ROOT))) {
            at++;
            return true;
        }
        return false;
    }

    private String text(int index) {
        SqlToken token = tokens.get(index);
        return sql.substring(token.start(), token.end());
    }
}
