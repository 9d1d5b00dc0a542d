package dev.cloak.driver.internal.jdbc;

import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.driver.internal.policy.CompiledPolicy;
import dev.cloak.rewriter.EncryptedColumn;
import dev.cloak.rewriter.Projection;
import dev.cloak.rewriter.StatementPlan;
import java.sql.Connection;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which columns of a generated-keys result are encrypted. A statement with its own {@code RETURNING} gets that
 * result back, whose columns the plan's projections describe. Otherwise drivers fill it from {@code RETURNING *}
 * (pgjdbc) or with the key columns only; either way a column named like an encrypted column of the table the
 * statement writes (of a view, by the view's own names) is decrypted, so ciphertext is never handed back as if it
 * were a key. When the plan names
 * no single written table (several statements in one string), any encrypted column of that name counts. When the
 * statement reads other tables ({@code UPDATE … FROM}, {@code DELETE … USING}: pgjdbc's {@code RETURNING *} returns
 * their columns too, under the names a subquery gave them), its keys cannot be told apart: they are refused.
 */
final class GeneratedKeyColumns {

    /** A plain identifier, or one identifier in double quotes or backticks (a doubled quote stands for itself). */
    private static final Pattern NAME =
            Pattern.compile("[\\p{L}_][\\p{L}\\p{Nd}_$]*|\"(?:[^\"]|\"\")+\"|`(?:[^`]|``)+`");

    private GeneratedKeyColumns() {
    }

    /**
     * The generated-key column names an application asks for, if each is one identifier. Drivers splice them into
     * what they send ({@code RETURNING ...}; pgjdbc unquoted with {@code quoteReturningIdentifiers=false}), where any
     * other text would be SQL Cloak never planned: a subquery on an encrypted column, or {@code ssn AS id} handing
     * back ciphertext under a name Cloak does not decrypt. The name is not echoed: it may hold a value.
     */
    static String[] requireIdentifiers(String[] names) throws SQLException {
        if (names == null) {
            return null;
        }
        for (int i = 0; i < names.length; i++) {
            if (names[i] == null || !NAME.matcher(names[i]).matches()) {
                throw SqlErrors.refused("Generated key column name " + (i + 1) + " of " + names.length
                        + " is not a plain identifier (letters, digits, _ and $, or one quoted identifier): Cloak"
                        + " sends only column names as generated key columns, never expressions or aliases");
            }
        }
        return names;
    }

    static EncryptedColumn[] resolve(StatementPlan plan, ResultSetMetaData metaData, CompiledPolicy policy,
                                     Connection connection) throws SQLException {
        if (plan == null || plan.passThrough()) {
            return null;
        }
        int count = metaData.getColumnCount();
        if (!plan.projections().isEmpty() && plan.projections().size() == count
                && plan.projections().stream().noneMatch(p -> p instanceof Projection.AllColumns)) {
            // the statement's own RETURNING, handed back as the keys
            return ResultColumns.resolve(plan, metaData, connection);
        }
        if (plan.readsOtherTables()) {
            // pgjdbc's RETURNING * returns every FROM item's columns, under names a subquery may have given them
            throw SqlErrors.refused("Generated keys of an UPDATE or DELETE that reads other tables beside a"
                    + " configured one hold their columns too, which Cloak cannot tell from the written table's:"
                    + " write RETURNING with the columns you need");
        }
        EncryptedColumn[] columns = new EncryptedColumn[count + 1];
        boolean any = false;
        for (int i = 1; i <= count; i++) {
            String name = metaData.getColumnName(i);
            String key = name.toLowerCase(Locale.ROOT);
            List<EncryptedColumn> candidates;
            if (plan.writtenTableColumns() != null) {
                // the written table's, or view's, own names: a view's ssn AS s is s
                EncryptedColumn written = plan.writtenColumnNamed(key);
                candidates = written == null ? List.of() : List.of(written);
            } else {
                candidates = policy.columnsNamed(key);
            }
            if (candidates.size() > 1) {
                throw SqlErrors.refused("Generated key column " + metaData.getColumnName(i)
                        + " matches several encrypted columns; ask for the generated key columns by name");
            }
            if (candidates.size() == 1) {
                columns[i] = candidates.get(0);
                any = true;
            }
        }
        return any ? columns : null;
    }
}
