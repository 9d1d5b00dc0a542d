package dev.cloak.driver.internal.jdbc;

import dev.cloak.driver.internal.policy.ServerText;
import dev.cloak.rewriter.StatementPlan;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.Set;

/** A prepared statement whose parameters on encrypted columns are encrypted as they are bound. */
final class EncryptingPreparedStatement extends DelegatingPreparedStatement<PreparedStatement> {

    private final EncryptingConnection connection;
    private final StatementPlan plan;
    private final ParameterEncryption parameters;
    /** The principal the plan's uses were last checked for; another one is checked again before executing. */
    private volatile String checkedFor;
    /** The columns a migration had as plaintext when the statement was planned. */
    private final Set<String> layout;

    /**
     * @param lookupKeys the key versions the plan's lookups were sent for, or null when it has none
     * @param checkedFor the principal the plan's uses were checked for when it was prepared
     * @param layout     the columns a migration had as plaintext, read before the statement was planned; null for a
     *                   statement whose plan does not depend on them
     */
    EncryptingPreparedStatement(EncryptingConnection connection, PreparedStatement delegate, StatementPlan plan,
                                ServerText.LookupKeys lookupKeys, String checkedFor, Set<String> layout) {
        super(connection, delegate);
        this.connection = connection;
        this.plan = plan;
        this.parameters = new ParameterEncryption(connection.policy(), plan, lookupKeys);
        this.checkedFor = checkedFor;
        this.layout = layout;
    }

    /** Checked again before it runs: a cut-over, the table an implied column list names, a principal set since. */
    @Override
    protected void beforeExecute() throws SQLException {
        checkedFor = connection.checkBeforeRun(plan, layout, checkedFor);
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
