package dev.cloak.rewriter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import net.sf.jsqlparser.schema.Table;

/**
 * The views over configured tables that Cloak knows at one moment: an immutable snapshot, looked up by the names
 * SQL gives them. Views that hold no encrypted column's cells are left out; they are plain.
 */
final class KnownViews {

    static final KnownViews NONE = new KnownViews(List.of());
    /**
     * PostgreSQL's name for the session's temporary schema, which the catalog shows as {@code pg_temp_N}: a view
     * made with {@code CREATE TEMP VIEW v} is {@code pg_temp.v} too (another session's may match; it is refused then
     * if it differs, as views of one name in several schemas are).
     */
    private static final String TEMPORARY_SCHEMA = "pg_temp";

    private final Map<String, List<KnownView>> byLowerCaseName;
    private final NameMentions mentions;

    KnownViews(Collection<KnownView> views) {
        Map<String, List<KnownView>> byName = new HashMap<>();
        for (KnownView view : views) {
            if (!view.plain()) {
                byName.computeIfAbsent(view.lowerCaseName(), k -> new ArrayList<>()).add(view);
            }
        }
        byName.replaceAll((name, list) -> List.copyOf(list));
        this.byLowerCaseName = Map.copyOf(byName);
        this.mentions = new NameMentions(byLowerCaseName.keySet());
    }

    boolean isEmpty() {
        return byLowerCaseName.isEmpty();
    }

    /** Cheap scan, no parse: false only when the text certainly names none of these views. */
    boolean mayMention(String sql) {
        return mentions.mayMention(sql);
    }

    /** The name of a view the text may name, for messages, or null. */
    String mentioned(String sql) {
        return mentions.mention(sql);
    }

    /**
     * The view a table reference names, or null. A reference without a schema that may name two views of that
     * name with different columns is answered with an unmappable view, so that statements on it are refused.
     */
    KnownView find(Table table) {
        if (table == null || table.getName() == null || byLowerCaseName.isEmpty()) {
            return null;
        }
        List<KnownView> candidates = byLowerCaseName.get(Identifiers.key(table.getName()));
        if (candidates == null) {
            return null;
        }
        String schema = table.getSchemaName() == null ? null : Identifiers.key(table.getSchemaName());
        List<KnownView> matching = new ArrayList<>();
        for (KnownView view : candidates) {
            if (schema == null || view.schema() == null || schema.equals(Identifiers.key(view.schema()))
                    || schema.equals(TEMPORARY_SCHEMA) && Identifiers.key(view.schema()).startsWith(TEMPORARY_SCHEMA)) {
                matching.add(view);
            }
        }
        if (matching.isEmpty()) {
            return null;
        }
        KnownView first = matching.get(0);
        for (KnownView other : matching) {
            if (!other.encryptedByLowerCaseName().equals(first.encryptedByLowerCaseName())
                    || !Set.copyOf(other.uses()).equals(Set.copyOf(first.uses()))
                    || !Objects.equals(other.refusal(), first.refusal())) {
                return KnownView.unmappable(null, first.name(), "views of this name in several schemas differ;"
                        + " qualify the view with its schema");
            }
        }
        return first;
    }

    /** Every view, for comparing two snapshots. */
    Map<String, List<KnownView>> byLowerCaseName() {
        return byLowerCaseName;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KnownViews views && views.byLowerCaseName.equals(byLowerCaseName);
    }

    @Override
    public int hashCode() {
        return byLowerCaseName.hashCode();
    }

    @Override
    public String toString() {
        return "KnownViews[" + byLowerCaseName.keySet() + "]";
    }
}
