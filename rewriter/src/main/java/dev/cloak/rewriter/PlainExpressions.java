package dev.cloak.rewriter;

import java.util.function.Supplier;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.AnalyticType;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.ExpressionVisitorAdapter;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.JdbcNamedParameter;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.JsonExpression;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.TrimFunction;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.relational.CosineSimilarity;
import net.sf.jsqlparser.expression.operators.relational.ExistsExpression;
import net.sf.jsqlparser.expression.operators.relational.GreaterThan;
import net.sf.jsqlparser.expression.operators.relational.GreaterThanEquals;
import net.sf.jsqlparser.expression.operators.relational.IsDistinctExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.LikeExpression;
import net.sf.jsqlparser.expression.operators.relational.MinorThan;
import net.sf.jsqlparser.expression.operators.relational.MinorThanEquals;
import net.sf.jsqlparser.expression.operators.relational.RegExpMatchOperator;
import net.sf.jsqlparser.expression.operators.relational.SimilarToExpression;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.Select;

/**
 * Expressions that must not touch an encrypted column: functions, casts, ordering comparisons, patterns,
 * arithmetic, plain conditions. The database would compute them over ciphertext, so an encrypted column in one
 * is refused, naming the innermost construct and why it cannot work; their {@code ?} are plain parameters.
 * Two tests read no more than NULL-ness, which the stored cells show anyway, and so work on any encrypted
 * column wherever a value may stand: {@code c IS [NOT] NULL} and {@code COUNT(c)}.
 */
final class PlainExpressions {

    private final Analysis analysis;

    PlainExpressions(Analysis analysis) {
        this.analysis = analysis;
    }

    /** Checks an expression (null: nothing to check) whose column references resolve in {@code scope}. */
    void requirePlain(Expression expression, String construct, Scope scope) {
        if (expression != null) {
            expression.accept(new Walk(construct, scope), null);
        }
    }

    /** Why a construct cannot work on an encrypted column. */
    private static String reason(String construct) {
        if (construct.startsWith("comparison <") || construct.startsWith("comparison >")
                || construct.equals("BETWEEN")) {
            return "its ciphertexts are not ordered";
        }
        if (construct.equals("LIKE") || construct.equals("SIMILAR TO") || construct.startsWith("regular")) {
            return "its ciphertexts cannot be matched against a pattern";
        }
        return "the database only sees its ciphertext; use the column on its own, compared with a ? parameter";
    }

    /**
     * Refuses a window's {@code PARTITION BY} or {@code ORDER BY} expression that names a select-list alias of an
     * encrypted column of its level: MariaDB reads the alias there (where Cloak reads the FROM items' column), so
     * a value compared with it would be sent in clear, and its cells grouped or ordered as they are stored.
     */
    void requireNoSelectAlias(Expression window, Scope scope) {
        window.accept(new ExpressionVisitorAdapter<Void>() {
            @Override
            public <S> Void visit(Column column, S context) {
                EncryptedColumn alias = scope.ownSelectAlias(column);
                if (alias != null) {
                    throw new Rejection("name " + Identifiers.unquote(column.getColumnName()) + " in a window is a"
                            + " select-list alias of encrypted column " + alias.name() + ", which MariaDB reads there"
                            + " and Cloak does not: give the alias a name no column has, and order or partition by"
                            + " plain columns");
                }
                return null;
            }
        }, null);
    }

    /** Finds encrypted columns, parameters and subqueries inside an expression, naming the innermost construct. */
    private final class Walk extends ExpressionVisitorAdapter<Void> {

        private final Scope scope;
        private String construct;

        Walk(String construct, Scope scope) {
            this.construct = construct;
            this.scope = scope;
        }

        private Void within(String inner, Supplier<Void> descend) {
            String outer = construct;
            construct = inner;
            try {
                return descend.get();
            } finally {
                construct = outer;
            }
        }

        @Override
        public <S> Void visit(Column column, S context) {
            EncryptedColumn encrypted = scope.encryptedOf(column);
            if (encrypted != null) {
                throw new Rejection(construct + " on " + encrypted.mode() + " column " + encrypted.name()
                        + " is not supported: " + reason(construct));
            }
            analysis.resolvedPlain(column);
            return null;
        }

        /**
         * {@code c IS [NOT] NULL} tells only what the stored cell shows: whether it is NULL. {@code ? IS [NOT] NULL}
         * needs only whether the value is NULL: the driver binds a stand-in, never the value.
         */
        @Override
        public <S> Void visit(IsNullExpression isNull, S context) {
            if (isNull.getLeftExpression() instanceof Column column && scope.encryptedOf(column) != null) {
                analysis.use(scope.encryptedOf(column), ColumnUse.Kind.NULL_TEST);
                analysis.approve(column);
                return null;
            }
            if (nullTested(isNull.getLeftExpression())) {
                return null;
            }
            return super.visit(isNull, context);
        }

        /** {@code ? IS [NOT] DISTINCT FROM NULL}: a NULL test of the parameter. */
        @Override
        public <S> Void visit(IsDistinctExpression distinct, S context) {
            if (distinct.getRightExpression() instanceof NullValue && nullTested(distinct.getLeftExpression())
                    || distinct.getLeftExpression() instanceof NullValue && nullTested(distinct.getRightExpression())) {
                return null;
            }
            return super.visit(distinct, context);
        }

        /** MariaDB's {@code ? <=> NULL}, which JSqlParser reads as pgvector's cosine distance operator. */
        @Override
        public <S> Void visit(CosineSimilarity nullSafe, S context) {
            if (analysis.dialect == Dialect.MARIADB && (nullSafe.getRightExpression() instanceof NullValue
                    && nullTested(nullSafe.getLeftExpression()) || nullSafe.getLeftExpression() instanceof NullValue
                    && nullTested(nullSafe.getRightExpression()))) {
                return null;
            }
            return super.visit(nullSafe, context);
        }

        /**
         * Records {@code operand} as a parameter only tested for NULL when it is one ({@code ?}, or its cast), and
         * says whether it was.
         */
        private boolean nullTested(Expression operand) {
            String standIn = NullTestedParameter.standIn(operand, analysis.dialect);
            if (standIn == null) {
                return false;
            }
            analysis.nullTestedParameter(analysis.checkedIndex(NullTestedParameter.parameterOf(operand)), standIn);
            return true;
        }

        /** {@code t.*} inside an expression ({@code ROW(t.*)}, {@code count(t.*)}) is the whole row. */
        @Override
        public <S> Void visit(AllTableColumns columns, S context) {
            Source source = scope.sourceFor(columns.getTable());
            if (source != null && !source.encryptedByName().isEmpty()) {
                throw Scope.wholeRow(Identifiers.unquote(columns.getTable().getName()), source);
            }
            return super.visit(columns, context);
        }

        @Override
        public <S> Void visit(JdbcParameter parameter, S context) {
            analysis.plainParameter(analysis.checkedIndex(parameter));
            return null;
        }

        /**
         * JSqlParser reads {@code data->>'k' = ?} as {@code data ->> ('k' = ?)} and its visitors skip the keys: the
         * base and every key are checked here, so a parameter there counts as plain and an encrypted column there
         * is refused, whichever way the operators group.
         */
        @Override
        public <S> Void visit(JsonExpression json, S context) {
            within("JSON operator", () -> {
                json.getExpression().accept(this, context);
                json.getIdentList().forEach(key -> key.getKey().accept(this, context));
                return null;
            });
            return null;
        }

        /** {@code TRIM(BOTH FROM x)} has no characters to trim, which JSqlParser's adapter would dereference. */
        @Override
        public <S> Void visit(TrimFunction trim, S context) {
            within("TRIM", () -> {
                if (trim.getExpression() != null) {
                    trim.getExpression().accept(this, context);
                }
                if (trim.getFromExpression() != null) {
                    trim.getFromExpression().accept(this, context);
                }
                return null;
            });
            return null;
        }

        @Override
        public <S> Void visit(JdbcNamedParameter parameter, S context) {
            throw new Rejection("a named parameter on configured table " + analysis.tableName() + Rejection.NOT_YET
                    + ": use ? parameters");
        }

        @Override
        public <S> Void visit(ParenthesedSelect select, S context) {
            return subquery(select);
        }

        @Override
        public <S> Void visit(Select select, S context) {
            return subquery(select);
        }

        @Override
        public <S> Void visit(ExistsExpression exists, S context) {
            if (exists.getRightExpression() instanceof Select select && !analysis.isAnalysed(select)) {
                // EXISTS reads no value of the subquery: its result columns may be encrypted
                analysis.queries.query(select, scope);
                return null;
            }
            return super.visit(exists, context);
        }

        /** A subquery whose value feeds a plain expression must not return an encrypted column. */
        private Void subquery(Select select) {
            if (analysis.isAnalysed(select)) {
                return null;
            }
            ResultColumns result = analysis.queries.query(select, scope);
            for (Projection projection : result.projections()) {
                for (EncryptedColumn column : ResultColumns.encryptedIn(projection)) {
                    throw new Rejection("a subquery returning encrypted column " + column.name() + " in " + construct
                            + " is not supported: " + reason(construct));
                }
            }
            return null;
        }

        @Override
        public <S> Void visit(Function function, S context) {
            if (analysis.dialect == Dialect.MARIADB && "isnull".equalsIgnoreCase(function.getName())
                    && function.getParameters() != null && function.getParameters().size() == 1
                    && nullTested(function.getParameters().get(0))) {
                // MariaDB's ISNULL(?)
                return null;
            }
            if ("count".equalsIgnoreCase(function.getName()) && function.getParameters() != null
                    && function.getParameters().size() == 1
                    && counted(function.getParameters().get(0), function.isDistinct())) {
                return null;
            }
            return within("function " + function.getName() + "()", () -> super.visit(function, context));
        }

        /** {@code COUNT(c) FILTER (WHERE ...)}: the count of non-NULL cells; the filter is checked as usual. */
        @Override
        public <S> Void visit(AnalyticExpression analytic, S context) {
            boolean filterOnly = analytic.getType() == AnalyticType.FILTER_ONLY && analytic.getKeep() == null
                    && analytic.getOffset() == null && analytic.getDefaultValue() == null;
            String name = "function " + analytic.getName() + "()";
            if (analytic.getPartitionExpressionList() != null) {
                analytic.getPartitionExpressionList().forEach(partition -> requireNoSelectAlias(partition, scope));
            }
            if (analytic.getOrderByElements() != null) {
                analytic.getOrderByElements().forEach(order -> requireNoSelectAlias(order.getExpression(), scope));
            }
            if (filterOnly && "count".equalsIgnoreCase(analytic.getName())
                    && counted(analytic.getExpression(), analytic.isDistinct())) {
                Expression filter = analytic.getFilterExpression();
                return filter == null ? null : within(name, () -> filter.accept(this, context));
            }
            return within(name, () -> super.visit(analytic, context));
        }

        /**
         * Whether the argument of a COUNT is an encrypted column or a whole row, approved: NULL-ness is visible at
         * rest, so the count is right for any column; the distinct count only where equal values have equal
         * ciphertexts.
         */
        private boolean counted(Expression argument, boolean distinct) {
            if (!distinct && countsRows(argument)) {
                return true;
            }
            if (!(argument instanceof Column column)) {
                return false;
            }
            EncryptedColumn encrypted = scope.encryptedOf(column);
            if (encrypted == null) {
                return false;
            }
            if (distinct) {
                CiphertextRules.requireDeterministic(encrypted, "COUNT(DISTINCT)");
            }
            // COUNT(c) counts the cells that are not NULL; COUNT(DISTINCT c) compares them
            analysis.use(encrypted, distinct ? ColumnUse.Kind.COMPARE : ColumnUse.Kind.NULL_TEST);
            analysis.approve(column);
            return true;
        }

        /**
         * {@code COUNT(t)} and {@code COUNT(t.*)} of a source in scope: PostgreSQL counts its rows (a row whose cells
         * are all NULL counts too; only an outer join's missing row does not), so no cell reaches the result. Only
         * without DISTINCT, which would compare the rows, cells included.
         */
        private boolean countsRows(Expression argument) {
            if (argument instanceof AllTableColumns all) {
                return scope.sourceFor(all.getTable()) != null;
            }
            if (argument instanceof Column column && scope.wholeRowOf(column) != null) {
                analysis.approve(column);
                return true;
            }
            return false;
        }

        @Override
        public <S> Void visit(CastExpression cast, S context) {
            return within("CAST", () -> super.visit(cast, context));
        }

        @Override
        public <S> Void visit(GreaterThan comparison, S context) {
            return within("comparison >", () -> super.visit(comparison, context));
        }

        @Override
        public <S> Void visit(GreaterThanEquals comparison, S context) {
            return within("comparison >=", () -> super.visit(comparison, context));
        }

        @Override
        public <S> Void visit(MinorThan comparison, S context) {
            return within("comparison <", () -> super.visit(comparison, context));
        }

        @Override
        public <S> Void visit(MinorThanEquals comparison, S context) {
            return within("comparison <=", () -> super.visit(comparison, context));
        }

        @Override
        public <S> Void visit(Between between, S context) {
            return within("BETWEEN", () -> super.visit(between, context));
        }

        @Override
        public <S> Void visit(LikeExpression like, S context) {
            return within("LIKE", () -> super.visit(like, context));
        }

        @Override
        public <S> Void visit(SimilarToExpression similar, S context) {
            return within("SIMILAR TO", () -> super.visit(similar, context));
        }

        @Override
        public <S> Void visit(RegExpMatchOperator match, S context) {
            return within("regular expression match", () -> super.visit(match, context));
        }
    }
}
