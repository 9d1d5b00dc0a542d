package dev.cloak.rewriter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A cheap scan, no parse, for whether a SQL text may name one of a set of relations (configured tables, views over
 * them): false only when it certainly does not. It looks at every word of the raw text, in strings and comments
 * too, and also at the parts a server may read apart from what precedes them: a word without its leading digits
 * ({@code /*!50000patients}) and the pieces between {@code $} signs. Words compare under
 * {@link EncryptedSchema#fold}, broader than any server's case folding; names of other characters are looked for
 * as substrings (with quotes doubled as a quoted name writes them); every {@code U&} quoted name counts as a
 * mention, since its escapes can spell any name.
 */
final class NameMentions {

    private final Set<String> words;
    private final List<String> others;
    private final int longestWord;

    /** @param names the relations' names, folded */
    NameMentions(Collection<String> names) {
        Set<String> wordNames = new HashSet<>();
        List<String> otherNames = new ArrayList<>();
        int longest = 0;
        for (String name : names) {
            if (!name.isEmpty() && name.chars().allMatch(c -> SqlText.isWordChar((char) c))) {
                wordNames.add(EncryptedSchema.fold(name));
                longest = Math.max(longest, name.length());
            } else {
                otherNames.add(name);
                // a quote inside a quoted name is written doubled
                otherNames.add(name.replace("\"", "\"\"").replace("`", "``"));
            }
        }
        this.words = Set.copyOf(wordNames);
        this.others = List.copyOf(new LinkedHashSet<>(otherNames));
        this.longestWord = longest;
    }

    boolean isEmpty() {
        return words.isEmpty() && others.isEmpty();
    }

    boolean mayMention(String sql) {
        return mention(sql) != null;
    }

    /** The folded name the text may name, "" for a U& name, or null. */
    String mention(String sql) {
        if (isEmpty()) {
            return null;
        }
        int length = sql.length();
        int i = 0;
        while (i < length) {
            char c = sql.charAt(i);
            if (!SqlText.isWordChar(c)) {
                // PostgreSQL and H2 U&"..." identifiers can spell a name with escapes: assume a mention
                if (c == '&' && i > 0 && (sql.charAt(i - 1) == 'U' || sql.charAt(i - 1) == 'u')
                        && i + 1 < length && (sql.charAt(i + 1) == '"' || sql.charAt(i + 1) == '\'')) {
                    return "";
                }
                i++;
                continue;
            }
            int start = i;
            while (i < length && SqlText.isWordChar(sql.charAt(i))) {
                i++;
            }
            String name = namedIn(sql, start, i);
            if (name != null) {
                return name;
            }
        }
        if (!others.isEmpty()) {
            String lower = sql.toLowerCase(Locale.ROOT);
            for (String name : others) {
                if (lower.contains(name)) {
                    return name.replace("\"\"", "\"").replace("``", "`");
                }
            }
        }
        return null;
    }

    /** The name the word {@code [start, end)}, or a part of it a server reads on its own, names, or null. */
    private String namedIn(String sql, int start, int end) {
        int from = start;
        while (from < end && Character.isDigit(sql.charAt(from))) {
            from++;
        }
        String name = word(sql, start, end);
        if (name == null && from > start) {
            name = word(sql, from, end);
        }
        int piece = from;
        for (int k = from; k <= end && name == null; k++) {
            if (k == end || sql.charAt(k) == '$') {
                if (piece > from || k < end) {
                    name = word(sql, piece, k);
                }
                piece = k + 1;
            }
        }
        return name;
    }

    private String word(String sql, int start, int end) {
        // folding may turn one character into two (ß into ss), so allow for it in the length check
        if (end <= start || end - start > 2 * longestWord) {
            return null;
        }
        String folded = EncryptedSchema.fold(sql.substring(start, end));
        return words.contains(folded) ? folded : null;
    }
}
