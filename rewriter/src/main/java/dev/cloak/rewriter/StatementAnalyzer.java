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
    private final Map<String, EncryptedColumn> aliases = new HashMap<>();
    /** Names the text may mention besides column references: aliases and ON CONFLICT column names. */
    private final List<String> aliasNames = new ArrayList<>();
    private Table target;
    private String involvedName;

    StatementAnalyzer(EncryptedSchema schema, String sql, int parameterCount) {
        this.schema = schema;
        this.sql = sql;
        this.parameterCount = parameterCount;
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
            return ddl(create.getTable());
        }
        if (statement instanceof Alter alter) {
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

    private StatementPlan ddl(Table table) {
        return table != null && isConfigured(table) ? ddlPlan() : passThrough();
    }

    private StatementPlan ddlPlan() {
        return StatementPlan.of(StatementPlan.Kind.DDL, sql, parameterCount, Map.of(), List.of());
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
            projections = select(select, walk);
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
        return StatementPlan.of(kind, sql, parameterCount, slots, projections);
    }

    /** The independent walk must find no encrypted column and no parameter that the analysis did not handle. */
    private void checkEverythingSeen(StatementWalk walk) {
        for (Column column : walk.columns) {
            EncryptedColumn encrypted = encryptedOf(column);
            if (encrypted != null && !approved.contains(column)) {
                throw new Rejection(encrypted.mode() + " column " + encrypted.name()
                        + " is used where Cloak cannot handle it yet: compare it with ? parameters,"
                        + " select it on its own, or assign it a ? parameter");
            }
        }
        checkEveryMentionSeen();
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
     * The text must name each encrypted column no more often than the analysis approved it (plus aliases that
     * happen to share its name): a reference the parser's visitors skipped would otherwise go unchecked.
     */
    private void checkEveryMentionSeen() {
        Map<String, EncryptedColumn> byName = new HashMap<>();
        for (EncryptedColumn column : schema.columnsOf(target.getSchemaName(), target.getName())) {
            byName.put(column.column().toLowerCase(Locale.ROOT), column);
        }
        if (byName.isEmpty()) {
            return;
        }
        Map<String, Integer> allowed = new HashMap<>();
        for (Column column : approved) {
            allowed.merge(key(column.getColumnName()), 1, Integer::sum);
        }
        for (String alias : aliasNames) {
            allowed.merge(alias, 1, Integer::sum);
        }
        if (target.getAlias() != null) {
            allowed.merge(key(target.getAlias().getName()), 1, Integer::sum);
        }
        for (String name : List.of(target.getName(), String.valueOf(target.getSchemaName()))) {
            allowed.merge(key(name), 1, Integer::sum);
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

    private List<Projection> select(Select select, StatementWalk walk) {
        if (select.getWithItemsList() != null && !select.getWithItemsList().isEmpty()) {
            throw new Rejection("WITH (common table expressions) over configured table " + configuredName(walk)
                    + NOT_YET + ": query the table directly");
        }
        if (select instanceof SetOperationList) {
            throw new Rejection("UNION/INTERSECT/EXCEPT over configured table " + configuredName(walk)
                    + NOT_YET + ": run the queries one at a time");
        }
        if (!(select instanceof PlainSelect plain)) {
            throw new Rejection("parenthesised or VALUES query over configured table " + configuredName(walk)
                    + NOT_YET + ": write a plain SELECT");
        }
        if (!(plain.getFromItem() instanceof Table table)) {
            throw new Rejection("a subquery over configured table " + configuredName(walk)
                    + NOT_YET + ": select from the table directly");
        }
        if (notEmpty(plain.getJoins()) || notEmpty(plain.getLateralViews())) {
            throw new Rejection("a join with configured table " + configuredName(walk)
                    + NOT_YET + ": query each table on its own");
        }
        if (notEmpty(plain.getIntoTables()) || plain.getIntoTempTable() != null) {
            throw new Rejection("SELECT INTO from configured table " + configuredName(walk)
                    + NOT_YET + ": copy rows through Cloak with ? parameters");
        }
        if (notEmpty(plain.getWindowDefinitions()) || plain.getQualify() != null
                || plain.getOracleHierarchical() != null || plain.getKsqlWindow() != null
                || plain.getPreferringClause() != null || table.getPivot() != null || table.getUnPivot() != null) {
            throw new Rejection("this SELECT clause on configured table " + configuredName(walk)
                    + NOT_YET + ": use WHERE, GROUP BY, HAVING, ORDER BY and LIMIT only");
        }
        target = table;
        if (plain.getTop() != null) {
            plain(plain.getTop().getExpression(), "TOP");
        }
        List<Projection> projections = projections(plain.getSelectItems());
        distinct(plain.getDistinct(), plain.getSelectItems(), projections);
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
        return projections;
    }

    private List<Projection> projections(List<SelectItem<?>> items) {
        List<Projection> projections = new ArrayList<>();
        for (SelectItem<?> item : items) {
            Expression expression = item.getExpression();
            if (expression instanceof AllColumns all) {
                if (all.getReplaceExpressions() != null || all.getExceptColumns() != null) {
                    throw new Rejection("* with EXCEPT or REPLACE on configured table " + tableName()
                            + NOT_YET + ": list the columns");
                }
                projections.add(new Projection.AllColumns(encryptedColumnsByLowerCaseName()));
            } else if (expression instanceof Column column) {
                EncryptedColumn encrypted = encryptedOf(column);
                approved.add(column);
                projections.add(new Projection.Column(encrypted));
                if (encrypted != null && item.getAlias() != null) {
                    aliases.put(key(item.getAlias().getName()), encrypted);
                }
            } else {
                plain(expression, "expression in the select list");
                projections.add(new Projection.Column(null));
            }
            if (item.getAlias() != null) {
                aliasNames.add(key(item.getAlias().getName()));
            }
        }
        return projections;
    }

    private Map<String, EncryptedColumn> encryptedColumnsByLowerCaseName() {
        Map<String, EncryptedColumn> byName = new LinkedHashMap<>();
        for (EncryptedColumn column : schema.columnsOf(target.getSchemaName(), target.getName())) {
            if (byName.putIfAbsent(column.column().toLowerCase(Locale.ROOT), column) != null) {
                throw new Rejection("* over configured table " + tableName() + " is ambiguous: two encrypted"
                        + " columns differ only in case; list the columns");
            }
        }
        return byName;
    }

    private void distinct(Distinct distinct, List<SelectItem<?>> items, List<Projection> projections) {
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
            List<EncryptedColumn> all = List.copyOf(encryptedColumnsByLowerCaseName().values());
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
        target = insert.getTable();
        String table = tableName();
        if (notEmpty(insert.getWithItemsList())) {
            throw new Rejection("WITH (common table expressions) in INSERT into configured table " + table
                    + NOT_YET + ": insert the values with ? parameters");
        }
        if (insert.isUseDuplicate() || notEmpty(insert.getDuplicateUpdateSets())) {
            throw new Rejection("ON DUPLICATE KEY UPDATE on configured table " + table
                    + NOT_YET + ": insert, then update with ? parameters");
        }
        if (insert.getConflictAction() != null || insert.getConflictTarget() != null) {
            onConflictDoNothing(insert.getConflictTarget(), insert.getConflictAction(), table);
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
        if (!insert.isOnlyDefaultValues()) {
            for (List<Expression> row : rows(insert.getSelect(), columns.size(), table)) {
                for (int i = 0; i < row.size(); i++) {
                    assign(encrypted.get(i), row.get(i), "value for column");
                }
            }
        }
        return returning(insert.getReturningClause());
    }

    /** ON CONFLICT ... DO NOTHING only: the database compares ciphertexts, which a deterministic key allows. */
    private void onConflictDoNothing(InsertConflictTarget conflict, InsertConflictAction action, String table) {
        if (action == null || action.getConflictActionType() != ConflictActionType.DO_NOTHING) {
            throw new Rejection("ON CONFLICT ... DO UPDATE on configured table " + table
                    + NOT_YET + ": insert, then update with ? parameters");
        }
        if (conflict == null) {
            return;
        }
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
            throw new Rejection("literal value for encrypted column " + column.name()
                    + ": bind it with a ? parameter");
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
        return projections(returning);
    }

    // ---------------------------------------------------------------- UPDATE and DELETE

    private List<Projection> update(Update update) {
        target = update.getTable();
        String table = tableName();
        if (notEmpty(update.getWithItemsList())) {
            throw new Rejection("WITH (common table expressions) in UPDATE of configured table " + table + NOT_YET
                    + ": update with ? parameters");
        }
        if (update.getFromItem() != null || notEmpty(update.getJoins()) || notEmpty(update.getStartJoins())) {
            throw new Rejection("UPDATE ... FROM or JOIN on configured table " + table + NOT_YET
                    + ": update with ? parameters");
        }
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
        target = delete.getTable();
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
        } else if (expression instanceof InExpression in) {
            in(in);
        } else if (expression instanceof IsNullExpression isNull && directEncrypted(isNull.getLeftExpression()) != null) {
            approved.add((Column) isNull.getLeftExpression());
        } else {
            plain(expression, "condition");
        }
    }

    private void equality(BinaryExpression comparison) {
        String construct = "comparison " + comparison.getStringExpression();
        EncryptedColumn left = directEncrypted(comparison.getLeftExpression());
        EncryptedColumn right = directEncrypted(comparison.getRightExpression());
        if (left == null && right == null) {
            plain(comparison, construct);
            return;
        }
        if (left != null && right != null) {
            throw new Rejection(construct + " between encrypted columns " + left.name() + " and " + right.name()
                    + NOT_YET + ": compare each column with a ? parameter");
        }
        EncryptedColumn column = left != null ? left : right;
        Expression other = left != null ? comparison.getRightExpression() : comparison.getLeftExpression();
        if (!column.deterministic()) {
            throw new Rejection(construct + " on randomized column " + column.name()
                    + " is not supported: equal values have different ciphertexts; only IS [NOT] NULL works on it,"
                    + " or make the column deterministic");
        }
        if (other instanceof JdbcParameter parameter) {
            slots.put(checkedIndex(parameter), column);
            approved.add((Column) (left != null ? comparison.getLeftExpression() : comparison.getRightExpression()));
        } else if (isLiteral(other)) {
            throw new Rejection(construct + " of encrypted column " + column.name()
                    + " with a literal is not supported: bind the value with a ? parameter");
        } else {
            throw new Rejection(construct + " of encrypted column " + column.name()
                    + " with a column or expression is not supported: compare it with a ? parameter");
        }
    }

    private void in(InExpression in) {
        String construct = in.isNot() ? "NOT IN" : "IN";
        EncryptedColumn column = directEncrypted(in.getLeftExpression());
        if (column == null) {
            plain(in, construct);
            return;
        }
        if (!column.deterministic()) {
            throw new Rejection(construct + " on randomized column " + column.name()
                    + " is not supported: equal values have different ciphertexts; make the column deterministic");
        }
        if (!(in.getRightExpression() instanceof ExpressionList<?> list) || list.isEmpty()
                || !list.stream().allMatch(e -> e instanceof JdbcParameter)) {
            throw new Rejection(construct + " on encrypted column " + column.name()
                    + " takes only ? parameters: write column " + construct + " (?, ?, ...)");
        }
        for (Expression parameter : list) {
            slots.put(checkedIndex((JdbcParameter) parameter), column);
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
            throw new Rejection("a subquery in a statement on configured table " + tableName() + NOT_YET
                    + ": run the subquery on its own");
        }

        @Override
        public <S> Void visit(Select select, S context) {
            throw new Rejection("a subquery in a statement on configured table " + tableName() + NOT_YET
                    + ": run the subquery on its own");
        }

        @Override
        public <S> Void visit(Function function, S context) {
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

    /**
     * The encrypted column a reference names. The statement has one table, so any qualifier is taken to mean
     * it; an unqualified name may also be a select-list alias of an encrypted column. Both only over-match.
     */
    private EncryptedColumn encryptedOf(Column column) {
        if (target == null) {
            return null;
        }
        EncryptedColumn direct = schema.find(target.getSchemaName(), target.getName(), column.getColumnName())
                .orElse(null);
        if (direct != null) {
            return direct;
        }
        boolean unqualified = column.getTable() == null || column.getTable().getName() == null;
        return unqualified ? aliases.get(key(column.getColumnName())) : null;
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

    private static boolean isLiteral(Expression expression) {
        return expression instanceof StringValue || expression instanceof LongValue
                || expression instanceof DoubleValue || expression instanceof HexValue
                || expression instanceof BooleanValue || expression instanceof DateTimeLiteralExpression
                || expression instanceof SignedExpression signed && isLiteral(signed.getExpression());
    }

    private static boolean notEmpty(java.util.Collection<?> collection) {
        return collection != null && !collection.isEmpty();
    }
}
