package dev.cloak.driver.internal.jdbc;

import dev.cloak.driver.CloakConnection;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.PrincipalSource;
import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.driver.internal.error.SqlState;
import dev.cloak.driver.internal.policy.CompiledPolicy;
import dev.cloak.driver.internal.policy.ServerText;
import dev.cloak.rewriter.Catalog;
import dev.cloak.rewriter.StatementPlan;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.Set;

/**
 * A delegate connection seen through a {@link CompiledPolicy}: statements are planned before they are
 * prepared, and every statement, result set and metadata object it hands out is Cloak's.
 */
public final class EncryptingConnection extends DelegatingConnection implements CloakConnection {

    /** Driver-internal connection interfaces, by name: the driver is no dependency of Cloak's. */
    private static final Set<String> INTERNAL_CONNECTIONS = Set.of("org.postgresql.core.BaseConnection");

    private final CompiledPolicy policy;
    private final Catalog catalog;
    private final String initialPrincipal;
    private final boolean fixed;
    private final boolean assertable;
    private volatile String principal;
    /** Whether the last statement planned here defined or dropped views. */
    private volatile boolean viewsPlanned;
    /** Whether the open transaction planned a statement that defined or dropped views. */
    private volatile boolean viewsInTransaction;

    /**
     * @param principal  the principal the access policy decides for: the session's user, or an asserted one
     * @param fixed      whether the application asserted it for the whole connection ({@code cloak.principal},
     *                   {@code CloakDataSource.setPrincipal}), which {@link #setPrincipal} cannot change
     * @param assertable whether the policy lets the application name principals ({@code access.principal: asserted})
     */
    public EncryptingConnection(Connection delegate, CompiledPolicy policy, String principal, boolean fixed,
                                boolean assertable) {
        super(delegate);
        this.policy = policy;
        this.catalog = policy.catalogOf(delegate);
        this.initialPrincipal = principal;
        this.fixed = fixed;
        this.assertable = assertable;
        this.principal = principal;
    }

    /** The policy this connection runs under. */
    CompiledPolicy policy() {
        return policy;
    }

    /** The plan of a statement about to run on this connection, which answers the rewriter's catalog questions. */
    StatementPlan plan(String sql) throws SQLException {
        if (viewsPlanned) {
            // the last statement defined or dropped views: whether it ran, the catalog says, not the plan
            viewsPlanned = false;
            policy.readViewsAgain();
        }
        StatementPlan plan = policy.plan(sql, catalog);
        if (plan.changesViews()) {
            viewsPlanned = true;
            viewsInTransaction |= !getAutoCommit();
        }
        return plan;
    }

    @Override
    public void commit() throws SQLException {
        super.commit();
        viewsInTransaction = false;
    }

    @Override
    public void rollback() throws SQLException {
        super.rollback();
        viewsRolledBack();
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        super.rollback(savepoint);
        viewsRolledBack();
    }

    @Override
    public void close() throws SQLException {
        if (viewsPlanned) {
            viewsPlanned = false;
            policy.readViewsAgain();
        }
        super.close();
    }

    /** Views the rolled-back work defined or dropped are what the catalog says again. */
    private void viewsRolledBack() {
        if (viewsInTransaction) {
            viewsInTransaction = false;
            policy.readViewsAgain();
        }
    }

    /**
     * The refusal of a principal the application names ({@code assertedBy}) where the policy decides on the
     * database session's user.
     */
    public static SQLException notAssertable(CloakConfig config, String assertedBy) {
        return SqlErrors.of(SqlState.PRINCIPAL_REFUSED, assertedBy + " names a principal, but policy "
                + config.source() + " decides access on the database session's own user (access.principal: "
                + PrincipalSource.SESSION.policyName() + "): connect as that user, or set access.principal: "
                + PrincipalSource.ASSERTED.policyName() + " in the policy to let the application name its"
                + " principals");
    }

    @Override
    public void setPrincipal(String principal) throws SQLException {
        if (!assertable) {
            throw notAssertable(policy.config(), "CloakConnection.setPrincipal");
        }
        String next = principal == null ? initialPrincipal : principal;
        if (fixed && !initialPrincipal.equals(next)) {
            throw SqlErrors.of(SqlState.PRINCIPAL_REFUSED, "the principal of this connection is fixed for the"
                    + " whole connection (cloak.principal or CloakDataSource.setPrincipal) and cannot be changed");
        }
        this.principal = next;
    }

    @Override
    public String getPrincipal() {
        return principal;
    }

    /**
     * Before a prepared statement or call runs: refused when a column it uses was cut over by {@code cloak migrate}
     * since its layout was read (40001), when what Cloak knows of the schema changed since it was planned (a view
     * created over a configured table under a name it reads) and its text is planned otherwise now (40001), when it
     * is an INSERT without a column list whose table, as this session's server resolves the name now (its search
     * path, a temporary table), has other columns than it was planned with (0A000), and when the principal set now
     * may not use what it uses (28000).
     */
    void checkBeforeRun(PreparedPlan prepared) throws SQLException {
        StatementPlan plan = prepared.plan;
        policy.checkLayout(prepared.layout);
        if (!policy.holds(prepared.basis, catalog)) {
            CompiledPolicy.PlanBasis now = policy.planBasis();
            if (!plan(prepared.sql).sameLayoutAs(plan)) {
                throw SqlErrors.of(SqlState.LAYOUT_CHANGED, "what Cloak knows of the schema changed after this"
                        + " statement was prepared (a view over a configured table was created or dropped under a name"
                        + " it reads), and it would be planned otherwise now, so it was not sent: prepare it again");
            }
            prepared.basis = now;
        }
        if (!plan.impliedColumns().isEmpty()) {
            policy.checkImpliedColumns(plan, catalog);
        }
        String now = getPrincipal();
        if (now != prepared.checkedFor) {
            checkUses(plan, now);
            prepared.checkedFor = now;
        }
    }

    /** Refuses {@code plan} when it uses an encrypted column as the principal may not (28000), before sending it. */
    void checkUses(StatementPlan plan, String forPrincipal) throws SQLException {
        policy.access().checkUses(plan, forPrincipal);
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
        PreparedPlan prepared = prepared(sql);
        StatementPlan plan = prepared.plan;
        ServerText.LookupKeys lookupKeys = policy.serverText().lookupKeys(plan);
        return new EncryptingPreparedStatement(this, prepare.prepare(policy.serverText().of(plan, lookupKeys)),
                prepared, lookupKeys);
    }

    @Override
    protected String[] generatedKeyNames(String[] columnNames) throws SQLException {
        return GeneratedKeyColumns.requireIdentifiers(columnNames);
    }

    @Override
    protected CallableStatement prepareCall(String sql, Prepare<CallableStatement> prepare) throws SQLException {
        PreparedPlan prepared = prepared(sql);
        StatementPlan plan = prepared.plan;
        ServerText.LookupKeys lookupKeys = policy.serverText().lookupKeys(plan);
        if (lookupKeys != null && lookupKeys.expansion() != null) {
            // out parameters and named parameters would need the expanded numbering too: not supported
            throw SqlErrors.refused("A lookup on a deterministic column whose key domain is rotating"
                    + " (several enabled key versions) cannot be sent through CallableStatement: use"
                    + " prepareStatement, or finish re-encryption and retire the old version");
        }
        return new EncryptingCallableStatement(this, prepare.prepare(policy.serverText().of(plan, lookupKeys)),
                prepared, lookupKeys);
    }

    /** The plan of a statement being prepared, with what it rests on, its uses checked for the principal now. */
    private PreparedPlan prepared(String sql) throws SQLException {
        Set<String> layout = policy.plaintextColumns(sql);
        CompiledPolicy.PlanBasis basis = policy.planBasis();
        StatementPlan plan = plan(sql);
        String checkedFor = principal;
        checkUses(plan, checkedFor);
        return new PreparedPlan(sql, plan, layout, checkedFor, basis);
    }

    @Override
    protected DatabaseMetaData wrapMetaData(DatabaseMetaData metaData) {
        return new CloakDatabaseMetaData(this, metaData);
    }

    /**
     * pgjdbc's internal connection is not handed out: through it Flyway runs {@code COPY … FROM STDIN} with its own
     * {@code CopyManager} (a migration through a {@code CloakDataSource} stored its rows in plaintext), and its
     * query executor sends any text unplanned. The driver's public interface ({@code PGConnection}) and its class
     * still unwrap, for an application that asks for them by name.
     */
    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (INTERNAL_CONNECTIONS.contains(iface.getName())) {
            throw SqlErrors.refused("Cloak does not hand out the driver's internal connection (" + iface.getName()
                    + "): statements sent through it, such as a Flyway migration's COPY ... FROM STDIN, would bypass"
                    + " encryption; write the rows as INSERT statements");
        }
        return super.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return !INTERNAL_CONNECTIONS.contains(iface.getName()) && super.isWrapperFor(iface);
    }

    @Override
    public String toString() {
        // the delegate's own toString may carry its URL; the class name is enough to tell what is wrapped
        return "CloakConnection[" + delegate.getClass().getName() + "]";
    }
}
