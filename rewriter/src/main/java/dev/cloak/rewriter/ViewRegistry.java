package dev.cloak.rewriter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;

/**
 * The views over configured tables that one rewriter knows, from two sources: the {@code CREATE VIEW} and
 * {@code DROP VIEW} statements Cloak planned itself (known at once, also inside a transaction the catalog does not
 * show yet), and the database's catalog, read again when it is due. Per view name the newest knowledge wins: a
 * catalog read that started after a statement replaces what the statement said about a view the catalog shows. A
 * view the catalog no longer shows is forgotten if Cloak learned it from the catalog; one Cloak saw created stays
 * known until Cloak sees it dropped, since another session's read cannot see a view created in a transaction that
 * is still open (a view that was never committed only makes statements naming it be analysed as that view).
 * Readers get an immutable {@link KnownViews} snapshot; updates are synchronized.
 */
final class ViewRegistry {

    /** What is known of one view name, since when, and whether the catalog said it. */
    private record Entry(List<KnownView> views, long learnedAt, boolean fromCatalog) {
    }

    private final Map<String, Entry> entries = new HashMap<>();
    private volatile KnownViews snapshot = KnownViews.NONE;

    KnownViews snapshot() {
        return snapshot;
    }

    /**
     * What a planned statement says it does to views, learned at {@code now}: views it defines (replacing what was
     * known of their names) and views it drops.
     *
     * @return whether the snapshot changed
     */
    synchronized boolean learn(List<KnownView> defined, Set<String> dropped, long now) {
        for (String name : dropped) {
            entries.put(name, new Entry(List.of(), now, false));
        }
        for (KnownView view : defined) {
            entries.put(view.lowerCaseName(), new Entry(List.of(view), now, false));
        }
        return publish();
    }

    /**
     * The views as a catalog read that started at {@code startedAt} found them. Each definition that mentions a
     * configured table or a known view is planned by {@code planner} against the views known so far, until no
     * mapping changes (a view over a view needs the inner one first).
     *
     * @param mentions whether a definition's text may name a configured table or one of the given views
     * @return whether the snapshot changed
     */
    synchronized boolean refreshed(List<ViewDefinition> catalog, long startedAt,
                                   BiPredicate<String, KnownViews> mentions,
                                   BiFunction<ViewDefinition, KnownViews, KnownView> planner) {
        Map<String, KnownView> found = new HashMap<>();
        for (int pass = 0; pass <= catalog.size(); pass++) {
            KnownViews known = new KnownViews(merged(found.values(), startedAt));
            boolean changed = false;
            for (ViewDefinition definition : catalog) {
                String key = (definition.schema() == null ? "" : definition.schema().toLowerCase(Locale.ROOT))
                        + "." + definition.name().toLowerCase(Locale.ROOT);
                KnownView view;
                if (definition.definition() == null || definition.definition().isBlank()) {
                    view = KnownView.unmappable(definition.schema(), definition.name(), "the catalog does not show"
                            + " its definition to this user; grant it SHOW VIEW or make it the view's owner");
                } else if (mentions.test(definition.definition(), known)) {
                    view = planner.apply(definition, known);
                } else {
                    continue;
                }
                changed |= !view.equals(found.put(key, view));
            }
            if (!changed) {
                break;
            }
        }
        Map<String, List<KnownView>> byName = new HashMap<>();
        for (KnownView view : found.values()) {
            byName.computeIfAbsent(view.lowerCaseName(), k -> new ArrayList<>()).add(view);
        }
        entries.entrySet().removeIf(entry -> entry.getValue().fromCatalog()
                && entry.getValue().learnedAt() < startedAt && !byName.containsKey(entry.getKey()));
        byName.forEach((name, views) -> {
            Entry entry = entries.get(name);
            if (entry == null || entry.learnedAt() < startedAt) {
                entries.put(name, new Entry(List.copyOf(views), startedAt, true));
            }
        });
        return publish();
    }

    /**
     * The catalog's views found so far, in place of what was known of their names unless that was learned after
     * the read started, with the views Cloak saw created that the catalog does not show.
     */
    private List<KnownView> merged(Collection<KnownView> found, long startedAt) {
        List<KnownView> views = new ArrayList<>();
        Set<String> foundNames = new HashSet<>();
        for (KnownView view : found) {
            foundNames.add(view.lowerCaseName());
            Entry newer = entries.get(view.lowerCaseName());
            if (newer == null || newer.learnedAt() < startedAt) {
                views.add(view);
            }
        }
        entries.forEach((name, entry) -> {
            if (entry.learnedAt() >= startedAt || !entry.fromCatalog() && !foundNames.contains(name)) {
                views.addAll(entry.views());
            }
        });
        return views;
    }

    private boolean publish() {
        List<KnownView> views = new ArrayList<>();
        entries.values().forEach(entry -> views.addAll(entry.views()));
        KnownViews next = new KnownViews(views);
        boolean changed = !next.equals(snapshot);
        snapshot = next;
        return changed;
    }
}
