package dev.cloak.rewriter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/** A parse stopped by its deadline is refused, whatever the parser returned when it stopped. */
class ParsingDeadlineTest {

    private static Rejection overTheDeadline(String sql) {
        return catchThrowableOfType(Rejection.class, () -> Parsing.statements(sql, 1, sql, 0));
    }

    @Test
    void longListParsedOverItsDeadlineIsRefused() {
        String sql = "SELECT id FROM patients WHERE id IN (" + "1, ".repeat(300_000) + "1)";
        assertThat(overTheDeadline(sql).getMessage()).contains("could not be parsed within 1 ms");
    }

    @Test
    void manyStatementsParsedOverTheirDeadlineAreRefusedNotCutShort() {
        String sql = "UPDATE patients SET ssn = ? WHERE id = 1;\n".repeat(50_000);
        assertThat(overTheDeadline(sql).getMessage()).contains("could not be parsed within 1 ms");
    }

    @Test
    void smallTextParsesUnderTheDeadline() {
        assertThat(Parsing.statements("SELECT 1", 5_000, "SELECT 1", 0).size()).isEqualTo(1);
    }
}
