package dev.cloak.rewriter.lexer;

import java.util.ArrayList;
import java.util.List;

/** What the dialects' scanners share: a cursor over the text, the tokens so far, and the failure, if any. */
abstract class Scanner {

    final String sql;
    final int length;
    final List<SqlToken> tokens = new ArrayList<>();
    int pos;
    private LexFailure failure;

    Scanner(String sql) {
        this.sql = sql;
        this.length = sql.length();
    }

    final Reading run() {
        while (pos < length && failure == null) {
            step();
        }
        if (failure == null) {
            finish();
        }
        return new Reading(tokens, failure);
    }

    /** Scans the token (or white space) at {@link #pos} and moves past it. */
    abstract void step();

    /** Checks made at the end of the text (an executable comment still open). */
    void finish() {
    }

    /** The character at {@code i}, or -1 past the end (a NUL character in the text stays 0). */
    final int at(int i) {
        return i < length ? sql.charAt(i) : -1;
    }

    final void emit(TokenForm form, int start, int end) {
        emit(form, start, end, false);
    }

    final void emit(TokenForm form, int start, int end, boolean joined) {
        tokens.add(new SqlToken(form, start, end, joined));
        pos = end;
    }

    final void fail(TokenForm form, int start) {
        failure = new LexFailure(form, start);
        pos = length;
    }

    final boolean failed() {
        return failure != null;
    }

    /** The index of the first {@code \n} (and {@code \r} when {@code carriageReturnEnds}) from {@code from}. */
    final int lineEnd(int from, boolean carriageReturnEnds) {
        int i = from;
        while (i < length) {
            char c = sql.charAt(i);
            if (c == '\n' || carriageReturnEnds && c == '\r') {
                return i;
            }
            i++;
        }
        return length;
    }

    /** Scans a delimited identifier whose quote is at {@code quote}; a doubled quote stands for one. */
    final void delimited(TokenForm form, int start, int quote) {
        char q = sql.charAt(quote);
        int i = quote + 1;
        while (i < length) {
            char c = sql.charAt(i);
            if (c == q) {
                if (at(i + 1) == q) {
                    i += 2;
                    continue;
                }
                emit(form, start, i + 1);
                return;
            }
            i++;
        }
        fail(form, start);
    }

    static boolean isAsciiLetter(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    static boolean isLetter(int c, char lower) {
        return (c | 0x20) == lower;
    }
}
