package dev.cloak.rewriter;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cloak.rewriter.lexer.DynamicSql;
import dev.cloak.rewriter.lexer.ParserReading;
import dev.cloak.rewriter.lexer.ReadingAgreement;
import dev.cloak.rewriter.lexer.ServerReading;
import dev.cloak.rewriter.lexer.SqlLexer;
import dev.cloak.rewriter.lexer.SqlToken;
import dev.cloak.rewriter.lexer.TokenKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.select.Select;

/**
 * Turns SQL text into an immutable {@link StatementPlan}, or rejects it. Plans and rejections are cached by
 * SQL text in a bounded cache; a cache hit never parses. A text naming no configured table (nor a view over one
 * that Cloak knows) is passed through without parsing. A text that does is first read as the server reads it
 * under every session setting that changes scanning, and planned only when those readings, the JDBC driver's and
 * JSqlParser's agree: so a plan depends on the text and the dialect alone, never on the session's settings, and the
 * cache key is the text. Parsing runs on the calling thread, bounded by text length and parenthesis depth checks
 * made before the parse, and, for texts with long lists or deep parentheses, by a deadline. A utility statement
 * JSqlParser cannot parse is read from the server's tokens by {@link UnparsedUtility}. The views over configured
 * tables come from the {@code CREATE VIEW} statements planned here and from the {@link Catalog}, read again every
 * catalog interval; a plan that used the catalog (an INSERT without a column list) is planned again after that
 * interval or after DDL that Cloak saw. Thread-safe.
 */
public final class SqlRewriter {

    /** Texts longer than this that mention a configured table are rejected before parsing. */
    static final int MAX_SQL_LENGTH = 1 << 20;
    /** Parenthesis nesting deeper than this in a text that mentions a configured table is rejected. */
    static final int MAX_NESTING = 200;
    /**
     * A test of an encrypted column under more expression parentheses than this is refused; a text with deeper
     * expression parentheses anywhere is parsed under a deadline.
     */
    static final int MAX_EXPRESSION_NESTING = 7;
    /**
     * More values of encrypted columns than this in one statement are refused; a text with more commas, ANDs and
     * ORs than this is parsed under a deadline, since JSqlParser needs seconds for lists of tens of thousands.
     */
    static final int MAX_LIST_TERMS = 4_000;
    /** How long what the catalog said is trusted when no constructor sets it. */
    static final Duration DEFAULT_CATALOG_INTERVAL = Duration.ofMinutes(15);
    /** How soon a catalog that did not answer is asked again. */
    private static final long CATALOG_RETRY_NANOS = Duration.ofSeconds(30).toNanos();
    /** Longer texts are planned every time rather than cached, so the cache stays small in memory. */
    static final int MAX_CACHED_LENGTH = 64 * 1024;

    private final EncryptedSchema schema;
    private final Dialect dialect;
    private final Cache<String, Outcome> cache;
    private final AtomicLong parses = new AtomicLong();
    private final long catalogIntervalNanos;
    private final ViewRegistry views = new ViewRegistry();
    private final ReentrantLock viewRead = new ReentrantLock();
    /** When the views are due to be read from the catalog again; until the first read, at once. */
    private volatile long viewsDue = System.nanoTime();
    private volatile boolean viewsRead;
    /** Counts the schema changes Cloak saw: a plan that used the catalog is valid for one generation. */
    private final AtomicLong catalogGeneration = new AtomicLong();

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
        this(schema, cacheSize, dialect, DEFAULT_CATALOG_INTERVAL);
    }

    /**
     * As above, trusting what the catalog says (column orders, views) for {@code catalogInterval}.
     *
     * @param catalogInterval how long a catalog answer is used before it is asked again (the key cache's TTL)
     */
    public SqlRewriter(EncryptedSchema schema, int cacheSize, Dialect dialect, Duration catalogInterval) {
        this.dialect = dialect;
        this.schema = Objects.requireNonNull(schema, "schema");
        if (cacheSize < 0) {
            throw new IllegalArgumentException("cacheSize must not be negative: " + cacheSize);
        }
        if (catalogInterval.isNegative()) {
            throw new IllegalArgumentException("catalogInterval must not be negative");
        }
        this.cache = Caffeine.newBuilder().maximumSize(cacheSize).recordStats().build();
        this.catalogIntervalNanos = catalogInterval.toNanos();
    }

    /** Plans a statement without a catalog; cached by SQL text, rejections too. */
    public StatementPlan plan(String sql) throws UnsupportedStatementException {
        return plan(sql, Catalog.NONE);
    }

    /**
     * Plans a statement; cached by SQL text, rejections too. {@code catalog} answers for the connection the
     * statement runs on: the column order of a configured table an INSERT fills without naming columns, and the
     * views, when they are due to be read again.
     */
    public StatementPlan plan(String sql, Catalog catalog) throws UnsupportedStatementException {
        Objects.requireNonNull(sql, "sql");
        readViewsIfDue(catalog);
        if (catalog != Catalog.NONE && !viewsRead) {
            // a view made outside Cloak over a configured table would be taken for a plain table
            throw new UnsupportedStatementException("the views could not be read from the database's catalog, so"
                    + " Cloak cannot tell whether the statement reaches a configured table through one; it is not"
                    + " sent: try again");
        }
        Outcome outcome = cache.getIfPresent(sql);
        if (outcome == null || outcome.catalogBound() && stale(outcome)) {
            Outcome seen = outcome;
            // one caller plans a text while the others wait for its plan, unless that plan is stale already
            // a trigger's or trigger function's plan depends on a function body that may change in between
            outcome = sql.length() > MAX_CACHED_LENGTH || Triggers.mayDefine(sql) ? decide(sql, catalog)
                    : cache.asMap().compute(sql, (key, current) -> current != null && current != seen
                            && !(current.catalogBound() && stale(current)) ? current : decide(key, catalog));
        }
        if (outcome.rejection() != null) {
            // a fresh exception per call: exceptions are mutable (suppressed, causes) and carry the caller's stack
            throw new UnsupportedStatementException(outcome.rejection());
        }
        return outcome.plan();
    }

    /**
     * Reads the views from {@code catalog} when the catalog interval has passed since the last read, as planning
     * does: a statement prepared earlier, about to run again, learns of a view made outside Cloak meanwhile.
     */
    public void readViewsIfDue(Catalog catalog) {
        if (catalog != Catalog.NONE && System.nanoTime() - viewsDue >= 0) {
            readViews(catalog);
        }
    }

    /**
     * A count of what changed what the rewriter knows of the schema: DDL it planned, views it learned from the
     * catalog. A plan made under another count may be planned otherwise now.
     */
    public long catalogGeneration() {
        return catalogGeneration.get();
    }

    /**
     * Tells the rewriter that a statement with this plan is about to run: what the catalog said about the tables
     * and views it changes is stale, a view it creates is known at once, and one it drops is forgotten.
     */
    public void schemaChanged(StatementPlan plan) {
        if (!plan.changesSchema()) {
            return;
        }
        catalogGeneration.incrementAndGet();
        if (views.learn(plan.definedViews(), plan.droppedViews(), System.nanoTime())) {
            // statements on a new view were planned as plain: plan them again
            cache.invalidateAll();
        }
        if (plan.viewsStale()) {
            viewsDue = System.nanoTime();
        }
    }

    /**
     * The views a statement planned here defined or dropped may not be what the server now holds (the statement
     * failed, or its transaction was rolled back): they are read from the catalog again at the next plan, and
     * every plan made since is made again.
     */
    public void readViewsAgain() {
        viewsDue = System.nanoTime();
        catalogGeneration.incrementAndGet();
        cache.invalidateAll();
    }

    private boolean stale(Outcome outcome) {
        return outcome.generation() != catalogGeneration.get()
                || System.nanoTime() - outcome.madeAt() - catalogIntervalNanos >= 0;
    }

    /**
     * Reads the views from the catalog. One thread reads while the others go on with the views known so far,
     * except before the first read, which every thread waits for.
     */
    private void readViews(Catalog catalog) {
        if (!viewRead.tryLock()) {
            if (!viewsRead) {
                viewRead.lock();
                viewRead.unlock();
            }
            return;
        }
        try {
            long startedAt = System.nanoTime();
            if (startedAt - viewsDue < 0) {
                return;
            }
            List<ViewDefinition> found = catalog.views();
            if (found == null) {
                viewsDue = startedAt + Math.min(catalogIntervalNanos, CATALOG_RETRY_NANOS);
                return;
            }
            boolean changed = views.refreshed(found, startedAt,
                    (text, known) -> schema.mayMention(text) || known.mayMention(text), this::planDefinition);
            viewsDue = startedAt + catalogIntervalNanos;
            viewsRead = true;
            if (changed) {
                catalogGeneration.incrementAndGet();
                cache.invalidateAll();
            }
        } finally {
            viewRead.unlock();
        }
    }

    /** A view as its catalog definition maps it, or unmappable with the reason its definition was refused. */
    private KnownView planDefinition(ViewDefinition view, KnownViews known) {
        String text = view.definition();
        try {
            Statements statements = parse(text, false);
            Statement statement = statements.size() == 1 ? statements.get(0) : null;
            if (!(statement instanceof Select select)) {
                return KnownView.unmappable(view.schema(), view.name(), "its definition is not one query");
            }
            ConfiguredTables tables = new ConfiguredTables(schema, known);
            return new StatementAnalyzer(tables, text, 0, dialect)
                    .definingQuery(select, StatementWalk.of(select), view.schema(), view.name(), view.columns(), false);
        } catch (Rejection refused) {
            return KnownView.unmappable(view.schema(), view.name(), refused.getMessage());
        } catch (RuntimeException | StackOverflowError unexpected) {
            return KnownView.unmappable(view.schema(), view.name(), "its definition could not be analysed");
        }
    }

    /** Whether the text may name a configured table or a view over one that Cloak knows. */
    public boolean mayMention(String sql) {
        return schema.mayMention(sql) || views.snapshot().mayMention(sql);
    }

    /** The plan cache's lookups so far and its size now, for metrics. */
    public PlanCacheStatistics cacheStatistics() {
        var stats = cache.stats();
        return new PlanCacheStatistics(stats.hitCount(), stats.missCount(), cache.estimatedSize());
    }

    /**
     * The plan cache as metrics see it.
     *
     * @param hits   lookups answered by a cached plan or refusal
     * @param misses lookups that planned the text
     * @param size   the plans and refusals cached now (an estimate)
     */
    public record PlanCacheStatistics(long hits, long misses, long size) {
    }

    /** How many texts this rewriter has parsed: lets tests prove that pass-through and cache hits do not. */
    long parseCount() {
        return parses.get();
    }

    private Outcome decide(String sql, Catalog catalog) {
        long generation = catalogGeneration.get();
        long now = System.nanoTime();
        try {
            StatementPlan plan = planUncached(sql, catalog);
            return new Outcome(plan, null, plan.dependsOnCatalog(), generation, now);
        } catch (Rejection rejection) {
            // a catalog that did not answer may answer next time: such a refusal is never reused
            return new Outcome(null, rejection.getMessage(), rejection.isTransient(),
                    rejection.isTransient() ? -1 : generation, now);
        } catch (RuntimeException | StackOverflowError unexpected) {
            // an AST shape the analysis did not foresee: fail closed, without the text or the cause's message
            return new Outcome(null, "statement that names a configured table could not be analysed, so it is"
                    + " not sent: simplify it or split it into several statements", false, generation, now);
        }
    }

    private StatementPlan planUncached(String sql, Catalog catalog) {
        if (!schema.isEmpty() && DynamicSql.runsBuiltSql(sql, dialect)) {
            throw new Rejection("statement runs SQL built from a string at run time (EXECUTE IMMEDIATE, PREPARE ..."
                    + " FROM an expression, EXECUTE in a DO block or function body), which may name a configured"
                    + " table in pieces Cloak cannot see, so it is not sent: write the statement itself");
        }
        String named = schema.isEmpty() || dialect == Dialect.MARIADB || dialect == Dialect.H2 ? null
                : DynamicSql.runsNamedStatement(sql);
        if (named != null) {
            throw new Rejection("PostgreSQL's " + named + " by name is not sent: it reaches the prepared statements"
                    + " and cursors the driver keeps on the server, which hold statements Cloak rewrote, past Cloak"
                    + " (a value bound there is not encrypted, a row fetched there is not decrypted): run the"
                    + " statement itself with ? parameters, and set a fetch size to read rows in batches");
        }
        if (dialect != Dialect.MARIADB && !schema.isEmpty() && DynamicSql.changesSessionUser(sql)) {
            throw new Rejection("SET SESSION AUTHORIZATION is not sent: the access policy decides on the user the"
                    + " session logged in as, which Cloak reads once per connection; connect as that user instead");
        }
        if (dialect == Dialect.MARIADB && !schema.isEmpty() && DynamicSql.executesPreparedByName(sql)) {
            throw new Rejection("MariaDB's EXECUTE of a statement prepared by name is not sent: the server resolves its"
                    + " names again at each EXECUTE, and a table it names may since have become a view over a"
                    + " configured table, past Cloak: run the statement itself with ? parameters");
        }
        if (dialect != Dialect.MARIADB && !schema.isEmpty()) {
            refuseSchemaRename(sql);
        }
        String statistics = schema.isEmpty() ? null : DynamicSql.statisticsView(sql);
        if (statistics != null) {
            throw new Rejection("statement reads " + statistics + ", whose sampled column values include the cells of"
                    + " encrypted columns, which Cloak cannot tell apart there, so it is not sent: read the statistics"
                    + " of plain columns with a connection outside Cloak");
        }
        String opaque = schema.isEmpty() ? null : DynamicSql.opaqueSqlString(sql, dialect);
        if (opaque != null) {
            throw new Rejection("statement runs SQL held in a string, and holds " + opaque + ", so Cloak cannot tell"
                    + " whether it names a configured table: write the SQL in plain '...' or $$...$$ strings without"
                    + " escapes, in SQL or PL/pgSQL");
        }
        if (!schema.isEmpty()) {
            Triggers.checkFunction(sql, dialect, new ConfiguredTables(schema, views.snapshot()), catalog);
        }
        String reader = schema.isEmpty() ? null : DynamicSql.tableReader(sql, dialect);
        if (reader != null) {
            throw new Rejection("statement calls " + reader + ", which runs SQL or reads tables it is given by name"
                    + " at run time, where Cloak cannot see whether they are configured, so it is not sent: select"
                    + " the rows with a plain query and build the result in the application");
        }
        if (dialect != Dialect.MARIADB && dialect != Dialect.H2 && !schema.isEmpty() && SqlText.mayHoldLongName(sql)) {
            // a name PostgreSQL cuts to a configured table's or known view's name is a mention Cloak must see
            List<SqlToken> tokens = SqlLexer.read(sql, Dialect.POSTGRESQL).tokens();
            for (String cut : SqlText.postgresTruncatedNames(sql, tokens)) {
                if (mayMention(cut)) {
                    throw new Rejection("statement holds a name longer than PostgreSQL's 63 bytes, which the server"
                            + " cuts to the name of configured table or view " + mentioned(cut) + ": use names of at"
                            + " most 63 bytes");
                }
            }
        }
        refuseForeignSource(sql);
        if (!mayMention(sql)) {
            return StatementPlan.passThrough(sql, SqlText.countParameters(sql, dialect));
        }
        if (MentionsInStrings.passUntouched(sql, dialect, this::mayMention)) {
            // it names configured tables and known views only inside strings and comments, however the server reads it
            return StatementPlan.passThrough(sql, SqlText.countParameters(sql, dialect));
        }
        if (sql.length() > MAX_SQL_LENGTH) {
            throw new Rejection("statement text over " + MAX_SQL_LENGTH + " characters that names a configured"
                    + " table is not analysed: send smaller statements with ? parameters");
        }
        UnparsedUtility.refuseBulkCopy(sql);
        // bounds first, over one quick reading: they keep huge texts from the slower readings and the parse
        List<SqlToken> quick = SqlLexer.read(sql, dialect == null ? Dialect.POSTGRESQL : dialect).tokens();
        refuseIntoFile(sql, quick);
        if (SqlText.maxParenthesisDepth(sql, quick) > MAX_NESTING) {
            throw new Rejection("statement that names a configured table nests parentheses deeper than "
                    + MAX_NESTING + " and is not analysed: simplify the statement");
        }
        // long lists and deep expressions no longer refuse a statement: they bound its parse by a deadline
        boolean large = SqlText.maxExpressionDepth(sql, quick) > MAX_EXPRESSION_NESTING
                || SqlText.countListTerms(sql, quick) > MAX_LIST_TERMS;
        // read as the server does under every session setting, and as the driver and JSqlParser do
        ServerReading server = ServerReading.of(sql, dialect);
        String withoutBlankLines = server.disagreement() == null ? SqlText.withoutBlankLines(sql, server.tokens())
                : null;
        if (withoutBlankLines != null) {
            // planned, and sent, with blanks for the line breaks JSqlParser would take for a statement boundary
            return planUncached(withoutBlankLines, catalog);
        }
        String executed = dialect == Dialect.MARIADB && server.disagreement() == null && server.setAside() == null
                ? SqlText.withoutExecutableMarkers(sql, server.tokens()) : null;
        if (executed != null) {
            // planned, and sent, with the content of MariaDB's executable comments as the plain SQL the server runs
            return planUncached(executed, catalog);
        }
        String uncommented = dialect == Dialect.MARIADB && server.disagreement() == null && server.setAside() == null
                ? SqlText.withoutHashComments(sql, server.tokens()) : null;
        if (uncommented != null) {
            // planned, and sent, with MariaDB's # comments blanked, which JSqlParser would read as SQL
            return planUncached(uncommented, catalog);
        }
        String quoted = server.disagreement() == null && server.setAside() == null
                ? SqlText.withParserKeywordsQuoted(sql, server.tokens(), dialect) : null;
        if (quoted != null) {
            // planned, and sent, with names quoted that JSqlParser would read as keywords (a column named settings)
            return planUncached(quoted, catalog);
        }
        if (server.setAside() == null && ReadingAgreement.serverAndDriverRefusal(sql, dialect, server) == null) {
            // statements read from the server's tokens alone: JSqlParser's reading of them does not matter
            if (isMariaDbGrant(sql, server)) {
                return StatementPlan.builder(StatementPlan.Kind.UTILITY, sql, 0).build();
            }
            StatementPlan block = PlpgsqlBlock.plan(sql, server.tokens(), dialect, embedded(catalog));
            if (block != null) {
                return block;
            }
        }
        String disagreement = ReadingAgreement.refusal(sql, dialect, server, ParserReading.of(sql));
        if (disagreement != null) {
            throw new Rejection(statementOn(sql) + " is not sent: " + disagreement);
        }
        if (dialect != Dialect.MARIADB && dialect != Dialect.H2
                && !SqlText.postgresTruncatedNames(sql, server.tokens()).isEmpty()) {
            throw new Rejection(statementOn(sql) + " is not sent: it holds a name longer than PostgreSQL's 63 bytes,"
                    + " which the server cuts and Cloak's analysis reads in full, so two names could be one: use names"
                    + " of at most 63 bytes");
        }
        String clash = SqlText.caseClash(sql, server.tokens(), dialect);
        if (clash != null) {
            throw new Rejection(statementOn(sql) + " is not sent: it spells the name " + clash + " in two ways the"
                    + " server tells apart (quoted with another case, and unquoted), which Cloak's analysis takes for"
                    + " one name: spell each name one way");
        }
        StatementPlan trigger = Triggers.plan(sql, server.tokens(), dialect,
                new ConfiguredTables(schema, views.snapshot()), SqlText.countPlaceholders(server.tokens(), 0,
                        sql.length()), catalog);
        if (trigger != null) {
            return trigger;
        }
        Statements statements;
        try {
            String parsed = dialect == Dialect.MARIADB ? SqlText.withoutShareLock(sql, server.tokens()) : sql;
            statements = parse(parsed, large);
        } catch (Rejection notParsed) {
            if (namesConfiguredTablesOnlyInStrings(sql, server.tokens())) {
                return StatementPlan.passThrough(sql, SqlText.countPlaceholders(server.tokens(), 0, sql.length()));
            }
            return planUnparsed(sql, catalog, notParsed, server.tokens());
        }
        if (statements.isEmpty()) {
            throw new Rejection("statement that names a configured table contains no statement Cloak can analyse");
        }
        StatementPlan plan;
        if (statements.size() == 1 && SqlText.splitStatements(sql, server.tokens()).size() > 1) {
            // JSqlParser read several statements as one (a CREATE FUNCTION takes the rest of the text): plan the
            // statements the server will run, one by one
            plan = planUnparsed(sql, catalog, new Rejection("several statements in one string that names a"
                    + " configured table could not be separated reliably: send them one at a time"), server.tokens());
        } else if (statements.size() > 1) {
            plan = planSeveral(sql, statements.size(), server.tokens(), catalog);
        } else {
            int parameters = SqlText.countPlaceholders(server.tokens(), 0, sql.length());
            plan = planOne(sql, statements.get(0), parameters, catalog);
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
     * PostgreSQL's and H2's {@code ALTER SCHEMA a RENAME TO b} names no table, yet moves every table of {@code a}:
     * out of a policy that names them {@code a.t} (their values then read and written as plain), or into one that
     * names {@code b.t} (their plaintext then taken for cells).
     */
    private void refuseSchemaRename(String sql) {
        if (!DynamicSql.mentions(sql, "rename")) {
            return;
        }
        List<SqlToken> words = SqlLexer.read(sql, dialect == null ? Dialect.POSTGRESQL : dialect).withoutComments();
        for (int i = 0; i + 5 < words.size(); i++) {
            if (DynamicSql.isWord(sql, words.get(i), "ALTER") && DynamicSql.isWord(sql, words.get(i + 1), "SCHEMA")
                    && DynamicSql.isWord(sql, words.get(i + 3), "RENAME")
                    && DynamicSql.isWord(sql, words.get(i + 4), "TO")) {
                for (SqlToken name : List.of(words.get(i + 2), words.get(i + 5))) {
                    String written = sql.substring(name.start(), name.end());
                    if (schema.qualifiesTablesIn(written)) {
                        throw new Rejection("ALTER SCHEMA ... RENAME of schema " + Identifiers.unquote(written)
                                + ", which holds configured tables as the policy names them, is not supported:"
                                + " Cloak would no longer find them (or would find other tables under their"
                                + " names); change the policy's table names with the schema, then restart");
                    }
                }
            }
        }
    }

    /**
     * A single {@code SELECT} JSqlParser cannot parse ({@code SELECT EXISTS (SELECT FROM information_schema.tables
     * WHERE table_name = 'patients')}: PostgreSQL's empty select list) that names no configured table or known view
     * as a name, only inside string literals: a catalog lookup by name, which reads no row of the table. A text that
     * runs SQL from strings was refused before ({@code DO}, {@code EXECUTE}, functions that read tables by name).
     */
    private boolean namesConfiguredTablesOnlyInStrings(String sql, List<SqlToken> tokens) {
        List<SqlToken> significant = tokens.stream().filter(t -> t.kind() != TokenKind.COMMENT).toList();
        if (significant.isEmpty() || !DynamicSql.isWord(sql, significant.get(0), "SELECT")) {
            return false;
        }
        for (int i = 0; i < significant.size(); i++) {
            SqlToken token = significant.get(i);
            if (token.kind() == TokenKind.EXECUTABLE
                    || token.kind() == TokenKind.SEMICOLON && i < significant.size() - 1
                    || (token.kind() == TokenKind.WORD || token.kind() == TokenKind.QUOTED_IDENTIFIER)
                            && mayMention(sql.substring(token.start(), token.end()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * A MariaDB {@code GRANT} or {@code REVOKE}, one statement that the server reads alike under every setting: it
     * carries no value, and its accounts ({@code 'app'@'%'}, which JSqlParser does not read as the server does) name
     * no table. Sent as written.
     */
    private boolean isMariaDbGrant(String sql, ServerReading server) {
        if (dialect != Dialect.MARIADB) {
            return false;
        }
        List<SqlToken> tokens = server.tokens().stream().filter(t -> t.kind() != TokenKind.COMMENT).toList();
        if (tokens.isEmpty() || !DynamicSql.isWord(sql, tokens.get(0), "GRANT")
                && !DynamicSql.isWord(sql, tokens.get(0), "REVOKE")) {
            return false;
        }
        for (int i = 0; i < tokens.size(); i++) {
            TokenKind kind = tokens.get(i).kind();
            if (kind == TokenKind.EXECUTABLE || kind == TokenKind.PLACEHOLDER
                    || kind == TokenKind.NUMBERED_PLACEHOLDER || kind == TokenKind.SEMICOLON && i < tokens.size() - 1) {
                return false;
            }
        }
        return true;
    }

    /** Words of a statement that makes a table whose rows live elsewhere, named in its options' strings. */
    private static final Set<String> FOREIGN_SOURCE_WORDS = Set.of("foreign", "server", "options", "mapping",
            "connection", "tabname", "srcdef", "engine");

    /**
     * A table whose rows live elsewhere, pointed at a configured table by a string: PostgreSQL's foreign table
     * ({@code CREATE FOREIGN TABLE ft (…) SERVER s OPTIONS (table_name 'patients')}), MariaDB's FEDERATED, CONNECT or
     * SPIDER table ({@code CONNECTION='…/patients'}, {@code TABNAME='patients'}, {@code SRCDEF='SELECT …'}, a SPIDER
     * {@code COMMENT}). Reading or writing it reaches the configured table's cells under another name, where Cloak
     * neither encrypts nor decrypts. {@code IMPORT FOREIGN SCHEMA} without {@code LIMIT TO} makes such tables of
     * every table in a schema.
     */
    private void refuseForeignSource(String sql) {
        if (schema.isEmpty() || !DynamicSql.mentions(sql, "create") && !DynamicSql.mentions(sql, "alter")
                && !DynamicSql.mentions(sql, "import")) {
            return;
        }
        List<SqlToken> tokens = SqlLexer.read(sql, dialect == null ? Dialect.POSTGRESQL : dialect).withoutComments();
        if (tokens.isEmpty()) {
            return;
        }
        Set<String> words = new HashSet<>();
        tokens.stream().filter(t -> t.kind() == TokenKind.WORD)
                .forEach(t -> words.add(sql.substring(t.start(), t.end()).toLowerCase(Locale.ROOT)));
        if (DynamicSql.isWord(sql, tokens.get(0), "IMPORT") && words.contains("foreign") && !words.contains("limit")) {
            throw new Rejection("IMPORT FOREIGN SCHEMA without LIMIT TO is not supported while a policy is set: it"
                    + " would make foreign tables of configured tables under names Cloak does not know; list the"
                    + " tables to import with LIMIT TO (…)");
        }
        if (!DynamicSql.isWord(sql, tokens.get(0), "CREATE") && !DynamicSql.isWord(sql, tokens.get(0), "ALTER")
                || words.stream().noneMatch(FOREIGN_SOURCE_WORDS::contains)) {
            return;
        }
        for (int i = 0; i < tokens.size(); i++) {
            SqlToken token = tokens.get(i);
            if (token.kind() != TokenKind.STRING || !mayMention(sql.substring(token.start(), token.end()))) {
                continue;
            }
            int before = i > 0 && sql.startsWith("=", tokens.get(i - 1).start()) ? i - 2 : i - 1;
            boolean comment = before >= 0 && DynamicSql.isWord(sql, tokens.get(before), "COMMENT");
            if (!comment || words.contains("spider")) {
                // the table is not named: its name stands in a literal, which a message never quotes
                throw new Rejection("a table whose rows live elsewhere, pointed by a string at a configured table (a"
                        + " foreign table's OPTIONS, MariaDB's CONNECTION, TABNAME or SRCDEF), is not supported: its"
                        + " rows would be read and written past Cloak; reach that table's rows through its own name");
            }
        }
    }

    /**
     * MariaDB's {@code SELECT … INTO OUTFILE | DUMPFILE} writes the rows to a file on the server, past Cloak, from
     * where {@code LOAD_FILE} hands the cells back raw; {@code PROCEDURE ANALYSE()} answers with columns of its own
     * (minimum, maximum, …) filled from the cells.
     */
    private static void refuseIntoFile(String sql, List<SqlToken> tokens) {
        String previous = "";
        for (SqlToken token : tokens) {
            if (token.kind() == TokenKind.COMMENT) {
                continue;
            }
            String word = token.kind() == TokenKind.WORD
                    ? sql.substring(token.start(), token.end()).toUpperCase(Locale.ROOT) : "";
            if (previous.equals("PROCEDURE") && word.equals("ANALYSE")) {
                throw new Rejection("SELECT ... PROCEDURE ANALYSE() naming a configured table is not supported: the"
                        + " server answers with columns of its own, filled from the cells");
            }
            if (previous.equals("INTO") && (word.equals("OUTFILE") || word.equals("DUMPFILE"))) {
                throw new Rejection("SELECT ... INTO " + word + " naming a configured table is not supported: it"
                        + " writes the rows to a file on the server without Cloak; read them with SELECT and write"
                        + " the file in the application");
            }
            previous = word;
        }
    }

    /** One parsed statement; an INSERT without a column list is planned as the text with its columns named. */
    private StatementPlan planOne(String sql, Statement statement, int parameters, Catalog catalog) {
        ConfiguredTables tables = new ConfiguredTables(schema, views.snapshot());
        ImplicitColumns.Named named = ImplicitColumns.named(statement, sql, tables, catalog, dialect);
        if (named != null) {
            return planUncached(named.sql(), Catalog.NONE).withImpliedColumns(named.implied());
        }
        return new StatementAnalyzer(tables, sql, parameters, dialect, catalog).analyze(statement);
    }

    /**
     * A text JSqlParser could not parse: each statement of it (split at the server's statement boundaries) must be
     * a recognised utility form, read from the server's tokens, or the parse failure's refusal stands.
     */
    private StatementPlan planUnparsed(String sql, Catalog catalog, Rejection notParsed, List<SqlToken> tokens) {
        List<SqlText.Piece> pieces = SqlText.splitStatements(sql, tokens);
        ConfiguredTables tables = new ConfiguredTables(schema, views.snapshot());
        if (pieces.size() == 1) {
            StatementPlan plan = UnparsedUtility.plan(sql, UtilityToken.of(sql, tokens), tables,
                    SqlText.countPlaceholders(tokens, 0, sql.length()));
            if (plan == null) {
                throw notParsed;
            }
            return plan;
        }
        List<StatementPlan> plans = new ArrayList<>();
        for (SqlText.Piece piece : pieces) {
            requireViewsSettled(plans);
            plans.add(planPiece(sql, piece, tokens, catalog, notParsed));
        }
        return StatementPlan.combine(sql, plans, pieces);
    }

    /** One statement of a text that holds several: parsed, or else recognised as a utility form. */
    private StatementPlan planPiece(String sql, SqlText.Piece piece, List<SqlToken> tokens, Catalog catalog,
                                    Rejection notParsed) {
        String text = piece.text();
        int end = piece.start() + text.length();
        int parameters = SqlText.countPlaceholders(tokens, piece.start(), end);
        if (!mayMention(text)) {
            return StatementPlan.passThrough(text, parameters);
        }
        Statements one;
        try {
            one = Parsing.statements(text, false, sql, piece.start());
        } catch (Rejection pieceNotParsed) {
            StatementPlan block = PlpgsqlBlock.plan(text, SqlLexer.read(text, Dialect.POSTGRESQL).tokens(), dialect,
                    embedded(catalog));
            if (block != null) {
                return block;
            }
            List<SqlToken> own = tokens.stream().filter(t -> t.start() >= piece.start() && t.end() <= end).toList();
            StatementPlan plan = UnparsedUtility.plan(text, UtilityToken.of(sql, own),
                    new ConfiguredTables(schema, views.snapshot()), parameters);
            if (plan == null) {
                throw notParsed;
            }
            return plan;
        }
        if (one.size() != 1) {
            throw notParsed;
        }
        return planOne(text, one.get(0), parameters, catalog);
    }

    /** Plans the statements a PL/pgSQL block runs, each as if sent on its own. */
    private PlpgsqlBlock.Statements embedded(Catalog catalog) {
        return new PlpgsqlBlock.Statements() {
            @Override
            public StatementPlan plan(String sql) {
                return planUncached(sql, catalog);
            }

            @Override
            public boolean mayMention(String sql) {
                return SqlRewriter.this.mayMention(sql);
            }

            @Override
            public String mentioned(String sql) {
                return SqlRewriter.this.mentioned(sql);
            }

            @Override
            public void requireViewsSettled(List<StatementPlan> before) {
                SqlRewriter.this.requireViewsSettled(before);
            }
        };
    }

    /**
     * How a refusal names the statement: on the configured table or known view it names, or, when no reading of it
     * names one outside strings and comments, by the strings that do.
     */
    private String statementOn(String sql) {
        return MentionsInStrings.namedOutsideStrings(sql, dialect, this::mayMention)
                ? "statement on configured table " + mentioned(sql)
                : "statement whose strings name configured table " + mentioned(sql);
    }

    /** The configured table or known view a refusal names. */
    private String mentioned(String sql) {
        return new ConfiguredTables(schema, views.snapshot()).mentioned(sql);
    }

    /**
     * Several statements in one text: each piece is planned on its own (its parameters numbered after those of
     * the pieces before it) and the plans combined, or the whole text is refused.
     */
    private StatementPlan planSeveral(String sql, int statementCount, List<SqlToken> tokens, Catalog catalog) {
        List<SqlText.Piece> pieces = SqlText.splitStatements(sql, tokens);
        if (pieces.size() != statementCount) {
            throw new Rejection("several statements in one string that names a configured table could not be"
                    + " separated reliably: send them one at a time");
        }
        List<StatementPlan> plans = new ArrayList<>();

        for (SqlText.Piece each : pieces) {
            requireViewsSettled(plans);
            String piece = each.text();
            int parameters = SqlText.countPlaceholders(tokens, each.start(), each.start() + piece.length());
            if (!mayMention(piece)) {
                plans.add(StatementPlan.passThrough(piece, parameters));
                continue;
            }
            Statements one = Parsing.statements(piece, false, sql, each.start());
            if (one.size() != 1) {
                throw new Rejection("several statements in one string that names a configured table could not be"
                        + " separated reliably: send them one at a time");
            }
            plans.add(planOne(piece, one.get(0), parameters, catalog));
        }
        return StatementPlan.combine(sql, plans, pieces);
    }

    /**
     * The statements after one that creates, replaces, renames or drops a view would be planned with the views as
     * they were before it ran, so an {@code INSERT} into a view just created over a configured table would pass
     * as plain: such a statement must end its text.
     */
    private void requireViewsSettled(List<StatementPlan> before) {
        KnownViews known = views.snapshot();
        for (StatementPlan plan : before) {
            boolean viewRenamed = plan.viewsStale() && plan.changedTables().stream()
                    .anyMatch(name -> known.find(new Table(name)) != null);
            if (!plan.definedViews().isEmpty() || !plan.droppedViews().isEmpty() || viewRenamed) {
                throw new Rejection("a statement that creates, alters or drops a view over configured tables must"
                        + " come last in its text: the statements after it would be planned without it; send it"
                        + " on its own");
            }
        }
    }

    private Statements parse(String sql, boolean large) {
        parses.incrementAndGet();
        return Parsing.statements(sql, large, sql, 0);
    }

    /**
     * A cached result: a plan, or the message of a rejection; when {@code catalogBound}, valid only while the
     * catalog generation is {@code generation} and for the catalog interval after {@code madeAt}.
     */
    private record Outcome(StatementPlan plan, String rejection, boolean catalogBound, long generation, long madeAt) {
    }
}
