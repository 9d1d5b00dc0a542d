package dev.cloak.rewriter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;

/**
 * The names one query level sees: its sources, its select-list aliases, its common table expressions and the
 * level that encloses it. Resolves a column reference to the encrypted column it names; where the database
 * could pick either a plain or an encrypted column, the reference is refused rather than guessed plain.
 */
final class Scope {

    private final Scope outer;
    private final List<Source> sources = new ArrayList<>();
    private final Map<String, EncryptedColumn> selectAliases = new HashMap<>();
    private final Map<String, ResultColumns> ctes = new HashMap<>();
    /**
     * Whether this level's own clauses may name its select-list aliases: GROUP BY, HAVING and ORDER BY may; the
     * select list and WHERE may not, where the name is a column of the FROM items ({@code SELECT ssn AS city, city
     * AS c2} and {@code WHERE city = ?} read the column city), though a subquery in them may (MariaDB, H2).
     */
    private boolean ownAliasesVisible;
    /** Whether a USING or NATURAL join merges columns of this level's sources, which {@code *} then shows once. */
    private boolean mergesJoinColumns;

    /** A level nested in {@code outer}, or a statement's outermost level when it is null. */
    Scope(Scope outer) {
        this.outer = outer;
    }

    Scope outer() {
        return outer;
    }

    void add(Source source) {
        sources.add(source);
    }

    /** This level's sources, in FROM order. */
    List<Source> sources() {
        return Collections.unmodifiableList(sources);
    }

    /** A select-list alias of an encrypted column, which ORDER BY, GROUP BY and HAVING may name. */
    void selectAlias(String lowerCaseAlias, EncryptedColumn column) {
        selectAliases.put(lowerCaseAlias, column);
    }

    /**
     * The encrypted column a bare name stands for as a select-list alias of this level, or null: MariaDB reads such
     * a name in a window's {@code PARTITION BY} and {@code ORDER BY} as the alias, PostgreSQL as a column.
     */
    EncryptedColumn ownSelectAlias(Column column) {
        return column.getTable() != null && column.getTable().getName() != null ? null
                : selectAliases.get(Identifiers.key(column.getColumnName()));
    }

    /** From now on, this level's own clauses (GROUP BY, HAVING, ORDER BY) may name its select-list aliases. */
    void ownAliasesVisible() {
        ownAliasesVisible = true;
    }

    /** A USING or NATURAL join at this level: {@code *} shows its merged columns first and once. */
    void mergesJoinColumns() {
        mergesJoinColumns = true;
    }

    boolean joinsMergeColumns() {
        return mergesJoinColumns;
    }

    void cte(String lowerCaseName, ResultColumns result) {
        ctes.put(lowerCaseName, result);
    }

    /** Refuses a second WITH item whose name differs from an earlier one's only in case or quoting. */
    void requireNewCte(String lowerCaseName) {
        if (ctes.containsKey(lowerCaseName)) {
            throw new Rejection("two WITH items named " + lowerCaseName + " (differing only in case or quoting, which"
                    + " the server may tell apart) are not supported: give them distinct names");
        }
    }

    /** The common table expression of that name this level or an enclosing one defines, or null. */
    ResultColumns cte(String lowerCaseName) {
        for (Scope scope = this; scope != null; scope = scope.outer) {
            ResultColumns result = scope.ctes.get(lowerCaseName);
            if (result != null) {
                return result;
            }
        }
        return null;
    }

    /** The source a qualifier names, searched from this level outwards, or null. */
    Source sourceFor(Table qualifier) {
        Source found = null;
        for (Scope scope = this; scope != null; scope = scope.outer) {
            for (Source source : scope.sources) {
                if (!source.answersTo(qualifier)) {
                    continue;
                }
                if (found == null) {
                    found = source;
                } else if (!found.spelling().equals(source.spelling())) {
                    // x and "X" (PostgreSQL, H2) or x and X (MariaDB aliases) may be two names to the server
                    throw new Rejection("two FROM items named " + Identifiers.key(qualifier.getName()) + " that"
                            + " differ only in case or quoting are not supported: the server may tell them apart;"
                            + " give them distinct aliases");
                }
            }
        }
        return found;
    }

    /**
     * The encrypted column a reference names, resolved through the sources of this level and the levels that
     * enclose it, or null for a plain column.
     */
    EncryptedColumn encryptedOf(Column column) {
        Table qualifier = column.getTable();
        if (qualifier != null && qualifier.getName() != null) {
            Source source = sourceFor(qualifier);
            if (source != null) {
                EncryptedColumn encrypted = source.encrypted(column);
                if (encrypted == null) {
                    source.requireColumn(column);
                }
                return encrypted;
            }
            // a qualifier no source answers to: the database rejects it, or it means a table under another name
            return unqualified(column, true);
        }
        EncryptedColumn found = unqualified(column, false);
        if (found == null) {
            rejectWholeRow(column);
        }
        return found;
    }

    /**
     * PostgreSQL reads a name that is no column but a table or alias in scope as the whole row of that source
     * ({@code SELECT c FROM customers c}, {@code row_to_json(c)}, {@code c::text}), which the database would
     * build from ciphertext: refused for a source with encrypted columns.
     */
    private void rejectWholeRow(Column column) {
        Source source = sourceWithEncryptedColumnsNamed(column);
        if (source != null) {
            throw wholeRow(Identifiers.unquote(column.getColumnName()), source);
        }
    }

    /**
     * The source with encrypted columns that a bare name reads as its whole row on PostgreSQL, because no encrypted
     * column has that name; null for a qualified reference, an encrypted column, or a name no such source answers to.
     */
    Source wholeRowOf(Column column) {
        if (column.getTable() != null && column.getTable().getName() != null || unqualified(column, false) != null) {
            return null;
        }
        return sourceWithEncryptedColumnsNamed(column);
    }

    private Source sourceWithEncryptedColumnsNamed(Column column) {
        Table name = new Table(column.getColumnName());
        for (Scope scope = this; scope != null; scope = scope.outer) {
            for (Source source : scope.sources) {
                if (source.answersTo(name) && !source.encryptedByName().isEmpty()) {
                    return source;
                }
            }
        }
        return null;
    }

    /** The refusal of a whole-row reference {@code name} to a source with encrypted columns. */
    static Rejection wholeRow(String name, Source source) {
        EncryptedColumn first = source.encryptedByName().values().iterator().next();
        return new Rejection("a whole-row reference to " + name + ", which holds encrypted column " + first.name()
                + ", is not supported: the database would build the row from ciphertext; select the columns you"
                + " need, or rename the alias if a column of that name was meant");
    }

    /**
     * A name in this level's GROUP BY, HAVING or ORDER BY (or PostgreSQL's DISTINCT ON) that is both a select-list
     * alias of an encrypted column and another column of the FROM items: the servers read it either way, by clause
     * (PostgreSQL's ORDER BY and DISTINCT ON and MariaDB's HAVING and ORDER BY take the alias, GROUP BY and
     * PostgreSQL's HAVING the column), so a value compared with it could be sent in clear: refused unless both
     * readings encrypt alike.
     */
    private void requireOneReading(Column column, EncryptedColumn found, boolean plain) {
        EncryptedColumn alias = selectAliases.get(Identifiers.key(column.getColumnName()));
        if (alias != null && (found == null ? plain : !CiphertextRules.interchangeable(found, alias))) {
            throw new Rejection("name " + Identifiers.unquote(column.getColumnName()) + " is a select-list alias of"
                    + " encrypted column " + alias.name() + " and " + (found == null ? "a plain column" : "encrypted"
                    + " column " + found.name()) + " of the FROM items, which the server reads by clause: give the"
                    + " alias a name no column has");
        }
    }

    /**
     * An unqualified name: the innermost level with a source that has it decides. With {@code overMatch}, any
     * level's encrypted column of that name counts, even behind a plain one.
     */
    private EncryptedColumn unqualified(Column column, boolean overMatch) {
        boolean maybeInner = false;
        for (Scope scope = this; scope != null; scope = scope.outer) {
            EncryptedColumn found = null;
            boolean plain = false;
            boolean maybe = false;
            for (Source source : scope.sources) {
                Source.Lookup lookup = source.lookup(column);
                if (lookup == Source.Lookup.ENCRYPTED) {
                    EncryptedColumn encrypted = source.encrypted(column);
                    if (found != null && !CiphertextRules.interchangeable(found, encrypted)) {
                        throw new Rejection("column reference " + Identifiers.unquote(column.getColumnName())
                                + " may mean encrypted column " + found.name() + " or " + encrypted.name()
                                + ": qualify it with its table or alias");
                    }
                    found = found != null ? found : encrypted;
                } else if (lookup == Source.Lookup.PLAIN) {
                    plain = true;
                } else if (lookup == Source.Lookup.MAYBE) {
                    maybe = true;
                }
            }
            if (scope == this && ownAliasesVisible) {
                requireOneReading(column, found, plain);
            }
            if (found == null && !plain && (scope != this || ownAliasesVisible)) {
                // MariaDB and H2 let a subquery name an enclosing query's select-list alias
                found = scope.selectAliases.get(Identifiers.key(column.getColumnName()));
            }
            if (found != null) {
                if (maybeInner && !overMatch) {
                    throw new Rejection("column reference " + Identifiers.unquote(column.getColumnName())
                            + " in a subquery may mean encrypted column " + found.name() + " of an enclosing query"
                            + " or a plain column of the subquery: qualify it with its table or alias");
                }
                return found;
            }
            if (plain && !overMatch) {
                return null;
            }
            maybeInner |= maybe;
        }
        return null;
    }
}
