package dev.cloak.rewriter;

import static dev.cloak.rewriter.Analysis.present;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.Parenthesis;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.Distinct;
import net.sf.jsqlparser.statement.select.GroupByElement;
import net.sf.jsqlparser.statement.select.Limit;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;

/**
 * The clauses that shape a query's result: the select list (and RETURNING), DISTINCT, GROUP BY, ORDER BY and
 * LIMIT / OFFSET / FETCH. An encrypted column may be selected, and grouped or deduplicated when it is
 * deterministic; it is never ordered, since its ciphertexts are not.
 */
final class SelectClauses {

    private final Analysis analysis;

    SelectClauses(Analysis analysis) {
        this.analysis = analysis;
    }

    /** The result items: a column, a scalar subquery, a star over sources, or an expression that must be plain. */
    ResultColumns projections(List<? extends SelectItem<?>> items, Scope scope) {
        List<Projection> projections = new ArrayList<>();
        List<String> names = new ArrayList<>();
        boolean open = false;
        boolean widthKnown = true;
        // an alias of an encrypted column is known to the whole list: a subquery in an earlier item may name it
        for (SelectItem<?> item : items) {
            if (item.getAlias() != null && item.getExpression() instanceof Column column) {
                EncryptedColumn encrypted = scope.encryptedOf(column);
                if (encrypted != null) {
                    scope.selectAlias(Identifiers.key(item.getAlias().getName()), encrypted);
                    analysis.carrier(Identifiers.key(item.getAlias().getName()), encrypted);
                }
            }
        }
        for (SelectItem<?> item : items) {
            Expression expression = item.getExpression();
            String alias = item.getAlias() == null ? null : Identifiers.key(item.getAlias().getName());
            if (expression instanceof AllColumns all) {
                if (all.getReplaceExpressions() != null || all.getExceptColumns() != null) {
                    throw new Rejection("* with EXCEPT or REPLACE on configured table " + analysis.tableName()
                            + Rejection.NOT_YET + ": list the columns");
                }
                List<Source> covered = starSources(all, scope);
                // t.* shows all of t's columns; * shows a USING or NATURAL join's merged columns first and once
                widthKnown &= covered.stream().allMatch(Source::widthKnown)
                        && (all instanceof AllTableColumns || !scope.joinsMergeColumns());
                for (Source source : covered) {
                    List<Projection> star = source.star();
                    if (source.starTable() != null) {
                        analysis.starTable(star.get(0), source.starTable());
                    }
                    projections.addAll(star);
                    names.addAll(source.starNames());
                }
                open = true;
            } else if (expression instanceof Column column) {
                EncryptedColumn encrypted = scope.encryptedOf(column);
                analysis.approve(column);
                projections.add(new Projection.Column(encrypted));
                names.add(alias != null ? alias : Identifiers.key(column.getColumnName()));
                if (encrypted != null && alias != null) {
                    scope.selectAlias(alias, encrypted);
                }
            } else if (expression instanceof ParenthesedSelect scalar) {
                ResultColumns inner = analysis.queries.query(scalar, scope);
                Projection single = inner.projections().size() == 1 ? inner.projections().get(0) : null;
                if (!(single instanceof Projection.Column column)) {
                    throw new Rejection("a subquery in the select list over configured table "
                            + analysis.involvedName() + " must return one named column: list it");
                }
                projections.add(column);
                // PostgreSQL names an unaliased scalar subquery after its column; MariaDB and H2 after its text
                names.add(alias != null ? alias : analysis.dialect == Dialect.POSTGRESQL ? inner.names().get(0)
                        : null);
                if (column.column() != null && alias != null) {
                    scope.selectAlias(alias, column.column());
                    analysis.carrier(alias, column.column());
                }
            } else {
                analysis.plain.requirePlain(expression, "expression in the select list", scope);
                projections.add(new Projection.Column(null));
                names.add(alias);
            }
            if (alias != null) {
                analysis.alias(alias);
            }
        }
        if (!widthKnown) {
            requireNoEncryptedPosition(projections);
        }
        return new ResultColumns(List.copyOf(projections), Collections.unmodifiableList(names), open, widthKnown);
    }

    /**
     * A select list whose {@code *} Cloak cannot count column for column: the driver would find each encrypted
     * column at a position the server filled with another, and hand back a cell as a plain value. Refused when the
     * list holds an encrypted column, unless it is one {@code *} over a table, whose columns the driver finds by name.
     */
    private void requireNoEncryptedPosition(List<Projection> projections) {
        if (projections.size() == 1 && projections.get(0) instanceof Projection.AllColumns) {
            return;
        }
        for (Projection projection : projections) {
            List<EncryptedColumn> encrypted = ResultColumns.encryptedIn(projection);
            if (!encrypted.isEmpty()) {
                throw new Rejection("* over a set-returning function, VALUES, or a JOIN ... USING or NATURAL JOIN,"
                        + " beside encrypted column " + encrypted.get(0).name() + ", is not supported: Cloak cannot"
                        + " tell which result column holds it; list the columns, or qualify the stars (t.*)");
            }
        }
    }

    /** The sources {@code *} (all, in FROM order) or {@code t.*} (the one named) covers. */
    private List<Source> starSources(AllColumns all, Scope scope) {
        if (!(all instanceof AllTableColumns tableColumns)) {
            return scope.sources();
        }
        Table qualifier = tableColumns.getTable();
        Source source = scope.sourceFor(qualifier);
        if (source != null) {
            return List.of(source);
        }
        throw new Rejection("* over a table the query does not name, with configured table "
                + analysis.involvedName() + ": qualify * with a table or alias of the FROM clause");
    }

    /**
     * DISTINCT compares whole result rows, cells as stored. A deterministic column compares as its values do. A
     * randomized one does only where the select list also holds the primary key of the column's table, read from
     * the same FROM item: rows with equal keys are one stored row, whose cells are equal, and rows with different
     * keys differ anyway ({@code SELECT DISTINCT o.id, o.address FROM owners o JOIN pets p ...}, as Hibernate writes
     * a query for entities; {@code o.*} holds the key too). The key comes from the catalog, and the plan is made
     * again when the schema changes.
     */
    void distinct(Distinct distinct, List<SelectItem<?>> items, List<Projection> projections, Scope scope) {
        if (distinct == null) {
            return;
        }
        if (present(distinct.getOnSelectItems())) {
            for (SelectItem<?> item : distinct.getOnSelectItems()) {
                groupingKey(item.getExpression(), "DISTINCT ON", projections, scope);
            }
            return;
        }
        boolean[] keyed = keyedProjections(items, projections, scope);
        for (int i = 0; i < projections.size(); i++) {
            for (EncryptedColumn column : ResultColumns.encryptedIn(projections.get(i))) {
                if (keyed[i] && !column.deterministic()) {
                    continue;
                }
                CiphertextRules.requireDeterministic(column, "DISTINCT");
                analysis.use(column, ColumnUse.Kind.COMPARE);
            }
        }
    }

    /**
     * For each projection, whether it is a column of a physical table of this level, or {@code *} over one, whose
     * primary key the select list also names (as plain or deterministic columns of that same FROM item). The
     * catalog is asked only when a randomized column could be so.
     */
    private boolean[] keyedProjections(List<SelectItem<?>> items, List<Projection> projections, Scope scope) {
        boolean[] keyed = new boolean[projections.size()];
        List<Source> itemSources = new ArrayList<>();
        List<Integer> widths = new ArrayList<>();
        Map<Source, Set<String>> named = new HashMap<>();
        Set<Source> randomized = new HashSet<>();
        for (SelectItem<?> item : items) {
            Expression expression = item.getExpression();
            Source source = null;
            int width = 1;
            if (expression instanceof AllColumns all) {
                List<Source> sources = starSources(all, scope);
                width = sources.stream().mapToInt(s -> s.star().size()).sum();
                if (sources.size() == 1 && sources.get(0).table() != null) {
                    source = sources.get(0);
                    named.computeIfAbsent(source, s -> new HashSet<>()).add("*");
                    if (source.encryptedByName().values().stream().anyMatch(c -> !c.deterministic())) {
                        randomized.add(source);
                    }
                }
            } else if (expression instanceof Column column) {
                source = sourceAtThisLevel(column, scope);
                source = source != null && source.table() != null ? source : null;
                EncryptedColumn encrypted = source == null ? null : source.encrypted(column);
                if (encrypted != null && !encrypted.deterministic()) {
                    randomized.add(source);
                } else if (source != null) {
                    named.computeIfAbsent(source, s -> new HashSet<>()).add(Identifiers.key(column.getColumnName()));
                }
            }
            itemSources.add(source);
            widths.add(width);
        }
        Map<Source, Boolean> keyListed = new HashMap<>();
        for (Source source : randomized) {
            keyListed.put(source, keyListed(source, named.get(source)));
        }
        int at = 0;
        for (int i = 0; i < itemSources.size() && at < keyed.length; i++) {
            boolean listed = keyListed.getOrDefault(itemSources.get(i), false);
            for (int w = 0; w < widths.get(i) && at < keyed.length; w++) {
                keyed[at++] = listed;
            }
        }
        return keyed;
    }

    /** Whether the select list names every column of the source's primary key (all of them under {@code *}). */
    private boolean keyListed(Source source, Set<String> names) {
        List<String> key = analysis.primaryKey(source.table());
        if (key == null || key.isEmpty() || names == null) {
            return false;
        }
        for (String column : key) {
            EncryptedColumn encrypted = source.encrypted(new Column(column));
            if (encrypted != null && !encrypted.deterministic()) {
                return false;
            }
            if (!names.contains("*") && !names.contains(column.toLowerCase(Locale.ROOT))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The FROM item of this query level a select-list column reads: the one its qualifier names, or for an
     * unqualified name the level's only item; null when that cannot be told.
     */
    private static Source sourceAtThisLevel(Column column, Scope scope) {
        Table qualifier = column.getTable();
        if (qualifier != null && qualifier.getName() != null) {
            return scope.sources().stream().filter(s -> s.answersTo(qualifier)).findFirst().orElse(null);
        }
        return scope.sources().size() == 1 ? scope.sources().get(0) : null;
    }

    void groupBy(GroupByElement groupBy, List<Projection> projections, Scope scope) {
        if (groupBy == null) {
            return;
        }
        if (present(groupBy.getGroupingSets())) {
            throw new Rejection("GROUPING SETS on configured table " + analysis.tableName() + Rejection.NOT_YET
                    + ": group by plain columns");
        }
        ExpressionList<?> expressions = groupBy.getGroupByExpressionList();
        if (expressions != null) {
            Set<Expression> keyed = keyedGroupingColumns(expressions, scope);
            for (Expression expression : expressions) {
                if (keyed.contains(expression)) {
                    analysis.approve((Column) expression);
                } else {
                    groupingKey(expression, "GROUP BY", projections, scope);
                }
            }
        }
    }

    /**
     * The randomized columns of a GROUP BY list that also names the primary key of their FROM item (as plain or
     * deterministic columns of that same item): {@code GROUP BY c.id, c.display_name}, as reports write it to select
     * the name beside an aggregate. Each key value has one cell, so grouping by the cells too groups as the key
     * alone does. The key comes from the catalog, and the plan is made again when the schema changes.
     */
    private Set<Expression> keyedGroupingColumns(ExpressionList<?> expressions, Scope scope) {
        Map<Source, Set<String>> named = new HashMap<>();
        Map<Source, List<Expression>> randomized = new HashMap<>();
        for (Expression expression : expressions) {
            if (!(expression instanceof Column column)) {
                continue;
            }
            Source source = sourceAtThisLevel(column, scope);
            if (source == null || source.table() == null) {
                continue;
            }
            EncryptedColumn encrypted = source.encrypted(column);
            if (encrypted != null && !encrypted.deterministic()) {
                randomized.computeIfAbsent(source, s -> new ArrayList<>()).add(expression);
            } else {
                named.computeIfAbsent(source, s -> new HashSet<>()).add(Identifiers.key(column.getColumnName()));
            }
        }
        Set<Expression> keyed = Collections.newSetFromMap(new IdentityHashMap<>());
        randomized.forEach((source, columns) -> {
            if (keyListed(source, named.get(source))) {
                keyed.addAll(columns);
            }
        });
        return keyed;
    }

    /** GROUP BY and DISTINCT ON keys: a deterministic column groups correctly, a randomized one cannot. */
    private void groupingKey(Expression expression, String construct, List<Projection> projections, Scope scope) {
        if (expression instanceof Function function && function.getParameters() != null
                && ("ROLLUP".equalsIgnoreCase(function.getName()) || "CUBE".equalsIgnoreCase(function.getName()))) {
            // each element groups as a key of its own, by position too: ROLLUP (1) groups by the first column
            groupingElements(function.getParameters(), construct, projections, scope);
            return;
        }
        if (expression instanceof LongValue position) {
            for (EncryptedColumn column : encryptedAtPosition(position, projections, construct)) {
                CiphertextRules.requireDeterministic(column, construct);
                analysis.use(column, ColumnUse.Kind.COMPARE);
            }
            return;
        }
        EncryptedColumn encrypted = Conditions.directEncrypted(expression, scope);
        if (encrypted != null) {
            CiphertextRules.requireDeterministic(encrypted, construct);
            analysis.use(encrypted, ColumnUse.Kind.COMPARE);
            analysis.approve((Column) expression);
        } else {
            analysis.plain.requirePlain(expression, construct, scope);
        }
    }

    /** The elements of ROLLUP and CUBE, and of the parenthesised lists in them, each a grouping key. */
    private void groupingElements(ExpressionList<?> elements, String construct, List<Projection> projections,
                                  Scope scope) {
        for (Expression element : elements) {
            Expression inner = element;
            while (inner instanceof Parenthesis parenthesis) {
                inner = parenthesis.getExpression();
            }
            if (inner instanceof ExpressionList<?> list) {
                groupingElements(list, construct, projections, scope);
            } else {
                groupingKey(inner, construct, projections, scope);
            }
        }
    }

    /** ORDER BY, LIMIT, OFFSET and FETCH of a query, in that order. */
    void orderAndLimit(Select select, List<Projection> projections, Scope scope) {
        orderBy(select.getOrderByElements(), projections, scope);
        limit(select.getLimit(), scope);
        if (select.getOffset() != null) {
            analysis.plain.requirePlain(select.getOffset().getOffset(), "OFFSET", scope);
        }
        if (select.getFetch() != null && select.getFetch().getExpression() != null) {
            analysis.plain.requirePlain(select.getFetch().getExpression(), "FETCH", scope);
        }
    }

    void orderBy(List<OrderByElement> elements, List<Projection> projections, Scope scope) {
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
            EncryptedColumn encrypted = Conditions.directEncrypted(expression, scope);
            if (encrypted != null) {
                throw orderByRejection(encrypted);
            }
            analysis.plain.requirePlain(expression, "ORDER BY", scope);
        }
    }

    private static Rejection orderByRejection(EncryptedColumn column) {
        return new Rejection("ORDER BY on " + column.mode() + " column " + column.name()
                + " is not supported: its ciphertexts are not ordered; sort the rows in the application");
    }

    /** The encrypted columns a position ({@code ORDER BY 2}) refers to; empty past the end of the list. */
    private List<EncryptedColumn> encryptedAtPosition(LongValue position, List<Projection> projections,
                                                      String construct) {
        long index = position.getValue();
        boolean star = projections.stream().anyMatch(p -> p instanceof Projection.AllColumns);
        if (star) {
            List<EncryptedColumn> all = new ArrayList<>();
            projections.forEach(p -> all.addAll(ResultColumns.encryptedIn(p)));
            if (!all.isEmpty()) {
                throw new Rejection(construct + " by position with * over configured table " + analysis.tableName()
                        + Rejection.NOT_YET + ": name the column");
            }
            return all;
        }
        if (index >= 1 && index <= projections.size()) {
            return ResultColumns.encryptedIn(projections.get((int) index - 1));
        }
        return List.of();
    }

    void limit(Limit limit, Scope scope) {
        if (limit == null) {
            return;
        }
        if (limit.getRowCount() != null) {
            analysis.plain.requirePlain(limit.getRowCount(), "LIMIT", scope);
        }
        if (limit.getOffset() != null) {
            analysis.plain.requirePlain(limit.getOffset(), "OFFSET", scope);
        }
        if (limit.getByExpressions() != null) {
            analysis.plain.requirePlain(limit.getByExpressions(), "LIMIT BY", scope);
        }
    }
}
