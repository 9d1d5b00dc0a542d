package dev.cloak.conformance.leak;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/** The text of a throwable and everything hanging off it, as the leak check searches it. */
final class ThrowableText {

    private ThrowableText() {
    }

    /**
     * Causes, suppressed and SQLException's next exceptions, each with toString(), getMessage(),
     * getLocalizedMessage() and SQLState.
     *
     * @param skipAssertions leave out the messages of AssertionErrors (a test's own), but follow their causes
     */
    static String of(Throwable top, boolean skipAssertions) {
        StringBuilder b = new StringBuilder();
        for (Throwable t : graph(top)) {
            if (skipAssertions && t instanceof AssertionError) {
                continue;
            }
            b.append("  ").append(t).append('\n');
            b.append("    message: ").append(t.getMessage()).append('\n');
            if (t.getLocalizedMessage() != null && !t.getLocalizedMessage().equals(t.getMessage())) {
                b.append("    localized: ").append(t.getLocalizedMessage()).append('\n');
            }
            if (t instanceof SQLException s) {
                b.append("    SQLState: ").append(s.getSQLState()).append(", vendor code ").append(s.getErrorCode()).append('\n');
            }
        }
        return b.toString();
    }

    /** {@code top} and everything hanging off it (causes, suppressed, SQLException's next), each once, top first. */
    static List<Throwable> graph(Throwable top) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Throwable> found = new ArrayList<>();
        List<Throwable> todo = new ArrayList<>();
        todo.add(top);
        while (!todo.isEmpty()) {
            Throwable t = todo.remove(0);
            if (t == null || !seen.add(t)) {
                continue;
            }
            found.add(t);
            todo.add(t.getCause());
            todo.addAll(List.of(t.getSuppressed()));
            if (t instanceof SQLException s) {
                todo.add(s.getNextException());
            }
        }
        return found;
    }
}
