package dev.cloak.rewriter;

import java.util.regex.Pattern;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.DescribeStatement;
import net.sf.jsqlparser.statement.ExplainStatement;
import net.sf.jsqlparser.statement.SetStatement;
import net.sf.jsqlparser.statement.ShowColumnsStatement;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.UnsupportedStatement;
import net.sf.jsqlparser.statement.analyze.Analyze;
import net.sf.jsqlparser.statement.comment.Comment;
import net.sf.jsqlparser.statement.grant.Grant;
import net.sf.jsqlparser.statement.grant.Revoke;
import net.sf.jsqlparser.statement.lock.LockStatement;
import net.sf.jsqlparser.statement.refresh.RefreshMaterializedViewStatement;
import net.sf.jsqlparser.statement.show.ShowIndexStatement;

/**
 * Parsed statements about a relation that carry no value into or out of its columns: {@code COMMENT ON},
 * {@code GRANT}, {@code REVOKE}, {@code ANALYZE}, {@code LOCK}, {@code DESCRIBE}, {@code EXPLAIN table},
 * {@code SHOW COLUMNS}/{@code INDEX}, {@code REFRESH MATERIALIZED VIEW}, and the other {@code SHOW} statements of
 * MariaDB/MySQL that JSqlParser does not model ({@code SHOW CREATE TABLE}, {@code SHOW TABLE STATUS},
 * {@code SHOW FULL COLUMNS}, {@code SHOW TRIGGERS}), which read the catalog only, and {@code SET name = value} whose
 * values are literals or bare words ({@code SET application_name = 'patients-service'}). A comment's text is the
 * catalog's, not a column's; a materialized view refreshed over encrypted columns copies their cells as they are.
 * Each is sent as written.
 */
final class UtilityStatements {

    /** A condition in a SHOW statement, which may hold a subquery. */
    private static final Pattern SHOW_CONDITION = Pattern.compile("(?i)(?<![\\p{L}\\p{N}_$])where(?![\\p{L}\\p{N}_$])");

    private UtilityStatements() {
    }

    static boolean isUtility(Statement statement) {
        return statement instanceof Comment || statement instanceof Grant || statement instanceof Revoke
                || statement instanceof Analyze || statement instanceof LockStatement
                || statement instanceof DescribeStatement || statement instanceof ShowColumnsStatement
                || statement instanceof ShowIndexStatement || statement instanceof RefreshMaterializedViewStatement
                || statement instanceof ExplainStatement explain && explain.getStatement() == null
                || statement instanceof UnsupportedStatement unsupported && isShow(unsupported)
                || statement instanceof SetStatement set && setsLiterals(set);
    }

    /** Every value of the SET is a string, a number or a bare word: none reads a table. */
    private static boolean setsLiterals(SetStatement set) {
        for (int i = 0; i < set.getCount(); i++) {
            for (Expression value : set.getExpressions(i)) {
                boolean literal = value instanceof StringValue || value instanceof LongValue
                        || value instanceof DoubleValue || value instanceof Column column && column.getTable() == null;
                if (!literal) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * JSqlParser's text of an unmodelled statement, which starts at its first keyword: a MariaDB {@code SHOW} that
     * only names things ({@code SHOW CREATE TABLE t}, {@code SHOW FULL COLUMNS FROM t LIKE 'a%'}). A {@code WHERE}
     * or a parenthesis may hold a subquery or a function that reads the cells ({@code SHOW DATABASES WHERE (SELECT
     * … FROM t WHERE ssn = '…')}): not a utility.
     */
    private static boolean isShow(UnsupportedStatement statement) {
        String text = statement.toString();
        return text.regionMatches(true, 0, "SHOW ", 0, "SHOW ".length()) && text.indexOf('(') < 0
                && !SHOW_CONDITION.matcher(text).find();
    }


    /** The plan of a statement {@link #isUtility} accepts, whose text mentions a configured table or view. */
    static StatementPlan plan(String sql, int parameterCount) {
        if (parameterCount != 0) {
            throw new Rejection("? parameters in a GRANT, COMMENT, ANALYZE, LOCK or DESCRIBE statement naming a"
                    + " configured table are not supported: write the statement without parameters");
        }
        return StatementPlan.builder(StatementPlan.Kind.UTILITY, sql, 0).build();
    }
}
