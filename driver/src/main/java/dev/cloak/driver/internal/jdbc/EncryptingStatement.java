package dev.cloak.driver.internal.jdbc;

import dev.cloak.rewriter.StatementPlan;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** A plain {@link Statement}: each SQL text is planned; results are decrypted by the plan of the last text. */
final class EncryptingStatement extends DelegatingStatement<Statement> {

    private final EncryptingConnection connection;
    private volatile StatementPlan lastPlan;

    EncryptingStatement(EncryptingConnection connection, Statement delegate) {
        super(connection, delegate);
        this.connection = connection;
    }

    @Override
    protected String sqlFor(String sql) throws SQLException {
        StatementPlan plan = Results.planForText(connection, sql);
        lastPlan = plan;
        return connection.policy().serverText().of(plan);
    }

    /** A batch has no results to decrypt: planning it must not change the plan of the last executed text. */
    @Override
    public void addBatch(String sql) throws SQLException {
        delegate.addBatch(connection.policy().serverText().of(Results.planForText(connection, sql)));
    }

    @Override
    protected ResultSet wrapResultSet(ResultSet resultSet) throws SQLException {
        return Results.wrap(this, resultSet, lastPlan, connection);
    }

    @Override
    protected ResultSet wrapGeneratedKeys(ResultSet resultSet) throws SQLException {
        return Results.wrapGeneratedKeys(this, resultSet, lastPlan, connection);
    }
}
