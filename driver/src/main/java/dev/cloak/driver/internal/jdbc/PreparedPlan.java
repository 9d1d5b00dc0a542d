package dev.cloak.driver.internal.jdbc;

import dev.cloak.driver.internal.policy.CompiledPolicy;
import dev.cloak.rewriter.StatementPlan;
import java.util.Set;

/**
 * What a prepared statement or call was planned with, checked again before each execution
 * ({@link EncryptingConnection#checkBeforeRun}): its text and plan, the migration layout and the catalog the plan
 * rests on, and the principal its uses were last checked for.
 */
final class PreparedPlan {

    final String sql;
    final StatementPlan plan;
    /** The columns a migration had as plaintext when the statement was planned; null when its plan needs none. */
    final Set<String> layout;
    /** The principal the plan's uses were last checked for; another one is checked again before executing. */
    volatile String checkedFor;
    /** What Cloak knew of the schema (views over configured tables) when the plan was last found to hold. */
    volatile CompiledPolicy.PlanBasis basis;

    PreparedPlan(String sql, StatementPlan plan, Set<String> layout, String checkedFor,
                 CompiledPolicy.PlanBasis basis) {
        this.sql = sql;
        this.plan = plan;
        this.layout = layout;
        this.checkedFor = checkedFor;
        this.basis = basis;
    }
}
