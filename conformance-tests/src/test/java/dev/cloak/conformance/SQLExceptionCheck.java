package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.conformance.leak.LeakCapture;
import java.sql.SQLException;

/**
 * Checks that an exception and its causes leak none of the given plaintexts, here and now; the
 * exception and the plaintexts also go to the suite-wide leak check, which searches every capture for them.
 */
final class SQLExceptionCheck {

    private SQLExceptionCheck() {
    }

    static void noPlaintext(SQLException e, String... plaintexts) {
        LeakCapture.exception("checked for plaintext", e);
        LeakCapture.plaintext((Object[]) plaintexts);
        for (Throwable t = e; t != null; t = t.getCause()) {
            String text = String.valueOf(t.getMessage()) + " " + t;
            for (String p : plaintexts) {
                assertThat(text).as("exception text").doesNotContain(p);
            }
        }
    }
}
