package dev.cloak.driver.internal.jdbc;

import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.rewriter.EncryptedColumn;
import dev.cloak.rewriter.Projection;
import dev.cloak.rewriter.StarTable;
import dev.cloak.rewriter.StatementPlan;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which result column (1-based) holds which encrypted column, from a plan's projections and the result's
 * metadata: {@code *} and {@code t.*} are resolved by column name, and when several stars share a result,
 * each one's width comes from database metadata. Never guessed: a wrong guess hands back ciphertext.
 */
final class ResultColumns {

    private ResultColumns() {
    }

    /**
     * The encrypted column of each result column (index 0 unused), or null when none is encrypted.
     *
     * @param connection asked for the width of each table when several stars share the result
     */
    static EncryptedColumn[] resolve(StatementPlan plan, ResultSetMetaData metaData, Connection connection)
            throws SQLException {
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
        int[] widths = new int[projections.size()];
        int total = fixed;
        for (int i = 0; i < projections.size(); i++) {
            if (projections.get(i) instanceof Projection.AllColumns) {
                widths[i] = stars == 1 ? count - fixed : tableWidth(plan.starTable(i), connection);
                total += widths[i];
            }
        }
        if (total != count || (stars == 1 && count < fixed)) {
            throw SqlErrors.refused("The result has " + count + " columns but Cloak planned " + total
                    + "; Cloak cannot tell which result columns are encrypted: name the columns instead of *");
        }
        EncryptedColumn[] columns = new EncryptedColumn[count + 1];
        int index = 1;
        for (int i = 0; i < projections.size(); i++) {
            Projection p = projections.get(i);
            if (p instanceof Projection.Column column) {
                columns[index++] = column.column();
            } else {
                var byName = ((Projection.AllColumns) p).encryptedByLowerCaseName();
                for (int k = 0; k < widths[i]; k++, index++) {
                    columns[index] = byName.get(metaData.getColumnName(index).toLowerCase(Locale.ROOT));
                }
            }
        }
        return columns;
    }

    /** The number of columns of a table, as database metadata reports it under the names SQL would match. */
    private static int tableWidth(StarTable table, Connection connection) throws SQLException {
        if (table == null || connection == null) {
            throw SqlErrors.refused("Cloak cannot tell the width of every * in this query: name the columns");
        }
        DatabaseMetaData md = connection.getMetaData();
        String schema = table.schema() == null ? connection.getSchema() : table.schema();
        Set<Integer> found = new LinkedHashSet<>();
        for (String name : spellings(table.table())) {
            for (String s : schema == null ? java.util.Collections.<String>singletonList(null) : spellings(schema)) {
                int width = count(md, connection.getCatalog(), s, name);
                if (width > 0) {
                    found.add(width);
                }
            }
        }
        if (found.size() != 1) {
            throw SqlErrors.refused("Cloak cannot tell the width of " + table.table()
                    + ".* from database metadata: name the columns");
        }
        return found.iterator().next();
    }

    private static int count(DatabaseMetaData md, String catalog, String schema, String table) throws SQLException {
        String escape = md.getSearchStringEscape();
        try (ResultSet rs = md.getColumns(catalog, escape(schema, escape), escape(table, escape), "%")) {
            int n = 0;
            while (rs.next()) {
                n++;
            }
            return n;
        }
    }

    /** Quoted names as written; unquoted ones as written, upper- and lower-case (databases fold differently). */
    private static List<String> spellings(String name) {
        if (name.length() > 1 && (name.charAt(0) == '"' || name.charAt(0) == '`')) {
            return List.of(name.substring(1, name.length() - 1));
        }
        List<String> names = new ArrayList<>(new LinkedHashSet<>(
                List.of(name, name.toUpperCase(Locale.ROOT), name.toLowerCase(Locale.ROOT))));
        return names;
    }

    private static String escape(String pattern, String escape) {
        if (pattern == null || escape == null || escape.isEmpty()) {
            return pattern;
        }
        return pattern.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }
}
