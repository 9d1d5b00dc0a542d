package dev.cloak.rewriter;

import static dev.cloak.rewriter.Analysis.present;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.WindowDefinition;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.select.WithItem;

/**
 * Queries at any depth (the statement itself, subqueries, derived tables, WITH items, set operations): each
 * gets a {@link Scope} nested in the one it may see, and yields its {@link ResultColumns}, which tell the
 * enclosing query which of its result columns are encrypted.
 */
final class QueryAnalyzer {

    private final Analysis analysis;

    QueryAnalyzer(Analysis analysis) {
        this.analysis = analysis;
    }

    /** Analyses a query (plain, set operation, parenthesised, with CTEs) at a level nested in {@code outer}. */
    ResultColumns query(Select select, Scope outer) {
        analysis.analysed(select);
        Scope level = outer;
        if (present(select.getWithItemsList())) {
            level = new Scope(outer);
            refuseForwardReferences(select.getWithItemsList());
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
            analysis.plain.requirePlain(values.getExpressions(), "VALUES", new Scope(level));
            return new ResultColumns(List.of(), List.of(), true, false);
        }
        throw new Rejection("this query form over configured table " + analysis.involvedName() + Rejection.NOT_YET
                + ": write a plain SELECT");
    }

    /** ORDER BY, LIMIT, OFFSET and FETCH after a set operation or a parenthesised query. */
    private ResultColumns tail(Select select, ResultColumns result, Scope outer) {
        Scope scope = new Scope(outer);
        scope.add(Source.derived(result, null, null));
        analysis.clauses.orderAndLimit(select, result.projections(), scope);
        return result;
    }

    /**
     * In {@code WITH RECURSIVE} a query may name a WITH item defined after it, which the analysis, going in order,
     * would take for a table of that name: refused.
     */
    private void refuseForwardReferences(List<WithItem<?>> items) {
        if (items.stream().noneMatch(WithItem::isRecursive)) {
            return;
        }
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i).getSelect() == null) {
                continue;
            }
            StatementWalk walk = StatementWalk.of(items.get(i).getSelect());
            for (int later = i + 1; later < items.size(); later++) {
                String name = Identifiers.key(items.get(later).getAliasName());
                if (walk.tables.stream().anyMatch(t -> t.getSchemaName() == null
                        && Identifiers.key(t.getName()).equals(name))) {
                    throw new Rejection("a WITH RECURSIVE query that names a WITH item defined after it, with"
                            + " configured table " + analysis.involvedName() + Rejection.NOT_YET
                            + ": define each WITH item before the queries that read it");
                }
            }
        }
    }

    private void commonTableExpression(WithItem<?> item, Scope level) {
        String name = Identifiers.key(item.getAliasName());
        ParenthesedSelect body = item.getSelect();
        if (body == null) {
            throw new Rejection("a data-modifying WITH item with configured table " + analysis.involvedName()
                    + Rejection.NOT_YET + ": run the statements one at a time");
        }
        if (analysis.dialect == Dialect.H2 && analysis.tables.isConfiguredName(item.getAliasName())) {
            // H2 resolves the name to the table, not the WITH item: analysed as the WITH item, ciphertext would pass
            throw new Rejection("a WITH item named like configured table " + name + " is not supported on H2, which"
                    + " reads the table instead: rename the WITH item");
        }
        level.requireNewCte(name);
        analysis.alias(name);
        List<String> columnNames = null;
        if (present(item.getWithItemList())) {
            columnNames = new ArrayList<>();
            for (SelectItem<?> column : item.getWithItemList()) {
                if (!(column.getExpression() instanceof Column named)) {
                    throw new Rejection("this WITH column list with configured table " + analysis.involvedName()
                            + Rejection.NOT_YET + ": name the columns");
                }
                columnNames.add(Identifiers.key(named.getColumnName()));
                analysis.approve(named);
            }
        }
        ResultColumns result;
        if (item.isRecursive() && body.getSelect() instanceof SetOperationList set) {
            // the recursive branch reads the CTE itself: its columns are those of the anchor branch
            ResultColumns anchor = query(set.getSelects().get(0), level);
            level.cte(name, renamed(anchor, columnNames, name));
            result = setOperation(set, level, anchor);
            analysis.analysed(set);
            analysis.analysed(body);
        } else {
            result = query(body, level);
        }
        ResultColumns named = renamed(result, columnNames, name);
        level.cte(name, named);
        // its name and columns carry encrypted values wherever the statement names them, read or not
        named.encryptedByName().forEach(analysis::carrier);
        if (!named.encryptedByName().isEmpty()) {
            analysis.carrier(name, named.encryptedByName().values().iterator().next());
        }
    }

    /** A query's result under a column list ({@code WITH w (a, b)}, {@code AS d (a, b)}); null names: as it is. */
    ResultColumns renamed(ResultColumns result, List<String> names, String what) {
        if (names == null) {
            return result;
        }
        if (result.open() || names.size() != result.projections().size()) {
            if (!result.encryptedByName().isEmpty()) {
                throw new Rejection("a column list over * or of another width for " + what + " with encrypted"
                        + " columns" + Rejection.NOT_YET + ": list the columns in the query");
            }
            return new ResultColumns(result.projections(), names, true, result.widthKnown());
        }
        return result.renamed(names);
    }

    /** UNION, INTERSECT, EXCEPT: every branch must carry the same encryption in each result position. */
    private ResultColumns setOperation(SetOperationList set, Scope level, ResultColumns analysedFirst) {
        List<ResultColumns> branches = new ArrayList<>();
        for (int i = 0; i < set.getSelects().size(); i++) {
            branches.add(i == 0 && analysedFirst != null ? analysedFirst : query(set.getSelects().get(i), level));
        }
        ResultColumns first = branches.get(0);
        for (ResultColumns branch : branches.subList(1, branches.size())) {
            sameEncryption(first, branch);
            mergedInto(first, branch);
        }
        boolean deduplicates = set.getOperations().stream()
                .anyMatch(op -> !op.toString().toUpperCase(Locale.ROOT).contains("ALL"));
        if (deduplicates) {
            // the database compares every branch's cells, each column's with the others'
            for (ResultColumns branch : branches) {
                for (Projection projection : branch.projections()) {
                    for (EncryptedColumn column : ResultColumns.encryptedIn(projection)) {
                        CiphertextRules.requireDeterministic(column, "UNION/INTERSECT/EXCEPT without ALL");
                        analysis.use(column, ColumnUse.Kind.COMPARE);
                    }
                }
            }
        }
        return first;
    }

    /**
     * Another encrypted column of the same key domain in a result column the first branch names: its cells are read
     * as the first branch's column, under that column's access rules. For the access policy this copies the other
     * column's cells into the result, which a principal who may not read it is refused.
     */
    private void mergedInto(ResultColumns first, ResultColumns other) {
        if (first.open() || other.open() || first.projections().size() != other.projections().size()) {
            return; // sameEncryption let these through only with the same columns, or none encrypted
        }
        for (int i = 0; i < first.projections().size(); i++) {
            EncryptedColumn a = ((Projection.Column) first.projections().get(i)).column();
            EncryptedColumn b = ((Projection.Column) other.projections().get(i)).column();
            if (a != null && !a.equals(b)) {
                analysis.use(b, ColumnUse.Kind.COPY);
            }
        }
    }

    private static void sameEncryption(ResultColumns first, ResultColumns other) {
        if (first.projections().size() != other.projections().size() || first.open() || other.open()) {
            if (!first.projections().equals(other.projections())
                    && !(first.encryptedByName().isEmpty() && other.encryptedByName().isEmpty())) {
                throw new Rejection("UNION/INTERSECT/EXCEPT branches over * or of different widths with encrypted"
                        + " columns" + Rejection.NOT_YET + ": list the same columns in every branch");
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

    private ResultColumns plainSelect(PlainSelect plain, Scope outer) {
        String involved = analysis.involvedName();
        if (present(plain.getIntoTables()) || plain.getIntoTempTable() != null) {
            throw new Rejection("SELECT INTO from configured table " + involved
                    + Rejection.NOT_YET + ": copy rows through Cloak with ? parameters");
        }
        if (present(plain.getLateralViews()) || plain.getQualify() != null
                || plain.getOracleHierarchical() != null || plain.getKsqlWindow() != null
                || plain.getPreferringClause() != null) {
            throw new Rejection("this SELECT clause on configured table " + involved
                    + Rejection.NOT_YET + ": use WHERE, GROUP BY, HAVING, ORDER BY and LIMIT only");
        }
        Scope level = new Scope(outer);
        if (plain.getFromItem() != null) {
            analysis.from.add(plain.getFromItem(), level);
        }
        if (plain.getJoins() != null) {
            for (Join join : plain.getJoins()) {
                analysis.from.join(join, level);
            }
        }
        if (plain.getFromItem() instanceof Table table) {
            analysis.setTargetIfAbsent(table);
        }
        if (plain.getTop() != null) {
            analysis.plain.requirePlain(plain.getTop().getExpression(), "TOP", level);
        }
        ResultColumns result = analysis.clauses.projections(plain.getSelectItems(), level);
        for (WindowDefinition window : plain.getWindowDefinitions() == null ? List.<WindowDefinition>of()
                : plain.getWindowDefinitions()) {
            // WINDOW w AS (PARTITION BY … ORDER BY …): partitions and orders compare the values, which must be plain
            for (Expression expression : window.getAllExpressions()) {
                analysis.plain.requireNoSelectAlias(expression, level);
                analysis.plain.requirePlain(expression, "a WINDOW clause", level);
            }
        }
        List<Projection> projections = result.projections();
        if (plain.getWhere() != null) {
            analysis.conditions.condition(plain.getWhere(), level);
        }
        level.ownAliasesVisible();
        // DISTINCT ON names output columns as ORDER BY does
        analysis.clauses.distinct(plain.getDistinct(), plain.getSelectItems(), projections, level);
        analysis.clauses.groupBy(plain.getGroupBy(), projections, level);
        if (plain.getHaving() != null) {
            analysis.conditions.condition(plain.getHaving(), level);
        }
        analysis.clauses.orderAndLimit(plain, projections, level);
        return result;
    }
}
