package dev.cloak.driver.jdbc;

import dev.cloak.driver.codec.CellCodec;
import dev.cloak.rewriter.EncryptedColumn;
import dev.cloak.rewriter.StatementPlan;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/**
 * Binds values to the encrypted parameters of one plan: NULL stays NULL, anything else becomes a cell. Each
 * parameter's codec is looked up once per statement, not once per bound value (batches bind thousands).
 */
final class ParameterEncryption {

    private final CompiledPolicy policy;
    private final StatementPlan plan;
    private CellCodec[] codecs;

    ParameterEncryption(CompiledPolicy policy, StatementPlan plan) {
        this.policy = policy;
        this.plan = plan;
    }

    void bind(PreparedStatement delegate, int parameterIndex, Object value, int sqlType) throws SQLException {
        if (value == null) {
            delegate.setNull(parameterIndex, Types.VARBINARY);
        } else {
            delegate.setBytes(parameterIndex, codec(parameterIndex).encrypt(value, sqlType));
        }
    }

    private CellCodec codec(int parameterIndex) throws SQLException {
        if (codecs == null) {
            codecs = new CellCodec[plan.parameterCount() + 1];
        }
        CellCodec codec = codecs[parameterIndex];
        if (codec == null) {
            EncryptedColumn column = plan.parameter(parameterIndex);
            codec = policy.codec(column);
            codecs[parameterIndex] = codec;
        }
        return codec;
    }
}
