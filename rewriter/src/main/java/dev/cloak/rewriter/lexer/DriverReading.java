package dev.cloak.rewriter.lexer;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the JDBC drivers find {@code ?} parameters and split statements: ports of pgjdbc's
 * {@code org.postgresql.core.Parser.parseJdbcSql} (42.7) and MariaDB Connector/J's
 * {@code org.mariadb.jdbc.util.ClientParser.parameterParts} (3.5). A driver that finds a parameter where the
 * server reads a string, or splits where the server does not, sends something other than what was planned.
 *
 * @param placeholders the index of every {@code ?} the driver binds, in order
 * @param splits       the index of every {@code ;} at which the driver splits the text into statements
 * @param escapes      the index of every {@code ??} the driver sends as one literal {@code ?} (pgjdbc)
 */
public record DriverReading(List<Integer> placeholders, List<Integer> splits, List<Integer> escapes) {

    /** Copies the lists. */
    public DriverReading {
        placeholders = List.copyOf(placeholders);
        splits = List.copyOf(splits);
        escapes = List.copyOf(escapes);
    }

    /**
     * pgjdbc's reading with the session's {@code standard_conforming_strings}: it skips {@code '...'} strings
     * (backslashes escape only when that setting is off or in {@code E'...'}), {@code "..."}, {@code --} and
     * nested block comments and dollar quotes; {@code ??} is a literal {@code ?}; it splits at {@code ;} outside
     * parentheses.
     */
    public static DriverReading pgjdbc(String sql, boolean standardConformingStrings) {
        char[] chars = sql.toCharArray();
        List<Integer> placeholders = new ArrayList<>();
        List<Integer> splits = new ArrayList<>();
        List<Integer> escapes = new ArrayList<>();
        int inParen = 0;
        for (int i = 0; i < chars.length; i++) {
            char c = chars[i];
            switch (c) {
                case '\'' -> i = pgSingleQuotes(chars, i, standardConformingStrings);
                case '"' -> i = pgDoubleQuotes(chars, i);
                case '-' -> i = pgLineComment(chars, i);
                case '/' -> i = pgBlockComment(chars, i);
                case '$' -> i = pgDollarQuotes(chars, i);
                case '(' -> inParen++;
                case ')' -> inParen--;
                case '?' -> {
                    if (i + 1 < chars.length && chars[i + 1] == '?') {
                        escapes.add(i);
                        i++;
                    } else {
                        placeholders.add(i);
                    }
                }
                case ';' -> {
                    if (inParen == 0) {
                        splits.add(i);
                    }
                }
                default -> {
                }
            }
        }
        return new DriverReading(placeholders, splits, escapes);
    }

    private static int pgSingleQuotes(char[] query, int start, boolean standardConformingStrings) {
        int offset = start;
        boolean conforming = standardConformingStrings;
        if (conforming && offset >= 2 && (query[offset - 1] == 'e' || query[offset - 1] == 'E')
                && pgTerminatesIdentifier(query[offset - 2])) {
            conforming = false;
        }
        if (conforming) {
            while (++offset < query.length) {
                if (query[offset] == '\'') {
                    return offset;
                }
            }
        } else {
            while (++offset < query.length) {
                if (query[offset] == '\\') {
                    ++offset;
                } else if (query[offset] == '\'') {
                    return offset;
                }
            }
        }
        return query.length;
    }

    private static int pgDoubleQuotes(char[] query, int start) {
        int offset = start;
        while (++offset < query.length && query[offset] != '"') {
            // skipped
        }
        return offset;
    }

    private static int pgDollarQuotes(char[] query, int start) {
        int offset = start;
        if (offset + 1 < query.length && (offset == 0 || !Character.isJavaIdentifierPart(query[offset - 1]))) {
            int endIdx = -1;
            if (query[offset + 1] == '$') {
                endIdx = offset + 1;
            } else if (query[offset + 1] != '$' && Character.isJavaIdentifierStart(query[offset + 1])) {
                for (int d = offset + 2; d < query.length; d++) {
                    if (query[d] == '$') {
                        endIdx = d;
                        break;
                    } else if (query[d] == '$' || !Character.isJavaIdentifierPart(query[d])) {
                        break;
                    }
                }
            }
            if (endIdx > 0) {
                int tagIdx = offset;
                int tagLen = endIdx - offset + 1;
                offset = endIdx;
                for (++offset; offset < query.length; offset++) {
                    if (query[offset] == '$' && regionEquals(query, tagIdx, offset, tagLen)) {
                        offset += tagLen - 1;
                        break;
                    }
                }
            }
        }
        return offset;
    }

    private static boolean regionEquals(char[] query, int a, int b, int length) {
        if (b + length > query.length) {
            return false;
        }
        for (int k = 0; k < length; k++) {
            if (query[a + k] != query[b + k]) {
                return false;
            }
        }
        return true;
    }

    private static int pgLineComment(char[] query, int start) {
        int offset = start;
        if (offset + 1 < query.length && query[offset + 1] == '-') {
            while (offset + 1 < query.length) {
                offset++;
                if (query[offset] == '\r' || query[offset] == '\n') {
                    break;
                }
            }
        }
        return offset;
    }

    private static int pgBlockComment(char[] query, int start) {
        int offset = start;
        if (offset + 1 < query.length && query[offset + 1] == '*') {
            int level = 1;
            for (offset += 2; offset < query.length; offset++) {
                if (query[offset - 1] == '*' && query[offset] == '/') {
                    --level;
                    ++offset;
                } else if (query[offset - 1] == '/' && query[offset] == '*') {
                    ++level;
                    ++offset;
                }
                if (level == 0) {
                    --offset;
                    break;
                }
            }
        }
        return offset;
    }

    private static boolean pgTerminatesIdentifier(char c) {
        return c == '"' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
                || ",()[].;:+-*/%^<>=~!@#&|`?".indexOf(c) != -1;
    }

    /**
     * Connector/J's reading with the session's {@code NO_BACKSLASH_ESCAPES} (which the server reports to it):
     * {@code '...'} and {@code "..."} are strings, backquotes delimit identifiers, {@code #} and {@code --} (with
     * or without a following blank) start line comments, {@code /*} starts a comment that the first {@code *}
     * {@code /} ends (even the {@code /} of {@code /*}{@code /}); it never splits (the server does).
     */
    public static DriverReading connectorJ(String sql, boolean noBackslashEscapes) {
        List<Integer> placeholders = new ArrayList<>();
        int state = NORMAL;
        char lastChar = 0;
        boolean singleQuotes = false;
        for (int i = 0; i < sql.length(); i++) {
            char car = sql.charAt(i);
            if (state == ESCAPE && !(car == '\'' && singleQuotes || car == '"' && !singleQuotes)) {
                state = STRING;
                lastChar = car;
                continue;
            }
            switch (car) {
                case '*' -> {
                    if (state == NORMAL && lastChar == '/') {
                        state = SLASH_STAR_COMMENT;
                    }
                }
                case '/' -> {
                    if (state == SLASH_STAR_COMMENT && lastChar == '*') {
                        state = NORMAL;
                    }
                }
                case '#' -> {
                    if (state == NORMAL) {
                        state = EOL_COMMENT;
                    }
                }
                case '-' -> {
                    if (state == NORMAL && lastChar == '-') {
                        state = EOL_COMMENT;
                    }
                }
                case '\n' -> {
                    if (state == EOL_COMMENT) {
                        state = NORMAL;
                    }
                }
                case '"' -> {
                    if (state == NORMAL) {
                        state = STRING;
                        singleQuotes = false;
                    } else if (state == STRING && !singleQuotes) {
                        state = NORMAL;
                    } else if (state == ESCAPE) {
                        state = STRING;
                    }
                }
                case '\'' -> {
                    if (state == NORMAL) {
                        state = STRING;
                        singleQuotes = true;
                    } else if (state == STRING && singleQuotes) {
                        state = NORMAL;
                    } else if (state == ESCAPE) {
                        state = STRING;
                    }
                }
                case '\\' -> {
                    if (state == STRING && !noBackslashEscapes) {
                        state = ESCAPE;
                    }
                }
                case '?' -> {
                    if (state == NORMAL) {
                        placeholders.add(i);
                    }
                }
                case '`' -> {
                    if (state == BACKTICK) {
                        state = NORMAL;
                    } else if (state == NORMAL) {
                        state = BACKTICK;
                    }
                }
                default -> {
                }
            }
            lastChar = car;
        }
        return new DriverReading(placeholders, List.of(), List.of());
    }

    private static final int NORMAL = 0;
    private static final int STRING = 1;
    private static final int SLASH_STAR_COMMENT = 2;
    private static final int ESCAPE = 3;
    private static final int EOL_COMMENT = 4;
    private static final int BACKTICK = 5;
}
