package dev.cloak.rewriter;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of an analysed query: its projections, the lower-case name of each (null when unnamed or a star),
 * whether a star makes the set of names open, so a name not listed may still be a result column, and whether the
 * projections stand for the result's columns one for one, in order ({@code widthKnown}; a {@code *} over a table
 * counts, as the driver finds its columns by name). They do not when a {@code *} covers a set-returning function or
 * VALUES in FROM, whose columns Cloak does not count, or a {@code USING} or {@code NATURAL} join, whose merged
 * columns the server puts first and once.
 */
record ResultColumns(List<Projection> projections, List<String> names, boolean open, boolean widthKnown) {

    ResultColumns(List<Projection> projections, List<String> names, boolean open) {
        this(projections, names, open, true);
    }

    /** The named result columns that are encrypted, with what any star covers. */
    Map<String, EncryptedColumn> encryptedByName() {
        Map<String, EncryptedColumn> byName = new HashMap<>();
        for (int i = 0; i < projections.size(); i++) {
            Projection projection = projections.get(i);
            if (projection instanceof Projection.AllColumns all) {
                byName.putAll(all.encryptedByLowerCaseName());
            } else if (names.get(i) != null && ((Projection.Column) projection).column() != null) {
                byName.put(names.get(i), ((Projection.Column) projection).column());
            }
        }
        return byName;
    }

    ResultColumns renamed(List<String> newNames) {
        return new ResultColumns(projections, newNames, open, widthKnown);
    }

    /** The encrypted columns one result item carries: its column, or every encrypted column a star covers. */
    static List<EncryptedColumn> encryptedIn(Projection projection) {
        if (projection instanceof Projection.Column column) {
            return column.column() == null ? List.of() : List.of(column.column());
        }
        return List.copyOf(((Projection.AllColumns) projection).encryptedByLowerCaseName().values());
    }
}
