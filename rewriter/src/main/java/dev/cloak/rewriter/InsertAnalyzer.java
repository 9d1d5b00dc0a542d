package dev.cloak.rewriter;

import static dev.cloak.rewriter.Analysis.present;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.insert.ConflictActionType;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.insert.InsertConflictAction;
import net.sf.jsqlparser.statement.insert.InsertConflictTarget;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.UnionOp;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.update.UpdateSet;
import net.sf.jsqlparser.statement.upsert.Upsert;
import net.sf.jsqlparser.statement.upsert.UpsertType;

/**
 * INSERT with a column list: VALUES rows, INSERT ... SELECT, MariaDB's {@code INSERT ... SET c = ?}, and the upserts
 * ON CONFLICT (PostgreSQL, H2) and ON DUPLICATE KEY UPDATE (MariaDB). MariaDB's {@code REPLACE} writes a row as an
 * INSERT does (after deleting the row it replaces), so it is analysed as one. Each value must carry the encryption
 * of the column it fills.
 */
final class InsertAnalyzer {

    private final Analysis analysis;

    InsertAnalyzer(Analysis analysis) {
        this.analysis = analysis;
    }

    /** Whether a statement writes rows as an INSERT does: an INSERT, or MariaDB's {@code REPLACE}. */
    static boolean writesAsInsert(Statement statement) {
        return statement instanceof Insert || statement instanceof Upsert upsert
                && (upsert.getUpsertType() == UpsertType.REPLACE || upsert.getUpsertType() == UpsertType.REPLACE_SET);
    }

    /**
     * The INSERT a statement writes rows as: the statement itself, or MariaDB's {@code REPLACE} as the INSERT of the
     * same table, columns and values ({@code VALUES}, {@code SELECT} or {@code SET}); null for any other statement.
     */
    static Insert asInsert(Statement statement) {
        if (statement instanceof Insert insert) {
            return insert;
        }
        if (!writesAsInsert(statement)) {
            return null;
        }
        Upsert upsert = (Upsert) statement;
        Insert insert = new Insert();
        insert.setTable(upsert.getTable());
        insert.setColumns(upsert.getColumns());
        insert.setSelect(upsert.getSelect());
        if (upsert.getUpdateSets() != null) {
            insert.withSetUpdateSets(upsert.getUpdateSets());
        }
        return insert;
    }

    /** The INSERT's RETURNING items; its values become encrypted parameters and literals of the plan. */
    List<Projection> analyze(Insert insert) {
        WriteTarget target = WriteTarget.enter(analysis, insert.getTable());
        String table = analysis.tableName();
        if (present(insert.getWithItemsList())) {
            throw new Rejection("WITH (common table expressions) in INSERT into configured table " + table
                    + Rejection.NOT_YET + ": insert the values with ? parameters");
        }
        if (insert.getConflictAction() != null || insert.getConflictTarget() != null) {
            onConflict(target, insert.getConflictTarget(), insert.getConflictAction(), table);
        }
        if (present(insert.getDuplicateUpdateSets())) {
            if (insert.getSelect() != null && !isValues(insert.getSelect())) {
                // its SET may name the SELECT's columns, which the upsert's check reads as the target's
                throw new Rejection("INSERT ... SELECT ... ON DUPLICATE KEY UPDATE on configured table " + table
                        + Rejection.NOT_YET + ": insert with VALUES and ? parameters, or update the rows apart");
            }
            upsertSets(target, insert.getDuplicateUpdateSets(), "ON DUPLICATE KEY UPDATE");
        }
        if (insert.getOutputClause() != null) {
            throw new Rejection("OUTPUT on configured table " + table + Rejection.NOT_YET + ": use RETURNING");
        }
        if (insert.isUseSet() || present(insert.getSetUpdateSets())) {
            // each SET takes what an upsert's SET may take; a proposed value there is the new row's own
            upsertSets(target, insert.getSetUpdateSets(), "INSERT ... SET");
            return target.returning(insert.getReturningClause());
        }
        List<Column> columns = insert.getColumns() == null ? List.of() : insert.getColumns();
        if (columns.isEmpty() && !insert.isOnlyDefaultValues() && !analysis.tables.isConfigured(insert.getTable())
                && !isValues(insert.getSelect())) {
            intoPlainTable(insert.getSelect(), Identifiers.unquote(insert.getTable().getName()));
            return target.returning(insert.getReturningClause());
        }
        if (columns.isEmpty() && !insert.isOnlyDefaultValues()) {
            throw new Rejection("INSERT without a column list on configured table " + table
                    + " is not supported: name the columns, e.g. INSERT INTO table (a, b) VALUES (?, ?)");
        }
        List<EncryptedColumn> encrypted = new ArrayList<>();
        for (Column column : columns) {
            encrypted.add(target.column(column.getColumnName()));
            analysis.approve(column);
        }
        if (!insert.isOnlyDefaultValues() && !isValues(insert.getSelect())) {
            insertSelect(insert.getSelect(), columns, encrypted, table);
        } else if (!insert.isOnlyDefaultValues()) {
            for (List<Expression> row : rows(insert.getSelect(), columns.size(), table)) {
                for (int i = 0; i < row.size(); i++) {
                    target.assign(encrypted.get(i), row.get(i), "value for column");
                }
            }
        }
        return target.returning(insert.getReturningClause());
    }

    /**
     * ON CONFLICT: the conflict columns are compared by the database, which a deterministic key allows; DO UPDATE
     * assigns ? parameters, NULL or {@code EXCLUDED.c} of a column with the same encryption.
     */
    private void onConflict(WriteTarget target, InsertConflictTarget conflict, InsertConflictAction action,
                            String table) {
        if (conflict != null) {
            if (conflict.getIndexExpression() != null || conflict.getWhereExpression() != null) {
                throw new Rejection("ON CONFLICT with an index expression or WHERE on configured table " + table
                        + Rejection.NOT_YET + ": name the conflict columns or the constraint");
            }
            for (String name : conflict.getIndexColumnNames()) {
                EncryptedColumn column = target.column(name);
                if (column != null) {
                    CiphertextRules.requireDeterministic(column, "ON CONFLICT");
                    analysis.use(column, ColumnUse.Kind.COMPARE);
                }
                analysis.alias(Identifiers.key(name));
            }
        }
        if (action == null || action.getConflictActionType() == ConflictActionType.DO_NOTHING) {
            return;
        }
        if (action.getConflictActionType() != ConflictActionType.DO_UPDATE) {
            throw new Rejection("this ON CONFLICT action on configured table " + table + Rejection.NOT_YET
                    + ": use DO NOTHING or DO UPDATE SET column = ?");
        }
        // EXCLUDED names the row that was proposed for insertion: the target table's columns
        target.scope().add(Source.table(analysis.tables, target.table(), "excluded"));
        upsertSets(target, action.getUpdateSets(), "ON CONFLICT ... DO UPDATE");
        if (action.getWhereExpression() != null) {
            analysis.conditions.condition(action.getWhereExpression(), target.scope());
        }
    }

    /** SET of an upsert: each encrypted column takes ?, NULL, or the proposed value of a like-encrypted column. */
    private void upsertSets(WriteTarget target, List<UpdateSet> sets, String construct) {
        for (UpdateSet set : sets) {
            ExpressionList<Column> columns = set.getColumns();
            ExpressionList<?> values = set.getValues();
            if (columns.size() != values.size()) {
                for (Column column : columns) {
                    analysis.approve(column);
                    EncryptedColumn encrypted = target.column(column.getColumnName());
                    if (encrypted != null) {
                        throw new Rejection("row assignment to encrypted column " + encrypted.name() + " in "
                                + construct + Rejection.NOT_YET + ": write SET column = ? for each column");
                    }
                }
                analysis.plain.requirePlain(values, construct, target.scope());
                continue;
            }
            for (int i = 0; i < columns.size(); i++) {
                Column column = columns.get(i);
                analysis.approve(column);
                EncryptedColumn to = target.column(column.getColumnName());
                Column proposed = proposedValue(values.get(i));
                if (proposed != null && (to != null || target.column(proposed.getColumnName()) != null)) {
                    analysis.approve(proposed);
                    CiphertextRules.requireCopyable(to, target.column(proposed.getColumnName()), construct,
                            Identifiers.unquote(column.getColumnName()));
                    analysis.use(target.column(proposed.getColumnName()), ColumnUse.Kind.COPY);
                    analysis.use(to, ColumnUse.Kind.WRITE);
                } else {
                    target.assign(to, values.get(i), "value for column in " + construct);
                }
            }
        }
    }

    /**
     * {@code EXCLUDED.c} (PostgreSQL) or {@code VALUES(c)} (MariaDB/MySQL; MariaDB's synonym {@code VALUE(c)}): the
     * column c of the proposed row.
     */
    private static Column proposedValue(Expression value) {
        if (value instanceof Column column && column.getTable() != null && column.getTable().getName() != null
                && Identifiers.key(column.getTable().getName()).equals("excluded")) {
            return column;
        }
        if (value instanceof Function function && ("values".equalsIgnoreCase(function.getName())
                || "value".equalsIgnoreCase(function.getName()))
                && function.getParameters() != null && function.getParameters().size() == 1
                && function.getParameters().get(0) instanceof Column column) {
            return column;
        }
        return null;
    }

    private static boolean isValues(Select source) {
        return source instanceof Values || source instanceof ParenthesedSelect p && p.getSelect() instanceof Values;
    }

    /**
     * INSERT ... SELECT: each selected value must carry the encryption of the column it fills. A column copied
     * from an encrypted column of the same key domain and mode already does; a {@code ?}, a literal or NULL in the
     * select list of a plain SELECT (or of each branch of UNION ALL) is encrypted as in INSERT ... VALUES.
     */
    private void insertSelect(Select source, List<Column> columns, List<EncryptedColumn> targets, String table) {
        ResultColumns result = analysis.queries.query(source, null);
        String construct = "INSERT ... SELECT involving configured table " + table;
        if (result.open() || result.projections().size() != columns.size()) {
            if (targets.stream().anyMatch(Objects::nonNull)
                    || result.projections().stream().anyMatch(item -> !ResultColumns.encryptedIn(item).isEmpty())) {
                throw new Rejection(construct + " with * or a different number of columns is not supported:"
                        + " list one selected column per inserted column");
            }
            return;
        }
        List<List<SelectItem<?>>> branches = selectLists(source);
        for (int i = 0; i < columns.size(); i++) {
            EncryptedColumn to = targets.get(i);
            EncryptedColumn from = ((Projection.Column) result.projections().get(i)).column();
            String name = Identifiers.unquote(columns.get(i).getColumnName());
            if (to != null && from == null && branches != null) {
                for (List<SelectItem<?>> items : branches) {
                    selectedValue(to, items.get(i).getExpression(), construct, name);
                }
                continue;
            }
            CiphertextRules.requireCopyable(to, from, construct, name);
            analysis.use(from, ColumnUse.Kind.COPY);
            analysis.use(to, ColumnUse.Kind.WRITE);
        }
    }

    /**
     * {@code INSERT INTO plain SELECT ...} without a column list, reading configured tables: every column it fills is
     * plain, so it may select anything but an encrypted column, whose cells it would store as they are.
     */
    private void intoPlainTable(Select source, String table) {
        List<EncryptedColumn> copied = analysis.queries.query(source, null).projections().stream()
                .flatMap(projection -> ResultColumns.encryptedIn(projection).stream()).toList();
        if (!copied.isEmpty()) {
            throw new Rejection("INSERT ... SELECT copying encrypted column " + copied.get(0).name() + " into plain"
                    + " table " + table + " is not supported: its ciphertext would be stored as a plain value;"
                    + " select the plain columns only, or make the target column encrypted with the same key");
        }
    }

    /** A selected value for encrypted column {@code to}: a ? or a literal Cloak encrypts, or NULL. */
    private void selectedValue(EncryptedColumn to, Expression item, String construct, String name) {
        if (item instanceof JdbcParameter parameter) {
            analysis.encryptedParameter(analysis.checkedIndex(parameter), to);
        } else if (LiteralLocator.isLiteral(item)) {
            analysis.literal(item, to);
        } else if (!(item instanceof NullValue)) {
            CiphertextRules.requireCopyable(to, null, construct, name);
        }
    }

    /**
     * The select lists of a plain SELECT or of every branch of a UNION ALL of plain SELECTs, or null for any
     * other query: a set operation that removes duplicates would compare the encrypted values.
     */
    private static List<List<SelectItem<?>>> selectLists(Select source) {
        Select query = source instanceof ParenthesedSelect p && !present(p.getOrderByElements()) ? p.getSelect()
                : source;
        if (query instanceof PlainSelect plain) {
            return List.of(plain.getSelectItems());
        }
        if (!(query instanceof SetOperationList set)
                || !set.getOperations().stream().allMatch(op -> op instanceof UnionOp union && union.isAll())) {
            return null;
        }
        List<List<SelectItem<?>>> lists = new ArrayList<>();
        for (Select branch : set.getSelects()) {
            if (!(branch instanceof PlainSelect plain)) {
                return null;
            }
            lists.add(plain.getSelectItems());
        }
        return lists;
    }

    /** The rows of VALUES, each as wide as the column list. */
    private static List<List<Expression>> rows(Select source, int width, String table) {
        Values values = source instanceof Values v ? v
                : source instanceof ParenthesedSelect p && p.getSelect() instanceof Values v2 ? v2 : null;
        if (values == null || present(source.getWithItemsList())) {
            throw new Rejection("INSERT ... SELECT involving configured table " + table
                    + Rejection.NOT_YET + ": insert the values with ? parameters");
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
                    throw new Rejection("this VALUES form in INSERT into configured table " + table
                            + Rejection.NOT_YET + ": write VALUES (?, ...), (?, ...)");
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
}
