package dev.cloak.conformance.leak;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds needles (plaintexts, key material) in haystacks (captured logs, exception texts, audit records).
 * Tens of thousands of needles go through megabytes of text, so needles are indexed by a hash of their first
 * {@value Needle#MIN_LENGTH} characters and every position of a haystack is looked up once.
 */
public final class LeakChecker {

    private static final int K = Needle.MIN_LENGTH;
    private static final int CONTEXT = 80;

    private final Map<Long, List<Needle>> byPrefix = new HashMap<>();
    private final int needles;

    public LeakChecker(Collection<Needle> needles) {
        Set<String> seen = new HashSet<>();
        int count = 0;
        for (Needle n : needles) {
            if (seen.add(n.text())) {
                byPrefix.computeIfAbsent(hash(n.text(), 0), h -> new ArrayList<>()).add(n);
                count++;
            }
        }
        this.needles = count;
    }

    /** How many distinct needle texts are searched for. */
    public int size() {
        return needles;
    }

    /** A captured text: a file's content, or an in-memory record. */
    public record Haystack(String name, String text) {
    }

    /**
     * One leak.
     *
     * @param where   haystack and line, e.g. {@code logs.txt:120}
     * @param needle  what was found
     * @param context the line around it, with the needle itself replaced by its label
     */
    public record Finding(String where, Needle needle, String context) {
        @Override
        public String toString() {
            return where + ": " + needle.label() + "\n        " + context;
        }
    }

    /** Every needle occurrence in {@code haystack}, one finding per needle and line. */
    public List<Finding> search(Haystack haystack) {
        String text = haystack.text();
        List<Finding> findings = new ArrayList<>();
        Set<String> reported = new HashSet<>();
        int[] lineStarts = null;
        for (int i = 0; i + K <= text.length(); i++) {
            List<Needle> candidates = byPrefix.get(hash(text, i));
            if (candidates == null) {
                continue;
            }
            for (Needle n : candidates) {
                if (!text.startsWith(n.text(), i)) {
                    continue;
                }
                if (lineStarts == null) {
                    lineStarts = lineStarts(text);
                }
                int line = lineOf(lineStarts, i);
                if (reported.add(line + "\u0000" + n.text())) {
                    findings.add(new Finding(haystack.name() + ":" + (line + 1), n, context(text, i, n)));
                }
            }
        }
        return findings;
    }

    /** Every finding in every haystack. */
    public List<Finding> search(Collection<Haystack> haystacks) {
        List<Finding> findings = new ArrayList<>();
        for (Haystack h : haystacks) {
            findings.addAll(search(h));
        }
        return findings;
    }

    private static long hash(String s, int from) {
        long h = 1125899906842597L;
        for (int i = from; i < from + K; i++) {
            h = 31 * h + s.charAt(i);
        }
        return h;
    }

    private static int[] lineStarts(String text) {
        int[] starts = new int[16];
        int n = 0;
        starts[n++] = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                if (n == starts.length) {
                    starts = Arrays.copyOf(starts, n * 2);
                }
                starts[n++] = i + 1;
            }
        }
        return Arrays.copyOf(starts, n);
    }

    private static int lineOf(int[] lineStarts, int index) {
        int found = Arrays.binarySearch(lineStarts, index);
        return found >= 0 ? found : -found - 2;
    }

    /**
     * The text around a match, on one line, with this and every other needle in it shown by its label only, so
     * a report never prints key bytes.
     */
    private String context(String text, int at, Needle n) {
        int from = Math.max(0, at - CONTEXT);
        int to = Math.min(text.length(), at + n.text().length() + CONTEXT);
        StringBuilder masked = new StringBuilder();
        int i = from;
        while (i < to) {
            Needle longest = i + K <= text.length() ? longestAt(text, i) : null;
            if (longest != null) {
                masked.append("<<").append(longest.label()).append(">>");
                i += longest.text().length();
            } else {
                masked.append(text.charAt(i));
                i++;
            }
        }
        return masked.toString().replace("\r", "\\r").replace("\n", "\\n");
    }

    private Needle longestAt(String text, int i) {
        Needle longest = null;
        List<Needle> candidates = byPrefix.get(hash(text, i));
        if (candidates != null) {
            for (Needle c : candidates) {
                if (text.startsWith(c.text(), i) && (longest == null || c.text().length() > longest.text().length())) {
                    longest = c;
                }
            }
        }
        return longest;
    }
}
