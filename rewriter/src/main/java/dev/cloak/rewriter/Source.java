package dev.cloak.rewriter;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;

/**
 * One item a query level reads from: a physical table (a FROM item or the target of a write), or a derived
 * table or common table expression whose result columns are known.
 */
final class Source {

    /** What a source says about a column name. */
    enum Lookup {
        /** The name is an encrypted column of the source. */
        ENCRYPTED,
        /** The name is a plain result column of the source. */
        PLAIN,
        /** The name may be a plain column of the source: a table's or a star's columns are not all known. */
        MAYBE,
        /** The source certainly has no column of that name. */
        ABSENT
    }

    private final ConfiguredTables tables;
    private final Table table;
    private final String alias;
    private final String cteName;
    private final ResultColumns derived;
    private final Map<String, EncryptedColumn> encryptedByName;
    /** The name qualifiers use, as written (quotes kept): its alias, else its WITH or table name. */
    private final String spelling;

    private Source(ConfiguredTables tables, Table table, String alias, String cteName, ResultColumns derived) {
        this.tables = tables;
        this.table = table;
        this.spelling = alias != null ? alias : cteName != null ? cteName
                : table != null ? String.valueOf(table.getName()) : "";
        this.alias = alias == null ? null : Identifiers.key(alias);
        this.cteName = cteName == null ? null : Identifiers.key(cteName);
        this.derived = derived;
        this.encryptedByName = table != null ? tables.byLowerCaseName(table) : derived.encryptedByName();
    }

    /** A physical table, under {@code alias} when it has one. */
    static Source table(ConfiguredTables tables, Table table, String alias) {
        return new Source(tables, table, alias, null, null);
    }

    /** A derived table, or the common table expression {@code cteName}, under {@code alias} when it has one. */
    static Source derived(ResultColumns derived, String alias, String cteName) {
        return new Source(null, null, alias, cteName, derived);
    }

    /** The name qualifiers use, as written. */
    String spelling() {
        return spelling;
    }

    /** Whether a qualifier ({@code t} of {@code t.c}) names this source. */
    boolean answersTo(Table qualifier) {
        String name = Identifiers.key(qualifier.getName());
        if (alias != null) {
            return qualifier.getSchemaName() == null && alias.equals(name);
        }
        if (cteName != null) {
            return qualifier.getSchemaName() == null && cteName.equals(name);
        }
        if (table == null || !Identifiers.key(table.getName()).equals(name)) {
            return false;
        }
        return qualifier.getSchemaName() == null || table.getSchemaName() == null
                || Identifiers.key(qualifier.getSchemaName()).equals(Identifiers.key(table.getSchemaName()));
    }

    /** The encrypted column the name is in this source, or null. */
    EncryptedColumn encrypted(Column column) {
        if (table != null) {
            return tables.column(table, column.getColumnName());
        }
        return encryptedByName.get(Identifiers.key(column.getColumnName()));
    }

    Lookup lookup(Column column) {
        if (encrypted(column) != null) {
            return Lookup.ENCRYPTED;
        }
        if (table != null || derived.open()) {
            return Lookup.MAYBE;
        }
        return derived.names().contains(Identifiers.key(column.getColumnName())) ? Lookup.PLAIN : Lookup.ABSENT;
    }

    /**
     * A plain qualified reference {@code d.x} to a derived table must name one of its columns: PostgreSQL reads
     * {@code d.to_json} that names none as {@code to_json(d)}, a function of the whole row, built from ciphertext
     * (MariaDB and H2 reject it). Over {@code *} the names are not all known: the functions that take any row are
     * refused there. Configured tables are checked against the catalog ({@link WholeRowFunctions}).
     */
    void requireColumn(Column column) {
        if (table != null || encryptedByName.isEmpty()) {
            return;
        }
        String name = Identifiers.key(column.getColumnName());
        if (derived.open() ? WholeRowFunctions.takesAnyRow(name) : !derived.names().contains(name)) {
            throw new Rejection(column.getFullyQualifiedName() + " names no column of a subquery or WITH query that"
                    + " holds encrypted column " + encryptedByName.values().iterator().next().name() + ": PostgreSQL"
                    + " would read it as the function " + Identifiers.unquote(column.getColumnName())
                    + " over the whole row, built from ciphertext; select the columns you need");
        }
    }

    /** The source's encrypted columns by lower-case name. */
    Map<String, EncryptedColumn> encryptedByName() {
        return encryptedByName;
    }

    /** What {@code *} over this source yields. */
    List<Projection> star() {
        if (table != null) {
            return List.of(new Projection.AllColumns(encryptedByName));
        }
        return derived.projections();
    }

    /**
     * The result names of {@link #star()}'s items: a derived table's own, so that {@code *} over it, wrapped in
     * another, still names its encrypted columns; none for the one item over a physical table, which its projection
     * maps by name.
     */
    List<String> starNames() {
        return table != null ? Collections.singletonList(null) : derived.names();
    }

    /**
     * Whether {@link #star()} stands for the source's columns one for one: a table's star is matched by name, a
     * derived table's is its projections, which a set-returning function or VALUES leaves uncounted.
     */
    boolean widthKnown() {
        return table != null || derived.widthKnown();
    }

    /** The physical table this source reads, or null for a derived table or common table expression. */
    Table table() {
        return table;
    }

    /** The physical table {@code *} over this source covers, or null for a derived table. */
    StarTable starTable() {
        return table == null ? null : new StarTable(table.getSchemaName(), table.getName());
    }
}
