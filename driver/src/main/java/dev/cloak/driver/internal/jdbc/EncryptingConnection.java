package dev.cloak.driver.internal.jdbc;

import dev.cloak.driver.CloakConnection;
import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.driver.internal.policy.CompiledPolicy;
import dev.cloak.driver.internal.policy.ServerText;
import dev.cloak.rewriter.Catalog;
import dev.cloak.rewriter.StatementPlan;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A delegate connection seen through a {@link CompiledPolicy}: statements are planned before they are
 * prepared, and every statement, result set and metadata object it hands out is Cloak's.
 */
public final class EncryptingConnection extends DelegatingConnection implements CloakConnection {

    private final CompiledPolicy policy;
    private final Catalog catalog;
    private final String initialPrincipal;
    private final boolean fixed;
    private volatile String principal;

    /**
     * @param principal the principal reads are decided for (null when none could be determined)
     * @param fixed     whether it came from {@code cloak.principal}, which {@link #setPrincipal} cannot change
     */
    public EncryptingConnection(Connection delegate, CompiledPolicy policy, String principal, boolean fixed) {
        super(delegate);
        this.policy = policy;
        this.catalog = policy.catalogOf(delegate);
        this.initialPrincipal = principal;
        this.fixed = fixed;
        this.principal = principal;
    }

    /** The policy this connection runs under. */
    CompiledPolicy policy() {
        return policy;
    }

    /** The plan of a statement about to run on this connection, which answers the rewriter's catalog questions. */
    StatementPlan plan(String sql) throws SQLException {
        return policy.plan(sql, catalog);
    }

    @Override
    public void setPrincipal(String principal) {
        if (fixed && !initialPrincipal.equals(principal)) {
            throw new IllegalStateException("the principal of this connection is fixed by cloak.principal");
        }
        this.principal = principal;
    }

    @Override
    public String getPrincipal() {
        return principal;
    }

    /** A pool that marks the end of a request gets the connection's own principal back for the next one. */
    @Override
    public void endRequest() throws SQLException {
        principal = initialPrincipal;
        super.endRequest();
    }

    @Override
    protected Statement wrapStatement(Statement statement) {
        return new EncryptingStatement(this, statement);
    }

    @Override
    protected PreparedStatement prepare(String sql, Prepare<PreparedStatement> prepare) throws SQLException {
        StatementPlan plan = plan(sql);
        ServerText.LookupKeys lookupKeys = policy.serverText().lookupKeys(plan);
        return new EncryptingPreparedStatement(this, prepare.prepare(policy.serverText().of(plan, lookupKeys)), plan,
                lookupKeys);
    }

    @Override
    protected CallableStatement prepareCall(String sql, Prepare<CallableStatement> prepare) throws SQLException {
        StatementPlan plan = plan(sql);
        ServerText.LookupKeys lookupKeys = policy.serverText().lookupKeys(plan);
        if (lookupKeys != null && lookupKeys.expansion() != null) {
            // out parameters and named parameters would need the expanded numbering too: not supported
            throw SqlErrors.refused("A lookup on a deterministic column whose key domain is rotating"
                    + " (several enabled key versions) cannot be sent through CallableStatement: use"
                    + " prepareStatement, or finish re-encryption and retire the old version");
        }
        return new EncryptingCallableStatement(this, prepare.prepare(policy.serverText().of(plan, lookupKeys)), plan,
                lookupKeys);
    }

    @Override
    protected DatabaseMetaData wrapMetaData(DatabaseMetaData metaData) {
        return new CloakDatabaseMetaData(this, metaData);
    }

    @Override
    public String toString() {
        // the delegate's own toString may carry its URL; the class name is enough to tell what is wrapped
        return "CloakConnection[" + delegate.getClass().getName() + "]";
    }
}
