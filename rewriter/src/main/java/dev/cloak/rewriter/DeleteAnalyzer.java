package dev.cloak.rewriter;

import static dev.cloak.rewriter.Analysis.present;

import java.util.List;
import net.sf.jsqlparser.statement.delete.Delete;

/** DELETE from one table: WHERE, ORDER BY and LIMIT; a DELETE over several tables is refused. */
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
        if (present(delete.getTables()) || present(delete.getUsingList()) || present(delete.getJoins())
                || delete.getOutputClause() != null || delete.getPreferringClause() != null) {
            throw new Rejection("multi-table DELETE on configured table " + table + Rejection.NOT_YET
                    + ": write DELETE FROM table WHERE ...");
        }
        if (delete.getWhere() != null) {
            analysis.conditions.condition(delete.getWhere(), target.scope());
        }
        analysis.clauses.orderBy(delete.getOrderByElements(), List.of(), target.scope());
        analysis.clauses.limit(delete.getLimit(), target.scope());
        return target.returning(delete.getReturningClause());
    }
}
