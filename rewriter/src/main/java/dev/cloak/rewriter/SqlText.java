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
            if (c == '\'' || c == '"' || c == '`') {
                i = skipQuoted(sql, i, c);
            } else if (c == '-' && i + 1 < length && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? length : end + 1;
            } else if (c == '/' && i + 1 < length && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? length : end + 2;
            } else {
                if (c == '?') {
                    count++;
                }
                i++;
            }
        }
        return count;
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

    static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
}
