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
    /** The principal the plan's uses were last checked for; another one is checked again before executing. */
    private volatile String checkedFor;

    /**
     * @param lookupKeys the key versions the plan's lookups were sent for, or null when it has none
     * @param checkedFor the principal the plan's uses were checked for when it was prepared
     */
    EncryptingPreparedStatement(EncryptingConnection connection, PreparedStatement delegate, StatementPlan plan,
                                ServerText.LookupKeys lookupKeys, String checkedFor) {
        super(connection, delegate);
        this.connection = connection;
        this.plan = plan;
        this.parameters = new ParameterEncryption(connection.policy(), plan, lookupKeys);
        this.checkedFor = checkedFor;
    }

    /** A principal set on the connection since the statement was prepared is checked before it runs. */
    @Override
    protected void beforeExecute() throws SQLException {
        String principal = connection.getPrincipal();
        if (principal != checkedFor) {
            connection.checkUses(plan, principal);
            checkedFor = principal;
        }
    }

    @Override
    protected int delegateIndex(int parameterIndex) {
        return parameters.delegateIndex(parameterIndex);
    }

    @Override
    protected boolean isEncrypted(int parameterIndex) {
        return plan.parameter(parameterIndex) != null;
    }

    @Override
    protected void setEncrypted(int parameterIndex, Object value, int sqlType) throws SQLException {
        parameters.bind(delegate, parameterIndex, value, sqlType);
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
