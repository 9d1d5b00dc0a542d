package dev.cloak.rewriter;

import static dev.cloak.rewriter.Analysis.present;

import java.util.List;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.JdbcNamedParameter;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.ReturningClause;

/**
 * The one table an INSERT, UPDATE or DELETE writes: the scope its clauses see (the table first, then what a
 * write joins), its encrypted columns, the values assigned to them, and what RETURNING reads back. An encrypted
 * column takes a {@code ?} the driver encrypts, a literal it encrypts, NULL, or a cell copied from a column of
 * the same key domain and mode; never an expression the database would compute.
 */
final class WriteTarget {

    private final Analysis analysis;
    private final Table table;
    private final Scope scope;

    private WriteTarget(Analysis analysis, Table table) {
        this.analysis = analysis;
        this.table = table;
        this.scope = new Scope(null);
    }

    /** Makes {@code table} the statement's target and the only source of a new outermost scope. */
    static WriteTarget enter(Analysis analysis, Table table) {
        analysis.setTarget(table);
        WriteTarget target = new WriteTarget(analysis, table);
        analysis.readsRelation(table);
        target.scope.add(Source.table(analysis.tables, table,
                table.getAlias() == null ? null : table.getAlias().getName()));
        return target;
    }

    Table table() {
        return table;
    }

    Scope scope() {
        return scope;
    }

    /**
     * The encrypted column an UPDATE's SET assigns, resolved as the server does, or null for a plain one. PostgreSQL
     * (and H2) write only the target: a SET column names a column of it, never of a FROM item, and {@code x.f} there
     * is field {@code f} of the target's column {@code x}. MariaDB's multiple-table UPDATE writes any joined table: a
     * qualified column names its table's, an unqualified one is resolved over all of them (the server refuses it
     * when two have it).
     */
    EncryptedColumn setColumn(Column column, Scope level) {
        if (analysis.dialect == Dialect.MARIADB) {
            return level.encryptedOf(column);
        }
        Table qualifier = column.getTable();
        if (qualifier == null || qualifier.getName() == null || scope.sources().get(0).answersTo(qualifier)) {
            return column(column.getColumnName());
        }
        EncryptedColumn composite = column(qualifier.getName());
        if (composite != null) {
            throw new Rejection("assigning a field of encrypted column " + composite.name() + " is not supported:"
                    + " its cells are ciphertext; assign the whole column with a ? parameter");
        }
        Source named = level.sourceFor(qualifier);
        EncryptedColumn meant = named != null ? named.encrypted(column) : column(column.getColumnName());
        if (meant != null) {
            // UPDATE t AS a SET t.c, or SET f.c for a FROM item f: the server reads a field of t's column t or f
            throw new Rejection("SET " + Identifiers.unquote(qualifier.getName()) + "."
                    + Identifiers.unquote(column.getColumnName()) + " is not supported: PostgreSQL writes only the"
                    + " UPDATE's target and reads it as a field of a column, not encrypted column " + meant.name()
                    + "; write SET " + Identifiers.unquote(column.getColumnName()) + " = …");
        }
        return null;
    }

    /** The encrypted column of the target that a column name (in a column list or SET) names, or null. */
    EncryptedColumn column(String name) {
        return analysis.tables.column(table, name);
    }

    /**
     * A value written to a column: an encrypted column takes only a ? parameter, a literal, NULL, {@code DEFAULT} or
     * a column copy.
     */
    void assign(EncryptedColumn column, Expression value, String construct) {
        if (column == null) {
            analysis.plain.requirePlain(value, construct, scope);
            return;
        }
        if (value instanceof JdbcParameter parameter) {
            analysis.encryptedParameter(analysis.checkedIndex(parameter), column);
        } else if (value instanceof NullValue) {
            return;
        } else if (isDefault(value)) {
            // the column's default, as when the statement leaves the column out: Cloak sends no value for it
            analysis.approve((Column) value);
        } else if (LiteralLocator.isLiteral(value)) {
            analysis.literal(value, column);
        } else if (value instanceof Column source) {
            // the database copies the stored cell: only a column of the same key domain and mode can give it
            CiphertextRules.requireCopyable(column, scope.encryptedOf(source), "SET " + column.name() + " = column",
                    Identifiers.unquote(source.getColumnName()));
            analysis.use(scope.encryptedOf(source), ColumnUse.Kind.COPY);
            analysis.use(column, ColumnUse.Kind.WRITE);
            analysis.approve(source);
        } else if (value instanceof JdbcNamedParameter) {
            throw new Rejection("named parameter for encrypted column " + column.name()
                    + Rejection.NOT_YET + ": bind it with a ? parameter");
        } else {
            throw new Rejection("expression assigned to encrypted column " + column.name()
                    + " is not supported: Cloak can only encrypt a bound value; bind it with a ? parameter");
        }
    }

    /** The keyword {@code DEFAULT} in VALUES or SET, which JSqlParser reads as a column of that name. */
    private static boolean isDefault(Expression value) {
        return value instanceof Column keyword && keyword.getTable() == null
                && "DEFAULT".equalsIgnoreCase(keyword.getColumnName());
    }

    /** RETURNING: a select list over the target's scope. */
    List<Projection> returning(ReturningClause returning) {
        if (returning == null || returning.isEmpty()) {
            return List.of();
        }
        if (present(returning.getDataItems())) {
            throw new Rejection("RETURNING ... INTO on configured table " + analysis.tableName() + Rejection.NOT_YET
                    + ": read the returned columns as a result set");
        }
        return analysis.clauses.projections(returning, scope).projections();
    }
}
