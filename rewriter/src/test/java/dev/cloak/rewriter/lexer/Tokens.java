package dev.cloak.rewriter.lexer;

import dev.cloak.rewriter.Dialect;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Short descriptions of readings for assertions: {@code FORM:text} per token, comments included. */
final class Tokens {

    private Tokens() {
    }

    static List<String> of(Dialect dialect, String sql, LexicalSetting... settings) {
        Reading reading = SqlLexer.read(sql, dialect, Set.of(settings));
        return describe(sql, reading);
    }

    static List<String> describe(String sql, Reading reading) {
        List<String> out = reading.tokens().stream()
                .map(t -> t.form() + (t.joined() ? "+" : "") + ":" + sql.substring(t.start(), t.end()))
                .collect(Collectors.toList());
        if (reading.failure() != null) {
            out.add("FAIL " + reading.failure().form() + "@" + reading.failure().at());
        }
        return out;
    }
}
