package dev.cloak.driver.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Policy column names ({@code table.column}, {@code schema.table.column}, each part optionally quoted): how they
 * are split, and the one rule by which a name in the policy ({@code key:}, an access rule) denotes an encrypted
 * column. Names match as SQL matches identifiers: unquoted parts case-insensitively, quoted parts exactly, a
 * quoted part and an unquoted one when a database folds the unquoted one to it (as written, lower or upper case),
 * and a name without a schema matches that table and column in any schema.
 */
final class ColumnNames {

    /** One part of a dotted name, without its quotes, and whether it was quoted. */
    record Part(String name, boolean quoted) {
    }

    private ColumnNames() {
    }

    /** The parts of a dotted name; {@code "a.b".c} gives {@code [a.b, c]}. */
    static List<String> split(String name) {
        return parse(name).stream().map(Part::name).toList();
    }

    /**
     * The parts of a dotted name with their quoting; a doubled quote inside quotes stands for one.
     *
     * @throws IllegalArgumentException for unbalanced quotes, an empty part, or other than two or three parts
     */
    static List<Part> parse(String name) {
        List<Part> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean inQuotes = false;
        boolean quoted = false;
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch == '"') {
                if (inQuotes && i + 1 < name.length() && name.charAt(i + 1) == '"') {
                    part.append('"');
                    i++;
                } else {
                    inQuotes = !inQuotes;
                    quoted = true;
                }
            } else if (ch == '.' && !inQuotes) {
                parts.add(new Part(part.toString(), quoted));
                part.setLength(0);
                quoted = false;
            } else {
                part.append(ch);
            }
        }
        if (inQuotes) {
            throw new IllegalArgumentException("unbalanced quotes in column name " + name);
        }
        parts.add(new Part(part.toString(), quoted));
        for (Part p : parts) {
            if (p.name().isBlank()) {
                throw new IllegalArgumentException("column name " + name + " has an empty part");
            }
        }
        if (parts.size() < 2 || parts.size() > 3) {
            throw new IllegalArgumentException("column name " + name + " must be table.column or schema.table.column");
        }
        return parts;
    }

    /**
     * Whether the policy name {@code name} denotes {@code column}.
     *
     * @throws IllegalArgumentException when {@code name} is not a column name
     */
    static boolean matches(String name, ColumnPolicy column) {
        List<Part> parts = parse(name);
        // the policy keeps one quoting flag per column: a quoted column name is exact in every part
        boolean quoted = column.quoted();
        Part table = parts.get(parts.size() - 2);
        Part col = parts.get(parts.size() - 1);
        if (!sameIdentifier(table, new Part(column.table(), quoted))
                || !sameIdentifier(col, new Part(column.column(), quoted))) {
            return false;
        }
        return parts.size() == 2 || column.schema() == null
                || sameIdentifier(parts.get(0), new Part(column.schema(), quoted));
    }

    /** Whether two identifiers name the same object in some database's reading of them. */
    static boolean sameIdentifier(Part a, Part b) {
        if (a.quoted() == b.quoted()) {
            return a.quoted() ? a.name().equals(b.name()) : a.name().equalsIgnoreCase(b.name());
        }
        Part exact = a.quoted() ? a : b;
        String folded = a.quoted() ? b.name() : a.name();
        // databases fold unquoted names to lower case (PostgreSQL), upper case (H2) or keep them (MariaDB)
        return exact.name().equals(folded) || exact.name().equals(folded.toLowerCase(Locale.ROOT))
                || exact.name().equals(folded.toUpperCase(Locale.ROOT));
    }

    static ColumnPolicy policy(String name, ColumnType type, EncryptionMode mode, int pad, boolean padBuckets,
                               int size, int scale, String keyColumn) {
        return policy(name, type, mode, pad, padBuckets, size, scale, keyColumn, 0);
    }

    /** As above, with a hot-value memo of {@code cacheEntries} values (0 for none). */
    static ColumnPolicy policy(String name, ColumnType type, EncryptionMode mode, int pad, boolean padBuckets,
                               int size, int scale, String keyColumn, int cacheEntries) {
        List<String> parts = split(name);
        boolean quoted = name.indexOf('"') >= 0;
        String schema = parts.size() == 3 ? parts.get(0) : null;
        String table = parts.get(parts.size() - 2);
        String column = parts.get(parts.size() - 1);
        String domain = domain(keyColumn == null ? parts : split(keyColumn));
        return new ColumnPolicy(schema, table, column, quoted, type, mode, domain, pad, size, scale, padBuckets,
                cacheEntries);
    }

    /**
     * The key domain of a column's own key: lower-case {@code schema.table.column} when the policy names a schema,
     * else {@code table.column}, so columns of the same name in two schemas never share a key by accident.
     */
    static String domain(List<String> parts) {
        return String.join(".", parts).toLowerCase(Locale.ROOT);
    }
}
