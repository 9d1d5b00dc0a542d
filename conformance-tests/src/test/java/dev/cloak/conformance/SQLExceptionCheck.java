package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;

/** Checks that an exception and its causes leak none of the given plaintexts (SPEC §2.7). */
final class SQLExceptionCheck {

    private SQLExceptionCheck() {
    }

    static void noPlaintext(SQLException e, String... plaintexts) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String text = String.valueOf(t.getMessage()) + " " + t;
            for (String p : plaintexts) {
                assertThat(text).as("exception text").doesNotContain(p);
            }
        }
    }
}
