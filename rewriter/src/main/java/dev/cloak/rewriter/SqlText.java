package dev.cloak.rewriter;

/** Cheap scans of SQL text that need no parse. */
final class SqlText {

    private SqlText() {
    }

    /**
     * Counts the {@code ?} parameter markers outside string literals, quoted identifiers and comments, as a
     * JDBC driver does. Dialect corners (backslash escapes, dollar quotes) may miscount; for statements on
     * configured tables the count is checked against the parser's, so a miscount fails closed.
     */
    static int countParameters(String sql) {
        int count = 0;
        int length = sql.length();
        int i = 0;
        while (i < length) {
            char c = sql.charAt(i);
            int skipped = skipNonCode(sql, i);
            if (skipped != i) {
                i = skipped;
            } else {
                if (c == '?') {
                    count++;
                }
                i++;
            }
        }
        return count;
    }

    /**
     * The index after the string literal, quoted identifier or comment that starts at {@code i}, or {@code i}
     * itself when none starts there.
     */
    private static int skipNonCode(String sql, int i) {
        int length = sql.length();
        char c = sql.charAt(i);
        if (c == '\'' || c == '"' || c == '`') {
            return skipQuoted(sql, i, c);
        }
        if (c == '-' && i + 1 < length && sql.charAt(i + 1) == '-') {
            int end = sql.indexOf('\n', i);
            return end < 0 ? length : end + 1;
        }
        if (c == '/' && i + 1 < length && sql.charAt(i + 1) == '*') {
            int end = sql.indexOf("*/", i + 2);
            return end < 0 ? length : end + 2;
        }
        return i;
    }

    private static int skipQuoted(String sql, int start, char quote) {
        int i = start + 1;
        while (i < sql.length()) {
            if (sql.charAt(i) == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return sql.length();
    }

    /**
     * Splits a text at semicolons outside string literals, quoted identifiers and comments, dropping blank
     * pieces. Dialect corners (backslash escapes, dollar quotes) may split wrongly; callers compare the number
     * of pieces with the parser's number of statements and refuse the text when they differ.
     */
    static java.util.List<Piece> splitStatements(String sql) {
        java.util.List<Piece> pieces = new java.util.ArrayList<>();
        int length = sql.length();
        int start = 0;
        int i = 0;
        while (i < length) {
            char c = sql.charAt(i);
            int skipped = skipNonCode(sql, i);
            if (skipped != i) {
                i = skipped;
            } else if (c == ';') {
                addPiece(pieces, sql, start, i);
                start = ++i;
            } else {
                i++;
            }
        }
        addPiece(pieces, sql, start, length);
        return pieces;
    }

    private static void addPiece(java.util.List<Piece> pieces, String sql, int start, int end) {
        String piece = sql.substring(start, end);
        if (!piece.isBlank()) {
            pieces.add(new Piece(start, piece));
        }
    }

    /** One statement's text and where it starts in the whole text. */
    record Piece(int start, String text) {
    }

    /**
     * Counts list separators and boolean connectives (commas, AND, OR) outside string literals, quoted
     * identifiers and comments: a cheap measure of how long JSqlParser will take, since its time grows steeply
     * with long lists and chains.
     */
    static int countListTerms(String sql) {
        int count = 0;
        int length = sql.length();
        int i = 0;
        while (i < length) {
            char c = sql.charAt(i);
            int skipped = skipNonCode(sql, i);
            if (skipped != i) {
                i = skipped;
            } else if (isWordChar(c)) {
                int start = i;
                while (i < length && isWordChar(sql.charAt(i))) {
                    i++;
                }
                int word = i - start;
                if (word == 2 && sql.regionMatches(true, start, "or", 0, 2)
                        || word == 3 && sql.regionMatches(true, start, "and", 0, 3)) {
                    count++;
                }
            } else {
                if (c == ',') {
                    count++;
                }
                i++;
            }
        }
        return count;
    }

    /**
     * The deepest nesting of parentheses that do not open a subquery ({@code (SELECT}, {@code (WITH},
     * {@code (VALUES}), outside literals and comments: JSqlParser's time grows exponentially with it.
     */
    static int maxExpressionDepth(String sql) {
        java.util.ArrayDeque<Boolean> open = new java.util.ArrayDeque<>();
        int depth = 0;
        int max = 0;
        int length = sql.length();
        int i = 0;
        while (i < length) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                i = skipQuoted(sql, i, c);
                continue;
            } else if (c == '-' && i + 1 < length && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? length : end + 1;
                continue;
            } else if (c == '/' && i + 1 < length && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? length : end + 2;
                continue;
            }
            if (c == '(') {
                int j = i + 1;
                while (j < length && Character.isWhitespace(sql.charAt(j))) {
                    j++;
                }
                boolean expression = !(startsWithWord(sql, j, "select") || startsWithWord(sql, j, "with")
                        || startsWithWord(sql, j, "values"));
                open.push(expression);
                if (expression) {
                    max = Math.max(max, ++depth);
                }
            } else if (c == ')' && !open.isEmpty() && open.pop()) {
                depth--;
            }
            i++;
        }
        return max;
    }

    private static boolean startsWithWord(String sql, int at, String word) {
        int end = at + word.length();
        return sql.regionMatches(true, at, word, 0, word.length())
                && (end >= sql.length() || !isWordChar(sql.charAt(end)));
    }

    /** The deepest parenthesis nesting anywhere in the text (literals included: only over-counts). */
    static int maxParenthesisDepth(String sql) {
        int depth = 0;
        int max = 0;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c == '(') {
                depth++;
                max = Math.max(max, depth);
            } else if (c == ')' && depth > 0) {
                depth--;
            }
        }
        return max;
    }

    /**
     * Counts how often each of the given lower-case words occurs as an identifier: plain or quoted, outside
     * string literals and comments, compared case-insensitively.
     */
    static java.util.Map<String, Integer> countIdentifiers(String sql, java.util.Set<String> lowerCaseWords) {
        java.util.Map<String, Integer> counts = new java.util.HashMap<>();
        int length = sql.length();
        int i = 0;
        while (i < length) {
            char c = sql.charAt(i);
            if (c == '\'') {
                i = skipQuoted(sql, i, c);
            } else if (c == '"' || c == '`') {
                int end = skipQuoted(sql, i, c);
                String inner = sql.substring(i + 1, Math.max(i + 1, end - 1));
                count(counts, inner, lowerCaseWords);
                i = end;
            } else if (c == '-' && i + 1 < length && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? length : end + 1;
            } else if (c == '/' && i + 1 < length && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? length : end + 2;
            } else if (isWordChar(c)) {
                int start = i;
                while (i < length && isWordChar(sql.charAt(i))) {
                    i++;
                }
                count(counts, sql.substring(start, i), lowerCaseWords);
            } else {
                i++;
            }
        }
        return counts;
    }

    private static void count(java.util.Map<String, Integer> counts, String word, java.util.Set<String> words) {
        String lower = word.toLowerCase(java.util.Locale.ROOT);
        if (words.contains(lower)) {
            counts.merge(lower, 1, Integer::sum);
        }
    }

    static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
}
