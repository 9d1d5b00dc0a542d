package dev.cloak.driver.internal.policy;

import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.config.EncryptionMode;
import dev.cloak.driver.internal.codec.CellFormat;
import dev.cloak.rewriter.Dialect;
import dev.cloak.rewriter.EncryptedColumn;
import dev.cloak.rewriter.EncryptedSchema;
import dev.cloak.rewriter.SqlRewriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The policy's encrypted columns as the rewriter sees them: names, mode, key domain, and the cell sizes DDL
 * declares, which come from {@link CellFormat}. The driver and {@code cloak explain} build the rewriter here.
 */
public final class RewriterColumns {

    private RewriterColumns() {
    }

    /** The rewriter's view of one column of the policy. */
    public static EncryptedColumn of(ColumnPolicy policy) {
        return new EncryptedColumn(policy.schema(), policy.table(), policy.column(), policy.quoted(),
                policy.mode() == EncryptionMode.DETERMINISTIC, policy.keyDomain(), policy.type().policyName(),
                policy.size(), policy.pad(), policy.padBuckets() ? CellFormat.BUCKET_SIZES : CellFormat.SIZES);
    }

    /**
     * The rewriter of a policy.
     *
     * @param cacheSize the most plans it keeps (0 plans every text afresh)
     * @param dialect   the target database's dialect, or null when unknown (then literals of encrypted columns, and
     *                  DDL that would need its binary type, are refused)
     */
    public static SqlRewriter rewriter(CloakConfig config, int cacheSize, Dialect dialect) {
        List<EncryptedColumn> columns = new ArrayList<>();
        for (ColumnPolicy policy : config.columns()) {
            columns.add(of(policy));
        }
        return rewriter(columns, cacheSize, dialect);
    }

    static SqlRewriter rewriter(List<EncryptedColumn> columns, int cacheSize, Dialect dialect) {
        return new SqlRewriter(EncryptedSchema.of(columns), cacheSize, dialect);
    }

    /** As above, trusting what it reads from the catalog (column orders, views) for {@code catalogInterval}. */
    static SqlRewriter rewriter(List<EncryptedColumn> columns, int cacheSize, Dialect dialect,
                                Duration catalogInterval) {
        return new SqlRewriter(EncryptedSchema.of(columns), cacheSize, dialect, catalogInterval);
    }
}
