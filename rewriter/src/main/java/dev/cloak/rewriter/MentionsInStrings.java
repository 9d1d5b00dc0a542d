package dev.cloak.rewriter;

import dev.cloak.rewriter.lexer.DriverReading;
import dev.cloak.rewriter.lexer.LexicalSetting;
import dev.cloak.rewriter.lexer.Reading;
import dev.cloak.rewriter.lexer.ReadingAgreement;
import dev.cloak.rewriter.lexer.SqlLexer;
import dev.cloak.rewriter.lexer.SqlToken;
import dev.cloak.rewriter.lexer.TokenKind;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Where a text that may name a configured table or known view names it: outside strings and comments, in some
 * reading the server may make of it (each session setting that changes scanning, each dialect when the dialect is
 * unknown), or only inside them, as seed data that quotes a query does ({@code INSERT INTO help VALUES ('patients
 * where name like \'a%\'')}, whose backslashes one setting reads as escapes and another as characters).
 */
final class MentionsInStrings {

    /** Statements that run no SQL held in a string: a name inside one of their strings is data. */
    private static final Set<String> DATA_STATEMENTS = Set.of("select", "insert", "replace", "update", "delete",
            "with");

    private MentionsInStrings() {
    }

    /**
     * Whether {@code sql} is sent untouched: under every reading, no token outside strings and comments is one
     * {@code mayMention} accepts, every statement is a query or a write ({@link #DATA_STATEMENTS}, so no string of
     * it is run as SQL: {@code DO}, function bodies, {@code PREPARE … FROM} and {@code EXECUTE IMMEDIATE} stay
     * planned), no executable or version comment stands in it (which some servers run and others skip), neither
     * the server nor the JDBC driver finds a parameter in it, and on MariaDB no non-ASCII character stands before a
     * backslash or backquote (a multi-byte client character set reads them otherwise); each statement pgjdbc splits
     * off reads so too.
     */
    static boolean passUntouched(String sql, Dialect dialect, Predicate<String> mayMention) {
        if (!readsAsData(sql, dialect, mayMention)) {
            return false;
        }
        if (dialect == Dialect.MARIADB || dialect == null) {
            if (ReadingAgreement.multibyteHazard(sql, List.of()) != null) {
                return false;
            }
            for (boolean noBackslashEscapes : new boolean[] {false, true}) {
                if (!DriverReading.connectorJ(sql, noBackslashEscapes).placeholders().isEmpty()) {
                    return false;
                }
            }
        }
        if (dialect == Dialect.POSTGRESQL || dialect == null) {
            for (boolean conforming : new boolean[] {true, false}) {
                DriverReading pgjdbc = DriverReading.pgjdbc(sql, conforming);
                if (!pgjdbc.placeholders().isEmpty() || !pgjdbc.escapes().isEmpty()) {
                    return false;
                }
                // pgjdbc sends each piece it splits off as a statement of its own
                int start = 0;
                for (int split : pgjdbc.splits()) {
                    if (!readsAsData(sql.substring(start, split), dialect, mayMention)) {
                        return false;
                    }
                    start = split + 1;
                }
                if (start > 0 && !readsAsData(sql.substring(start), dialect, mayMention)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Whether every server reading of {@code sql} names nothing {@code mayMention} accepts outside strings and
     * comments, binds no parameter (where a driver that finds one elsewhere would write a value into the text), and
     * holds only data statements and no executable comment.
     */
    private static boolean readsAsData(String sql, Dialect dialect, Predicate<String> mayMention) {
        return !anyReading(sql, dialect,
                reading -> namesOutside(sql, reading, mayMention) || !onlyDataStatements(sql, reading.tokens()));
    }

    /** Whether some reading of {@code sql} names what {@code mayMention} accepts outside strings and comments. */
    static boolean namedOutsideStrings(String sql, Dialect dialect, Predicate<String> mayMention) {
        return anyReading(sql, dialect, reading -> namesOutside(sql, reading, mayMention));
    }

    /**
     * Whether {@code test} holds for some reading the server may make of {@code sql}: under each combination of the
     * settings of {@code dialect} that could change how it is scanned (of every known dialect when {@code dialect}
     * is {@code null}), the default first. A reading that stops at a failure holds the tokens before it, the only
     * ones that server could run.
     */
    private static boolean anyReading(String sql, Dialect dialect, Predicate<Reading> test) {
        for (Dialect each : dialect == null ? List.of(Dialect.values()) : List.of(dialect)) {
            for (Set<LexicalSetting> settings : LexicalSetting.combinations(each, sql)) {
                if (test.test(SqlLexer.read(sql, each, settings))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean namesOutside(String sql, Reading reading, Predicate<String> mayMention) {
        for (SqlToken token : reading.tokens()) {
            if (token.kind() != TokenKind.STRING && token.kind() != TokenKind.COMMENT
                    && mayMention.test(sql.substring(token.start(), token.end()))) {
                return true;
            }
        }
        return false;
    }

    private static boolean onlyDataStatements(String sql, List<SqlToken> tokens) {
        boolean atStart = true;
        for (SqlToken token : tokens) {
            TokenKind kind = token.kind();
            if (kind == TokenKind.EXECUTABLE || kind == TokenKind.PLACEHOLDER
                    || kind == TokenKind.NUMBERED_PLACEHOLDER) {
                return false;
            }
            if (kind == TokenKind.SEMICOLON) {
                atStart = true;
            } else if (atStart && kind != TokenKind.COMMENT && !isOpeningParenthesis(sql, token)) {
                if (kind != TokenKind.WORD || !DATA_STATEMENTS.contains(
                        sql.substring(token.start(), token.end()).toLowerCase(Locale.ROOT))) {
                    return false;
                }
                atStart = false;
            }
        }
        return true;
    }

    private static boolean isOpeningParenthesis(String sql, SqlToken token) {
        return token.kind() == TokenKind.OPERATOR && sql.charAt(token.start()) == '(';
    }
}
