package dev.cloak.driver.internal.jdbc;

import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.rewriter.EncryptedColumn;
import dev.cloak.rewriter.StatementPlan;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;

/** Wraps what a statement hands back, by the statement's plan. */
final class Results {

    private Results() {
    }

    static ResultSet wrap(Statement owner, ResultSet resultSet, StatementPlan plan, EncryptingConnection connection)
            throws SQLException {
        if (resultSet == null) {
            return null;
        }
        // a plan that decrypts nothing needs no result metadata, which some drivers build per call
        EncryptedColumn[] columns = plan == null || !plan.hasEncryptedResults() ? null
                : ResultColumns.resolve(plan, resultSet.getMetaData(), connection);
        return new DecryptingResultSet(owner, resultSet, columns, connection);
    }

    static ResultSet wrapGeneratedKeys(Statement owner, ResultSet resultSet, StatementPlan plan,
                                       EncryptingConnection connection) throws SQLException {
        if (resultSet == null) {
            return null;
        }
        return new DecryptingResultSet(owner, resultSet, GeneratedKeyColumns.resolve(plan, resultSet.getMetaData(),
                connection.policy(), connection), connection);
    }

    static ResultSetMetaData wrapMetaData(ResultSetMetaData metaData, StatementPlan plan,
                                          EncryptingConnection connection) throws SQLException {
        if (metaData == null) {
            return null;
        }
        return new DecryptingResultSetMetaData(metaData, ResultColumns.resolve(plan, metaData, connection),
                connection.policy());
    }

    /**
     * SQL text given to a plain statement, or to execute(String) of a prepared one: planned, and checked against the
     * access policy for the connection's principal before anything is sent.
     */
    static StatementPlan planForText(EncryptingConnection connection, String sql) throws SQLException {
        return planForText(connection, sql, connection.getPrincipal());
    }

    /** As {@link #planForText(EncryptingConnection, String)}, checked for {@code principal}. */
    static StatementPlan planForText(EncryptingConnection connection, String sql, String principal)
            throws SQLException {
        StatementPlan plan = connection.plan(sql);
        if (plan.hasEncryptedParameters()) {
            throw SqlErrors.refused("A statement with ? parameters on encrypted columns must be prepared "
                    + "(Connection.prepareStatement) so that Cloak can encrypt the values");
        }
        connection.checkUses(plan, principal);
        return plan;
    }
}
