package dev.cloak.conformance.leak;

import dev.cloak.conformance.leak.KeyFiles.RawKey;
import dev.cloak.conformance.leak.LeakCapture.Snapshot;
import dev.cloak.conformance.leak.LeakChecker.Finding;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The verdict on one capture: its texts searched for its plaintexts (plus any the caller knows of) and its keys.
 *
 * @param capture            what was searched
 * @param plaintexts         how many plaintexts were given
 * @param searchedPlaintexts how many of them the rule of {@link Needles} searches for
 * @param ignored            the others, as text, for the summary
 * @param needles            how many distinct texts were searched for
 * @param findings           every leak
 * @param advisories         needles found in the advisory texts: reported, not failed (see {@link Snapshot#advisory()})
 */
public record LeakReport(Snapshot capture, int plaintexts, int searchedPlaintexts, List<String> ignored, int needles,
                         List<Finding> findings, List<Finding> advisories) {

    private static final int SHOWN = 40;

    /** Searches every text of {@code capture} for its plaintexts, {@code morePlaintexts} and its keys. */
    public static LeakReport of(Snapshot capture, Collection<?> morePlaintexts) {
        List<Object> plaintexts = new ArrayList<>(capture.plaintexts());
        plaintexts.addAll(morePlaintexts);
        List<Needle> needles = new ArrayList<>();
        int searched = 0;
        Set<String> ignored = new TreeSet<>();
        for (Object p : plaintexts) {
            List<Needle> n = Needles.ofPlaintext(p);
            if (n.isEmpty()) {
                ignored.add(p instanceof byte[] b ? "byte[" + b.length + "]" : Needles.printable(String.valueOf(p)));
            } else {
                searched++;
            }
            needles.addAll(n);
        }
        for (RawKey k : capture.keys()) {
            needles.addAll(Needles.ofKey(k.label(), k.bytes()));
        }
        LeakChecker checker = new LeakChecker(needles);
        return new LeakReport(capture, plaintexts.size(), searched, List.copyOf(ignored), checker.size(),
                checker.search(capture.haystacks()), checker.search(capture.advisory()));
    }

    /** One line for the build log: what was searched, for what, and what was found. */
    public String summary() {
        return "Leak check: searched " + capture.haystacks().size() + " captured texts ("
                + capture.counts().entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "))
                + ") for " + searchedPlaintexts + " of " + plaintexts + " plaintexts and " + capture.keys().size()
                + " keys (" + needles + " texts): " + findings.size() + " found; captures in " + capture.dir()
                + "\nLeak check: not searched for, too short or uniform: " + ignored
                + (advisories.isEmpty() ? "" : "\nLeak check advisories (exceptions constructed under Cloak that may not have"
                + " left it; not failed):\n" + advisories.stream().limit(SHOWN).map(f -> "  " + f).collect(Collectors.joining("\n")));
    }

    /**
     * Fails when anything leaked or the capture could not read a key; the message lists the leaks by file and
     * line, with plaintexts named by value and keys only by which key they are.
     */
    public void assertClean() {
        if (!capture.problems().isEmpty()) {
            throw new AssertionError("the leak capture could not do all it must:\n  " + String.join("\n  ", capture.problems()));
        }
        if (!findings.isEmpty()) {
            throw new AssertionError(findings.size() + " leaks of plaintext or key material in what the suite captured "
                    + "(files in " + capture.dir() + "):\n"
                    + findings.stream().limit(SHOWN).map(f -> "  " + f).collect(Collectors.joining("\n"))
                    + (findings.size() > SHOWN ? "\n  ... and " + (findings.size() - SHOWN) + " more" : ""));
        }
    }
}
