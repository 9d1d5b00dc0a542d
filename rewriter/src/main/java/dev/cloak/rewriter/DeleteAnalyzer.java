package dev.cloak.rewriter;

import static dev.cloak.rewriter.Analysis.present;

import java.util.List;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.select.Join;

/**
 * DELETE: WHERE, ORDER BY and LIMIT, and the tables a DELETE joins (PostgreSQL's {@code DELETE FROM t USING a, b},
 * MariaDB's {@code DELETE t FROM t JOIN a ON ...}), whose conditions are checked as a SELECT's are. Deleting rows
 * writes no value, so the tables rows are deleted from ({@code DELETE t, a FROM ...}) need no more.
 */
final class DeleteAnalyzer {

    private final Analysis analysis;

    DeleteAnalyzer(Analysis analysis) {
        this.analysis = analysis;
    }

    /** The DELETE's RETURNING items. */
    List<Projection> analyze(Delete delete) {
        WriteTarget target = WriteTarget.enter(analysis, delete.getTable());
        String table = analysis.tableName();
        if (present(delete.getWithItemsList())) {
            throw new Rejection("WITH (common table expressions) in DELETE from configured table " + table
                    + Rejection.NOT_YET + ": delete with ? parameters");
        }
        if (delete.getOutputClause() != null || delete.getPreferringClause() != null) {
            throw new Rejection("this DELETE form on configured table " + table + Rejection.NOT_YET
                    + ": write DELETE FROM table WHERE ...");
        }
        // the other tables join the target's scope, as an UPDATE's FROM does
        Scope level = target.scope();
        if (present(delete.getUsingList()) || present(delete.getJoins())) {
            analysis.readsOtherTables();
        }
        if (present(delete.getUsingList())) {
            for (Table using : delete.getUsingList()) {
                requireOtherName(delete.getTable(), using.getAlias());
                analysis.from.add(using, level);
            }
        }
        if (present(delete.getJoins())) {
            for (Join join : delete.getJoins()) {
                requireOtherName(delete.getTable(), join.getRightItem().getAlias());
            }
        }
        if (present(delete.getJoins())) {
            for (Join join : delete.getJoins()) {
                analysis.from.join(join, level);
            }
        }
        if (delete.getWhere() != null) {
            analysis.conditions.condition(delete.getWhere(), level);
        }
        analysis.clauses.orderBy(delete.getOrderByElements(), List.of(), level);
        analysis.clauses.limit(delete.getLimit(), level);
        return target.returning(delete.getReturningClause());
    }

    /**
     * MariaDB reads {@code DELETE FROM p USING patients AS p} as a delete from {@code patients}, where the analysis
     * would read {@code p} as a table of that name: a target named like another item's alias is refused.
     */
    private void requireOtherName(Table target, Alias alias) {
        if (alias != null && target != null && target.getSchemaName() == null
                && Identifiers.key(alias.getName()).equals(Identifiers.key(target.getName()))) {
            throw new Rejection("DELETE whose target " + Identifiers.unquote(target.getName()) + " is also an alias"
                    + " in its USING or JOIN items, with configured table " + analysis.involvedName()
                    + Rejection.NOT_YET + ": name the table to delete from, not its alias");
        }
    }
}
