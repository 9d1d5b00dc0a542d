package dev.cloak.rewriter;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cloak.rewriter.lexer.DynamicSql;
import dev.cloak.rewriter.lexer.ParserReading;
import dev.cloak.rewriter.lexer.ReadingAgreement;
import dev.cloak.rewriter.lexer.ServerReading;
import dev.cloak.rewriter.lexer.SqlLexer;
import dev.cloak.rewriter.lexer.SqlToken;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.statement.Statements;

/**
 * Turns SQL text into an immutable {@link StatementPlan}, or rejects it. Plans and rejections are cached by
 * SQL text in a bounded cache; a cache hit never parses. A text naming no configured table is passed through
 * without parsing. A text that does is first read as the server reads it under every session setting that
 * changes scanning, and planned only when those readings, the JDBC driver's and JSqlParser's agree: so a plan
 * depends on the text and the dialect alone, never on the session's settings, and the cache key is the text.
 * Parsing runs on the calling thread, bounded by text length and parenthesis depth checks made before the
 * parse. Thread-safe.
 */
public final class SqlRewriter {

    /** Texts longer than this that mention a configured table are rejected before parsing. */
    static final int MAX_SQL_LENGTH = 1 << 20;
    /** Parenthesis nesting deeper than this in a text that mentions a configured table is rejected. */
    static final int MAX_NESTING = 200;
    /**
     * Expression parentheses (not subqueries) nested deeper than this are rejected before parsing: JSqlParser's
     * time grows about 2.5-fold per level (10 levels of nested conditions take seconds).
     */
    static final int MAX_EXPRESSION_NESTING = 7;
    /**
     * More commas, ANDs and ORs than this in a text that mentions a configured table are rejected before parsing:
     * JSqlParser needs seconds for lists of tens of thousands of items.
     */
    static final int MAX_LIST_TERMS = 4_000;
    /** Longer texts are planned every time rather than cached, so the cache stays small in memory. */
    static final int MAX_CACHED_LENGTH = 64 * 1024;

    private final EncryptedSchema schema;
    private final Dialect dialect;
    private final Cache<String, Outcome> cache;
    private final AtomicLong parses = new AtomicLong();
    private final Function<String, Outcome> decider = this::decide;

    /**
     * Creates a rewriter for one policy.
     *
     * @param schema    the encrypted columns of the policy
     * @param cacheSize the maximum number of cached plans (0 disables caching)
     */
    public SqlRewriter(EncryptedSchema schema, int cacheSize) {
        this(schema, cacheSize, null);
    }

    /**
     * Creates a rewriter for one policy and database dialect: DDL ({@code CREATE TABLE}, {@code ALTER TABLE ...
     * ADD COLUMN / ALTER COLUMN ... TYPE}) declaring an encrypted column is rewritten to the dialect's binary type.
     *
     * @param schema    the encrypted columns of the policy
     * @param cacheSize the maximum number of cached plans (0 disables caching)
     * @param dialect   the target database's dialect; {@code null} leaves DDL text as it is
     */
    public SqlRewriter(EncryptedSchema schema, int cacheSize, Dialect dialect) {
        this.dialect = dialect;
        this.schema = Objects.requireNonNull(schema, "schema");
        if (cacheSize < 0) {
            throw new IllegalArgumentException("cacheSize must not be negative: " + cacheSize);
        }
        this.cache = Caffeine.newBuilder().maximumSize(cacheSize).build();
    }

    /** Plans a statement; cached by SQL text, rejections too. */
    public StatementPlan plan(String sql) throws UnsupportedStatementException {
        Objects.requireNonNull(sql, "sql");
        Outcome outcome = cache.getIfPresent(sql);
        if (outcome == null) {
            outcome = sql.length() > MAX_CACHED_LENGTH ? decide(sql) : cache.get(sql, decider);
        }
        if (outcome.rejection() != null) {
            // a fresh exception per call: exceptions are mutable (suppressed, causes) and carry the caller's stack
            throw new UnsupportedStatementException(outcome.rejection());
        }
        return outcome.plan();
    }

    /** How many texts this rewriter has parsed: lets tests prove that pass-through and cache hits do not. */
    long parseCount() {
        return parses.get();
    }

    private Outcome decide(String sql) {
        try {
            return new Outcome(planUncached(sql), null);
        } catch (Rejection rejection) {
            return new Outcome(null, rejection.getMessage());
        } catch (RuntimeException | StackOverflowError unexpected) {
            // an AST shape the analysis did not foresee: fail closed, without the text or the cause's message
            return new Outcome(null, "statement that names a configured table could not be analysed, so it is"
                    + " not sent: simplify it or split it into several statements");
        }
    }

    private StatementPlan planUncached(String sql) {
        if (!schema.isEmpty() && DynamicSql.runsBuiltSql(sql, dialect)) {
            throw new Rejection("statement runs SQL built from a string at run time (EXECUTE IMMEDIATE, PREPARE ..."
                    + " FROM an expression, EXECUTE in a DO block or function body), which may name a configured"
                    + " table in pieces Cloak cannot see, so it is not sent: write the statement itself");
        }
        if (!schema.mayMention(sql)) {
            return StatementPlan.passThrough(sql, SqlText.countParameters(sql, dialect));
        }
        if (sql.length() > MAX_SQL_LENGTH) {
            throw new Rejection("statement text over " + MAX_SQL_LENGTH + " characters that names a configured"
                    + " table is not analysed: send smaller statements with ? parameters");
        }
        // bounds first, over one quick reading: they keep huge texts from the slower readings and the parse
        List<SqlToken> quick = SqlLexer.read(sql, dialect == null ? Dialect.POSTGRESQL : dialect).tokens();
        if (SqlText.maxParenthesisDepth(sql, quick) > MAX_NESTING) {
            throw new Rejection("statement that names a configured table nests parentheses deeper than "
                    + MAX_NESTING + " and is not analysed: simplify the statement");
        }
        if (SqlText.maxExpressionDepth(sql, quick) > MAX_EXPRESSION_NESTING) {
            throw new Rejection("statement that names a configured table nests parenthesised expressions deeper than "
                    + MAX_EXPRESSION_NESTING + " and is not analysed: remove redundant parentheses or simplify it");
        }
        if (SqlText.countListTerms(sql, quick) > MAX_LIST_TERMS) {
            throw new Rejection("statement that names a configured table has more than " + MAX_LIST_TERMS
                    + " list items or conditions and is not analysed: split long IN lists and VALUES rows into"
                    + " several statements, or load the values into a table and join it");
        }
        // read as the server does under every session setting, and as the driver and JSqlParser do (JSqlParser's
        // reading must then match the quick one, so the bounds hold for the parse too)
        ServerReading server = ServerReading.of(sql, dialect);
        String disagreement = ReadingAgreement.refusal(sql, dialect, server, ParserReading.of(sql));
        if (disagreement != null) {
            throw new Rejection("statement on configured table " + schema.mentionedTable(sql) + " is not sent: "
                    + disagreement);
        }
        Statements statements = parse(sql);
        if (statements.isEmpty()) {
            throw new Rejection("statement that names a configured table contains no statement Cloak can analyse");
        }
        StatementPlan plan;
        if (statements.size() > 1) {
            plan = planSeveral(sql, statements.size(), server.tokens());
        } else {
            int parameters = SqlText.countPlaceholders(server.tokens(), 0, sql.length());
            plan = new StatementAnalyzer(schema, sql, parameters, dialect).analyze(statements.get(0));
        }
        if (server.setAside() != null && !plan.literals().isEmpty()) {
            // ciphertext in place of a literal would change the text those settings fail on: keep it as written
            throw new Rejection("a literal of encrypted column " + plan.literals().get(0).column().name()
                    + " stands in a text the server reads only under some session settings (it finds "
                    + server.setAside() + "), and a session can change them at any time: bind the value with a ?"
                    + " parameter");
        }
        return plan;
    }

    /**
     * Several statements in one text: each piece is planned on its own (its parameters numbered after those of
     * the pieces before it) and the plans combined, or the whole text is refused.
     */
    private StatementPlan planSeveral(String sql, int statementCount, List<SqlToken> tokens) {
        List<SqlText.Piece> pieces = SqlText.splitStatements(sql, tokens);
        if (pieces.size() != statementCount) {
            throw new Rejection("several statements in one string that names a configured table could not be"
                    + " separated reliably: send them one at a time");
        }
        List<StatementPlan> plans = new ArrayList<>();

        for (SqlText.Piece each : pieces) {
            String piece = each.text();
            int parameters = SqlText.countPlaceholders(tokens, each.start(), each.start() + piece.length());
            if (!schema.mayMention(piece)) {
                plans.add(StatementPlan.passThrough(piece, parameters));
                continue;
            }
            Statements one = parse(piece);
            if (one.size() != 1) {
                throw new Rejection("several statements in one string that names a configured table could not be"
                        + " separated reliably: send them one at a time");
            }
            plans.add(new StatementAnalyzer(schema, piece, parameters, dialect).analyze(one.get(0)));
        }
        return StatementPlan.combine(sql, plans, pieces);
    }

    private Statements parse(String sql) {
        parses.incrementAndGet();
        try {
            return new CCJSqlParser(sql).Statements();
        } catch (Exception | StackOverflowError e) {
            // the parser's message quotes the SQL text, which may hold plaintext: never pass it on
            throw new Rejection("statement that names a configured table could not be parsed, so it is not sent:"
                    + " check its syntax or simplify it");
        }
    }

    /** A cached result: a plan, or the message of a rejection. */
    private record Outcome(StatementPlan plan, String rejection) {
    }
}
