package dev.cloak.driver.internal.jdbc;

import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.driver.internal.error.SqlState;
import dev.cloak.rewriter.StatementPlan;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** A plain {@link Statement}: each SQL text is planned; results are decrypted by the plan of the last text run. */
final class EncryptingStatement extends DelegatingStatement<Statement> {

    private final EncryptingConnection connection;
    /**
     * The plan of the text whose results the delegate holds. Null while no plan describes them: before the first
     * text, while one is sent, and after one was refused or failed or a batch ran; no result is handed out then.
     */
    private volatile StatementPlan lastPlan;
    /** Set by {@link #cancel()} while {@link #sqlFor} runs: a cancel the server cannot see, as nothing was sent. */
    private volatile boolean cancelled;

    /** What each text of the batch was planned for, checked again before the batch runs. */
    private final List<Batched> batch = new ArrayList<>();

    /** A batched text's plan, the migration layout it was planned with, and the principal it was checked for. */
    private record Batched(StatementPlan plan, Set<String> layout, String checkedFor) {
    }

    /** A planned text and what is sent for it. */
    private record Planned(StatementPlan plan, String text) {
    }

    EncryptingStatement(EncryptingConnection connection, Statement delegate) {
        super(connection, delegate);
        this.connection = connection;
    }

    /** The plan describes the delegate's results only once the delegate ran its text; a refusal leaves none. */
    @Override
    protected <T> T run(String sql, Send<T> send) throws SQLException {
        lastPlan = null;
        Planned planned = planned(sql);
        T result = send.send(planned.text());
        lastPlan = planned.plan();
        return result;
    }

    @Override
    protected String sqlFor(String sql) throws SQLException {
        return planned(sql).text();
    }

    /**
     * Plans the text and encrypts its literals, which may wait for a key (no longer than {@code keyring.kms-timeout}).
     * A cancel or an expired query timeout during that wait is honoured before anything is sent (57014).
     */
    private Planned planned(String sql) throws SQLException {
        cancelled = false;
        long started = System.nanoTime();
        StatementPlan plan = Results.planForText(connection, sql);
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
        return new Planned(plan, text);
    }

    /** Cancels what the server runs, and what Cloak prepares before sending. */
    @Override
    public void cancel() throws SQLException {
        cancelled = true;
        delegate.cancel();
    }

    /**
     * Plans the text now, and records the layout and the principal it was planned for: {@link #beforeExecute}
     * checks them again, as a prepared statement's, when the batch runs.
     */
    @Override
    public void addBatch(String sql) throws SQLException {
        Set<String> layout = connection.policy().plaintextColumns(sql);
        String principal = connection.getPrincipal();
        StatementPlan plan = Results.planForText(connection, sql, principal);
        if (!plan.impliedColumns().isEmpty()) {
            // a statement batched before it may change which table the name is when the batch runs
            throw SqlErrors.refused("INSERT without a column list on a configured table cannot be batched with"
                    + " addBatch(String): name the columns, or prepare it and batch its parameters");
        }
        delegate.addBatch(connection.policy().serverText().of(plan));
        batch.add(new Batched(plan, layout, principal));
    }

    @Override
    public void clearBatch() throws SQLException {
        batch.clear();
        delegate.clearBatch();
    }

    /**
     * Before the batch runs: a cut-over since a text was batched refuses it (40001), and a principal set since is
     * checked (28000). A refused batch is dropped whole, nothing of it sent, as the server drops a failed one.
     */
    @Override
    protected void beforeExecute() throws SQLException {
        lastPlan = null; // a batch hands back no result that one plan describes
        String principal = connection.getPrincipal();
        try {
            for (Batched batched : batch) {
                connection.policy().checkLayout(batched.layout());
                if (batched.checkedFor() != principal) {
                    connection.checkUses(batched.plan(), principal);
                }
            }
        } catch (SQLException refused) {
            try {
                clearBatch();
            } catch (SQLException e) {
                refused.addSuppressed(e);
            }
            throw refused;
        }
    }

    @Override
    public int[] executeBatch() throws SQLException {
        try {
            return super.executeBatch();
        } finally {
            batch.clear(); // the delegate's batch is reset by executeBatch, whatever it returns
        }
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        try {
            return super.executeLargeBatch();
        } finally {
            batch.clear();
        }
    }

    // ---- results: only those a plan describes; after a refusal the delegate may still hold the previous text's
    @Override
    public ResultSet getResultSet() throws SQLException {
        return lastPlan == null ? null : super.getResultSet();
    }

    @Override
    public boolean getMoreResults() throws SQLException {
        return lastPlan != null && super.getMoreResults();
    }

    @Override
    public boolean getMoreResults(int current) throws SQLException {
        return lastPlan != null && super.getMoreResults(current);
    }

    @Override
    public int getUpdateCount() throws SQLException {
        return lastPlan == null ? -1 : super.getUpdateCount();
    }

    @Override
    public long getLargeUpdateCount() throws SQLException {
        return lastPlan == null ? -1 : super.getLargeUpdateCount();
    }

    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
        if (lastPlan == null) {
            throw SqlErrors.refused("No generated keys: the last statement run on this Statement was a batch, or was"
                    + " refused or failed; ask for generated keys after executing one statement");
        }
        return super.getGeneratedKeys();
    }

    @Override
    protected String[] generatedKeyNames(String[] columnNames) throws SQLException {
        return GeneratedKeyColumns.requireIdentifiers(columnNames);
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
