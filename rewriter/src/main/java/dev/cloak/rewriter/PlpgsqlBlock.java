package dev.cloak.rewriter;

import dev.cloak.rewriter.lexer.DynamicSql;
import dev.cloak.rewriter.lexer.ServerReading;
import dev.cloak.rewriter.lexer.SqlLexer;
import dev.cloak.rewriter.lexer.SqlToken;
import dev.cloak.rewriter.lexer.TokenForm;
import dev.cloak.rewriter.lexer.TokenKind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * PostgreSQL's {@code DO} block that names a configured table, read as the server's PL/pgSQL reads its body: each
 * SQL statement in it, and each expression and query the block's control statements evaluate ({@code IF}, {@code
 * WHILE}, {@code FOR … IN query}, {@code PERFORM}, assignments), is planned as a statement of its own, and the block
 * is sent as written only when none of them reads, writes or compares a value of an encrypted column in a way that
 * would need Cloak: on the server nothing encrypts or decrypts, so such a statement must run through Cloak itself.
 * No statement of the block may insert into or update a table with encrypted columns at all.
 * What remains (declarations, {@code RAISE}, {@code RETURN}, exception names, loop bounds) must name no configured
 * table or known view. The idempotent schema scripts of migration tools ({@code IF NOT EXISTS (SELECT … FROM
 * information_schema.columns …) THEN ALTER TABLE … ADD COLUMN …}) pass; a block that builds SQL at run time was
 * refused before it came here.
 */
final class PlpgsqlBlock {

    /** How statements are planned when sent on their own, and which configured names a text holds. */
    interface Statements {
        /** The plan of {@code sql} as a statement sent on its own. */
        StatementPlan plan(String sql);

        /** Whether {@code sql} may name a configured table or known view (a quick test that may say yes wrongly). */
        boolean mayMention(String sql);

        /** The configured table or known view {@code sql} names, for a refusal. */
        String mentioned(String sql);

        /** Refuses when one of {@code before} changes views, since the next statement was planned without that. */
        void requireViewsSettled(List<StatementPlan> before);
    }

    /** Words that start a PL/pgSQL statement which runs no SQL of its own: what follows must name nothing. */
    private static final Set<String> NAMING_NOTHING = Set.of("RAISE", "ASSERT", "RETURN", "EXIT", "CONTINUE", "GET",
            "NULL", "FETCH", "MOVE", "CLOSE", "FOREACH");

    /** Words that end PL/pgSQL's {@code INTO} targets: the query's next clause. */
    private static final Set<String> CLAUSE_WORDS = Set.of("FROM", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT",
            "OFFSET", "UNION", "FOR", "WINDOW");

    private final String body;
    private final List<SqlToken> tokens;
    private final Statements statements;
    private final List<StatementPlan> plans = new ArrayList<>();
    /** The texts planned, each a statement of its own. */
    private final List<String> planned = new ArrayList<>();
    /** The block's variables (declared, or a loop's targets), in lower case. */
    private final Set<String> variables = new HashSet<>();
    private boolean declaring;

    private PlpgsqlBlock(String body, List<SqlToken> tokens, Statements statements) {
        this.body = body;
        this.tokens = tokens;
        this.statements = statements;
        // variables every block has
        variables.addAll(Set.of("found", "sqlstate", "sqlerrm"));
    }

    /**
     * The plan of {@code DO [LANGUAGE plpgsql] 'body'} (PostgreSQL), sent as written, when no statement of its body
     * touches an encrypted value; refused when one could; null when the text is no such {@code DO} statement (it is
     * then refused as before).
     */
    static StatementPlan plan(String sql, List<SqlToken> serverTokens, Dialect dialect, Statements statements) {
        if (dialect != Dialect.POSTGRESQL) {
            return null;
        }
        List<SqlToken> words = serverTokens.stream().filter(t -> t.kind() != TokenKind.COMMENT).toList();
        if (words.isEmpty() || !DynamicSql.isWord(sql, words.get(0), "DO")) {
            return null;
        }
        int at = 1;
        String language = "plpgsql";
        if (at + 1 < words.size() && DynamicSql.isWord(sql, words.get(at), "LANGUAGE")) {
            language = word(sql, words.get(at + 1));
            at += 2;
        }
        if (at >= words.size() || words.get(at).kind() != TokenKind.STRING || words.get(at).joined()) {
            return null;
        }
        SqlToken string = words.get(at++);
        if (at + 1 < words.size() && DynamicSql.isWord(sql, words.get(at), "LANGUAGE")) {
            language = word(sql, words.get(at + 1));
            at += 2;
        }
        if (at < words.size() && words.get(at).kind() == TokenKind.SEMICOLON) {
            at++;
        }
        String body = DynamicSql.plainContent(sql, string);
        if (at != words.size() || !language.equalsIgnoreCase("plpgsql") || body == null) {
            return null;
        }
        ServerReading reading = ServerReading.of(body, Dialect.POSTGRESQL);
        if (reading.disagreement() != null || reading.setAside() != null) {
            throw new Rejection("a DO block on configured table " + statements.mentioned(body) + " whose body the"
                    + " server reads differently under some session settings is not sent: "
                    + (reading.disagreement() != null ? reading.disagreement() : "it finds " + reading.setAside()));
        }
        PlpgsqlBlock block = new PlpgsqlBlock(body, reading.tokens().stream()
                .filter(t -> t.kind() != TokenKind.COMMENT).toList(), statements);
        block.read();
        block.requireVariablesApart();
        return block.combined(sql);
    }

    private void read() {
        int depth = 0;
        int start = 0;
        for (int t = 0; t < tokens.size(); t++) {
            String text = text(t);
            if (text.equals("(") || text.equals("[")) {
                depth++;
            } else if ((text.equals(")") || text.equals("]")) && depth > 0) {
                depth--;
            } else if (tokens.get(t).kind() == TokenKind.SEMICOLON && depth == 0) {
                segment(start, t);
                start = t + 1;
            }
        }
        segment(start, tokens.size());
    }

    /** One PL/pgSQL statement, {@code [from, to)} of the tokens, with the block and branch words before it. */
    private void segment(int from, int to) {
        int at = from;
        while (at < to) {
            if (text(at).equals("#")) {
                throw new Rejection("a DO block with a # option (#variable_conflict, #print_strict_params) is not"
                        + " supported where it names a configured table: it changes how PL/pgSQL reads the names in its"
                        + " statements; leave the option out");
            }
            if (text(at).equals("<<") && at + 2 < to && text(at + 2).equals(">>")) {
                at += 3;
                continue;
            }
            String word = tokens.get(at).kind() == TokenKind.WORD ? text(at).toUpperCase(Locale.ROOT) : "";
            if (declaring && !word.equals("BEGIN") && !word.equals("DECLARE")) {
                // a declaration's first word is its variable, even one spelled like a keyword (exception, perform)
                statement(at, to, word);
                return;
            }
            switch (word) {
                case "DECLARE" -> {
                    declaring = true;
                    at++;
                }
                case "BEGIN" -> {
                    declaring = false;
                    at++;
                }
                case "ELSE", "LOOP", "EXCEPTION" -> at++;
                case "END" -> {
                    requireNaming(at, to, "END");
                    return;
                }
                case "IF", "ELSIF", "ELSEIF", "WHEN" -> {
                    int then = find(at + 1, to, "THEN");
                    expression(at + 1, then, word + " condition");
                    at = then + 1;
                }
                case "WHILE" -> {
                    int loop = find(at + 1, to, "LOOP");
                    expression(at + 1, loop, "WHILE condition");
                    at = loop + 1;
                }
                case "CASE" -> {
                    int when = find(at + 1, to, "WHEN");
                    if (when > at + 1) {
                        expression(at + 1, when, "CASE selector");
                    }
                    at = when;
                }
                case "FOR" -> {
                    int loop = find(at + 1, to, "LOOP");
                    forLoop(at + 1, loop);
                    at = loop + 1;
                }
                case "PERFORM" -> {
                    expression(at + 1, to, "PERFORM query");
                    return;
                }
                default -> {
                    statement(at, to, word);
                    return;
                }
            }
        }
    }

    private void statement(int from, int to, String word) {
        if (declaring) {
            variable(from);
            requireNaming(from, to, "declaration");
            return;
        }
        if (word.equals("EXECUTE")) {
            execute(from, to, "EXECUTE statement");
            return;
        }
        if (word.equals("OPEN")) {
            open(from, to);
            return;
        }
        if (word.equals("FOREACH")) {
            variable(from + 1);
        }
        if (NAMING_NOTHING.contains(word)) {
            requireNaming(from, to, word + " statement");
            return;
        }
        int assignment = assignment(from, to);
        if (assignment >= 0) {
            expression(assignment, to, "assignment");
            return;
        }
        plan(withoutInto(from, to), word.isEmpty() ? "statement" : word + " statement");
    }

    /**
     * {@code EXECUTE 'statement' [INTO …]}: the statement written out in the literal is the one that runs, planned as
     * any other. One built by {@code format()} may name no configured table (it was checked to build no name).
     */
    private void execute(int from, int to, String what) {
        SqlToken source = from + 1 < to ? tokens.get(from + 1) : null;
        String written = source == null || source.joined() ? null : DynamicSql.plainContent(body, source);
        if (written != null && (from + 2 == to || isWord(from + 2, "INTO") || isWord(from + 2, "USING"))) {
            plan(written, what);
            if (from + 2 < to) {
                requireNaming(from + 2, to, what);
            }
            return;
        }
        for (int t = from; t < to; t++) {
            if (tokens.get(t).kind() == TokenKind.STRING && statements.mayMention(text(t))) {
                throw new Rejection("a DO block is not sent: its " + what + " builds SQL that names a configured"
                        + " table, which Cloak can plan only when it is written out as one literal: write EXECUTE"
                        + " 'statement', or the statement itself");
            }
        }
        requireNaming(from, to, what);
    }

    /**
     * {@code OPEN cursor [[NO] SCROLL] FOR query | FOR EXECUTE …}: the query is planned as any other; a bound
     * cursor's query was its declaration's.
     */
    private void open(int from, int to) {
        int at = from + 1;
        while (at < to && !isWord(at, "FOR")) {
            at++;
        }
        if (at + 1 >= to) {
            requireNaming(from, to, "OPEN statement");
        } else if (isWord(at + 1, "EXECUTE")) {
            requireNaming(from, at + 1, "OPEN statement");
            execute(at + 1, to, "OPEN … FOR EXECUTE statement");
        } else {
            requireNaming(from, at + 1, "OPEN statement");
            plan(span(at + 1, to), "OPEN … FOR query");
        }
    }

    /** Records the variable a declaration or loop names at {@code t}. */
    private void variable(int t) {
        if (t < tokens.size() && isName(t)) {
            variables.add(Identifiers.unquote(text(t)).toLowerCase(Locale.ROOT));
        }
    }

    /**
     * PL/pgSQL reads a name in a statement as the block's variable of that name where Cloak reads a column (and
     * {@code plpgsql.variable_conflict = use_variable}, which a session or role may set, lets the variable win
     * over the column): {@code DECLARE ssn bytea := …; UPDATE patients SET ssn = ssn} would store the variable's
     * plaintext. No statement on a configured table may name a variable.
     */
    private void requireVariablesApart() {
        if (variables.isEmpty()) {
            return;
        }
        for (String text : planned) {
            if (!statements.mayMention(text)) {
                continue;
            }
            for (SqlToken token : SqlLexer.read(text, Dialect.POSTGRESQL).tokens()) {
                if ((token.kind() == TokenKind.WORD || token.kind() == TokenKind.QUOTED_IDENTIFIER)
                        && variables.contains(Identifiers.unquote(text.substring(token.start(), token.end()))
                                .toLowerCase(Locale.ROOT))) {
                    throw new Rejection("a DO block is not sent: one of its statements on configured table "
                            + statements.mentioned(text) + " names a variable of the block, which PL/pgSQL may read"
                            + " where Cloak reads a column of that name: give the variable a name no statement on"
                            + " the table uses, or run the statement through Cloak with ? parameters");
                }
            }
        }
    }

    /** {@code FOR target IN [REVERSE] query | low .. high LOOP}: a query is planned, a range must name nothing. */
    private void forLoop(int from, int loop) {
        int in = find(from, loop, "IN");
        for (int t = from; t < in; t++) {
            variable(t);
        }
        int source = in + 1 < loop && isWord(in + 1, "REVERSE") ? in + 2 : in + 1;
        String first = source < loop && tokens.get(source).kind() == TokenKind.WORD
                ? text(source).toUpperCase(Locale.ROOT) : "";
        if (first.equals("SELECT") || first.equals("WITH") || first.equals("VALUES") || first.equals("TABLE")) {
            plan(span(source, loop), "FOR loop query");
        } else if (first.equals("EXECUTE")) {
            execute(source, loop, "FOR … IN EXECUTE query");
        } else {
            requireNaming(from, loop, "FOR loop");
        }
    }

    /** The expression of {@code IF}, {@code WHILE}, an assignment or {@code PERFORM}, planned as a query. */
    private void expression(int from, int to, String what) {
        if (from >= to) {
            return;
        }
        String text = span(from, to);
        if (statements.mayMention(text)) {
            plan("SELECT " + text, what);
        }
    }

    /**
     * The first token after {@code target :=} (or {@code target =}), where the target is one name, dotted or not;
     * -1 when the statement is no assignment.
     */
    private int assignment(int from, int to) {
        int t = from;
        while (t < to && isName(t)) {
            t++;
            if (t + 1 < to && text(t).equals(".") && isName(t + 1)) {
                t++;
            } else {
                break;
            }
        }
        if (t == from || t >= to) {
            return -1;
        }
        if (text(t).equals(":=") || text(t).equals("=")) {
            return t + 1;
        }
        if (text(t).equals(":") && t + 1 < to && text(t + 1).equals("=")) {
            return t + 2;
        }
        return -1;
    }

    private boolean isName(int t) {
        return tokens.get(t).kind() == TokenKind.WORD || tokens.get(t).kind() == TokenKind.QUOTED_IDENTIFIER;
    }

    /**
     * The statement's text without PL/pgSQL's {@code INTO [STRICT] target, …}, which names variables, not a table:
     * {@code SELECT count(*) INTO n FROM t} is planned as {@code SELECT count(*) FROM t}.
     */
    private String withoutInto(int from, int to) {
        int into = -1;
        int depth = 0;
        for (int t = from; t < to; t++) {
            String text = text(t);
            depth += text.equals("(") ? 1 : text.equals(")") ? -1 : 0;
            // INSERT INTO, MERGE INTO and IMPORT … INTO name a table, wherever they stand (after WITH too)
            boolean table = t > from && (isWord(t - 1, "INSERT") || isWord(t - 1, "MERGE"))
                    || isWord(from, "IMPORT");
            if (depth == 0 && isWord(t, "INTO") && !table) {
                into = t;
                break;
            }
        }
        if (into < 0) {
            return span(from, to);
        }
        int after = into + 1;
        if (after < to && isWord(after, "STRICT")) {
            after++;
        }
        // targets: name[.name], ...
        while (after < to && isName(after) && !isClauseWord(after)) {
            after++;
            if (after + 1 < to && text(after).equals(".") && isName(after + 1)) {
                after += 2;
            }
            if (after + 1 < to && text(after).equals(",")) {
                after++;
            } else {
                break;
            }
        }
        String before = span(from, into);
        String planned = after < to ? before + " " + span(after, to) : before;
        for (int t = into; t < after; t++) {
            if (statements.mayMention(text(t))) {
                // a target spelled like a configured table: the server may read it as one
                throw new Rejection("a DO block is not sent: the INTO of one of its statements names configured table "
                        + statements.mentioned(text(t)) + ", which PL/pgSQL reads as a variable or a table depending"
                        + " on the statement; name the variable otherwise");
            }
        }
        return planned;
    }

    private boolean isClauseWord(int t) {
        return CLAUSE_WORDS.contains(text(t).toUpperCase(Locale.ROOT));
    }

    private void plan(String sql, String what) {
        statements.requireViewsSettled(plans);
        StatementPlan plan;
        try {
            plan = statements.plan(sql);
        } catch (Rejection refused) {
            throw refused.within("a DO block is not sent: its " + what + " is refused: ");
        }
        boolean writes = plan.kind() == StatementPlan.Kind.INSERT || plan.kind() == StatementPlan.Kind.UPDATE;
        if (writes && (plan.writtenTableColumns() == null || !plan.writtenTableColumns().isEmpty())) {
            // a write of a configured table is Cloak's to encrypt: never left to PL/pgSQL, whatever it seems to write
            throw new Rejection("a DO block is not sent: its " + what + " writes a table with encrypted columns,"
                    + " which Cloak leaves to no server-side code: run that statement through Cloak itself");
        }
        if (plan.hasEncryptedParameters() || plan.hasEncryptedLiterals() || plan.hasEncryptedResults()
                || !plan.lookups().isEmpty() || !plan.declaredColumns().isEmpty() || !plan.sql().equals(sql)) {
            throw new Rejection("a DO block is not sent: its " + what + " reads, writes or compares values of"
                    + " encrypted columns, which PL/pgSQL would do on the server, where nothing encrypts or decrypts"
                    + " them: run that statement through Cloak with ? parameters");
        }
        plans.add(plan);
        planned.add(sql);
    }

    /** The block's own plan: sent as written, with what its statements change, lock and use. */
    private StatementPlan combined(String sql) {
        List<ColumnUse> uses = new ArrayList<>();
        boolean ddl = false;
        for (StatementPlan plan : plans) {
            uses.addAll(plan.uses());
            ddl |= plan.kind() == StatementPlan.Kind.DDL;
        }
        return StatementPlan.builder(ddl ? StatementPlan.Kind.DDL : StatementPlan.Kind.UTILITY, sql, 0)
                .schemaEffectsOf(plans).uses(uses).build();
    }

    /**
     * The statement (or its part) in {@code [from, to)} must name no configured table or known view, in a name or a
     * string (which an {@code EXECUTE} could run); a {@code RAISE} or {@code ASSERT} message's strings are text.
     */
    private void requireNaming(int from, int to, String what) {
        boolean message = what.startsWith("RAISE") || what.startsWith("ASSERT");
        for (int t = from; t < to; t++) {
            boolean string = tokens.get(t).kind() == TokenKind.STRING && !message;
            if ((isName(t) || string) && statements.mayMention(text(t))) {
                throw new Rejection("a DO block is not sent: its " + what + " names configured table "
                        + statements.mentioned(text(t)) + ", where Cloak cannot plan it (Cloak plans only the SQL"
                        + " statements, conditions, assignments and loop and cursor queries of a block): read that"
                        + " table in an SQL statement of the block");
            }
        }
    }

    /** The index of {@code word} at parenthesis depth 0 in {@code [from, to)}; refused when it is missing. */
    private int find(int from, int to, String word) {
        int depth = 0;
        for (int t = from; t < to; t++) {
            String text = text(t);
            depth += text.equals("(") ? 1 : text.equals(")") ? -1 : 0;
            if (depth == 0 && isWord(t, word)) {
                return t;
            }
        }
        throw new Rejection("a DO block on configured table " + statements.mentioned(body) + " could not be read:"
                + " a " + word + " is missing where PL/pgSQL needs it; check the block's syntax");
    }


    private boolean isWord(int t, String word) {
        return DynamicSql.isWord(body, tokens.get(t), word);
    }

    private String text(int t) {
        SqlToken token = tokens.get(t);
        return body.substring(token.start(), token.end());
    }

    private String span(int from, int to) {
        return body.substring(tokens.get(from).start(), tokens.get(to - 1).end());
    }

    private static String word(String sql, SqlToken token) {
        return token.kind() == TokenKind.WORD ? sql.substring(token.start(), token.end()) : "";
    }
}
