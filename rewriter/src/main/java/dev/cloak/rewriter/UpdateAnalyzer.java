package dev.cloak.rewriter;

import static dev.cloak.rewriter.Analysis.present;

import java.util.List;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.update.UpdateSet;

/**
 * UPDATE: SET assignments (each encrypted column takes a value {@link WriteTarget#assign} allows), the tables an
 * UPDATE joins ({@code UPDATE t SET ... FROM a JOIN b}, {@code UPDATE t JOIN a ON ... SET}), WHERE, ORDER BY and
 * LIMIT.
 */
final class UpdateAnalyzer {

    private final Analysis analysis;

    UpdateAnalyzer(Analysis analysis) {
        this.analysis = analysis;
    }

    /** The UPDATE's RETURNING items. */
    List<Projection> analyze(Update update) {
        WriteTarget target = WriteTarget.enter(analysis, update.getTable());
        String table = analysis.tableName();
        if (present(update.getWithItemsList())) {
            throw new Rejection("WITH (common table expressions) in UPDATE of configured table " + table
                    + Rejection.NOT_YET + ": update with ? parameters");
        }
        // the other tables join the target's scope; a SET may copy a column of the same key domain and mode
        Scope level = target.scope();
        if (present(update.getStartJoins()) || update.getFromItem() != null || present(update.getJoins())) {
            analysis.readsOtherTables();
        }
        if (present(update.getStartJoins())) {
            for (Join join : update.getStartJoins()) {
                analysis.from.join(join, level);
            }
        }
        if (update.getFromItem() != null) {
            analysis.from.add(update.getFromItem(), level);
        }
        if (present(update.getJoins())) {
            for (Join join : update.getJoins()) {
                analysis.from.join(join, level);
            }
        }
        // JSqlParser also keeps a first SET's subquery as the UPDATE's select; the SET checks it as a value
        if (update.getSelect() != null && !isFirstValue(update) || update.getOutputClause() != null
                || update.getPreferringClause() != null) {
            throw new Rejection("this UPDATE form on configured table " + table + Rejection.NOT_YET
                    + ": write UPDATE table SET column = ? WHERE ...");
        }
        for (UpdateSet set : update.getUpdateSets()) {
            ExpressionList<Column> columns = set.getColumns();
            ExpressionList<?> values = set.getValues();
            boolean paired = columns.size() == values.size();
            for (int i = 0; i < columns.size(); i++) {
                Column column = columns.get(i);
                EncryptedColumn encrypted = target.setColumn(column, level);
                analysis.approve(column);
                if (!paired && encrypted != null) {
                    throw new Rejection("row assignment to encrypted column " + encrypted.name() + Rejection.NOT_YET
                            + ": write SET column = ? for each column");
                }
                if (paired && encrypted == null && values.get(i) instanceof Column source) {
                    // SET plain = encrypted: the database would copy the cell
                    String name = Identifiers.unquote(column.getColumnName());
                    CiphertextRules.requireCopyable(null, level.encryptedOf(source), "SET " + name + " = column",
                            name);
                }
                if (paired) {
                    target.assign(encrypted, values.get(i), "value for column");
                }
            }
            if (!paired) {
                analysis.plain.requirePlain(values, "value for column", level);
            }
        }
        if (update.getWhere() != null) {
            analysis.conditions.condition(update.getWhere(), level);
        }
        analysis.clauses.orderBy(update.getOrderByElements(), List.of(), level);
        analysis.clauses.limit(update.getLimit(), level);
        return target.returning(update.getReturningClause());
    }

    /** Whether the UPDATE's select is the value of its first SET, {@code SET c = (SELECT …)}. */
    private static boolean isFirstValue(Update update) {
        List<UpdateSet> sets = update.getUpdateSets();
        return !sets.isEmpty() && !sets.get(0).getValues().isEmpty()
                && sets.get(0).getValues().get(0) == update.getSelect();
    }
}
