package dev.cloak.conformance;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What one statement did on one side, as lines that compare equal when the application saw the same thing:
 * each result set (its labels, then its rows, sorted unless the statement orders them) and each update count,
 * in order. Values are written as {@code category:value}, so a date read back as text, or ciphertext bytes
 * where text was expected, still differ.
 */
final class Observed {

    private static final Pattern COPY_NAME = Pattern.compile("diff_(raw|cloak)_[0-9]+");

    private Observed() {
    }

    /** Runs {@code sql} with {@code params} (a plain {@code Statement} when there are none). */
    static List<String> run(Connection c, String sql, List<Object> params, boolean ordered) throws SQLException {
        return run(c, sql, params, ordered, false);
    }

    /**
     * As above; with {@code shapeOnly}, each result set is one line of its column labels, without its rows (a plan
     * or a column description, which the two copies may word differently).
     */
    static List<String> run(Connection c, String sql, List<Object> params, boolean ordered, boolean shapeOnly)
            throws SQLException {
        List<String> lines = new ArrayList<>();
        if (params.isEmpty()) {
            try (Statement st = c.createStatement()) {
                drain(st, st.execute(sql), ordered, lines);
            }
        } else {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < params.size(); i++) {
                    ps.setObject(i + 1, params.get(i));
                }
                drain(ps, ps.execute(), ordered, lines);
            }
        }
        if (shapeOnly) {
            lines.removeIf(line -> line.startsWith("row "));
        }
        return lines;
    }

    /** Appends every row of every corpus table, as a multiset: what a write left behind. */
    static void tables(Connection c, List<String> lines) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String table : CorpusSchema.tableNames()) {
                lines.add("table " + table);
                try (ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
                    rows(rs, false, lines);
                }
            }
        }
    }

    private static void drain(Statement st, boolean isResultSet, boolean ordered, List<String> lines) throws SQLException {
        boolean resultSet = isResultSet;
        while (true) {
            if (resultSet) {
                try (ResultSet rs = st.getResultSet()) {
                    rows(rs, ordered, lines);
                }
            } else {
                int count = st.getUpdateCount();
                if (count == -1) {
                    return;
                }
                lines.add("update count " + count);
            }
            resultSet = st.getMoreResults();
        }
    }

    private static void rows(ResultSet rs, boolean ordered, List<String> lines) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        StringBuilder labels = new StringBuilder("columns");
        for (int i = 1; i <= md.getColumnCount(); i++) {
            // H2 labels an expression with its text, which names the copy's schema
            labels.append(' ').append(COPY_NAME.matcher(md.getColumnLabel(i).toLowerCase(Locale.ROOT)).replaceAll("copy"));
        }
        lines.add(labels.toString());
        List<String> rows = new ArrayList<>();
        while (rs.next()) {
            StringBuilder row = new StringBuilder("row");
            for (int i = 1; i <= md.getColumnCount(); i++) {
                row.append(" | ").append(cell(rs.getObject(i)));
            }
            rows.add(row.toString());
        }
        if (!ordered) {
            rows.sort(null);
        }
        lines.addAll(rows);
    }

    /** A value by category, so drivers' choices of Java class for one SQL type compare equal. */
    static String cell(Object value) {
        if (value == null) {
            return "null";
        } else if (value instanceof String s) {
            return "text:" + s;
        } else if (value instanceof BigDecimal || value instanceof Number) {
            BigDecimal d = new BigDecimal(value.toString());
            return "number:" + (d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString());
        } else if (value instanceof java.sql.Date d) {
            return "date:" + d.toLocalDate();
        } else if (value instanceof LocalDate d) {
            return "date:" + d;
        } else if (value instanceof Timestamp t) {
            return "timestamp:" + t.toLocalDateTime();
        } else if (value instanceof LocalDateTime t) {
            return "timestamp:" + t;
        } else if (value instanceof Boolean b) {
            return "boolean:" + b;
        } else if (value instanceof byte[] bytes) {
            return "bytes:" + HexFormat.of().formatHex(bytes);
        }
        return value.getClass().getSimpleName() + ":" + value;
    }
}
