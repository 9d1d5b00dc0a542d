package dev.cloak.rewriter;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.create.table.ExcludeConstraint;
import net.sf.jsqlparser.statement.create.table.Index;

/**
 * What an index on a configured table may do with an encrypted column: be a plain equality index on a
 * deterministic one, whose equal ciphertexts stand for equal values, or a plain index on a randomized one (it serves
 * no lookup, but holds only cells: schemas index the columns they search, and keep the index when they encrypt
 * one), never a UNIQUE one (nor an exclusion constraint), which could not keep equal values apart. An expression, an
 * operator class, a collation, a prefix length, an exclusion operator other than {@code =}, a full-text or spatial
 * index, or an access method other than btree or hash would compute over ciphertext; a partial index's (or an
 * exclusion constraint's) predicate may test an encrypted column only for NULL, since a literal in it would be stored
 * in plaintext in the catalog.
 */
final class IndexRules {

    private static final Set<String> EQUALITY_METHODS = Set.of("BTREE", "HASH");

    private final ConfiguredTables tables;
    private final Analysis analysis;
    private final String sql;

    IndexRules(ConfiguredTables tables, String sql, int parameterCount, Dialect dialect) {
        this.tables = tables;
        this.sql = sql;
        this.analysis = new Analysis(tables, sql, parameterCount, dialect, ConfiguredTables.NOT_LOCATED);
    }

    /** Refuses the index when it would use an encrypted column of its configured table other than for equality. */
    void check(CreateIndex create) {
        check(create.getTable(), create.getIndex(), method(create, create.getIndex()), create.getWhere(), sql);
    }

    /**
     * An index or constraint that a CREATE or ALTER TABLE declares ({@code UNIQUE (c)}, {@code KEY k (c)},
     * PostgreSQL's {@code EXCLUDE USING btree (c WITH =) WHERE (…)}), checked as a CREATE INDEX of it would be: an
     * exclusion constraint whose operators are all {@code =} is a unique one.
     */
    void checkDeclared(Table table, Index index) {
        String method = index.getUsing() == null ? null : index.getUsing().toUpperCase(Locale.ROOT);
        Expression where = index instanceof ExcludeConstraint exclude ? exclude.getExpression() : null;
        check(table, index, method, where, String.valueOf(index));
    }

    /** The index's parts and predicate; {@code text}, the statement or the declared index, is what is sent. */
    private void check(Table table, Index index, String method, Expression where, String text) {
        Scope scope = new Scope(null);
        scope.add(Source.table(tables, table, null));
        String type = index.getType() == null ? "" : index.getType().toUpperCase(Locale.ROOT);
        List<Index.ColumnParams> parts = index.getColumns() == null ? List.of() : index.getColumns();
        Map<String, Integer> named = new HashMap<>();
        if (index.getName() != null) {
            named.merge(Identifiers.key(index.getName()), 1, Integer::sum);
        }
        for (Index.ColumnParams part : parts) {
            String name = part.getColumnName();
            if (isFunctionCall(part)) {
                // JSqlParser reads lower(c) in an index as a column "lower" with the parameter "(c)"
                functionOverEncrypted(table, name + String.join(" ", part.getParams()));
                continue;
            }
            if (part.isExpression()) {
                Expression expression = part.getExpression();
                if (!(expression instanceof Column column)) {
                    analysis.plain.requirePlain(expression, "an index expression", scope);
                    continue;
                }
                name = column.getColumnName();
            }
            EncryptedColumn column = name == null ? null : tables.column(table, name);
            if (column != null) {
                excludesEqualOnly(column, part);
                equalityOnly(column, type, method, part);
                named.merge(Identifiers.key(name), 1, Integer::sum);
            }
        }
        if (where != null) {
            analysis.plain.requirePlain(where, index instanceof ExcludeConstraint ? "an EXCLUDE constraint's predicate"
                    : "a partial index predicate", scope);
        }
        everyMentionSeen(table, named, text);
    }

    /**
     * The text names each encrypted column no more often than the index's own columns, its name and the predicate's
     * references the analysis read: one in a part of an expression that JSqlParser's visitors skip ({@code
     * substring(ssn from 1) = '…'}) would keep a plaintext in the index definition.
     */
    private void everyMentionSeen(Table table, Map<String, Integer> named, String text) {
        Map<String, Integer> handled = analysis.columnsHandled();
        Set<String> watched = new HashSet<>();
        tables.columnsOf(table).forEach(column -> watched.add(Identifiers.key(column.column())));
        SqlText.countIdentifiers(text, watched).forEach((name, count) -> {
            if (count > named.getOrDefault(name, 0) + handled.getOrDefault(name, 0)) {
                throw new Rejection("encrypted column " + tables.policyName(table) + "." + name + " is used"
                        + " in the index where Cloak cannot check it: index the column itself, with no expression"
                        + " or predicate on it but IS [NOT] NULL");
            }
        });
    }

    /** A part read as a name followed by a parenthesised parameter that is not a prefix length. */
    private static boolean isFunctionCall(Index.ColumnParams part) {
        return part.getParams() != null && part.getParams().stream()
                .anyMatch(p -> p.startsWith("(") && !p.matches("\\(\\s*\\d+\\s*\\)"));
    }

    private void functionOverEncrypted(Table table, String text) {
        EncryptedColumn column = tables.encryptedColumnNamedIn(table, text);
        if (column != null) {
            throw new Rejection("an index expression on " + column.mode() + " column " + column.name()
                    + " is not supported: it would compute over ciphertext; index the column itself");
        }
    }

    /**
     * An exclusion constraint's part on an encrypted column ({@code c WITH op}): {@code =} compares ciphertexts as a
     * unique index does; any other operator ({@code <>}, {@code &&}) would compute over them.
     */
    private static void excludesEqualOnly(EncryptedColumn column, Index.ColumnParams part) {
        String operator = part.getExclusionOperator();
        if (operator != null && !operator.trim().equals("=")) {
            throw new Rejection("an EXCLUDE constraint with an operator other than = on encrypted column "
                    + column.name() + " is not supported: it would compare its ciphertexts; exclude with = on a"
                    + " deterministic column, or leave the column out");
        }
    }

    private static void equalityOnly(EncryptedColumn column, String type, String method, Index.ColumnParams part) {
        if (!column.deterministic() && (type.contains("UNIQUE") || type.contains("PRIMARY")
                || type.contains("EXCLUDE"))) {
            throw new Rejection("a " + (type.contains("EXCLUDE") ? "EXCLUDE constraint" : "UNIQUE index")
                    + " on randomized column " + column.name() + " is not supported: equal values have different"
                    + " ciphertexts, so the database could not keep them apart; make the column deterministic");
        }
        if (type.contains("FULLTEXT") || type.contains("SPATIAL")
                || method != null && !EQUALITY_METHODS.contains(method)) {
            throw new Rejection("a " + (method != null ? method : type) + " index on encrypted column "
                    + column.name() + " is not supported: it would compute over ciphertext; use a plain (btree or"
                    + " hash) index");
        }
        if (part.getOperatorClass() != null || part.getCollation() != null) {
            throw new Rejection("an operator class or collation on encrypted column " + column.name() + " in an"
                    + " index is not supported: its ciphertexts are bytes; index the column as it is");
        }
        boolean prefix = part.getParams() != null && part.getParams().stream().anyMatch(p -> p.startsWith("("));
        if (prefix && (type.contains("UNIQUE") || type.contains("PRIMARY"))) {
            // every cell starts with the same format, mode and key id bytes; a plain index on a prefix only holds
            // cells (as MySQL schemas write KEY (email(191))), a unique one would refuse distinct values
            throw new Rejection("a UNIQUE index on a prefix of encrypted column " + column.name() + " is not"
                    + " supported: it would compare part of the ciphertext, which starts alike in every cell; index"
                    + " the whole column");
        }
    }

    /** The index's access method in upper case ({@code USING hash} before or after the column list), or null. */
    private static String method(CreateIndex create, Index index) {
        if (index.getUsing() != null) {
            return index.getUsing().toUpperCase(Locale.ROOT);
        }
        List<String> tail = create.getTailParameters();
        for (int i = 0; tail != null && i + 1 < tail.size(); i++) {
            if (tail.get(i).equalsIgnoreCase("USING")) {
                return tail.get(i + 1).toUpperCase(Locale.ROOT);
            }
        }
        return null;
    }
}
