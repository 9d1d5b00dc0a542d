package dev.cloak.rewriter;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A view over configured tables, as Cloak knows it: which of its columns hold which encrypted column's cells (so
 * statements on the view decrypt and encrypt as on the table), and how its query uses encrypted columns (so each
 * statement on the view is decided by the access policy as the query written out would be), or why Cloak cannot
 * tell, in which case every statement that reads or writes through the view is refused.
 *
 * @param schema                   the view's schema, unquoted; null when the SQL that defined it named none
 * @param name                     the view's name, unquoted
 * @param encryptedByLowerCaseName the view's columns that hold an encrypted column's cells
 * @param uses                     how the view's query uses encrypted columns: a join, a group, a copy by UNION
 * @param refusal                  why the view cannot be mapped, or null when it can
 */
record KnownView(String schema, String name, Map<String, EncryptedColumn> encryptedByLowerCaseName,
                 List<ColumnUse> uses, String refusal) {

    KnownView {
        encryptedByLowerCaseName = Map.copyOf(encryptedByLowerCaseName);
        uses = List.copyOf(new LinkedHashSet<>(uses));
    }

    /** A view whose columns Cloak cannot map, refused with {@code reason}. */
    static KnownView unmappable(String schema, String name, String reason) {
        return new KnownView(schema, name, Map.of(), List.of(), reason);
    }

    /** A view over plain tables only, replacing a known view of its name. */
    static KnownView overPlainTables(String schema, String name) {
        return new KnownView(schema, name, Map.of(), List.of(), null);
    }

    /**
     * The view defined by a query whose result is {@code result} and that uses encrypted columns as {@code uses}.
     *
     * @param columnNames the view's column names, or null to take the query's own names
     * @param renames     whether {@code columnNames} rename the query's columns by position (a column list in
     *                    {@code CREATE VIEW}) rather than list the view's columns as the catalog reports them
     */
    static KnownView of(String schema, String name, ResultColumns result, List<ColumnUse> uses,
                        List<String> columnNames, boolean renames) {
        Map<String, EncryptedColumn> byName = new LinkedHashMap<>();
        if (result.open()) {
            // a star: its columns keep the names of the tables' columns, unless a column list renames them
            Map<String, EncryptedColumn> encrypted = result.encryptedByName();
            if (!encrypted.isEmpty() && columnNames != null && renames) {
                return unmappable(schema, name, "a column list over * renames encrypted columns by position");
            }
            for (Map.Entry<String, EncryptedColumn> entry : encrypted.entrySet()) {
                if (columnNames != null && columnNames.stream().noneMatch(entry.getKey()::equalsIgnoreCase)) {
                    return unmappable(schema, name, "its columns do not match its query");
                }
                byName.put(entry.getKey(), entry.getValue());
            }
            return new KnownView(schema, name, byName, uses, null);
        }
        List<Projection> projections = result.projections();
        List<String> names = columnNames != null ? columnNames : result.names();
        if (names.size() != projections.size()) {
            return unmappable(schema, name, "its columns do not match its query");
        }
        for (int i = 0; i < projections.size(); i++) {
            EncryptedColumn column = ((Projection.Column) projections.get(i)).column();
            if (column == null) {
                continue;
            }
            if (names.get(i) == null) {
                return unmappable(schema, name, "an encrypted column has no name in it");
            }
            String key = Identifiers.key(names.get(i));
            EncryptedColumn earlier = byName.putIfAbsent(key, column);
            if (earlier != null && !earlier.equals(column)) {
                return unmappable(schema, name, "two of its columns differ only in case");
            }
        }
        return new KnownView(schema, name, byName, uses, null);
    }

    /** Whether statements on the view can be planned. */
    boolean mappable() {
        return refusal == null;
    }

    /**
     * Whether the view holds no encrypted column's cells, its query uses none, and it can be mapped: Cloak need not
     * know it.
     */
    boolean plain() {
        return refusal == null && encryptedByLowerCaseName.isEmpty() && uses.isEmpty();
    }

    String lowerCaseName() {
        return name.toLowerCase(Locale.ROOT);
    }

    /** The view as messages name it. */
    String displayName() {
        return schema == null ? name : schema + "." + name;
    }

    /** The refusal of a statement that reads or writes through this unmappable view. */
    Rejection rejection() {
        return new Rejection("view " + displayName() + " reads configured tables, but Cloak cannot tell which of its"
                + " columns hold encrypted values (" + refusal + "), so statements on it are not sent: query the"
                + " tables, or define the view with plain references to the encrypted columns");
    }
}
