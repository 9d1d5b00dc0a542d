package dev.cloak.driver.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Splits policy column names ({@code table.column}, {@code schema.table.column}, optionally quoted). */
final class ColumnNames {

    private ColumnNames() {
    }

    /** The parts of a dotted name; {@code "a.b".c} gives {@code [a.b, c]}. Quoting marks the whole name quoted. */
    static List<String> split(String name) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean inQuotes = false;
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch == '"') {
                if (inQuotes && i + 1 < name.length() && name.charAt(i + 1) == '"') {
                    part.append('"');
                    i++;
                } else {
                    inQuotes = !inQuotes;
                }
            } else if (ch == '.' && !inQuotes) {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(ch);
            }
        }
        if (inQuotes) {
            throw new IllegalArgumentException("unbalanced quotes in column name " + name);
        }
        parts.add(part.toString());
        for (String p : parts) {
            if (p.isBlank()) {
                throw new IllegalArgumentException("column name " + name + " has an empty part");
            }
        }
        if (parts.size() < 2 || parts.size() > 3) {
            throw new IllegalArgumentException("column name " + name + " must be table.column or schema.table.column");
        }
        return parts;
    }

    static ColumnPolicy policy(String name, ColumnType type, EncryptionMode mode, int pad, int size, int scale,
                               String keyColumn) {
        List<String> parts = split(name);
        boolean quoted = name.indexOf('"') >= 0;
        String schema = parts.size() == 3 ? parts.get(0) : null;
        String table = parts.get(parts.size() - 2);
        String column = parts.get(parts.size() - 1);
        String domain = domain(keyColumn == null ? parts : split(keyColumn));
        return new ColumnPolicy(schema, table, column, quoted, type, mode, domain, pad, size, scale);
    }

    /**
     * The key domain of a column's own key: lower-case {@code schema.table.column} when the policy names a schema,
     * else {@code table.column}, so columns of the same name in two schemas never share a key by accident.
     */
    static String domain(List<String> parts) {
        return String.join(".", parts).toLowerCase(Locale.ROOT);
    }
}
