package dev.cloak.driver.jdbc;

import dev.cloak.rewriter.EncryptedColumn;
import dev.cloak.rewriter.Projection;
import dev.cloak.rewriter.StatementPlan;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * Which result column (1-based) holds which encrypted column, from a plan's projections and the result's
 * metadata ({@code *} and {@code t.*} are resolved by column name).
 */
final class ResultColumns {

    private ResultColumns() {
    }

    /** The encrypted column of each result column (index 0 unused), or null when none is encrypted. */
    static EncryptedColumn[] resolve(StatementPlan plan, ResultSetMetaData metaData) throws SQLException {
        if (plan == null || !plan.hasEncryptedResults()) {
            return null;
        }
        List<Projection> projections = plan.projections();
        int count = metaData.getColumnCount();
        int stars = 0;
        for (Projection p : projections) {
            if (p instanceof Projection.AllColumns) {
                stars++;
            }
        }
        int fixed = projections.size() - stars;
        int starWidth = stars == 0 ? 0 : (count - fixed) / stars;
        if (stars == 0 ? fixed != count : starWidth < 0 || (count - fixed) % stars != 0) {
            // Never guess which column is encrypted: a wrong guess hands back ciphertext or decrypts the wrong column.
            throw new SQLException("The result has " + count + " columns but Cloak planned " + projections.size()
                    + " items; Cloak cannot tell which result columns are encrypted", "0A000");
        }
        EncryptedColumn[] columns = new EncryptedColumn[count + 1];
        int index = 1;
        for (Projection p : projections) {
            if (p instanceof Projection.Column column) {
                columns[index++] = column.column();
            } else {
                var byName = ((Projection.AllColumns) p).encryptedByLowerCaseName();
                for (int k = 0; k < starWidth; k++, index++) {
                    columns[index] = byName.get(metaData.getColumnName(index).toLowerCase(Locale.ROOT));
                }
            }
        }
        return columns;
    }
}
