package dev.cloak.rewriter;

import dev.cloak.rewriter.lexer.JdbcParameterTokens;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserConstants;
import net.sf.jsqlparser.parser.ParseException;
import net.sf.jsqlparser.parser.Token;
import net.sf.jsqlparser.statement.Statements;

/**
 * JSqlParser on the calling thread. A text the cheap scans find large (long lists, deep parentheses) is parsed
 * under a deadline that stops the parser, so its size alone never refuses it, only a parse that does not end in
 * time. A parse failure names where it stopped (line, column) and the token there; a token that may carry a
 * value (a literal, a quoted name, anything that is not a plain word or operator) is named by its kind only.
 */
final class Parsing {

    /** How long a large text may take to parse before it is refused. */
    static final long GUARDED_PARSE_MILLIS = 5_000;

    private static final Pattern WORD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,39}");
    private static final Pattern OPERATOR = Pattern.compile("[()\\[\\],;.*=<>!+\\-/%|&^:~@{}]{1,3}");
    private static final Pattern LEXICAL_POSITION = Pattern.compile("line (\\d+), column (\\d+)");

    /** One daemon thread that only flips the parser's stop flag when a deadline passes. */
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "cloak-parse-deadline");
        thread.setDaemon(true);
        return thread;
    });

    private Parsing() {
    }

    /**
     * Parses {@code text}, which starts at {@code offset} of {@code whole} (positions in messages are those of
     * the whole text).
     *
     * @param guarded whether the parse runs under the deadline
     */
    static Statements statements(String text, boolean guarded, String whole, int offset) {
        return statements(text, guarded ? GUARDED_PARSE_MILLIS : 0, whole, offset);
    }

    /** As above, under a deadline of {@code deadlineMillis} (0: none). */
    static Statements statements(String text, long deadlineMillis, String whole, int offset) {
        CCJSqlParser parser;
        try {
            parser = JdbcParameterTokens.parser(text);
        } catch (ParseException e) {
            throw new Rejection(failure(e, whole, offset));
        }
        ScheduledFuture<?> deadline = deadlineMillis > 0
                ? DEADLINES.schedule(() -> parser.interrupted = true, deadlineMillis, TimeUnit.MILLISECONDS)
                : null;
        try {
            Statements statements = parser.Statements();
            if (parser.interrupted) {
                // a stopped parse may return fewer statements or list items than the text holds: never use it
                throw tooSlow(deadlineMillis);
            }
            return statements;
        } catch (ParseException e) {
            throw parser.interrupted ? tooSlow(deadlineMillis) : new Rejection(failure(e, whole, offset));
        } catch (Exception | StackOverflowError e) {
            // the parser's own message quotes the SQL text, which may hold plaintext: never pass it on
            throw parser.interrupted ? tooSlow(deadlineMillis) : new Rejection(lexicalFailure(e, whole, offset));
        } finally {
            if (deadline != null) {
                deadline.cancel(false);
            }
        }
    }

    private static Rejection tooSlow(long deadlineMillis) {
        return new Rejection("statement that names a configured table could not be parsed within "
                + deadlineMillis + " ms, so it is not sent: split long IN lists and VALUES rows into several"
                + " statements, or load the values into a table and join it");
    }

    /** Where the parse stopped and what stands there, without the text of any value. */
    static String failure(ParseException e, String whole, int offset) {
        Token token = e.currentToken == null ? null : e.currentToken.next;
        if (token == null) {
            return notParsed("");
        }
        int[] position = absolute(whole, offset, token.beginLine, token.beginColumn);
        return notParsed(" at line " + position[0] + ", column " + position[1] + " (at " + describe(token) + ")");
    }

    private static String lexicalFailure(Throwable e, String whole, int offset) {
        Matcher m = e.getMessage() == null ? null : LEXICAL_POSITION.matcher(e.getMessage());
        if (m == null || !m.find()) {
            return notParsed("");
        }
        int[] position = absolute(whole, offset, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        return notParsed(" at line " + position[0] + ", column " + position[1] + " (at a character it cannot read)");
    }

    private static String notParsed(String where) {
        return "statement that names a configured table could not be parsed" + where + ", so it is not sent:"
                + " check its syntax there";
    }

    /** A token as a message may name it: plain words and operators as written, anything else by its kind. */
    static String describe(Token token) {
        return switch (token.kind) {
            case CCJSqlParserConstants.EOF -> "the end of the text";
            case CCJSqlParserConstants.S_CHAR_LITERAL -> "a string literal";
            case CCJSqlParserConstants.S_LONG, CCJSqlParserConstants.S_DOUBLE, CCJSqlParserConstants.S_HEX ->
                    "a number";
            case CCJSqlParserConstants.S_QUOTED_IDENTIFIER -> "a quoted identifier";
            case CCJSqlParserConstants.S_DOLLAR_QUOTED_STRING -> "a dollar-quoted string";
            default -> token.image != null && (WORD.matcher(token.image).matches()
                    || OPERATOR.matcher(token.image).matches()) ? "'" + token.image + "'" : "a token";
        };
    }

    /** A 1-based line and column of a piece starting at {@code offset}, as line and column of the whole text. */
    private static int[] absolute(String whole, int offset, int line, int column) {
        if (offset == 0) {
            return new int[] {line, column};
        }
        int wholeLine = 1;
        int lineStart = 0;
        for (int i = 0; i < offset && i < whole.length(); i++) {
            if (whole.charAt(i) == '\n') {
                wholeLine++;
                lineStart = i + 1;
            }
        }
        return line == 1 ? new int[] {wholeLine, offset - lineStart + column}
                : new int[] {wholeLine + line - 1, column};
    }
}
