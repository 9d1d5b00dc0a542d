package dev.cloak.rewriter;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.Parenthesis;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;

/**
 * A {@code ?} whose only use is a NULL test: {@code ? IS [NOT] NULL}, or {@code CAST(? AS type) IS [NOT] NULL}
 * ({@code ?::type} in PostgreSQL), in parentheses or not; {@code ? IS [NOT] DISTINCT FROM NULL}, MariaDB's
 * {@code ? <=> NULL} and {@code ISNULL(?)}. Applications filter optionally with it and bind the same value as to an
 * encrypted column next to it, {@code WHERE (? IS NULL OR ssn = ?)}: the server needs only whether the value is
 * NULL, so the driver binds a NULL for a NULL and a fixed stand-in of the cast's type for anything else, and the
 * value itself never leaves the application. A cast whose result's NULL-ness depends on the value (MariaDB casts
 * an invalid date to NULL) or to a type without a known stand-in (arrays, intervals,
 * user-defined types) keeps the parameter plain.
 */
final class NullTestedParameter {

    /**
     * The stand-in for a bare {@code ?}, and for text and binary types: a string every dialect tests for NULL as it
     * is. Not the empty string, which MariaDB's {@code EMPTY_STRING_IS_NULL} and H2's Oracle mode read as NULL.
     */
    static final String BARE = "0";

    private static final String ZERO = "0";
    private static final String TIMESTAMP = "2000-01-01 00:00:00";

    /** A stand-in per type name (lower case, without length or precision), each valid input of that type. */
    private static final Map<String, String> STAND_INS = Map.ofEntries(
            Map.entry("char", BARE), Map.entry("character", BARE), Map.entry("varchar", BARE),
            Map.entry("character varying", BARE), Map.entry("nchar", BARE), Map.entry("nvarchar", BARE),
            Map.entry("national character", BARE), Map.entry("national character varying", BARE),
            Map.entry("national char", BARE), Map.entry("text", BARE), Map.entry("bpchar", BARE),
            Map.entry("varchar2", BARE), Map.entry("clob", BARE), Map.entry("character large object", BARE),
            Map.entry("binary", BARE), Map.entry("varbinary", BARE), Map.entry("binary varying", BARE),
            Map.entry("bytea", BARE), Map.entry("blob", BARE), Map.entry("binary large object", BARE),
            Map.entry("int", ZERO), Map.entry("integer", ZERO), Map.entry("int2", ZERO), Map.entry("int4", ZERO),
            Map.entry("int8", ZERO), Map.entry("smallint", ZERO), Map.entry("bigint", ZERO),
            Map.entry("tinyint", ZERO), Map.entry("numeric", ZERO), Map.entry("decimal", ZERO),
            Map.entry("real", ZERO), Map.entry("float", ZERO), Map.entry("float4", ZERO), Map.entry("float8", ZERO),
            Map.entry("double", ZERO), Map.entry("double precision", ZERO), Map.entry("signed", ZERO),
            Map.entry("signed integer", ZERO), Map.entry("unsigned", ZERO), Map.entry("unsigned integer", ZERO),
            Map.entry("json", ZERO), Map.entry("jsonb", ZERO),
            Map.entry("boolean", "false"), Map.entry("bool", "false"),
            Map.entry("date", "2000-01-01"),
            Map.entry("time", "00:00:00"), Map.entry("time without time zone", "00:00:00"),
            Map.entry("timestamp", TIMESTAMP), Map.entry("timestamp without time zone", TIMESTAMP),
            Map.entry("timestamptz", TIMESTAMP), Map.entry("timestamp with time zone", TIMESTAMP),
            Map.entry("datetime", TIMESTAMP),
            Map.entry("uuid", "00000000-0000-0000-0000-000000000000"));

    /** Types MariaDB casts an invalid value to as NULL ({@code CAST('2020-02-30' AS DATE)}): the value matters. */
    private static final Set<String> MARIADB_NULL_ON_INVALID = Set.of("date", "time", "datetime", "timestamp");

    private NullTestedParameter() {
    }

    /** The parameter of a NULL test's operand ({@link #standIn} not null), under its parentheses and cast. */
    static JdbcParameter parameterOf(Expression operand) {
        Expression inner = nullnessOperand(operand);
        return inner instanceof CastExpression cast ? (JdbcParameter) nullnessOperand(cast.getLeftExpression())
                : (JdbcParameter) inner;
    }

    /**
     * What decides whether {@code expression} is NULL: the expression under its parentheses, and under
     * {@code COALESCE(x, NULL, …)}, which is NULL exactly when {@code x} is (PostgreSQL users write
     * {@code COALESCE(?, NULL) IS NULL} to give the parameter a type).
     */
    private static Expression nullnessOperand(Expression expression) {
        Expression inner = expression;
        while (true) {
            if (inner instanceof Parenthesis parenthesis) {
                inner = parenthesis.getExpression();
            } else if (inner instanceof ParenthesedExpressionList<?> list && list.size() == 1) {
                inner = list.get(0);
            } else if (inner instanceof Function function && "coalesce".equalsIgnoreCase(function.getName())
                    && function.getParameters() != null && !function.getParameters().isEmpty()
                    && function.getParameters().stream().skip(1).allMatch(NullValue.class::isInstance)) {
                inner = function.getParameters().get(0);
            } else {
                return inner;
            }
        }
    }

    /**
     * The stand-in to bind for the operand of a NULL test, or null when the operand is no parameter or a cast of
     * one to a type without a known stand-in.
     */
    static String standIn(Expression operand, Dialect dialect) {
        operand = nullnessOperand(operand);
        if (operand instanceof JdbcParameter) {
            return BARE;
        }
        if (!(operand instanceof CastExpression cast)
                || !(nullnessOperand(cast.getLeftExpression()) instanceof JdbcParameter)
                || cast.getColDataType() == null || cast.getColDataType().getArrayData() != null
                && !cast.getColDataType().getArrayData().isEmpty()) {
            return null;
        }
        String type = cast.getColDataType().getDataType();
        int arguments = type.indexOf('(');
        type = (arguments < 0 ? type : type.substring(0, arguments)).strip();
        if (type.toLowerCase(Locale.ROOT).startsWith("pg_catalog.")) {
            type = type.substring("pg_catalog.".length());
        }
        // a quoted type name is matched as written, an unquoted one in any case
        String name = Identifiers.isQuoted(type) ? Identifiers.unquote(type) : type.toLowerCase(Locale.ROOT);
        if (dialect == Dialect.MARIADB && MARIADB_NULL_ON_INVALID.contains(name)) {
            return null;
        }
        return STAND_INS.get(name);
    }
}
