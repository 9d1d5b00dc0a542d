package dev.cloak.driver.internal.jdbc;

import dev.cloak.driver.internal.policy.ServerText;
import dev.cloak.rewriter.StatementPlan;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;

/** A prepared statement whose parameters on encrypted columns are encrypted as they are bound. */
final class EncryptingPreparedStatement extends DelegatingPreparedStatement<PreparedStatement> {

    private final EncryptingConnection connection;
    private final StatementPlan plan;
    private final ParameterEncryption parameters;
    /** What it was planned with, checked again before it runs. */
    private final PreparedPlan prepared;

    /**
     * @param lookupKeys the key versions the plan's lookups were sent for, or null when it has none
     */
    EncryptingPreparedStatement(EncryptingConnection connection, PreparedStatement delegate,
                                PreparedPlan prepared, ServerText.LookupKeys lookupKeys) {
        super(connection, delegate);
        this.connection = connection;
        this.plan = prepared.plan;
        this.prepared = prepared;
        this.parameters = new ParameterEncryption(connection.policy(), plan, lookupKeys);
    }

    /** Checked again before it runs: a cut-over, the table an implied column list names, a principal set since. */
    @Override
    protected void beforeExecute() throws SQLException {
        connection.checkBeforeRun(prepared);
    }

    @Override
    protected int delegateIndex(int parameterIndex) {
        return parameters.delegateIndex(parameterIndex);
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
