package dev.cloak.driver.internal.jdbc;

import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.driver.internal.policy.ServerText;
import dev.cloak.rewriter.StatementPlan;
import java.sql.CallableStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;

/**
 * A callable statement: its indexed parameters are handled as a prepared statement's; OUT parameters and parameters
 * by name pass through on statements that touch no encrypted column and are refused on the others.
 */
final class EncryptingCallableStatement extends DelegatingCallableStatement {

    private final EncryptingConnection connection;
    private final StatementPlan plan;
    private final ParameterEncryption parameters;
    /** What it was planned with, checked again before it runs. */
    private final PreparedPlan prepared;

    /**
     * @param lookupKeys the key versions the plan's lookups were sent for (one each), or null when it has none
     */
    EncryptingCallableStatement(EncryptingConnection connection, CallableStatement delegate,
                                PreparedPlan prepared, ServerText.LookupKeys lookupKeys) {
        super(connection, delegate);
        this.connection = connection;
        this.plan = prepared.plan;
        this.prepared = prepared;
        this.parameters = new ParameterEncryption(connection.policy(), plan, lookupKeys);
    }

    /**
     * A cut-over since the statement was prepared refuses it (40001), the table an INSERT without a column list names
     * is resolved again (0A000), and a principal set on the connection since then is checked, before it runs.
     */
    @Override
    protected void beforeExecute() throws SQLException {
        connection.checkBeforeRun(prepared);
    }

    @Override
    protected void checkCallableAccess() throws SQLException {
        if (!plan.passThrough()) {
            throw SqlErrors.refused("OUT parameters and parameters by name are not supported on statements that"
                    + " touch encrypted columns: bind by index with a PreparedStatement");
        }
    }

    @Override
    protected boolean isEncrypted(int parameterIndex) {
        return plan.withholds(parameterIndex);
    }

    @Override
    protected void setEncrypted(int parameterIndex, Object value, int sqlType) throws SQLException {
        parameters.bind(delegate, parameterIndex, value, sqlType);
    }

    @Override
    protected String[] generatedKeyNames(String[] columnNames) throws SQLException {
        return GeneratedKeyColumns.requireIdentifiers(columnNames);
    }

    @Override
    protected String sqlFor(String sql) throws SQLException {
        return connection.policy().serverText().of(Results.planForText(connection, sql));
    }

    @Override
    protected ResultSet wrapResultSet(ResultSet resultSet) throws SQLException {
        return Results.wrap(this, resultSet, plan, connection);
    }

    @Override
    protected ResultSet wrapGeneratedKeys(ResultSet resultSet) throws SQLException {
        return Results.wrapGeneratedKeys(this, resultSet, plan, connection);
    }

    @Override
    protected ResultSetMetaData wrapMetaData(ResultSetMetaData metaData) throws SQLException {
        return Results.wrapMetaData(metaData, plan, connection);
    }
}
