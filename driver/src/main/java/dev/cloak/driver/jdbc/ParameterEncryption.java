package dev.cloak.driver.jdbc;

import dev.cloak.rewriter.EncryptedColumn;
import dev.cloak.rewriter.StatementPlan;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/** Binds values to the encrypted parameters of one plan: NULL stays NULL, anything else becomes a cell. */
final class ParameterEncryption {

    private final CompiledPolicy policy;
    private final StatementPlan plan;

    ParameterEncryption(CompiledPolicy policy, StatementPlan plan) {
        this.policy = policy;
        this.plan = plan;
    }

    void bind(PreparedStatement delegate, int parameterIndex, Object value, int sqlType) throws SQLException {
        EncryptedColumn column = plan.parameter(parameterIndex);
        if (value == null) {
            delegate.setNull(parameterIndex, Types.VARBINARY);
        } else {
            delegate.setBytes(parameterIndex, policy.codec(column).encrypt(value, sqlType));
        }
    }
}
