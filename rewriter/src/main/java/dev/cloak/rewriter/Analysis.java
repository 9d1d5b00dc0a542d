package dev.cloak.rewriter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.select.Select;

/**
 * One INSERT, UPDATE, DELETE or SELECT under analysis: its text, the parts that analyse its clauses (they call
 * each other for nested queries), and what they have found so far. The findings are of two sorts: what the plan
 * will hold (encrypted parameters, literals, lookups, star tables), and every column reference, alias and
 * parameter the parts handled, which {@link StatementAnalyzer} checks against an independent walk of the
 * statement. One instance per statement; not thread-safe.
 */
final class Analysis {

    final ConfiguredTables tables;
    final Dialect dialect;
    final LiteralLocator locator;
    final QueryAnalyzer queries;
    final FromClause from;
    final SelectClauses clauses;
    final Conditions conditions;
    final PlainExpressions plain;

    private final String sql;
    private final int parameterCount;
    /** The policy name of the first configured table the statement names, for messages. */
    private final String involvedName;
    /** The table an INSERT, UPDATE or DELETE writes, or the first table a SELECT reads. */
    private Table target;
    /** What the analysis may ask the database's catalog; {@link Catalog#NONE} when it may not. */
    private Catalog catalog = Catalog.NONE;
    /** Whether the plan rests on what the catalog answered, so it is planned again when the schema changes. */
    private boolean askedCatalog;
    /** Whether an UPDATE or DELETE reads other tables beside the one it writes ({@code FROM}, {@code USING}). */
    private boolean readsOtherTables;

    private final Map<Integer, EncryptedColumn> encryptedParameters = new HashMap<>();
    private final List<LiteralSlot> literals = new ArrayList<>();
    private final List<LookupSlot> lookups = new ArrayList<>();
    private final Map<Projection, StarTable> starTables = new IdentityHashMap<>();
    private final List<ColumnUse> uses = new ArrayList<>();

    private final Set<Integer> plainParameters = new HashSet<>();
    /** The parameters only tested for NULL, each with the stand-in the driver binds instead of its value. */
    private final Map<Integer, String> nullTestedParameters = new HashMap<>();
    private final Set<Column> approved = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Column> resolvedPlain = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Names the text may mention besides column references: aliases and ON CONFLICT column names. */
    private final List<String> aliasNames = new ArrayList<>();
    private final Map<String, EncryptedColumn> carriers = new HashMap<>();
    private final Set<Select> analysedQueries = Collections.newSetFromMap(new IdentityHashMap<>());

    Analysis(ConfiguredTables tables, String sql, int parameterCount, Dialect dialect, String involvedName) {
        this.tables = tables;
        this.sql = sql;
        this.parameterCount = parameterCount;
        this.dialect = dialect;
        this.involvedName = involvedName;
        this.locator = new LiteralLocator(sql, dialect);
        this.queries = new QueryAnalyzer(this);
        this.from = new FromClause(this);
        this.clauses = new SelectClauses(this);
        this.conditions = new Conditions(this);
        this.plain = new PlainExpressions(this);
    }

    /** Lets the analysis ask the catalog of the connection the statement runs on. */
    void catalog(Catalog catalog) {
        this.catalog = catalog;
    }

    /** The primary key of a table as the catalog gives it (null when it cannot), and the plan then rests on it. */
    List<String> primaryKey(Table table) {
        if (catalog == Catalog.NONE) {
            return null;
        }
        askedCatalog = true;
        return catalog.primaryKey(table.getSchemaName(), table.getName());
    }

    /**
     * The columns of a table as the catalog lists them; null without a catalog. A catalog that cannot answer
     * refuses the statement for now (it is planned again next time).
     */
    List<String> catalogColumns(Table table) {
        if (catalog == Catalog.NONE) {
            return null;
        }
        askedCatalog = true;
        List<String> columns = catalog.columns(table.getSchemaName(), table.getName());
        if (columns == null) {
            throw Rejection.catalogUnavailable("the columns of configured table " + tables.policyName(table)
                    + " could not be read from the database's catalog, so a reference to it cannot be checked;"
                    + " try again");
        }
        return columns;
    }

    /** The policy name of the first configured table the statement names. */
    String involvedName() {
        return involvedName;
    }

    /** An UPDATE or DELETE that reads other tables beside the one it writes. */
    void readsOtherTables() {
        readsOtherTables = true;
    }

    /** The table an INSERT, UPDATE or DELETE writes. */
    void setTarget(Table table) {
        target = table;
    }

    /** A table a SELECT reads from, which messages name when no table was met before. */
    void setTargetIfAbsent(Table table) {
        if (target == null) {
            target = table;
        }
    }

    /** The table a message names: the target when it is configured, else the first configured table. */
    String tableName() {
        return tables.isConfigured(target) || involvedName == null ? tables.policyName(target) : involvedName;
    }

    /** The 1-based index of a {@code ?}; numbered parameters ({@code ?1}, {@code :1}) are refused. */
    int checkedIndex(JdbcParameter parameter) {
        if (parameter.isUseFixedIndex() || parameter.getIndex() == null) {
            throw new Rejection("a numbered parameter on configured table " + tableName() + Rejection.NOT_YET
                    + ": use plain ? parameters");
        }
        return parameter.getIndex();
    }

    /** Whether an optional clause is there: JSqlParser gives null or an empty list for one that is not. */
    static boolean present(Collection<?> clause) {
        return clause != null && !clause.isEmpty();
    }

    // ---------------------------------------------------------------- what the plan will hold

    void encryptedParameter(int index, EncryptedColumn column) {
        encryptedParameters.put(index, column);
    }

    /** Locates a literal of an encrypted column in the text; the driver puts its ciphertext in that place. */
    LiteralSlot literal(Expression expression, EncryptedColumn column) {
        LiteralSlot slot = locator.literal(expression, column);
        literals.add(slot);
        return slot;
    }

    void lookup(LookupSlot slot) {
        lookups.add(slot);
    }

    /**
     * A use of an encrypted column the plan's parameters and literals do not show (a comparison between columns, a
     * copy, a NULL test), for the access policy; a plain column (null) is no use.
     */
    void use(EncryptedColumn column, ColumnUse.Kind kind) {
        if (column != null) {
            uses.add(new ColumnUse(column, kind));
        }
    }

    /**
     * A relation the statement reads or writes: a known view's query uses encrypted columns (joins, groups, copies)
     * each time the view is read, so they are this statement's uses too.
     */
    void readsRelation(Table table) {
        KnownView view = tables.view(table);
        if (view != null) {
            view.uses().forEach(use -> use(use.column(), use.kind()));
        }
    }

    /** The uses recorded so far: a view's query gives them to the view. */
    List<ColumnUse> uses() {
        return List.copyOf(uses);
    }

    /** The physical table a star item covers, so the driver can count its columns. */
    void starTable(Projection star, StarTable table) {
        starTables.put(star, table);
    }

    /** The plan of the analysed statement, with its result items and, for a write, the written table's columns. */
    StatementPlan plan(StatementPlan.Kind kind, List<Projection> projections) {
        if (encryptedParameters.size() + literals.size() > SqlRewriter.MAX_LIST_TERMS) {
            // each is a cell to encrypt, and each lookup a list to widen while keys rotate
            throw new Rejection("statement with more than " + SqlRewriter.MAX_LIST_TERMS + " values of encrypted"
                    + " columns on configured table " + tableName() + " is not supported: split long IN lists and"
                    + " VALUES rows into several statements, or load the values into a table and join it");
        }
        List<StarTable> starTablesInOrder = new ArrayList<>();
        for (Projection projection : projections) {
            starTablesInOrder.add(starTables.get(projection));
        }
        Map<String, EncryptedColumn> written = kind == StatementPlan.Kind.SELECT ? null : tables.namedColumnsOf(target);
        return StatementPlan.builder(kind, sql, parameterCount).parameters(encryptedParameters)
                .nullTested(nullTestedParameters)
                .projections(projections, starTablesInOrder).literals(literals).lookups(lookups)
                .writtenTable(written).readsOtherTables(readsOtherTables).uses(uses).dependsOnCatalog(askedCatalog)
                .build();
    }

    /** Whether the statement holds values of encrypted columns: encrypted parameters, literals or lookups. */
    boolean holdsEncryptedValues() {
        return !encryptedParameters.isEmpty() || !literals.isEmpty() || !lookups.isEmpty();
    }

    // ---------------------------------------------------------------- what the parts handled

    /** A column reference the parts checked and allowed: an encrypted column used as it may be, or a listed name. */
    void approve(Column column) {
        approved.add(column);
    }

    /** A reference the parts resolved to a plain column. */
    void resolvedPlain(Column column) {
        resolvedPlain.add(column);
    }

    void plainParameter(int index) {
        plainParameters.add(index);
    }

    /** A plain parameter whose value only a NULL test reads: the driver binds {@code standIn} for a value. */
    void nullTestedParameter(int index, String standIn) {
        plainParameters.add(index);
        nullTestedParameters.put(index, standIn);
    }

    /** A lower-case name the text may hold that is no column reference (an alias, a WITH column). */
    /** A name under which encrypted column values travel in this statement (a subquery's or a view's column). */
    void carrier(String lowerCaseName, EncryptedColumn column) {
        carriers.putIfAbsent(lowerCaseName, column);
    }

    /** The names under which encrypted values travel, each with the encrypted column it carries. */
    Map<String, EncryptedColumn> carriers() {
        return carriers;
    }

    void alias(String lowerCaseName) {
        aliasNames.add(lowerCaseName);
    }

    void analysed(Select query) {
        analysedQueries.add(query);
    }

    boolean isAnalysed(Select query) {
        return analysedQueries.contains(query);
    }

    /** Whether the parts handled this very reference node, as encrypted or as plain. */
    boolean handled(Column column) {
        return approved.contains(column) || resolvedPlain.contains(column);
    }

    /** The parameter indexes the parts met, plain or encrypted. */
    Set<Integer> parametersSeen() {
        Set<Integer> seen = new HashSet<>(plainParameters);
        seen.addAll(encryptedParameters.keySet());
        return seen;
    }

    /** How often the parts handled a column reference of each name (unquoted, in lower case). */
    Map<String, Integer> columnsHandled() {
        Map<String, Integer> handled = new HashMap<>();
        for (Set<Column> columns : List.of(approved, resolvedPlain)) {
            for (Column column : columns) {
                handled.merge(Identifiers.key(column.getColumnName()), 1, Integer::sum);
            }
        }
        return handled;
    }

    /** How often the parts met each name as an alias, a WITH name or another name that is not a reference. */
    Map<String, Integer> aliasesNamed() {
        Map<String, Integer> named = new HashMap<>();
        for (String alias : aliasNames) {
            named.merge(Identifiers.key(alias), 1, Integer::sum);
        }
        return named;
    }
}
