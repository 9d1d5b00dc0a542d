package dev.cloak.rewriter;

import static dev.cloak.rewriter.Analysis.present;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.LateralSubSelect;
import net.sf.jsqlparser.statement.select.ParenthesedFromItem;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.TableFunction;
import net.sf.jsqlparser.statement.select.Values;

/**
 * FROM items and joins: the sources a query level reads, and the columns a join compares. A join may compare
 * encrypted columns only when both are deterministic in one key domain, so their ciphertexts are equal exactly
 * when their values are.
 */
final class FromClause {

    private final Analysis analysis;

    FromClause(Analysis analysis) {
        this.analysis = analysis;
    }

    /**
     * One FROM item as a source; a derived table sees the enclosing levels, not its siblings (unless LATERAL). The
     * names under which it carries encrypted values (a subquery's {@code ssn AS s}, a view's columns, and its own
     * alias, which PostgreSQL reads as the whole row) are watched by the last-resort count of names as the
     * encrypted columns' own are.
     */
    private Source fromItem(FromItem item, Scope level) {
        Source source = source(item, level);
        source.encryptedByName().forEach(analysis::carrier);
        if (!source.encryptedByName().isEmpty() && !source.spelling().isEmpty()) {
            // on PostgreSQL the alias alone is the whole row, built from the cells (q::text, row_to_json(q))
            analysis.carrier(Identifiers.key(source.spelling()), source.encryptedByName().values().iterator().next());
        }
        return source;
    }

    /**
     * Adds the sources of one FROM item to {@code level}. A parenthesised join ({@code (a JOIN b ON …)}, as
     * PostgreSQL's pg_get_viewdef writes every join) adds its items and joins as they would be added written without
     * the parentheses: the server reads the same sources and keeps every alias inside visible, and each inner join
     * gets the checks of any join.
     */
    void add(FromItem item, Scope level) {
        if (item instanceof ParenthesedFromItem parenthesed && !(parenthesed.getFromItem() instanceof Values)) {
            if (parenthesed.getAlias() != null || parenthesed.getPivot() != null
                    || parenthesed.getUnPivot() != null || parenthesed.getSampleClause() != null) {
                // (a JOIN b) AS j hides the aliases a and b, and names the join's columns otherwise
                throw new Rejection("an alias, PIVOT or TABLESAMPLE on a parenthesised join in a statement on"
                        + " configured table " + analysis.involvedName() + Rejection.NOT_YET
                        + ": leave the parentheses unaliased, or select from a subquery");
            }
            add(parenthesed.getFromItem(), level);
            if (present(parenthesed.getJoins())) {
                for (Join join : parenthesed.getJoins()) {
                    join(join, level);
                }
            }
            return;
        }
        level.add(fromItem(item, level));
    }

    private Source source(FromItem item, Scope level) {
        if (item instanceof Table table) {
            if ((table.getPivot() != null || table.getUnPivot() != null || table.getSampleClause() != null)
                    && analysis.tables.isConfigured(table)) {
                throw new Rejection("PIVOT, UNPIVOT or TABLESAMPLE on configured table "
                        + analysis.tables.policyName(table) + Rejection.NOT_YET
                        + ": select the columns and reshape the rows in the application");
            }
            String alias = table.getAlias() == null ? null : table.getAlias().getName();
            if (alias != null) {
                analysis.alias(Identifiers.key(alias));
                rejectAliasColumns(table.getAlias(), table);
            }
            ResultColumns cte = table.getSchemaName() == null ? level.cte(Identifiers.key(table.getName())) : null;
            if (cte != null) {
                // FROM cte AS t(a, b) renames the WITH query's columns, in order, as a subquery's alias list does
                return Source.derived(renamed(cte, table.getAlias()), alias, table.getName());
            }
            analysis.readsRelation(table);
            return Source.table(analysis.tables, table, alias);
        }
        if (item instanceof ParenthesedSelect select) {
            if (select.getPivot() != null || select.getUnPivot() != null) {
                throw new Rejection("PIVOT or UNPIVOT over a subquery with configured table "
                        + analysis.involvedName() + Rejection.NOT_YET + ": reshape the rows in the application");
            }
            ResultColumns derived = analysis.queries.query(select,
                    select instanceof LateralSubSelect ? level : level.outer());
            String alias = select.getAlias() == null ? null : select.getAlias().getName();
            if (alias != null) {
                analysis.alias(Identifiers.key(alias));
                derived = renamed(derived, select.getAlias());
            }
            return Source.derived(derived, alias, null);
        }
        if (item instanceof TableFunction function && function.getPivot() == null && function.getUnPivot() == null
                && function.getSampleClause() == null) {
            // generate_series(…), unnest(…), jsonb_array_elements(…): its arguments may read the FROM items before
            // it (PostgreSQL reads a function there as LATERAL) and must be plain; its columns are then plain
            for (Function called : function.getFunctions()) {
                analysis.plain.requirePlain(called, "a function in FROM", level);
            }
            return aliasedPlainColumns(function.getAlias());
        }
        if (item instanceof ParenthesedFromItem parenthesed && !present(parenthesed.getJoins())
                && parenthesed.getPivot() == null && parenthesed.getUnPivot() == null
                && parenthesed.getSampleClause() == null && parenthesed.getFromItem() instanceof Values values) {
            // (VALUES (1), (2)) AS v(id): rows of plain values, whose columns are plain
            analysis.plain.requirePlain(values.getExpressions(), "a VALUES list in FROM", level);
            return aliasedPlainColumns(parenthesed.getAlias());
        }
        throw new Rejection("this FROM item in a statement on configured table " + analysis.involvedName()
                + Rejection.NOT_YET + ": select from tables, subqueries and set-returning functions");
    }

    /** A FROM item of plain columns, named by its alias and the alias's column list, if any. */
    private Source aliasedPlainColumns(Alias alias) {
        String name = alias == null ? null : alias.getName();
        if (name != null) {
            analysis.alias(Identifiers.key(name));
            if (present(alias.getAliasColumns())) {
                alias.getAliasColumns().forEach(c -> analysis.alias(Identifiers.key(c.name)));
            }
        }
        return Source.derived(new ResultColumns(List.of(), List.of(), true, false), name, null);
    }

    /** The columns as an alias's column list renames them ({@code AS t(a, b)}); as they are without one. */
    private ResultColumns renamed(ResultColumns columns, Alias alias) {
        if (alias == null || !present(alias.getAliasColumns())) {
            return columns;
        }
        List<String> names = new ArrayList<>();
        for (Alias.AliasColumn column : alias.getAliasColumns()) {
            names.add(Identifiers.key(column.name));
            analysis.alias(Identifiers.key(column.name));
        }
        return analysis.queries.renamed(columns, names, "subquery " + alias.getName());
    }

    private void rejectAliasColumns(Alias alias, Table table) {
        if (present(alias.getAliasColumns()) && analysis.tables.isConfigured(table)) {
            throw new Rejection("a column alias list on configured table " + analysis.tables.policyName(table)
                    + Rejection.NOT_YET + ": alias the columns in the select list");
        }
    }

    /** A join adds its right side to {@code level}, then checks USING, NATURAL and ON against both sides. */
    void join(Join join, Scope level) {
        if (join.isApply() || join.isWindowJoin() || join.getJoinWindow() != null) {
            throw new Rejection("APPLY or window joins with configured table " + analysis.involvedName()
                    + Rejection.NOT_YET + ": use JOIN ... ON");
        }
        List<Source> left = List.copyOf(level.sources());
        add(join.getRightItem(), level);
        // one source, or those of a parenthesised join on the right: b JOIN (c JOIN d ON …) USING (x)
        List<Source> right = List.copyOf(level.sources().subList(left.size(), level.sources().size()));
        if (present(join.getUsingColumns()) || join.isNatural()) {
            level.mergesJoinColumns();
        }
        if (present(join.getUsingColumns())) {
            for (Column using : join.getUsingColumns()) {
                EncryptedColumn a = firstEncrypted(left, using);
                EncryptedColumn b = firstEncrypted(right, using);
                analysis.approve(using);
                if (a != null || b != null) {
                    CiphertextRules.requireJoinable(a, b, "JOIN ... USING", Identifiers.unquote(using.getColumnName()));
                    analysis.use(a, ColumnUse.Kind.COMPARE);
                    analysis.use(b, ColumnUse.Kind.COMPARE);
                }
            }
        }
        if (join.isNatural()) {
            naturalJoin(left, right, analysis);
        }
        for (Expression on : join.getOnExpressions()) {
            analysis.conditions.condition(on, level);
        }
    }

    private static EncryptedColumn firstEncrypted(List<Source> sources, Column name) {
        for (Source source : sources) {
            EncryptedColumn encrypted = source.encrypted(name);
            if (encrypted != null) {
                return encrypted;
            }
        }
        return null;
    }

    /**
     * NATURAL JOIN compares every column name the sides share: allowed only when each encrypted column is
     * matched by one of the same key domain (both deterministic), or certainly absent on the other side.
     */
    private static void naturalJoin(List<Source> left, List<Source> right, Analysis analysis) {
        for (Source source : left) {
            for (Source other : right) {
                naturalPair(source, other, analysis);
                naturalPair(other, source, analysis);
            }
        }
    }

    private static void naturalPair(Source from, Source other, Analysis analysis) {
        for (Map.Entry<String, EncryptedColumn> entry : from.encryptedByName().entrySet()) {
            Column name = new Column(entry.getKey());
            Source.Lookup lookup = other.lookup(name);
            if (lookup == Source.Lookup.ABSENT) {
                continue;
            }
            EncryptedColumn match = lookup == Source.Lookup.ENCRYPTED ? other.encrypted(name) : null;
            if (match == null) {
                throw new Rejection("NATURAL JOIN with encrypted column " + entry.getValue().name()
                        + " is not supported: Cloak cannot tell which columns the other side shares;"
                        + " write JOIN ... ON");
            }
            CiphertextRules.requireJoinable(entry.getValue(), match, "NATURAL JOIN", entry.getKey());
            analysis.use(entry.getValue(), ColumnUse.Kind.COMPARE);
            analysis.use(match, ColumnUse.Kind.COMPARE);
        }
    }
}
