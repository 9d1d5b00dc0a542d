package dev.cloak.rewriter;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.CreateFunctionalStatement;
import net.sf.jsqlparser.statement.ExplainStatement;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.create.policy.CreatePolicy;
import net.sf.jsqlparser.statement.create.view.CreateView;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.execute.Execute;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.upsert.Upsert;

/**
 * Plans one parsed statement whose text mentions a configured table. DDL goes to {@link DdlRewriter}, statements
 * that carry no value to {@link UtilityStatements}; SELECT, INSERT, UPDATE and DELETE are analysed clause by clause
 * ({@link Analysis} holds the parts), and then checked against an independent walk of the statement: an encrypted
 * column or a parameter the analysis did not handle refuses the statement. {@code EXPLAIN} is planned as the
 * statement it explains; {@code CREATE VIEW} as its defining query, whose result columns become the view's. Every
 * other statement kind is refused. Every refusal throws {@link Rejection} with a message that names the column, the
 * construct and what to do, and never SQL text or a literal.
 */
final class StatementAnalyzer {

    private final ConfiguredTables tables;
    private final String sql;
    private final int parameterCount;
    private final Dialect dialect;
    private final Catalog catalog;

    /** With a dialect, DDL declaring an encrypted column is rewritten to the dialect's binary type. */
    StatementAnalyzer(EncryptedSchema schema, String sql, int parameterCount, Dialect dialect) {
        this(new ConfiguredTables(schema), sql, parameterCount, dialect);
    }

    /** As above, with the views over configured tables that Cloak knows. */
    StatementAnalyzer(ConfiguredTables tables, String sql, int parameterCount, Dialect dialect) {
        this(tables, sql, parameterCount, dialect, Catalog.NONE);
    }

    /** As above; a query may ask {@code catalog} for the primary keys of the tables it reads (see SelectClauses). */
    StatementAnalyzer(ConfiguredTables tables, String sql, int parameterCount, Dialect dialect, Catalog catalog) {
        this.tables = tables;
        this.sql = sql;
        this.parameterCount = parameterCount;
        this.dialect = dialect;
        this.catalog = catalog;
    }

    StatementPlan analyze(Statement statement) {
        if (statement instanceof Select || statement instanceof Insert || statement instanceof Update
                || statement instanceof Delete || InsertAnalyzer.writesAsInsert(statement)) {
            return analyzeDml(statement);
        }
        if (statement instanceof ExplainStatement explain && explain.getStatement() != null) {
            StatementPlan explained = analyze(explain.getStatement());
            return explained.passThrough() ? explained : explained.explained();
        }
        if (statement instanceof CreateView view) {
            return createView(view);
        }
        if (statement instanceof CreatePolicy policy) {
            return createPolicy(policy);
        }
        if (DdlRewriter.isDdl(statement)) {
            return new DdlRewriter(tables, sql, parameterCount, dialect, catalog).plan(statement);
        }
        if (UtilityStatements.isUtility(statement)) {
            return UtilityStatements.plan(sql, parameterCount);
        }
        if (statement instanceof CreateFunctionalStatement) {
            // its body runs later, with arguments Cloak never sees, and reads or writes what it names then
            throw new Rejection("CREATE FUNCTION or PROCEDURE whose body names configured table "
                    + tables.mentioned(sql) + Rejection.NOT_YET + ": its statements would run on the server, where"
                    + " nothing encrypts or decrypts; run them through Cloak, or keep the function to plain tables");
        }
        throw new Rejection(statementWord(statement) + " naming configured table "
                + tables.firstConfiguredName(statement) + Rejection.NOT_YET
                + ": use INSERT, UPDATE, DELETE or SELECT with ? parameters");
    }

    /**
     * CREATE VIEW over configured tables: its query is planned as a SELECT, and the view's columns map to the
     * encrypted columns of the query's result, so statements on the view decrypt and encrypt as on its tables.
     * Values of encrypted columns in the query (literals, parameters) are refused: the view would keep one key
     * version's ciphertext for ever. A view Cloak could not map is refused before it is created.
     */
    private StatementPlan createView(CreateView create) {
        Table view = create.getView();
        StatementWalk walk = StatementWalk.of(create.getSelect());
        String name = Identifiers.unquote(view.getName());
        String schema = view.getSchemaName() == null ? null : Identifiers.unquote(view.getSchemaName());
        if (!tables.anyIn(walk)) {
            checkEveryMentionSeen(walk, List.of(), null, view.getName());
            if (!tables.isConfigured(view)) {
                return StatementPlan.passThrough(sql, parameterCount);
            }
            // a known view replaced by one over plain tables: Cloak must forget its columns
            return viewPlan(KnownView.overPlainTables(schema, name), view);
        }
        List<String> columnNames = null;
        if (create.getColumnNames() != null && !create.getColumnNames().isEmpty()) {
            columnNames = create.getColumnNames().stream().map(Column::getColumnName).toList();
        }
        KnownView known = definingQuery(create.getSelect(), walk, schema, name, columnNames, true);
        if (!known.mappable()) {
            throw new Rejection("CREATE VIEW " + known.displayName() + " over configured tables is not supported:"
                    + " Cloak could not tell which of its columns hold encrypted values (" + known.refusal()
                    + "); list the encrypted columns by name in its query");
        }
        return viewPlan(known, view);
    }

    /**
     * PostgreSQL's row security policy, {@code CREATE POLICY p ON t … USING (…) WITH CHECK (…)}: its conditions must
     * be plain (the server evaluates them over the cells, and keeps their text, literals included, in its catalog),
     * as a tenant's filter on a plain column is; the policy moves no value.
     */
    private StatementPlan createPolicy(CreatePolicy policy) {
        StatementWalk walk = StatementWalk.of(policy);
        if (!tables.anyIn(walk) && !tables.isConfigured(policy.getTable())) {
            checkEveryMentionSeen(walk, List.of(), null);
            return StatementPlan.passThrough(sql, parameterCount);
        }
        Analysis analysis = new Analysis(tables, sql, parameterCount, dialect, tables.firstConfiguredName(walk));
        analysis.catalog(catalog);
        Scope scope = new Scope(null);
        scope.add(Source.table(tables, policy.getTable(), null));
        for (Expression condition : Arrays.asList(policy.getUsingExpression(),
                policy.getWithCheckExpression())) {
            if (condition != null) {
                analysis.plain.requirePlain(condition, "a row security policy", scope);
            }
        }
        checkEverythingSeen(walk, analysis);
        checkEveryMentionSeen(walk, walk.tables.stream().filter(tables::isConfigured).toList(), analysis,
                policy.getPolicyName());
        if (analysis.holdsEncryptedValues() || walk.namedParameters > 0 || !walk.parameters.isEmpty()) {
            // a subquery's ssn = '…' would be encrypted for this statement only: the catalog keeps the text
            throw new Rejection("a value compared with an encrypted column, or a ? parameter, in a row security"
                    + " policy is not supported: the server would keep it in its catalog; compare plain columns");
        }
        return StatementPlan.builder(StatementPlan.Kind.UTILITY, sql, parameterCount).build();
    }

    private StatementPlan viewPlan(KnownView known, Table view) {
        return StatementPlan.builder(StatementPlan.Kind.DDL, sql, parameterCount).definedViews(List.of(known))
                .changedTables(Set.of(Identifiers.key(view.getName()))).build();
    }

    /**
     * The view a defining query makes (from CREATE VIEW, or as the catalog keeps it), analysed as a SELECT: its
     * columns that hold encrypted cells and the uses of encrypted columns its readers make; refused when it holds a
     * value of an encrypted column. {@code created} says whether the text is CREATE VIEW, holding the view's name and
     * a column list that renames the query's columns by position, or the query alone, whose column names the catalog
     * lists (and which then gets no credit for them in the count of names).
     */
    KnownView definingQuery(Select select, StatementWalk walk, String schema, String viewName,
                            List<String> columnNames, boolean created) {
        Analysis analysis = new Analysis(tables, sql, parameterCount, dialect, tables.firstConfiguredName(walk));
        if (created) {
            // the view's own name and column list may spell an encrypted column's name without reading it
            analysis.alias(Identifiers.key(viewName));
            if (columnNames != null) {
                columnNames.forEach(name -> analysis.alias(Identifiers.key(name)));
            }
        }
        if (walk.namedParameters > 0 || !walk.parameters.isEmpty()) {
            throw new Rejection("? parameters in the query of view " + viewName + " are not supported: a view"
                    + " keeps its query; write it without parameters");
        }
        ResultColumns result = analysis.queries.query(select, null);
        checkEverythingSeen(walk, analysis);
        if (analysis.holdsEncryptedValues()) {
            throw new Rejection("a value compared with or assigned to an encrypted column in the query of view "
                    + viewName + " is not supported: the view would keep its ciphertext under one key version;"
                    + " filter by encrypted columns in the statements that read the view");
        }
        return KnownView.of(schema, viewName, result, analysis.uses(), columnNames, created);
    }

    private StatementPlan analyzeDml(Statement statement) {
        StatementWalk walk = StatementWalk.of(statement);
        if (!tables.anyIn(walk)) {
            checkEveryMentionSeen(walk, List.of(), null);
            return StatementPlan.passThrough(sql, parameterCount);
        }
        Analysis analysis = new Analysis(tables, sql, parameterCount, dialect, tables.firstConfiguredName(walk));
        analysis.catalog(catalog);
        if (walk.namedParameters > 0) {
            throw new Rejection("a named parameter on configured table " + tables.firstConfiguredName(walk)
                    + Rejection.NOT_YET + ": use ? parameters");
        }
        List<Projection> projections;
        StatementPlan.Kind kind;
        if (statement instanceof Select select) {
            kind = StatementPlan.Kind.SELECT;
            projections = analysis.queries.query(select, null).projections();
        } else if (InsertAnalyzer.writesAsInsert(statement)) {
            kind = StatementPlan.Kind.INSERT;
            projections = new InsertAnalyzer(analysis).analyze(InsertAnalyzer.asInsert(statement));
        } else if (statement instanceof Update update) {
            kind = StatementPlan.Kind.UPDATE;
            projections = new UpdateAnalyzer(analysis).analyze(update);
        } else {
            kind = StatementPlan.Kind.DELETE;
            projections = new DeleteAnalyzer(analysis).analyze((Delete) statement);
        }
        checkEverythingSeen(walk, analysis);
        return analysis.plan(kind, projections);
    }

    /** The independent walk must find no encrypted column and no parameter that the analysis did not handle. */
    private void checkEverythingSeen(StatementWalk walk, Analysis analysis) {
        List<Table> configured = walk.tables.stream().filter(tables::isConfigured).toList();
        for (Column column : walk.columns) {
            if (analysis.handled(column)) {
                continue;
            }
            // a reference the analysis never resolved: refuse it if it could name an encrypted column
            for (Table table : configured) {
                EncryptedColumn encrypted = tables.column(table, column.getColumnName());
                if (encrypted != null) {
                    throw unhandled(encrypted);
                }
            }
        }
        checkEveryMentionSeen(walk, configured, analysis);
        WholeRowFunctions.check(walk, analysis);
        Set<Integer> seen = analysis.parametersSeen();
        for (JdbcParameter parameter : walk.parameters) {
            seen.add(analysis.checkedIndex(parameter));
        }
        boolean complete = seen.size() == parameterCount;
        for (int index : seen) {
            complete &= index >= 1 && index <= parameterCount;
        }
        if (!complete) {
            throw new Rejection("the ? parameters of this statement on configured table "
                    + tables.firstConfiguredName(walk)
                    + " could not all be located: Cloak does not send what it cannot analyse");
        }
    }

    /**
     * The text must name each encrypted column (and each name under which the statement carries one: a subquery's
     * {@code ssn AS s}, a view's column), and each configured table or known view, no more often than the
     * analysis resolved a reference of that name, plus the other names the statement gives (aliases, WITH names,
     * qualifiers) that happen to share it. A name beyond those sits in a part of the statement that neither the
     * analysis nor JSqlParser's visitors read (the FROM of {@code SUBSTRING(x FROM …)}, a window's {@code PARTITION
     * BY}, an aggregate's {@code ORDER BY}, …), and would go unchecked. Without an analysis ({@code analysis} null:
     * the walk met no configured table), the walk's column nodes stand for the references; {@code ownNames} are
     * names the statement gives outside the walked part (a view's own name).
     */
    void checkEveryMentionSeen(StatementWalk walk, List<Table> configured, Analysis analysis, String... ownNames) {
        Map<String, Rejection> watched = new HashMap<>();
        for (Table table : configured) {
            for (EncryptedColumn column : tables.columnsOf(table)) {
                watched.put(Identifiers.key(column.column()), unhandled(column));
            }
        }
        if (analysis != null) {
            analysis.carriers().forEach((name, column) -> watched.putIfAbsent(name, unhandled(column)));
        }
        // tables are found as the policy's lookups fold names (H2 reads patıents as PATIENTS); columns are not
        Set<String> tableNames = tables.lowerCaseNames();
        for (String name : tableNames) {
            watched.putIfAbsent(name, new Rejection("configured table or view " + name
                    + " is named where Cloak cannot analyse it (inside an expression whose parts its parser does not"
                    + " read, such as SUBSTRING(... FROM ...) or a window's PARTITION BY): select from it in a"
                    + " subquery of the FROM clause, a join or a WITH query instead"));
        }
        if (watched.isEmpty()) {
            return;
        }
        Map<String, Integer> references = analysis == null ? walk.columnNames() : analysis.columnsHandled();
        Map<String, Integer> aliases = analysis == null ? Map.of() : analysis.aliasesNamed();
        Map<String, Integer> others = new HashMap<>(walk.otherNames());
        for (String own : ownNames) {
            others.merge(Identifiers.key(own), 1, Integer::sum);
        }
        Map<String, Integer> mentions = SqlText.countIdentifiers(sql, watched.keySet());
        mentions.forEach((name, count) -> {
            boolean fold = tableNames.contains(name);
            // the analysis and the walk may each have counted one alias: the larger count, never their sum
            int allowed = count(references, name, fold) + Math.max(count(aliases, name, fold),
                    count(others, name, fold));
            if (count > allowed) {
                throw watched.get(name);
            }
        });
    }

    /** How often {@code counts} holds {@code name}, or, with {@code fold}, a name that folds to it. */
    private static int count(Map<String, Integer> counts, String name, boolean fold) {
        if (!fold) {
            return counts.getOrDefault(name, 0);
        }
        int total = 0;
        for (Map.Entry<String, Integer> entry : counts.entrySet()) {
            if (EncryptedSchema.fold(entry.getKey()).equals(name)) {
                total += entry.getValue();
            }
        }
        return total;
    }

    private static Rejection unhandled(EncryptedColumn column) {
        return new Rejection(column.mode() + " column " + column.name()
                + " is used where Cloak cannot handle it yet: compare it with ? parameters,"
                + " select it on its own, or assign it a ? parameter");
    }

    private static String statementWord(Statement statement) {
        if (statement instanceof Merge) {
            return "MERGE";
        }
        if (statement instanceof Upsert) {
            return "UPSERT";
        }
        if (statement instanceof Execute) {
            return "CALL/EXECUTE";
        }
        return "this kind of statement";
    }
}
