package dev.cloak.rewriter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.statement.alter.AlterExpression;
import net.sf.jsqlparser.statement.create.table.CheckConstraint;
import net.sf.jsqlparser.statement.create.table.ColDataType;
import net.sf.jsqlparser.statement.create.table.ColumnDefinition;
import net.sf.jsqlparser.statement.create.table.Index;
import net.sf.jsqlparser.parser.Node;
import net.sf.jsqlparser.parser.Token;
import net.sf.jsqlparser.expression.operators.relational.ExistsExpression;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.LateralSubSelect;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.DateTimeLiteralExpression;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.ExpressionVisitorAdapter;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.HexValue;
import net.sf.jsqlparser.expression.JdbcNamedParameter;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.Parenthesis;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.conditional.XorExpression;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.GreaterThan;
import net.sf.jsqlparser.expression.operators.relational.GreaterThanEquals;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.LikeExpression;
import net.sf.jsqlparser.expression.operators.relational.MinorThan;
import net.sf.jsqlparser.expression.operators.relational.MinorThanEquals;
import net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.expression.operators.relational.RegExpMatchOperator;
import net.sf.jsqlparser.expression.operators.relational.SimilarToExpression;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.ReturningClause;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.insert.ConflictActionType;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.insert.InsertConflictAction;
import net.sf.jsqlparser.statement.insert.InsertConflictTarget;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.Distinct;
import net.sf.jsqlparser.statement.select.GroupByElement;
import net.sf.jsqlparser.statement.select.Limit;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.update.UpdateSet;
import net.sf.jsqlparser.statement.upsert.Upsert;

/**
 * Analyses one parsed statement whose text mentions a configured table. One instance per statement; not
 * thread-safe. Every unsupported shape throws {@link Rejection} with a message free of SQL text and literals.
 */
final class StatementAnalyzer {

    private static final String NOT_YET = " is not supported yet";

    private final EncryptedSchema schema;
    private final String sql;
    private final int parameterCount;
    private final Map<Integer, EncryptedColumn> slots = new HashMap<>();
    private final Set<Integer> plainParameters = new HashSet<>();
    private final Set<Column> approved = Collections.newSetFromMap(new IdentityHashMap<>());
        /** Names the text may mention besides column references: aliases and ON CONFLICT column names. */
    private final List<String> aliasNames = new ArrayList<>();
    private final Set<Column> resolvedPlain = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Select> analysedQueries = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<Projection, StarTable> starTables = new IdentityHashMap<>();
    private final Dialect dialect;
    private final List<LiteralSlot> literals = new ArrayList<>();
    private final List<LookupSlot> lookups = new ArrayList<>();
    private int[] lineStarts;
    private Scope current;
    private Table target;
    private String involvedName;

    StatementAnalyzer(EncryptedSchema schema, String sql, int parameterCount) {
        this(schema, sql, parameterCount, null);
    }

    /** With a dialect, DDL declaring an encrypted column is rewritten to the dialect's binary type. */
    StatementAnalyzer(EncryptedSchema schema, String sql, int parameterCount, Dialect dialect) {
        this.schema = schema;
        this.sql = sql;
        this.parameterCount = parameterCount;
        this.dialect = dialect;
    }

    StatementPlan analyze(Statement statement) {
        if (statement instanceof Select || statement instanceof Insert || statement instanceof Update
                || statement instanceof Delete) {
            return analyzeDml(statement);
        }
        if (statement instanceof CreateTable create) {
            if (create.getSelect() != null && involvesConfiguredTable(StatementWalk.of(statement))) {
                throw new Rejection("CREATE TABLE ... AS SELECT on configured table " + configuredName(statement)
                        + NOT_YET + ": create the table, then copy rows through Cloak with ? parameters");
            }
            if (create.getTable() != null && isConfigured(create.getTable())) {
                return createTable(create);
            }
            return ddl(create.getTable());
        }
        if (statement instanceof Alter alter) {
            if (alter.getTable() != null && isConfigured(alter.getTable())) {
                return alterTable(alter);
            }
            return ddl(alter.getTable());
        }
        if (statement instanceof Drop drop) {
            return ddl(drop.getName());
        }
        if (statement instanceof CreateIndex index) {
            return ddl(index.getTable());
        }
        if (statement instanceof Truncate truncate) {
            List<Table> tables = truncate.getTables() != null ? truncate.getTables() : List.of(truncate.getTable());
            return tables.stream().anyMatch(this::isConfigured) ? ddlPlan() : passThrough();
        }
        throw new Rejection(statementWord(statement) + " naming configured table "
                + configuredName(statement) + NOT_YET + ": use INSERT, UPDATE, DELETE or SELECT with ? parameters");
    }

    /** INSERT, UPDATE and DELETE: one target table is the only source. */
    private void enterTarget(Table table) {
        target = table;
        current = new Scope(null);
        current.sources.add(new Source(table, table.getAlias() == null ? null : table.getAlias().getName(), null, null));
    }

    // ---------------------------------------------------------------- DDL

    private StatementPlan createTable(CreateTable create) {
        Table table = create.getTable();
        boolean rewritten = false;
        if (create.getColumnDefinitions() != null) {
            for (ColumnDefinition definition : create.getColumnDefinitions()) {
                rewritten |= declareColumn(table, definition);
            }
        }
        if (create.getIndexes() != null) {
            for (Index index : create.getIndexes()) {
                constraint(table, index);
            }
        }
        return rewritten ? rewrittenDdl(create) : ddlPlan();
    }

    private StatementPlan alterTable(Alter alter) {
        Table table = alter.getTable();
        boolean rewritten = false;
        for (AlterExpression expression : alter.getAlterExpressions()) {
            if (expression.getColDataTypeList() != null) {
                for (AlterExpression.ColumnDataType definition : expression.getColDataTypeList()) {
                    rewritten |= declareColumn(table, definition);
                }
            }
            if (expression.getIndex() != null) {
                constraint(table, expression.getIndex());
            }
            for (List<String> columns : java.util.Arrays.asList(expression.getUkColumns(), expression.getPkColumns())) {
                for (String name : columns == null ? List.<String>of() : columns) {
                    EncryptedColumn column = schema.find(table.getSchemaName(), table.getName(), name).orElse(null);
                    if (column != null) {
                        requireDeterministic(column, "a UNIQUE or PRIMARY KEY constraint");
                    }
                }
            }
        }
        return rewritten ? rewrittenDdl(alter) : ddlPlan();
    }

    /**
     * A column definition of a configured table: an encrypted column gets the dialect's binary type, sized for
     * its largest cell, and may carry only constraints that compare ciphertexts for equality.
     */
    private boolean declareColumn(Table table, ColumnDefinition definition) {
        EncryptedColumn column = schema.find(table.getSchemaName(), table.getName(), definition.getColumnName())
                .orElse(null);
        if (column == null) {
            return false;
        }
        List<String> specs = definition.getColumnSpecs() == null ? List.of() : definition.getColumnSpecs();
        String words = String.join(" ", specs).toUpperCase(Locale.ROOT);
        if (words.contains("DEFAULT") && !words.matches(".*DEFAULT\\s+NULL\\b.*")) {
            throw new Rejection("a DEFAULT value for encrypted column " + column.name() + " is not supported: the"
                    + " database would store it in plaintext; insert values through Cloak");
        }
        if (words.contains("CHECK") || words.contains("GENERATED") || words.contains(" AS ") || words.startsWith("AS ")) {
            throw new Rejection("a CHECK constraint or generated expression on encrypted column " + column.name()
                    + " is not supported: the database only sees its ciphertext");
        }
        if (words.contains("UNIQUE") || words.contains("PRIMARY") || words.contains("REFERENCES")) {
            requireDeterministic(column, "a UNIQUE, PRIMARY KEY or REFERENCES constraint");
        }
        ColDataType type = definition.getColDataType();
        if (dialect == null) {
            if (isBinaryType(type.getDataType())) {
                return false;
            }
            throw new Rejection("DDL declaring encrypted column " + column.name() + " as " + type.getDataType()
                    + " cannot be rewritten for this database: declare the column with the database's binary type");
        }
        long cell = CellSize.of(column, type.getDataType(), type.getArgumentsStringList());
        String[] binary = dialect.binaryType(cell);
        type.setDataType(binary[0]);
        type.setArgumentsStringList(binary.length > 1 ? List.of(binary[1]) : null);
        type.setCharacterSet(null);
        type.setArrayData(new ArrayList<>());
        // COLLATE and CHARACTER SET belong to text types, not to the binary one
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            String word = specs.get(i).toUpperCase(Locale.ROOT);
            if (word.equals("COLLATE") || word.equals("CHARSET")) {
                i++;
            } else if (word.equals("CHARACTER") && i + 1 < specs.size()
                    && specs.get(i + 1).equalsIgnoreCase("SET")) {
                i += 2;
            } else {
                kept.add(specs.get(i));
            }
        }
        definition.setColumnSpecs(kept.isEmpty() ? null : kept);
        return true;
    }

    /** Table constraints: UNIQUE, PRIMARY KEY and FOREIGN KEY need deterministic columns; CHECK none at all. */
    private void constraint(Table table, Index index) {
        String type = String.valueOf(index.getType()).toUpperCase(Locale.ROOT);
        if (index instanceof CheckConstraint check) {
            String text = String.valueOf(check.getExpression());
            for (EncryptedColumn column : schema.columnsOf(table.getSchemaName(), table.getName())) {
                if (SqlText.countIdentifiers(text, Set.of(column.column().toLowerCase(Locale.ROOT))).size() > 0) {
                    throw new Rejection("a CHECK constraint on encrypted column " + column.name()
                            + " is not supported: the database only sees its ciphertext");
                }
            }
            return;
        }
        List<String> names = index.getColumns() == null ? List.of() : index.getColumnsNames();
        for (String name : names) {
            EncryptedColumn column = schema.find(table.getSchemaName(), table.getName(), name).orElse(null);
            if (column != null && (type.contains("UNIQUE") || type.contains("PRIMARY") || type.contains("FOREIGN"))) {
                requireDeterministic(column, "a " + type + " constraint");
            }
        }
    }

    /** The deparsed statement, which must parse again to the same statement kind before it is sent. */
    private StatementPlan rewrittenDdl(Statement statement) {
        String text = statement.toString();
        try {
            Statement again = new CCJSqlParser(text).Statement();
            if (again.getClass() != statement.getClass()) {
                throw new IllegalStateException("different statement");
            }
        } catch (Exception | StackOverflowError e) {
            throw new Rejection("DDL declaring an encrypted column could not be rewritten to a binary type: declare"
                    + " the column with the database's binary type yourself");
        }
        return StatementPlan.builder(StatementPlan.Kind.DDL, text, SqlText.countParameters(text)).build();
    }

    private StatementPlan ddl(Table table) {
        return table != null && isConfigured(table) ? ddlPlan() : passThrough();
    }

    private StatementPlan ddlPlan() {
        return StatementPlan.builder(StatementPlan.Kind.DDL, sql, parameterCount).build();
    }

    private StatementPlan passThrough() {
        return StatementPlan.passThrough(sql, parameterCount);
    }

    // ---------------------------------------------------------------- DML

    private StatementPlan analyzeDml(Statement statement) {
        StatementWalk walk = StatementWalk.of(statement);
        if (!involvesConfiguredTable(walk)) {
            return passThrough();
        }
        involvedName = configuredName(walk);
        if (walk.namedParameters > 0) {
            throw new Rejection("a named parameter on configured table " + configuredName(walk)
                    + NOT_YET + ": use ? parameters");
        }
        List<Projection> projections;
        StatementPlan.Kind kind;
        if (statement instanceof Select select) {
            kind = StatementPlan.Kind.SELECT;
            projections = select(select);
        } else if (statement instanceof Insert insert) {
            kind = StatementPlan.Kind.INSERT;
            projections = insert(insert);
        } else if (statement instanceof Update update) {
            kind = StatementPlan.Kind.UPDATE;
            projections = update(update);
        } else {
            kind = StatementPlan.Kind.DELETE;
            projections = delete((Delete) statement);
        }
        checkEverythingSeen(walk);
        List<EncryptedColumn> written = kind == StatementPlan.Kind.SELECT ? null
                : schema.columnsOf(target.getSchemaName(), target.getName());
        return StatementPlan.builder(kind, sql, parameterCount).parameters(slots)
                .projections(projections, starTablesOf(projections)).literals(literals).lookups(lookups)
                .writtenTable(written).build();
    }

    /** The independent walk must find no encrypted column and no parameter that the analysis did not handle. */
    private void checkEverythingSeen(StatementWalk walk) {
        List<Table> configured = walk.tables.stream().filter(this::isConfigured).toList();
        for (Column column : walk.columns) {
            if (approved.contains(column) || resolvedPlain.contains(column)) {
                continue;
            }
            // a reference the analysis never resolved: refuse it if it could name an encrypted column
            for (Table table : configured) {
                EncryptedColumn encrypted = schema.find(table.getSchemaName(), table.getName(),
                        column.getColumnName()).orElse(null);
                if (encrypted != null) {
                    throw new Rejection(encrypted.mode() + " column " + encrypted.name()
                            + " is used where Cloak cannot handle it yet: compare it with ? parameters,"
                            + " select it on its own, or assign it a ? parameter");
                }
            }
        }
        checkEveryMentionSeen(walk, configured);
        Set<Integer> seen = new HashSet<>(plainParameters);
        seen.addAll(slots.keySet());
        for (JdbcParameter parameter : walk.parameters) {
            seen.add(checkedIndex(parameter));
        }
        boolean complete = seen.size() == parameterCount;
        for (int index : seen) {
            complete &= index >= 1 && index <= parameterCount;
        }
        if (!complete) {
            throw new Rejection("the ? parameters of this statement on configured table " + configuredName(walk)
                    + " could not all be located: Cloak does not send what it cannot analyse");
        }
    }

    /**
     * The text must name each encrypted column no more often than the analysis resolved a reference of that
     * name (plus aliases and table names that happen to share it): a reference the parser's visitors skipped
     * would otherwise go unchecked.
     */
    private void checkEveryMentionSeen(StatementWalk walk, List<Table> configured) {
        Map<String, EncryptedColumn> byName = new HashMap<>();
        for (Table table : configured) {
            for (EncryptedColumn column : schema.columnsOf(table.getSchemaName(), table.getName())) {
                byName.put(column.column().toLowerCase(Locale.ROOT), column);
            }
        }
        if (byName.isEmpty()) {
            return;
        }
        Map<String, Integer> allowed = new HashMap<>();
        for (Set<Column> columns : List.of(approved, resolvedPlain)) {
            for (Column column : columns) {
                allowed.merge(key(column.getColumnName()), 1, Integer::sum);
            }
        }
        for (String alias : aliasNames) {
            allowed.merge(alias, 1, Integer::sum);
        }
        for (Table table : walk.tables) {
            if (table.getAlias() != null) {
                allowed.merge(key(table.getAlias().getName()), 1, Integer::sum);
            }
            for (String name : List.of(String.valueOf(table.getName()), String.valueOf(table.getSchemaName()))) {
                allowed.merge(key(name), 1, Integer::sum);
            }
        }
        Map<String, Integer> mentions = SqlText.countIdentifiers(sql, byName.keySet());
        mentions.forEach((name, count) -> {
            if (count > allowed.getOrDefault(name, 0)) {
                EncryptedColumn column = byName.get(name);
                throw new Rejection(column.mode() + " column " + column.name()
                        + " is used where Cloak cannot handle it yet: compare it with ? parameters,"
                        + " select it on its own, or assign it a ? parameter");
            }
        });
    }

    // ---------------------------------------------------------------- SELECT

    private List<Projection> select(Select select) {
        return query(select, null).projections();
    }

    /** Analyses a query (plain, set operation, parenthesised, with CTEs) at a level nested in {@code outer}. */
    private Query query(Select select, Scope outer) {
        analysedQueries.add(select);
        Scope saved = current;
        try {
            Scope level = outer;
            if (notEmpty(select.getWithItemsList())) {
                level = new Scope(outer);
                for (WithItem<?> item : select.getWithItemsList()) {
                    commonTableExpression(item, level);
                }
            }
            if (select instanceof PlainSelect plain) {
                return plainSelect(plain, level);
            }
            if (select instanceof SetOperationList set) {
                return tail(set, setOperation(set, level, null), level);
            }
            if (select instanceof ParenthesedSelect parenthesed) {
                return tail(parenthesed, query(parenthesed.getSelect(), level), level);
            }
            if (select instanceof Values values) {
                current = new Scope(level);
                plain(values.getExpressions(), "VALUES");
                return new Query(List.of(), List.of(), true);
            }
            throw new Rejection("this query form over configured table " + involvedName + NOT_YET
                    + ": write a plain SELECT");
        } finally {
            current = saved;
        }
    }

    /** ORDER BY, LIMIT, OFFSET and FETCH after a set operation or a parenthesised query. */
    private Query tail(Select select, Query query, Scope outer) {
        current = new Scope(outer);
        current.sources.add(new Source(null, null, null, query));
        orderBy(select.getOrderByElements(), query.projections());
        limit(select.getLimit());
        if (select.getOffset() != null) {
            plain(select.getOffset().getOffset(), "OFFSET");
        }
        if (select.getFetch() != null && select.getFetch().getExpression() != null) {
            plain(select.getFetch().getExpression(), "FETCH");
        }
        return query;
    }

    private void commonTableExpression(WithItem<?> item, Scope level) {
        String name = key(item.getAliasName());
        ParenthesedSelect body = item.getSelect();
        if (body == null) {
            throw new Rejection("a data-modifying WITH item with configured table " + involvedName + NOT_YET
                    + ": run the statements one at a time");
        }
        if (dialect == Dialect.H2 && schema.isConfiguredTable(null, item.getAliasName())) {
            // H2 resolves the name to the table, not the WITH item: analysed as the WITH item, ciphertext would pass
            throw new Rejection("a WITH item named like configured table " + name + " is not supported on H2, which reads"
                    + " the table instead: rename the WITH item");
        }
        aliasNames.add(name);
        List<String> columnNames = null;
        if (notEmpty(item.getWithItemList())) {
            columnNames = new ArrayList<>();
            for (SelectItem<?> column : item.getWithItemList()) {
                if (!(column.getExpression() instanceof Column named)) {
                    throw new Rejection("this WITH column list with configured table " + involvedName + NOT_YET
                            + ": name the columns");
                }
                columnNames.add(key(named.getColumnName()));
                aliasNames.add(key(named.getColumnName()));
                approved.add(named);
            }
        }
        Query result;
        if (item.isRecursive() && body.getSelect() instanceof SetOperationList set) {
            // the recursive branch reads the CTE itself: its columns are those of the anchor branch
            Query anchor = query(set.getSelects().get(0), level);
            level.ctes.put(name, renamed(anchor, columnNames, name));
            result = setOperation(set, level, anchor);
            analysedQueries.add(set);
            analysedQueries.add(body);
        } else {
            result = query(body, level);
        }
        level.ctes.put(name, renamed(result, columnNames, name));
    }

    private Query renamed(Query query, List<String> names, String what) {
        if (names == null) {
            return query;
        }
        if (query.open() || names.size() != query.projections().size()) {
            if (!query.encryptedByName().isEmpty()) {
                throw new Rejection("a column list over * or of another width for " + what + " with encrypted"
                        + " columns" + NOT_YET + ": list the columns in the query");
            }
            return new Query(query.projections(), names, true);
        }
        return query.renamed(names);
    }

    /** UNION, INTERSECT, EXCEPT: every branch must carry the same encryption in each result position. */
    private Query setOperation(SetOperationList set, Scope level, Query analysedFirst) {
        List<Query> branches = new ArrayList<>();
        for (int i = 0; i < set.getSelects().size(); i++) {
            branches.add(i == 0 && analysedFirst != null ? analysedFirst : query(set.getSelects().get(i), level));
        }
        Query first = branches.get(0);
        for (Query branch : branches.subList(1, branches.size())) {
            sameEncryption(first, branch);
        }
        boolean deduplicates = set.getOperations().stream()
                .anyMatch(op -> !op.toString().toUpperCase(Locale.ROOT).contains("ALL"));
        if (deduplicates) {
            for (Projection projection : first.projections()) {
                for (EncryptedColumn column : encryptedIn(projection)) {
                    requireDeterministic(column, "UNION/INTERSECT/EXCEPT without ALL");
                }
            }
        }
        return first;
    }

    private void sameEncryption(Query first, Query other) {
        if (first.projections().size() != other.projections().size() || first.open() || other.open()) {
            if (!first.projections().equals(other.projections())
                    && !(first.encryptedByName().isEmpty() && other.encryptedByName().isEmpty())) {
                throw new Rejection("UNION/INTERSECT/EXCEPT branches over * or of different widths with encrypted"
                        + " columns" + NOT_YET + ": list the same columns in every branch");
            }
            return;
        }
        for (int i = 0; i < first.projections().size(); i++) {
            EncryptedColumn a = ((Projection.Column) first.projections().get(i)).column();
            EncryptedColumn b = ((Projection.Column) other.projections().get(i)).column();
            if (a == null && b == null) {
                continue;
            }
            if (a == null || b == null) {
                EncryptedColumn encrypted = a != null ? a : b;
                throw new Rejection("UNION/INTERSECT/EXCEPT puts encrypted column " + encrypted.name()
                        + " and a plain value in result column " + (i + 1) + ": ciphertext and plaintext cannot"
                        + " share a column; select the same encrypted column in every branch");
            }
            if (!a.keyDomain().equals(b.keyDomain()) || a.deterministic() != b.deterministic()) {
                throw new Rejection("UNION/INTERSECT/EXCEPT puts encrypted columns " + a.name() + " and "
                        + b.name() + " in result column " + (i + 1) + ": they use different keys, so one result"
                        + " column cannot be decrypted; give them one key domain or query them separately");
            }
        }
    }

    private Query plainSelect(PlainSelect plain, Scope outer) {
        String involved = involvedName;
        if (notEmpty(plain.getIntoTables()) || plain.getIntoTempTable() != null) {
            throw new Rejection("SELECT INTO from configured table " + involved
                    + NOT_YET + ": copy rows through Cloak with ? parameters");
        }
        if (notEmpty(plain.getLateralViews()) || notEmpty(plain.getWindowDefinitions()) || plain.getQualify() != null
                || plain.getOracleHierarchical() != null || plain.getKsqlWindow() != null
                || plain.getPreferringClause() != null) {
            throw new Rejection("this SELECT clause on configured table " + involved
                    + NOT_YET + ": use WHERE, GROUP BY, HAVING, ORDER BY and LIMIT only");
        }
        Scope level = new Scope(outer);
        current = level;
        if (plain.getFromItem() != null) {
            level.sources.add(fromItem(plain.getFromItem(), level));
        }
        if (plain.getJoins() != null) {
            for (Join join : plain.getJoins()) {
                join(join, level);
            }
        }
        current = level;
        if (target == null && plain.getFromItem() instanceof Table table) {
            target = table;
        }
        if (plain.getTop() != null) {
            plain(plain.getTop().getExpression(), "TOP");
        }
        Query result = projections(plain.getSelectItems());
        List<Projection> projections = result.projections();
        distinct(plain.getDistinct(), projections);
        if (plain.getWhere() != null) {
            condition(plain.getWhere());
        }
        groupBy(plain.getGroupBy(), projections);
        if (plain.getHaving() != null) {
            condition(plain.getHaving());
        }
        orderBy(plain.getOrderByElements(), projections);
        limit(plain.getLimit());
        if (plain.getOffset() != null) {
            plain(plain.getOffset().getOffset(), "OFFSET");
        }
        if (plain.getFetch() != null && plain.getFetch().getExpression() != null) {
            plain(plain.getFetch().getExpression(), "FETCH");
        }
        return result;
    }

    /** One FROM item as a source; a derived table sees the enclosing levels, not its siblings (unless LATERAL). */
    private Source fromItem(FromItem item, Scope level) {
        if (item instanceof Table table) {
            if ((table.getPivot() != null || table.getUnPivot() != null || table.getSampleClause() != null)
                    && isConfigured(table)) {
                throw new Rejection("PIVOT, UNPIVOT or TABLESAMPLE on configured table " + policyTableName(table)
                        + NOT_YET + ": select the columns and reshape the rows in the application");
            }
            String alias = table.getAlias() == null ? null : table.getAlias().getName();
            if (alias != null) {
                aliasNames.add(key(alias));
                rejectAliasColumns(table.getAlias(), table);
            }
            Query cte = table.getSchemaName() == null ? level.cte(key(table.getName())) : null;
            if (cte != null) {
                return new Source(null, alias, table.getName(), cte);
            }
            return new Source(table, alias, null, null);
        }
        if (item instanceof ParenthesedSelect select) {
            if (select.getPivot() != null || select.getUnPivot() != null) {
                throw new Rejection("PIVOT or UNPIVOT over a subquery with configured table " + involvedName
                        + NOT_YET + ": reshape the rows in the application");
            }
            Query derived = query(select, select instanceof LateralSubSelect ? level : level.outer);
            current = level;
            String alias = select.getAlias() == null ? null : select.getAlias().getName();
            if (alias != null) {
                aliasNames.add(key(alias));
                if (notEmpty(select.getAlias().getAliasColumns())) {
                    List<String> names = new ArrayList<>();
                    for (Alias.AliasColumn column : select.getAlias().getAliasColumns()) {
                        names.add(key(column.name));
                        aliasNames.add(key(column.name));
                    }
                    derived = renamed(derived, names, "subquery " + alias);
                }
            }
            return new Source(null, alias, null, derived);
        }
        throw new Rejection("this FROM item in a statement on configured table " + involvedName + NOT_YET
                + ": select from tables and subqueries");
    }

    private void rejectAliasColumns(Alias alias, Table table) {
        if (notEmpty(alias.getAliasColumns()) && isConfigured(table)) {
            throw new Rejection("a column alias list on configured table " + policyTableName(table) + NOT_YET
                    + ": alias the columns in the select list");
        }
    }

    private void join(Join join, Scope level) {
        if (join.isApply() || join.isWindowJoin() || join.getJoinWindow() != null) {
            throw new Rejection("APPLY or window joins with configured table " + involvedName + NOT_YET
                    + ": use JOIN ... ON");
        }
        List<Source> left = List.copyOf(level.sources);
        Source right = fromItem(join.getRightItem(), level);
        level.sources.add(right);
        current = level;
        if (notEmpty(join.getUsingColumns())) {
            for (Column using : join.getUsingColumns()) {
                EncryptedColumn a = null;
                for (Source source : left) {
                    a = a != null ? a : source.encrypted(using);
                }
                EncryptedColumn b = right.encrypted(using);
                approved.add(using);
                aliasNames.add(key(using.getColumnName()));
                if (a != null || b != null) {
                    joinable(a, b, "JOIN ... USING", Identifiers.unquote(using.getColumnName()));
                }
            }
        }
        if (join.isNatural()) {
            naturalJoin(left, right);
        }
        for (Expression on : join.getOnExpressions()) {
            condition(on);
        }
    }

    /**
     * NATURAL JOIN compares every column name the sides share: allowed only when each encrypted column is
     * matched by one of the same key domain (both deterministic), or certainly absent on the other side.
     */
    private void naturalJoin(List<Source> left, Source right) {
        for (Source source : left) {
            naturalPair(source, right);
            naturalPair(right, source);
        }
    }

    private void naturalPair(Source from, Source other) {
        for (Map.Entry<String, EncryptedColumn> entry : from.encryptedByName.entrySet()) {
            Column name = new Column(entry.getKey());
            Lookup lookup = other.lookup(name);
            if (lookup == Lookup.ABSENT) {
                continue;
            }
            EncryptedColumn match = lookup == Lookup.ENCRYPTED ? other.encrypted(name) : null;
            if (match == null) {
                throw new Rejection("NATURAL JOIN with encrypted column " + entry.getValue().name()
                        + " is not supported: Cloak cannot tell which columns the other side shares;"
                        + " write JOIN ... ON");
            }
            joinable(entry.getValue(), match, "NATURAL JOIN", entry.getKey());
        }
    }

    /** Two columns compared by the database: both deterministic in one key domain, or the statement is refused. */
    private static void joinable(EncryptedColumn a, EncryptedColumn b, String construct, String what) {
        if (a == null || b == null) {
            EncryptedColumn encrypted = a != null ? a : b;
            throw new Rejection(construct + " on " + what + " compares encrypted column " + encrypted.name()
                    + " with a plain column: ciphertext never equals plaintext; join on plain columns");
        }
        if (!a.deterministic() || !b.deterministic() || !a.keyDomain().equals(b.keyDomain())) {
            throw new Rejection(construct + " between encrypted columns " + a.name() + " and " + b.name()
                    + " is not supported: only deterministic columns sharing one key domain compare equal;"
                    + " configure one with key: " + a.keyDomain() + " or join on other columns");
        }
    }

    private Query projections(List<? extends SelectItem<?>> items) {
        List<Projection> projections = new ArrayList<>();
        List<String> names = new ArrayList<>();
        boolean open = false;
        for (SelectItem<?> item : items) {
            Expression expression = item.getExpression();
            String alias = item.getAlias() == null ? null : key(item.getAlias().getName());
            if (expression instanceof AllColumns all) {
                if (all.getReplaceExpressions() != null || all.getExceptColumns() != null) {
                    throw new Rejection("* with EXCEPT or REPLACE on configured table " + tableName()
                            + NOT_YET + ": list the columns");
                }
                for (Source source : starSources(all)) {
                    for (Projection projection : source.star()) {
                        projections.add(projection);
                        names.add(null);
                    }
                }
                open = true;
            } else if (expression instanceof Column column) {
                EncryptedColumn encrypted = encryptedOf(column);
                approved.add(column);
                projections.add(new Projection.Column(encrypted));
                names.add(alias != null ? alias : key(column.getColumnName()));
                if (encrypted != null && alias != null) {
                    current.selectAliases.put(alias, encrypted);
                }
            } else if (expression instanceof ParenthesedSelect scalar) {
                Query inner = query(scalar, current);
                Projection single = inner.projections().size() == 1 ? inner.projections().get(0) : null;
                if (!(single instanceof Projection.Column column)) {
                    throw new Rejection("a subquery in the select list over configured table " + involvedName
                            + " must return one named column: list it");
                }
                projections.add(column);
                names.add(alias != null ? alias : inner.names().get(0));
                if (column.column() != null && alias != null) {
                    current.selectAliases.put(alias, column.column());
                }
            } else {
                plain(expression, "expression in the select list");
                projections.add(new Projection.Column(null));
                names.add(alias);
            }
            if (alias != null) {
                aliasNames.add(alias);
            }
        }
        return new Query(List.copyOf(projections), Collections.unmodifiableList(names), open);
    }

    /** The sources {@code *} (all, in FROM order) or {@code t.*} (the one named) covers. */
    private List<Source> starSources(AllColumns all) {
        if (!(all instanceof AllTableColumns tableColumns)) {
            return current.sources;
        }
        Table qualifier = tableColumns.getTable();
        for (Scope scope = current; scope != null; scope = scope.outer) {
            for (Source source : scope.sources) {
                if (source.answersTo(qualifier)) {
                    return List.of(source);
                }
            }
        }
        throw new Rejection("* over a table the query does not name, with configured table " + involvedName
                + ": qualify * with a table or alias of the FROM clause");
    }

    private void distinct(Distinct distinct, List<Projection> projections) {
        if (distinct == null) {
            return;
        }
        if (notEmpty(distinct.getOnSelectItems())) {
            for (SelectItem<?> item : distinct.getOnSelectItems()) {
                groupingKey(item.getExpression(), "DISTINCT ON", projections);
            }
            return;
        }
        for (Projection projection : projections) {
            for (EncryptedColumn column : encryptedIn(projection)) {
                requireDeterministic(column, "DISTINCT");
            }
        }
    }

    private void groupBy(GroupByElement groupBy, List<Projection> projections) {
        if (groupBy == null) {
            return;
        }
        if (notEmpty(groupBy.getGroupingSets())) {
            throw new Rejection("GROUPING SETS on configured table " + tableName() + NOT_YET
                    + ": group by plain columns");
        }
        ExpressionList<?> expressions = groupBy.getGroupByExpressionList();
        if (expressions != null) {
            for (Expression expression : expressions) {
                groupingKey(expression, "GROUP BY", projections);
            }
        }
    }

    /** GROUP BY and DISTINCT ON keys: a deterministic column groups correctly, a randomized one cannot. */
    private void groupingKey(Expression expression, String construct, List<Projection> projections) {
        if (expression instanceof LongValue position) {
            for (EncryptedColumn column : encryptedAtPosition(position, projections, construct)) {
                requireDeterministic(column, construct);
            }
            return;
        }
        EncryptedColumn encrypted = directEncrypted(expression);
        if (encrypted != null) {
            requireDeterministic(encrypted, construct);
            approved.add((Column) expression);
        } else {
            plain(expression, construct);
        }
    }

    private void requireDeterministic(EncryptedColumn column, String construct) {
        if (!column.deterministic()) {
            throw new Rejection(construct + " on randomized column " + column.name()
                    + " is not supported: equal values have different ciphertexts;"
                    + " make the column deterministic or leave it out");
        }
    }

    private void orderBy(List<OrderByElement> elements, List<Projection> projections) {
        if (elements == null) {
            return;
        }
        for (OrderByElement element : elements) {
            Expression expression = element.getExpression();
            if (expression instanceof LongValue position) {
                List<EncryptedColumn> encrypted = encryptedAtPosition(position, projections, "ORDER BY");
                if (!encrypted.isEmpty()) {
                    throw orderByRejection(encrypted.get(0));
                }
                continue;
            }
            EncryptedColumn encrypted = directEncrypted(expression);
            if (encrypted != null) {
                throw orderByRejection(encrypted);
            }
            plain(expression, "ORDER BY");
        }
    }

    private static Rejection orderByRejection(EncryptedColumn column) {
        return new Rejection("ORDER BY on " + column.mode() + " column " + column.name()
                + " is not supported: its ciphertexts are not ordered; sort the rows in the application");
    }

    private List<EncryptedColumn> encryptedAtPosition(LongValue position, List<Projection> projections,
                                                      String construct) {
        long index = position.getValue();
        boolean star = projections.stream().anyMatch(p -> p instanceof Projection.AllColumns);
        if (star) {
            List<EncryptedColumn> all = new ArrayList<>();
            projections.forEach(p -> all.addAll(encryptedIn(p)));
            if (!all.isEmpty()) {
                throw new Rejection(construct + " by position with * over configured table " + tableName()
                        + NOT_YET + ": name the column");
            }
            return all;
        }
        if (index >= 1 && index <= projections.size()) {
            return encryptedIn(projections.get((int) index - 1));
        }
        return List.of();
    }

    private static List<EncryptedColumn> encryptedIn(Projection projection) {
        if (projection instanceof Projection.Column column) {
            return column.column() == null ? List.of() : List.of(column.column());
        }
        return List.copyOf(((Projection.AllColumns) projection).encryptedByLowerCaseName().values());
    }

    private void limit(Limit limit) {
        if (limit == null) {
            return;
        }
        if (limit.getRowCount() != null) {
            plain(limit.getRowCount(), "LIMIT");
        }
        if (limit.getOffset() != null) {
            plain(limit.getOffset(), "OFFSET");
        }
        if (limit.getByExpressions() != null) {
            plain(limit.getByExpressions(), "LIMIT BY");
        }
    }

    // ---------------------------------------------------------------- INSERT

    private List<Projection> insert(Insert insert) {
        enterTarget(insert.getTable());
        String table = tableName();
        if (notEmpty(insert.getWithItemsList())) {
            throw new Rejection("WITH (common table expressions) in INSERT into configured table " + table
                    + NOT_YET + ": insert the values with ? parameters");
        }
        if (insert.getConflictAction() != null || insert.getConflictTarget() != null) {
            onConflict(insert.getConflictTarget(), insert.getConflictAction(), table);
        }
        if (notEmpty(insert.getDuplicateUpdateSets())) {
            upsertSets(insert.getDuplicateUpdateSets(), "ON DUPLICATE KEY UPDATE");
        }
        if (insert.isUseSet() || notEmpty(insert.getSetUpdateSets())) {
            throw new Rejection("INSERT ... SET on configured table " + table
                    + NOT_YET + ": write INSERT INTO table (columns) VALUES (?, ...)");
        }
        if (insert.getOutputClause() != null) {
            throw new Rejection("OUTPUT on configured table " + table + NOT_YET + ": use RETURNING");
        }
        List<Column> columns = insert.getColumns() == null ? List.of() : insert.getColumns();
        if (columns.isEmpty() && !insert.isOnlyDefaultValues()) {
            throw new Rejection("INSERT without a column list on configured table " + table
                    + " is not supported: name the columns, e.g. INSERT INTO table (a, b) VALUES (?, ?)");
        }
        List<EncryptedColumn> encrypted = new ArrayList<>();
        for (Column column : columns) {
            encrypted.add(schema.find(target.getSchemaName(), target.getName(), column.getColumnName()).orElse(null));
            approved.add(column);
        }
        if (!insert.isOnlyDefaultValues() && !isValues(insert.getSelect())) {
            insertSelect(insert.getSelect(), columns, encrypted, table);
        } else if (!insert.isOnlyDefaultValues()) {
            for (List<Expression> row : rows(insert.getSelect(), columns.size(), table)) {
                for (int i = 0; i < row.size(); i++) {
                    assign(encrypted.get(i), row.get(i), "value for column");
                }
            }
        }
        return returning(insert.getReturningClause());
    }

    /**
     * ON CONFLICT: the conflict columns are compared by the database, which a deterministic key allows; DO UPDATE
     * assigns ? parameters, NULL or {@code EXCLUDED.c} of a column with the same encryption.
     */
    private void onConflict(InsertConflictTarget conflict, InsertConflictAction action, String table) {
        if (conflict != null) {
            if (conflict.getIndexExpression() != null || conflict.getWhereExpression() != null) {
                throw new Rejection("ON CONFLICT with an index expression or WHERE on configured table " + table
                        + NOT_YET + ": name the conflict columns or the constraint");
            }
            for (String name : conflict.getIndexColumnNames()) {
                EncryptedColumn column = schema.find(target.getSchemaName(), target.getName(), name).orElse(null);
                if (column != null) {
                    requireDeterministic(column, "ON CONFLICT");
                }
                aliasNames.add(key(name));
            }
        }
        if (action == null || action.getConflictActionType() == ConflictActionType.DO_NOTHING) {
            return;
        }
        if (action.getConflictActionType() != ConflictActionType.DO_UPDATE) {
            throw new Rejection("this ON CONFLICT action on configured table " + table + NOT_YET
                    + ": use DO NOTHING or DO UPDATE SET column = ?");
        }
        // EXCLUDED names the row that was proposed for insertion: the target table's columns
        current.sources.add(new Source(target, "excluded", null, null));
        upsertSets(action.getUpdateSets(), "ON CONFLICT ... DO UPDATE");
        if (action.getWhereExpression() != null) {
            condition(action.getWhereExpression());
        }
    }

    /** SET of an upsert: each encrypted column takes ?, NULL, or the proposed value of a like-encrypted column. */
    private void upsertSets(List<UpdateSet> sets, String construct) {
        for (UpdateSet set : sets) {
            ExpressionList<Column> columns = set.getColumns();
            ExpressionList<?> values = set.getValues();
            if (columns.size() != values.size()) {
                for (Column column : columns) {
                    approved.add(column);
                    EncryptedColumn encrypted = targetColumn(column);
                    if (encrypted != null) {
                        throw new Rejection("row assignment to encrypted column " + encrypted.name() + " in "
                                + construct + NOT_YET + ": write SET column = ? for each column");
                    }
                }
                plain(values, construct);
                continue;
            }
            for (int i = 0; i < columns.size(); i++) {
                Column column = columns.get(i);
                approved.add(column);
                EncryptedColumn to = targetColumn(column);
                Column proposed = proposedValue(values.get(i));
                if (proposed != null && (to != null || targetColumn(proposed) != null)) {
                    approved.add(proposed);
                    sameEncryption(to, targetColumn(proposed), construct, Identifiers.unquote(column.getColumnName()));
                } else {
                    assign(to, values.get(i), "value for column in " + construct);
                }
            }
        }
    }

    /** {@code EXCLUDED.c} (PostgreSQL) or {@code VALUES(c)} (MariaDB/MySQL): the column c of the proposed row. */
    private static Column proposedValue(Expression value) {
        if (value instanceof Column column && column.getTable() != null && column.getTable().getName() != null
                && key(column.getTable().getName()).equals("excluded")) {
            return column;
        }
        if (value instanceof Function function && "values".equalsIgnoreCase(function.getName())
                && function.getParameters() != null && function.getParameters().size() == 1
                && function.getParameters().get(0) instanceof Column column) {
            return column;
        }
        return null;
    }

    private EncryptedColumn targetColumn(Column column) {
        return schema.find(target.getSchemaName(), target.getName(), column.getColumnName()).orElse(null);
    }

    /** A value copied by the database from one column to another: both plain, or both one key domain and mode. */
    private static void sameEncryption(EncryptedColumn to, EncryptedColumn from, String construct, String targetName) {
        if (to == null && from == null) {
            return;
        }
        if (to == null) {
            throw new Rejection(construct + " copying encrypted column " + from.name() + " into plain column "
                    + targetName + " is not supported: the plain column would hold ciphertext; copy plain columns");
        }
        if (from == null) {
            throw new Rejection(construct + " copying a plain value into encrypted column " + to.name()
                    + " is not supported: Cloak can only encrypt bound values; insert with ? parameters");
        }
        if (!to.keyDomain().equals(from.keyDomain()) || to.deterministic() != from.deterministic()) {
            throw new Rejection(construct + " copying encrypted column " + from.name() + " into encrypted column "
                    + to.name() + " is not supported: they use different keys; copy through the application");
        }
    }

    private static boolean isValues(Select source) {
        return source instanceof Values || source instanceof ParenthesedSelect p && p.getSelect() instanceof Values;
    }

    /** INSERT ... SELECT: each selected value must carry the encryption of the column it fills. */
    private void insertSelect(Select source, List<Column> columns, List<EncryptedColumn> targets, String table) {
        Query query = query(source, null);
        String construct = "INSERT ... SELECT involving configured table " + table;
        if (query.open() || query.projections().size() != columns.size()) {
            if (targets.stream().anyMatch(java.util.Objects::nonNull) || !query.encryptedByName().isEmpty()) {
                throw new Rejection(construct + " with * or a different number of columns is not supported:"
                        + " list one selected column per inserted column");
            }
            return;
        }
        PlainSelect plain = source instanceof PlainSelect p ? p
                : source instanceof ParenthesedSelect p && p.getSelect() instanceof PlainSelect inner ? inner : null;
        for (int i = 0; i < columns.size(); i++) {
            EncryptedColumn to = targets.get(i);
            EncryptedColumn from = ((Projection.Column) query.projections().get(i)).column();
            Expression item = plain == null ? null : plain.getSelectItems().get(i).getExpression();
            if (to != null && from == null && item instanceof JdbcParameter parameter) {
                // SELECT ?, ... feeds the bound value straight into the column: encrypt it
                int index = checkedIndex(parameter);
                plainParameters.remove(index);
                slots.put(index, to);
                continue;
            }
            sameEncryption(to, from, construct, Identifiers.unquote(columns.get(i).getColumnName()));
        }
    }

    private List<List<Expression>> rows(Select source, int width, String table) {
        Values values = source instanceof Values v ? v
                : source instanceof ParenthesedSelect p && p.getSelect() instanceof Values v2 ? v2 : null;
        if (values == null || notEmpty(source.getWithItemsList())) {
            throw new Rejection("INSERT ... SELECT involving configured table " + table
                    + NOT_YET + ": insert the values with ? parameters");
        }
        ExpressionList<?> expressions = values.getExpressions();
        List<List<Expression>> rows = new ArrayList<>();
        if (expressions instanceof ParenthesedExpressionList<?>) {
            // one row: VALUES (a, b)
            rows.add(new ArrayList<>(expressions));
        } else {
            // several rows: VALUES (a, b), (c, d)
            for (Expression row : expressions) {
                if (!(row instanceof ExpressionList<?> list)) {
                    throw new Rejection("this VALUES form in INSERT into configured table " + table + NOT_YET
                            + ": write VALUES (?, ...), (?, ...)");
                }
                rows.add(new ArrayList<>(list));
            }
        }
        for (List<Expression> row : rows) {
            if (row.size() != width) {
                throw new Rejection("INSERT into configured table " + table + " has a row of " + row.size()
                        + " values for " + width + " columns: give one value per named column");
            }
        }
        return rows;
    }

    /** A value written to a column: an encrypted column takes only a ? parameter or NULL. */
    private void assign(EncryptedColumn column, Expression value, String construct) {
        if (column == null) {
            plain(value, construct);
            return;
        }
        if (value instanceof JdbcParameter parameter) {
            slots.put(checkedIndex(parameter), column);
        } else if (value instanceof NullValue) {
            return;
        } else if (isLiteral(value)) {
            literal(value, column);
        } else if (value instanceof Column source) {
            // the database copies the stored cell: only a column of the same key domain and mode can give it
            sameEncryption(column, encryptedOf(source), "SET " + column.name() + " = column",
                    Identifiers.unquote(source.getColumnName()));
            approved.add(source);
        } else if (value instanceof JdbcNamedParameter) {
            throw new Rejection("named parameter for encrypted column " + column.name()
                    + NOT_YET + ": bind it with a ? parameter");
        } else {
            throw new Rejection("expression assigned to encrypted column " + column.name()
                    + " is not supported: Cloak can only encrypt a bound value; bind it with a ? parameter");
        }
    }

    private List<Projection> returning(ReturningClause returning) {
        if (returning == null || returning.isEmpty()) {
            return List.of();
        }
        if (notEmpty(returning.getDataItems())) {
            throw new Rejection("RETURNING ... INTO on configured table " + tableName() + NOT_YET
                    + ": read the returned columns as a result set");
        }
        return projections(returning).projections();
    }

    // ---------------------------------------------------------------- UPDATE and DELETE

    private List<Projection> update(Update update) {
        enterTarget(update.getTable());
        String table = tableName();
        if (notEmpty(update.getWithItemsList())) {
            throw new Rejection("WITH (common table expressions) in UPDATE of configured table " + table + NOT_YET
                    + ": update with ? parameters");
        }
        // UPDATE t SET ... FROM a JOIN b ... (PostgreSQL, H2) and UPDATE t JOIN a ON ... SET ... (MariaDB): the
        // other tables join the target's scope; a SET may copy a column of the same key domain and mode
        Scope level = current;
        if (notEmpty(update.getStartJoins())) {
            for (Join join : update.getStartJoins()) {
                join(join, level);
            }
        }
        if (update.getFromItem() != null) {
            level.sources.add(fromItem(update.getFromItem(), level));
        }
        if (notEmpty(update.getJoins())) {
            for (Join join : update.getJoins()) {
                join(join, level);
            }
        }
        current = level;
        if (update.getSelect() != null || update.getOutputClause() != null || update.getPreferringClause() != null) {
            throw new Rejection("this UPDATE form on configured table " + table + NOT_YET
                    + ": write UPDATE table SET column = ? WHERE ...");
        }
        for (UpdateSet set : update.getUpdateSets()) {
            ExpressionList<Column> columns = set.getColumns();
            ExpressionList<?> values = set.getValues();
            boolean paired = columns.size() == values.size();
            for (int i = 0; i < columns.size(); i++) {
                Column column = columns.get(i);
                EncryptedColumn encrypted = encryptedOf(column);
                approved.add(column);
                if (!paired && encrypted != null) {
                    throw new Rejection("row assignment to encrypted column " + encrypted.name() + NOT_YET
                            + ": write SET column = ? for each column");
                }
                if (paired) {
                    assign(encrypted, values.get(i), "value for column");
                }
            }
            if (!paired) {
                plain(values, "value for column");
            }
        }
        if (update.getWhere() != null) {
            condition(update.getWhere());
        }
        orderBy(update.getOrderByElements(), List.of());
        limit(update.getLimit());
        return returning(update.getReturningClause());
    }

    private List<Projection> delete(Delete delete) {
        enterTarget(delete.getTable());
        String table = tableName();
        if (notEmpty(delete.getWithItemsList())) {
            throw new Rejection("WITH (common table expressions) in DELETE from configured table " + table + NOT_YET
                    + ": delete with ? parameters");
        }
        if (notEmpty(delete.getTables()) || notEmpty(delete.getUsingList()) || notEmpty(delete.getJoins())
                || delete.getOutputClause() != null || delete.getPreferringClause() != null) {
            throw new Rejection("multi-table DELETE on configured table " + table + NOT_YET
                    + ": write DELETE FROM table WHERE ...");
        }
        if (delete.getWhere() != null) {
            condition(delete.getWhere());
        }
        orderBy(delete.getOrderByElements(), List.of());
        limit(delete.getLimit());
        return returning(delete.getReturningClause());
    }

    // ---------------------------------------------------------------- WHERE and HAVING

    private void condition(Expression expression) {
        if (expression instanceof AndExpression || expression instanceof OrExpression
                || expression instanceof XorExpression) {
            BinaryExpression binary = (BinaryExpression) expression;
            condition(binary.getLeftExpression());
            condition(binary.getRightExpression());
        } else if (expression instanceof NotExpression not) {
            condition(not.getExpression());
        } else if (expression instanceof Parenthesis parenthesis) {
            condition(parenthesis.getExpression());
        } else if (expression instanceof ParenthesedExpressionList<?> list && list.size() == 1) {
            condition(list.get(0));
        } else if (expression instanceof EqualsTo || expression instanceof NotEqualsTo) {
            equality((BinaryExpression) expression);
        } else if (expression instanceof InExpression in && isConnective(in.getRightExpression())) {
            condition(regroup(in, in.getRightExpression()));
        } else if (expression instanceof InExpression in) {
            in(in);
        } else if (expression instanceof IsNullExpression isNull && directEncrypted(isNull.getLeftExpression()) != null) {
            approved.add((Column) isNull.getLeftExpression());
        } else {
            plain(expression, "condition");
        }
    }

    private static boolean isConnective(Expression expression) {
        return expression instanceof AndExpression || expression instanceof OrExpression
                || expression instanceof XorExpression;
    }

    /** JSqlParser 5.3 reads {@code a IN (x) AND b} as {@code a IN ((x) AND b)}: give the IN back its own list. */
    private static Expression regroup(InExpression in, Expression right) {
        if (!isConnective(right)) {
            InExpression own = new InExpression(in.getLeftExpression(), right);
            own.setNot(in.isNot());
            return own;
        }
        BinaryExpression connective = (BinaryExpression) right;
        BinaryExpression copy = connective instanceof AndExpression ? new AndExpression()
                : connective instanceof OrExpression ? new OrExpression() : new XorExpression();
        copy.setLeftExpression(regroup(in, connective.getLeftExpression()));
        copy.setRightExpression(connective.getRightExpression());
        return copy;
    }

    private void equality(BinaryExpression comparison) {
        String construct = "comparison " + comparison.getStringExpression();
        Expression leftExpression = comparison.getLeftExpression();
        Expression rightExpression = comparison.getRightExpression();
        EncryptedColumn left = operand(leftExpression);
        EncryptedColumn right = operand(rightExpression);
        if (left == null && right == null) {
            plain(comparison, construct);
            return;
        }
        if (left != null && right != null) {
            joinable(left, right, construct, "two columns");
            approve(leftExpression);
            approve(rightExpression);
            return;
        }
        EncryptedColumn column = left != null ? left : right;
        Expression other = left != null ? rightExpression : leftExpression;
        if (!column.deterministic()) {
            throw new Rejection(construct + " on randomized column " + column.name()
                    + " is not supported: equal values have different ciphertexts; only IS [NOT] NULL works on it,"
                    + " or make the column deterministic");
        }
        if (other instanceof JdbcParameter parameter) {
            int index = checkedIndex(parameter);
            slots.put(index, column);
            lookups.add(comparisonLookup(comparison, left != null, column, index, null));
            approve(left != null ? leftExpression : rightExpression);
        } else if (isLiteral(other)) {
            LiteralSlot slot = literal(other, column);
            lookups.add(comparisonLookup(comparison, left != null, column, 0, slot));
            approve(left != null ? leftExpression : rightExpression);
        } else {
            throw new Rejection(construct + " of encrypted column " + column.name()
                    + " with a column or expression is not supported: compare it with a ? parameter");
        }
    }

    /**
     * The encrypted column an operand of a comparison stands for: a column reference, or a subquery returning
     * one encrypted column (analysed here, once).
     */
    private EncryptedColumn operand(Expression expression) {
        if (expression instanceof Column column) {
            return encryptedOf(column);
        }
        if (expression instanceof ParenthesedSelect select) {
            return singleColumn(query(select, current), "a subquery compared with a value");
        }
        return null;
    }

    private EncryptedColumn singleColumn(Query query, String construct) {
        if (query.projections().size() != 1 || !(query.projections().get(0) instanceof Projection.Column column)) {
            if (!query.encryptedByName().isEmpty()) {
                throw new Rejection(construct + " must return exactly one column when it reads an encrypted"
                        + " column: list that column");
            }
            return null;
        }
        return column.column();
    }

    private void approve(Expression expression) {
        if (expression instanceof Column column) {
            approved.add(column);
        }
    }

    private void in(InExpression in) {
        String construct = in.isNot() ? "NOT IN" : "IN";
        EncryptedColumn column = directEncrypted(in.getLeftExpression());
        if (in.getRightExpression() instanceof ParenthesedSelect select) {
            EncryptedColumn selected = singleColumn(query(select, current), construct + " (SELECT ...)");
            if (column == null && selected == null) {
                plain(in.getLeftExpression(), construct);
                return;
            }
            if (column == null && !(in.getLeftExpression() instanceof Column)) {
                throw new Rejection(construct + " (SELECT ...) compares an expression with encrypted column "
                        + selected.name() + ": compare a column of the same key domain");
            }
            joinable(column, selected, construct + " (SELECT ...)", "two columns");
            approve(in.getLeftExpression());
            return;
        }
        if (column == null) {
            plain(in, construct);
            return;
        }
        if (!column.deterministic()) {
            throw new Rejection(construct + " on randomized column " + column.name()
                    + " is not supported: equal values have different ciphertexts; make the column deterministic");
        }
        if (!(in.getRightExpression() instanceof ExpressionList<?> list) || list.isEmpty()
                || !list.stream().allMatch(e -> e instanceof JdbcParameter || isLiteral(e))) {
            throw new Rejection(construct + " on encrypted column " + column.name()
                    + " takes only ? parameters or literals: write column " + construct + " (?, ?, ...)");
        }
        for (Expression item : list) {
            if (item instanceof JdbcParameter parameter) {
                int index = checkedIndex(parameter);
                slots.put(index, column);
                int[] span = span(item);
                lookups.add(span == null ? LookupSlot.unlocated(LookupSlot.Form.LIST_ITEM, column, index, null)
                        : new LookupSlot(span[0], span[1], LookupSlot.Form.LIST_ITEM, -1, -1, column, index, null));
            } else {
                LiteralSlot slot = literal(item, column);
                lookups.add(new LookupSlot(slot.start(), slot.end(), LookupSlot.Form.LIST_ITEM, -1, -1, column, 0, slot));
            }
        }
        approved.add((Column) in.getLeftExpression());
    }

    // ---------------------------------------------------------------- expressions over plain columns

    /** Walks an expression that must not touch an encrypted column; its ? are plain parameters. */
    private void plain(Expression expression, String construct) {
        if (expression != null) {
            expression.accept(new PlainWalk(construct), null);
        }
    }

    /** Finds encrypted columns, parameters and subqueries inside an expression, naming the innermost construct. */
    private final class PlainWalk extends ExpressionVisitorAdapter<Void> {

        private String construct;

        PlainWalk(String construct) {
            this.construct = construct;
        }

        private Void within(String inner, Supplier<Void> descend) {
            String outer = construct;
            construct = inner;
            try {
                return descend.get();
            } finally {
                construct = outer;
            }
        }

        @Override
        public <S> Void visit(Column column, S context) {
            EncryptedColumn encrypted = encryptedOf(column);
            if (encrypted != null) {
                throw new Rejection(construct + " on " + encrypted.mode() + " column " + encrypted.name()
                        + " is not supported: " + reason(construct));
            }
            resolvedPlain.add(column);
            return null;
        }

        @Override
        public <S> Void visit(JdbcParameter parameter, S context) {
            plainParameters.add(checkedIndex(parameter));
            return null;
        }

        @Override
        public <S> Void visit(JdbcNamedParameter parameter, S context) {
            throw new Rejection("a named parameter on configured table " + tableName() + NOT_YET
                    + ": use ? parameters");
        }

        @Override
        public <S> Void visit(ParenthesedSelect select, S context) {
            return subquery(select);
        }

        @Override
        public <S> Void visit(Select select, S context) {
            return subquery(select);
        }

        @Override
        public <S> Void visit(ExistsExpression exists, S context) {
            if (exists.getRightExpression() instanceof Select select && !analysedQueries.contains(select)) {
                // EXISTS reads no value of the subquery: its result columns may be encrypted
                query(select, current);
                return null;
            }
            return super.visit(exists, context);
        }

        /** A subquery whose value feeds a plain expression must not return an encrypted column. */
        private Void subquery(Select select) {
            if (analysedQueries.contains(select)) {
                return null;
            }
            Query query = query(select, current);
            for (Projection projection : query.projections()) {
                for (EncryptedColumn column : encryptedIn(projection)) {
                    throw new Rejection("a subquery returning encrypted column " + column.name() + " in " + construct
                            + " is not supported: " + reason(construct));
                }
            }
            return null;
        }

        @Override
        public <S> Void visit(Function function, S context) {
            if ("count".equalsIgnoreCase(function.getName()) && function.isDistinct()
                    && function.getParameters() != null && function.getParameters().size() == 1
                    && function.getParameters().get(0) instanceof Column column) {
                EncryptedColumn encrypted = encryptedOf(column);
                if (encrypted != null) {
                    // equal plaintexts have equal deterministic ciphertexts, so the distinct count is right
                    requireDeterministic(encrypted, "COUNT(DISTINCT)");
                    approved.add(column);
                    return null;
                }
            }
            return within("function " + function.getName() + "()", () -> super.visit(function, context));
        }

        @Override
        public <S> Void visit(CastExpression cast, S context) {
            return within("CAST", () -> super.visit(cast, context));
        }

        @Override
        public <S> Void visit(GreaterThan comparison, S context) {
            return within("comparison >", () -> super.visit(comparison, context));
        }

        @Override
        public <S> Void visit(GreaterThanEquals comparison, S context) {
            return within("comparison >=", () -> super.visit(comparison, context));
        }

        @Override
        public <S> Void visit(MinorThan comparison, S context) {
            return within("comparison <", () -> super.visit(comparison, context));
        }

        @Override
        public <S> Void visit(MinorThanEquals comparison, S context) {
            return within("comparison <=", () -> super.visit(comparison, context));
        }

        @Override
        public <S> Void visit(Between between, S context) {
            return within("BETWEEN", () -> super.visit(between, context));
        }

        @Override
        public <S> Void visit(LikeExpression like, S context) {
            return within("LIKE", () -> super.visit(like, context));
        }

        @Override
        public <S> Void visit(SimilarToExpression similar, S context) {
            return within("SIMILAR TO", () -> super.visit(similar, context));
        }

        @Override
        public <S> Void visit(RegExpMatchOperator match, S context) {
            return within("regular expression match", () -> super.visit(match, context));
        }
    }

    private static String reason(String construct) {
        if (construct.startsWith("comparison <") || construct.startsWith("comparison >")
                || construct.equals("BETWEEN")) {
            return "its ciphertexts are not ordered";
        }
        if (construct.equals("LIKE") || construct.equals("SIMILAR TO") || construct.startsWith("regular")) {
            return "its ciphertexts cannot be matched against a pattern";
        }
        return "the database only sees its ciphertext; use the column on its own, compared with a ? parameter";
    }

    // ---------------------------------------------------------------- scopes and sources

    /** What a source says about a column name. */
    private enum Lookup { ENCRYPTED, PLAIN, MAYBE, ABSENT }

    /** One item of a FROM clause: a physical table, or a derived table / CTE whose result columns are known. */
    private final class Source {
        final Table table;
        final String alias;
        final String cteName;
        final Query derived;
        final Map<String, EncryptedColumn> encryptedByName;

        Source(Table table, String alias, String cteName, Query derived) {
            this.table = table;
            this.alias = alias == null ? null : key(alias);
            this.cteName = cteName == null ? null : key(cteName);
            this.derived = derived;
            this.encryptedByName = table != null ? encryptedColumnsOf(table) : derived.encryptedByName();
        }

        boolean answersTo(Table qualifier) {
            String name = key(qualifier.getName());
            if (alias != null) {
                return qualifier.getSchemaName() == null && alias.equals(name);
            }
            if (cteName != null) {
                return qualifier.getSchemaName() == null && cteName.equals(name);
            }
            if (table == null || !key(table.getName()).equals(name)) {
                return false;
            }
            return qualifier.getSchemaName() == null || table.getSchemaName() == null
                    || key(qualifier.getSchemaName()).equals(key(table.getSchemaName()));
        }

        EncryptedColumn encrypted(Column column) {
            if (table != null) {
                return schema.find(table.getSchemaName(), table.getName(), column.getColumnName()).orElse(null);
            }
            return encryptedByName.get(key(column.getColumnName()));
        }

        Lookup lookup(Column column) {
            if (encrypted(column) != null) {
                return Lookup.ENCRYPTED;
            }
            if (table != null || derived.open()) {
                return Lookup.MAYBE;
            }
            return derived.names().contains(key(column.getColumnName())) ? Lookup.PLAIN : Lookup.ABSENT;
        }

        /** What {@code *} over this source yields. */
        List<Projection> star() {
            if (table != null) {
                Projection.AllColumns all = new Projection.AllColumns(encryptedByName);
                starTables.put(all, new StarTable(table.getSchemaName(), table.getName()));
                return List.of(all);
            }
            return derived.projections();
        }

        String label() {
            return alias != null ? alias : cteName != null ? cteName : table != null ? policyTableName(table) : "subquery";
        }
    }

    /** The sources one query level sees, its select-list aliases, its CTEs and the enclosing level. */
    private static final class Scope {
        final Scope outer;
        final List<Source> sources = new ArrayList<>();
        final Map<String, EncryptedColumn> selectAliases = new HashMap<>();
        final Map<String, Query> ctes = new HashMap<>();

        Scope(Scope outer) {
            this.outer = outer;
        }

        Query cte(String name) {
            for (Scope scope = this; scope != null; scope = scope.outer) {
                Query query = scope.ctes.get(name);
                if (query != null) {
                    return query;
                }
            }
            return null;
        }
    }

    /**
     * A query's result: projections, the lower-case name of each (null when unnamed or a star) and whether a
     * star makes the set of names open.
     */
    private record Query(List<Projection> projections, List<String> names, boolean open) {

        Map<String, EncryptedColumn> encryptedByName() {
            Map<String, EncryptedColumn> byName = new HashMap<>();
            for (int i = 0; i < projections.size(); i++) {
                Projection projection = projections.get(i);
                if (projection instanceof Projection.AllColumns all) {
                    byName.putAll(all.encryptedByLowerCaseName());
                } else if (names.get(i) != null && ((Projection.Column) projection).column() != null) {
                    byName.put(names.get(i), ((Projection.Column) projection).column());
                }
            }
            return byName;
        }

        Set<String> namesSet() {
            Set<String> set = new HashSet<>();
            for (String name : names) {
                if (name != null) {
                    set.add(name);
                }
            }
            return set;
        }

        Query renamed(List<String> newNames) {
            return new Query(projections, newNames, open);
        }
    }

    private Map<String, EncryptedColumn> encryptedColumnsOf(Table table) {
        Map<String, EncryptedColumn> byName = new LinkedHashMap<>();
        for (EncryptedColumn column : schema.columnsOf(table.getSchemaName(), table.getName())) {
            if (byName.putIfAbsent(column.column().toLowerCase(Locale.ROOT), column) != null) {
                throw new Rejection("* over configured table " + policyTableName(table) + " is ambiguous: two"
                        + " encrypted columns differ only in case; list the columns");
            }
        }
        return byName;
    }

    /**
     * The encrypted column a reference names, resolved through the sources of the current query level and the
     * levels that enclose it. Where the database could pick either a plain or an encrypted column, the reference
     * is rejected rather than guessed plain.
     */
    private EncryptedColumn encryptedOf(Column column) {
        if (current == null) {
            return null;
        }
        Table qualifier = column.getTable();
        if (qualifier != null && qualifier.getName() != null) {
            for (Scope scope = current; scope != null; scope = scope.outer) {
                for (Source source : scope.sources) {
                    if (source.answersTo(qualifier)) {
                        return source.encrypted(column);
                    }
                }
            }
            // a qualifier no source answers to: the database rejects it, or it means a table under another name
            return unqualified(column, true);
        }
        return unqualified(column, false);
    }

    private EncryptedColumn unqualified(Column column, boolean overMatch) {
        boolean maybeInner = false;
        for (Scope scope = current; scope != null; scope = scope.outer) {
            EncryptedColumn found = null;
            boolean plain = false;
            boolean maybe = false;
            for (Source source : scope.sources) {
                Lookup lookup = source.lookup(column);
                if (lookup == Lookup.ENCRYPTED) {
                    EncryptedColumn encrypted = source.encrypted(column);
                    if (found != null && !interchangeable(found, encrypted)) {
                        throw new Rejection("column reference " + Identifiers.unquote(column.getColumnName())
                                + " may mean encrypted column " + found.name() + " or " + encrypted.name()
                                + ": qualify it with its table or alias");
                    }
                    found = found != null ? found : encrypted;
                } else if (lookup == Lookup.PLAIN) {
                    plain = true;
                } else if (lookup == Lookup.MAYBE) {
                    maybe = true;
                }
            }
            if (found == null && scope == current) {
                found = scope.selectAliases.get(key(column.getColumnName()));
            }
            if (found != null) {
                if (maybeInner && !overMatch) {
                    throw new Rejection("column reference " + Identifiers.unquote(column.getColumnName())
                            + " in a subquery may mean encrypted column " + found.name() + " of an enclosing query"
                            + " or a plain column of the subquery: qualify it with its table or alias");
                }
                return found;
            }
            if (plain && !overMatch) {
                return null;
            }
            maybeInner |= maybe;
        }
        return null;
    }

    /** Columns whose ciphertexts one key decrypts alike, as the two sides of JOIN ... USING or NATURAL JOIN. */
    private static boolean interchangeable(EncryptedColumn a, EncryptedColumn b) {
        return a.equals(b) || a.deterministic() && b.deterministic() && a.keyDomain().equals(b.keyDomain());
    }

    /** The projections' star tables, in projection order. */
    private List<StarTable> starTablesOf(List<Projection> projections) {
        List<StarTable> tables = new ArrayList<>();
        for (Projection projection : projections) {
            tables.add(starTables.get(projection));
        }
        return tables;
    }

    // ---------------------------------------------------------------- resolution helpers

    private int checkedIndex(JdbcParameter parameter) {
        if (parameter.isUseFixedIndex() || parameter.getIndex() == null) {
            throw new Rejection("a numbered parameter on configured table " + tableName() + NOT_YET
                    + ": use plain ? parameters");
        }
        return parameter.getIndex();
    }

    /** The encrypted column an expression is, when it is exactly a column reference. */
    private EncryptedColumn directEncrypted(Expression expression) {
        return expression instanceof Column column ? encryptedOf(column) : null;
    }

    private static String key(String identifier) {
        return Identifiers.unquote(identifier).toLowerCase(Locale.ROOT);
    }

    private boolean isConfigured(Table table) {
        return table != null && table.getName() != null && schema.isConfiguredTable(table.getSchemaName(), table.getName());
    }

    private boolean involvesConfiguredTable(StatementWalk walk) {
        return walk.tables.stream().anyMatch(this::isConfigured);
    }

    private String tableName() {
        return isConfigured(target) || involvedName == null ? policyTableName(target) : involvedName;
    }

    private String policyTableName(Table table) {
        if (table == null || table.getName() == null) {
            return "(unknown)";
        }
        List<EncryptedColumn> columns = schema.columnsOf(table.getSchemaName(), table.getName());
        if (columns.isEmpty()) {
            return Identifiers.unquote(table.getName());
        }
        EncryptedColumn first = columns.get(0);
        return first.schema() == null ? first.table() : first.schema() + "." + first.table();
    }

    private String configuredName(StatementWalk walk) {
        return walk.tables.stream().filter(this::isConfigured).findFirst().map(this::policyTableName)
                .orElse("(not located)");
    }

    private String configuredName(Statement statement) {
        try {
            return configuredName(StatementWalk.of(statement));
        } catch (Rejection notWalkable) {
            return "(not located)";
        }
    }

    private static String statementWord(Statement statement) {
        if (statement instanceof Merge) {
            return "MERGE";
        }
        if (statement instanceof Upsert) {
            return "UPSERT";
        }
        if (statement instanceof net.sf.jsqlparser.statement.execute.Execute) {
            return "CALL/EXECUTE";
        }
        return "this kind of statement";
    }

    // ---------------------------------------------------------------- literals of encrypted columns

    /** Records a literal's exact span in the text and its value, so the driver can put ciphertext in its place. */
    private LiteralSlot literal(Expression expression, EncryptedColumn column) {
        Object value = literalValue(expression, column);
        int[] span = span(expression);
        if (span == null) {
            throw new Rejection("a literal for encrypted column " + column.name() + " could not be located in the"
                    + " text: bind it with a ? parameter");
        }
        LiteralSlot slot = new LiteralSlot(span[0], span[1], column, value);
        literals.add(slot);
        return slot;
    }

    /**
     * Where the tokens the parser read for {@code expression} are in the text ({@code [start, end)}), or null when
     * the parser kept no position or the text there does not hold those tokens: a text is never rewritten in a
     * place that was not proven to be the expression.
     */
    private int[] span(Expression expression) {
        Node node = expression.getASTNode();
        Token first = node == null ? null : node.jjtGetFirstToken();
        Token last = node == null ? null : node.jjtGetLastToken();
        int start = first == null ? -1 : offset(first.beginLine, first.beginColumn);
        int end = last == null ? -1 : offset(last.endLine, last.endColumn) + 1;
        if (start < 0 || end <= start || end > sql.length() || !sql.startsWith(first.image, start)
                || !sql.startsWith(last.image, end - last.image.length())) {
            return null;
        }
        return new int[] {start, end};
    }

    /**
     * The lookup of {@code operand = value} or {@code value = operand} ({@code <>}, {@code !=} likewise): the
     * comparison's span, and the operand's found by stepping over blanks and the operator next to the value.
     * Anything else between them (comments, unusual spellings) leaves the lookup unlocated.
     */
    private LookupSlot comparisonLookup(BinaryExpression comparison, boolean valueOnRight, EncryptedColumn column,
                                       int parameter, LiteralSlot literal) {
        LookupSlot.Form form = comparison instanceof NotEqualsTo ? LookupSlot.Form.NOT_EQUALS : LookupSlot.Form.EQUALS;
        int[] whole = span(comparison);
        int[] value = span(valueOnRight ? comparison.getRightExpression() : comparison.getLeftExpression());
        if (whole == null || value == null) {
            return LookupSlot.unlocated(form, column, parameter, literal);
        }
        int operandStart;
        int operandEnd;
        if (valueOnRight) {
            int operatorEnd = skipBlanks(value[0], -1);
            int operatorStart = operatorEnd - operatorLength(operatorEnd, form, true);
            operandStart = whole[0];
            operandEnd = skipBlanks(operatorStart, -1);
            if (value[1] != whole[1] || operatorStart == operatorEnd) {
                return LookupSlot.unlocated(form, column, parameter, literal);
            }
        } else {
            int operatorStart = skipBlanks(value[1], 1);
            int operatorEnd = operatorStart + operatorLength(operatorStart, form, false);
            operandStart = skipBlanks(operatorEnd, 1);
            operandEnd = whole[1];
            if (value[0] != whole[0] || operatorStart == operatorEnd) {
                return LookupSlot.unlocated(form, column, parameter, literal);
            }
        }
        if (operandStart >= operandEnd) {
            return LookupSlot.unlocated(form, column, parameter, literal);
        }
        return new LookupSlot(whole[0], whole[1], form, operandStart, operandEnd, column, parameter, literal);
    }

    /** From {@code at} (an index after the blanks when stepping back, at them when stepping on), past blanks. */
    private int skipBlanks(int at, int step) {
        int i = at;
        while (step < 0 ? i > 0 && Character.isWhitespace(sql.charAt(i - 1))
                : i < sql.length() && Character.isWhitespace(sql.charAt(i))) {
            i += step;
        }
        return i;
    }

    /** The length of the comparison operator ending (backwards) or starting at {@code at}, 0 when there is none. */
    private int operatorLength(int at, LookupSlot.Form form, boolean backwards) {
        List<String> operators = form == LookupSlot.Form.EQUALS ? List.of("=") : List.of("<>", "!=");
        for (String operator : operators) {
            int start = backwards ? at - operator.length() : at;
            if (start >= 0 && sql.startsWith(operator, start)) {
                return operator.length();
            }
        }
        return 0;
    }

    private int offset(int line, int column) {
        if (lineStarts == null) {
            List<Integer> starts = new ArrayList<>(List.of(0));
            for (int i = 0; i < sql.length(); i++) {
                char c = sql.charAt(i);
                // JavaCC counts \r\n, \r and \n each as one line break
                if (c == '\n' || c == '\r' && (i + 1 >= sql.length() || sql.charAt(i + 1) != '\n')) {
                    starts.add(i + 1);
                }
            }
            lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
        }
        return line >= 1 && line <= lineStarts.length && column >= 1 ? lineStarts[line - 1] + column - 1 : -1;
    }

    /** The Java value of a literal: String, Long, BigDecimal or Boolean; other literal kinds are refused. */
    private static Object literalValue(Expression expression, EncryptedColumn column) {
        boolean negative = false;
        Expression literal = expression;
        if (expression instanceof SignedExpression signed) {
            negative = signed.getSign() == '-';
            if (signed.getSign() != '-' && signed.getSign() != '+') {
                throw unsupportedLiteral(column);
            }
            literal = signed.getExpression();
            if (!(literal instanceof LongValue || literal instanceof DoubleValue)) {
                throw unsupportedLiteral(column);
            }
        }
        if (literal instanceof StringValue string) {
            String prefix = string.getPrefix();
            if (prefix != null && !prefix.equalsIgnoreCase("N") || string.getValue().indexOf('\\') >= 0) {
                // escape syntax differs between dialects: a wrong guess would encrypt the wrong plaintext
                throw new Rejection("a string literal with a prefix or backslash for encrypted column "
                        + column.name() + " is not supported: bind it with a ? parameter");
            }
            return string.getValue().replace("''", "'");
        }
        if (literal instanceof LongValue number) {
            java.math.BigInteger integer = new java.math.BigInteger(number.getStringValue());
            integer = negative ? integer.negate() : integer;
            return integer.bitLength() < 64 ? (Object) integer.longValue() : new java.math.BigDecimal(integer);
        }
        if (literal instanceof DoubleValue number) {
            java.math.BigDecimal decimal = new java.math.BigDecimal(number.toString());
            return negative ? decimal.negate() : decimal;
        }
        if (literal instanceof BooleanValue bool) {
            return bool.getValue();
        }
        throw unsupportedLiteral(column);
    }

    private static Rejection unsupportedLiteral(EncryptedColumn column) {
        return new Rejection("this kind of literal for encrypted column " + column.name()
                + " is not supported: bind it with a ? parameter");
    }

    private static boolean isLiteral(Expression expression) {
        return expression instanceof StringValue || expression instanceof LongValue
                || expression instanceof DoubleValue || expression instanceof HexValue
                || expression instanceof BooleanValue || expression instanceof DateTimeLiteralExpression
                || expression instanceof SignedExpression signed && isLiteral(signed.getExpression());
    }

    private static boolean notEmpty(java.util.Collection<?> collection) {
        return collection != null && !collection.isEmpty();
    }

    /** Types that already hold a cell unchanged, so DDL for an unknown dialect may pass as written. */
    private static boolean isBinaryType(String dataType) {
        String t = dataType.toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
        return t.equals("BYTEA") || t.contains("BINARY") || t.endsWith("BLOB") || t.equals("RAW") || t.equals("IMAGE");
    }
}
