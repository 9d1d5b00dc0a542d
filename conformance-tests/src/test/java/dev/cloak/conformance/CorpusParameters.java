package dev.cloak.conformance;

import dev.cloak.conformance.leak.LeakCapture;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Values for the {@code ?} of a corpus case. Each {@code ?} binds a column: the encrypted column its case's
 * {@code params} line names, else the plain column the SQL text around it compares it with (or inserts it
 * into), else a LIMIT/OFFSET count. The column's name picks a value from a small pool of values that exist in
 * {@link CorpusSchema}'s rows, so lookups find rows; the n-th {@code ?} of one column takes the n-th value.
 */
final class CorpusParameters {

    /** Thrown for a {@code ?} whose column the rule cannot tell; the case is skipped with the message. */
    static final class Unbindable extends Exception {
        Unbindable(String message) {
            super(message);
        }
    }

    private static final Map<String, List<Object>> POOLS = Map.ofEntries(
            Map.entry("id", List.of(2, 5, 7, 3)),
            Map.entry("patient_id", List.of(4, 2)),
            Map.entry("i", List.of(2)),
            Map.entry("ssn", List.of("123-45-6789", "111-11-1111", "222-22-2222", "999-99-9999")),
            Map.entry("patient_ssn", List.of("123-45-6789", "111-11-1111", "222-22-2222")),
            Map.entry("name", List.of("Ines Neu", "Zoë 李")),
            Map.entry("dob", List.of(LocalDate.of(1985, 5, 5), LocalDate.of(1970, 7, 7))),
            Map.entry("visited_on", List.of(LocalDate.of(2024, 2, 1), LocalDate.of(2024, 4, 1))),
            Map.entry("city", List.of("Springfield", "Shelbyville", "Ogdenville")),
            Map.entry("zip", List.of("49008")),
            Map.entry("what", List.of("export")),
            Map.entry("ts", List.of(LocalDateTime.of(2024, 3, 1, 0, 0))),
            Map.entry("count", List.of(1)),
            Map.entry("limit", List.of(3)),
            Map.entry("offset", List.of(1)),
            Map.entry("select-item", List.of("marker")));

    /** The {@code params} word of a parameter only tested for NULL, for which Cloak binds a stand-in. */
    private static final String NULL_TEST = "null-test";
    private static final String COLUMN = "([a-z_][a-z0-9_]*\\.)?([a-z_][a-z0-9_]*)";
    private static final Pattern INSERT_COLUMNS =
            Pattern.compile("insert\\s+into\\s+[a-z0-9_.]+\\s*\\(([^)]*)\\)\\s*values\\s*", Pattern.CASE_INSENSITIVE);
    private static final Pattern INSERT_SELECT_COLUMNS =
            Pattern.compile("insert\\s+into\\s+[a-z0-9_.]+\\s*\\(([^)]*)\\)\\s*select\\s+", Pattern.CASE_INSENSITIVE);
    private static final Pattern COMPARED_BEFORE = Pattern.compile(COLUMN + "\\s*(=|<>|!=|<=|>=|<|>)$");
    private static final Pattern AGGREGATE_BEFORE = Pattern.compile("\\)\\s*(=|<>|!=|<=|>=|<|>)$");
    private static final Pattern COMPARED_AFTER = Pattern.compile("^\\s*(=|<>|!=)\\s*" + COLUMN);
    /** {@code c LIKE ?}, and {@code c LIKE ('%'||?} as Hibernate writes concat (the string is blanked out). */
    private static final Pattern LIKE_BEFORE =
            Pattern.compile(COLUMN + "\\s+(not\\s+)?like(\\s*\\(\\s*(\\|\\|)?)?$");
    private static final Pattern IN_LIST_BEFORE = Pattern.compile(COLUMN + "\\s+(not\\s+)?in\\s*\\(\\s*(\\?\\s*,\\s*)*$");
    private static final Pattern BETWEEN_BEFORE = Pattern.compile(COLUMN + "\\s+between(\\s+\\?\\s+and)?$");
    private static final Pattern LIMIT_BEFORE = Pattern.compile("(limit|fetch\\s+first|fetch\\s+next|limit\\s+\\?\\s*,)$");

    private CorpusParameters() {
    }

    /** The values to bind, in order; fresh ids for rows a plain INSERT adds, existing ones for upserts. */
    static List<Object> values(CorpusCase c) throws Unbindable {
        String code = codeOnly(c.sql()).toLowerCase(Locale.ROOT);
        List<Integer> markers = markers(code);
        List<String> words = c.paramWords();
        if (!words.isEmpty() && words.size() != markers.size()) {
            throw new Unbindable("params names " + words.size() + " parameters, the SQL has " + markers.size());
        }
        Map<Integer, String> inserted = insertedColumns(code);
        boolean upsert = code.contains("on conflict") || code.contains("on duplicate key");
        Map<String, Integer> uses = new HashMap<>();
        List<Object> values = new ArrayList<>();
        int freshId = 101;
        for (int k = 0; k < markers.size(); k++) {
            int at = markers.get(k);
            String word = words.isEmpty() ? "-" : words.get(k);
            boolean nullTested = word.equals(NULL_TEST);
            if (nullTested) {
                // the optional filter, (? IS NULL OR ssn = ?): the value the encrypted column after it gets
                word = k + 1 < words.size() && !words.get(k + 1).equals("-") && !words.get(k + 1).equals(NULL_TEST)
                        ? words.get(k + 1) : "-";
            }
            String column = !word.equals("-") ? word.substring(word.lastIndexOf('.') + 1)
                    : inserted.containsKey(at) ? inserted.get(at) : contextColumn(code, at);
            if (column == null) {
                throw new Unbindable("parameter " + (k + 1) + ": no column or count to take a value from");
            }
            if (column.equals("id") && inserted.containsKey(at) && !upsert) {
                values.add(freshId++);
                continue;
            }
            List<Object> pool = POOLS.get(column);
            if (pool == null) {
                throw new Unbindable("parameter " + (k + 1) + ": no values for column " + column);
            }
            // a NULL-tested parameter takes the value of the one after it, which counts the use
            int use = nullTested ? uses.getOrDefault(column, 0) : uses.merge(column, 1, Integer::sum) - 1;
            Object value = pool.get(use % pool.size());
            if (!word.equals("-")) {
                LeakCapture.plaintext(value); // bound to an encrypted column: the leak check searches for it
            }
            values.add(value);
        }
        return values;
    }

    /** The column (or count) the {@code ?} at {@code at} is compared with; {@code null} when the text does not say. */
    private static String contextColumn(String code, int at) {
        String before = code.substring(0, at).stripTrailing();
        String after = code.substring(at + 1);
        if (before.endsWith("offset") || (before.endsWith("limit") && after.stripLeading().startsWith(","))) {
            return "offset";
        }
        if (LIMIT_BEFORE.matcher(before).find()) {
            return "limit";
        }
        if (before.endsWith("select")) {
            return "select-item";
        }
        for (Pattern p : List.of(COMPARED_BEFORE, LIKE_BEFORE, IN_LIST_BEFORE, BETWEEN_BEFORE)) {
            Matcher m = p.matcher(before);
            if (m.find()) {
                return m.group(2);
            }
        }
        if (AGGREGATE_BEFORE.matcher(before).find()) {
            return "count";
        }
        Matcher m = COMPARED_AFTER.matcher(after);
        return m.find() ? m.group(3) : null;
    }

    /**
     * For each {@code ?} inside {@code INSERT INTO t (columns) VALUES (…), (…)}, or in the select list of
     * {@code INSERT INTO t (columns) SELECT …}: the column it fills.
     */
    private static Map<Integer, String> insertedColumns(String code) {
        Map<Integer, String> byMarker = new HashMap<>();
        Matcher select = INSERT_SELECT_COLUMNS.matcher(code);
        if (select.find()) {
            String[] columns = select.group(1).split(",");
            int depth = 0;
            int index = 0;
            for (int i = select.end(); i < code.length() && index < columns.length; i++) {
                char ch = code.charAt(i);
                if (ch == '(') {
                    depth++;
                } else if (ch == ')') {
                    depth--;
                } else if (ch == ',' && depth == 0) {
                    index++;
                } else if (ch == '?' && depth == 0) {
                    byMarker.put(i, columns[index].strip());
                } else if (depth == 0 && code.startsWith(" from ", i)) {
                    break;
                }
            }
        }
        Matcher m = INSERT_COLUMNS.matcher(code);
        while (m.find()) {
            String[] columns = m.group(1).split(",");
            int i = m.end();
            while (i < code.length() && code.charAt(i) == '(') {
                int depth = 0;
                int index = 0;
                do {
                    char ch = code.charAt(i);
                    if (ch == '(') {
                        depth++;
                    } else if (ch == ')') {
                        depth--;
                    } else if (ch == ',' && depth == 1) {
                        index++;
                    } else if (ch == '?' && depth == 1 && index < columns.length) {
                        byMarker.put(i, columns[index].strip());
                    }
                    i++;
                } while (depth > 0 && i < code.length());
                while (i < code.length() && (Character.isWhitespace(code.charAt(i)) || code.charAt(i) == ',')) {
                    i++;
                }
            }
        }
        return byMarker;
    }

    /** Positions of the {@code ?} markers of text whose quotes and comments are blanked. */
    private static List<Integer> markers(String code) {
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < code.length(); i++) {
            if (code.charAt(i) == '?') {
                at.add(i);
            }
        }
        return at;
    }

    /** The SQL with string literals, quoted identifiers and comments replaced by spaces (same length). */
    static String codeOnly(String sql) {
        char[] out = sql.toCharArray();
        int i = 0;
        while (i < out.length) {
            char ch = out[i];
            int end;
            if (ch == '\'' || ch == '"' || ch == '`') {
                end = i + 1;
                while (end < out.length && out[end] != ch) {
                    end++;
                }
                end++;
            } else if (ch == '-' && i + 1 < out.length && out[i + 1] == '-') {
                end = sql.indexOf('\n', i);
                end = end < 0 ? out.length : end;
            } else if (ch == '/' && i + 1 < out.length && out[i + 1] == '*') {
                end = sql.indexOf("*/", i + 2);
                end = end < 0 ? out.length : end + 2;
            } else {
                i++;
                continue;
            }
            for (int j = i; j < Math.min(end, out.length); j++) {
                out[j] = ' ';
            }
            i = end;
        }
        return new String(out);
    }
}
