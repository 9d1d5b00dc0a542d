package dev.cloak.driver.internal.jdbc;

import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.driver.internal.error.SqlState;
import dev.cloak.rewriter.StatementPlan;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/** A plain {@link Statement}: each SQL text is planned; results are decrypted by the plan of the last text. */
final class EncryptingStatement extends DelegatingStatement<Statement> {

    private final EncryptingConnection connection;
    private volatile StatementPlan lastPlan;
    /** Set by {@link #cancel()} while {@link #sqlFor} runs: a cancel the server cannot see, as nothing was sent. */
    private volatile boolean cancelled;

    EncryptingStatement(EncryptingConnection connection, Statement delegate) {
        super(connection, delegate);
        this.connection = connection;
    }

    /**
     * Plans the text and encrypts its literals, which may wait for a key (no longer than {@code keyring.kms-timeout}).
     * A cancel or an expired query timeout during that wait is honoured before anything is sent (57014).
     */
    @Override
    protected String sqlFor(String sql) throws SQLException {
        cancelled = false;
        long started = System.nanoTime();
        StatementPlan plan = Results.planForText(connection, sql);
        lastPlan = plan;
        String text = connection.policy().serverText().of(plan);
        if (cancelled) {
            throw SqlErrors.of(SqlState.STATEMENT_CANCELLED, "the statement was cancelled while Cloak prepared it "
                    + "(encrypting its values); nothing was sent");
        }
        int timeout = delegate.getQueryTimeout();
        if (timeout > 0 && System.nanoTime() - started >= TimeUnit.SECONDS.toNanos(timeout)) {
            throw SqlErrors.of(SqlState.QUERY_TIMEOUT, "the query timeout (" + timeout + " s) passed while Cloak "
                    + "prepared the statement (waiting for a key to encrypt its values); nothing was sent");
        }
        return text;
    }

    /** Cancels what the server runs, and what Cloak prepares before sending. */
    @Override
    public void cancel() throws SQLException {
        cancelled = true;
        delegate.cancel();
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
