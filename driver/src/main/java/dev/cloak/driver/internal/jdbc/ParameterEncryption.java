package dev.cloak.driver.internal.jdbc;

import com.google.crypto.tink.DeterministicAead;
import dev.cloak.driver.internal.codec.CellCodec;
import dev.cloak.driver.internal.policy.CompiledPolicy;
import dev.cloak.driver.internal.policy.ServerText;
import dev.cloak.rewriter.EncryptedColumn;
import dev.cloak.rewriter.StatementPlan;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/**
 * Binds values to the encrypted parameters of one plan: NULL stays NULL, anything else becomes a cell. A parameter
 * only tested for NULL gets NULL or the plan's stand-in, never the value. Each
 * parameter's codec is looked up once per statement, not once per bound value (batches bind thousands). While
 * a looked-up key domain rotates, a lookup parameter is bound once per key version the text was expanded for.
 */
final class ParameterEncryption {

    private final CompiledPolicy policy;
    private final StatementPlan plan;
    private final ServerText.LookupKeys lookupKeys;
    private final StatementPlan.Expansion expansion;
    private CellCodec[] codecs;

    /** @param lookupKeys the key versions the plan's lookups were sent for, or null when it has none */
    ParameterEncryption(CompiledPolicy policy, StatementPlan plan, ServerText.LookupKeys lookupKeys) {
        this.policy = policy;
        this.plan = plan;
        this.lookupKeys = lookupKeys;
        this.expansion = lookupKeys == null ? null : lookupKeys.expansion();
    }

    /**
     * Where the delegate binds the plan's parameter {@code parameterIndex} (its first copy, during rotation). An
     * index the application's text does not have stays out of range in the text sent, so the delegate refuses it
     * as it would without rotation, instead of binding a plain value into a copy of an encrypted lookup.
     */
    int delegateIndex(int parameterIndex) {
        if (expansion == null || parameterIndex < 1) {
            return parameterIndex;
        }
        return parameterIndex > plan.parameterCount()
                ? expansion.parameterCount() + parameterIndex - plan.parameterCount()
                : expansion.first(parameterIndex);
    }

    void bind(PreparedStatement delegate, int parameterIndex, Object value, int sqlType) throws SQLException {
        int index = delegateIndex(parameterIndex);
        String standIn = plan.standIn(parameterIndex);
        if (standIn != null) {
            // only a NULL test reads it: the server learns whether it is NULL, never the value
            if (value == null) {
                delegate.setNull(index, Types.VARCHAR);
            } else {
                delegate.setString(index, standIn);
            }
            return;
        }
        if (lookupKeys == null || !plan.isLookupParameter(parameterIndex)) {
            if (value == null) {
                delegate.setNull(index, Types.VARBINARY);
            } else {
                delegate.setBytes(index, codec(parameterIndex).encrypt(value, sqlType));
            }
            return;
        }
        // a lookup: one cell per key version the text was sent for, primary first
        CellCodec codec = codec(parameterIndex);
        List<DeterministicAead> versions = lookupKeys.versions().get(codec.column().keyDomain());
        for (int copy = 0; copy < versions.size(); copy++) {
            if (value == null) {
                delegate.setNull(index + copy, Types.VARBINARY);
            } else {
                delegate.setBytes(index + copy, codec.encryptUnder(value, sqlType, versions.get(copy)));
            }
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
