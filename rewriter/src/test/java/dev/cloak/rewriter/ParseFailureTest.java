package dev.cloak.rewriter;

import static dev.cloak.rewriter.Fixtures.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/** A parse failure names the line, the column and the token there, but never a literal's text. */
class ParseFailureTest {

    /** Planned for PostgreSQL, whose reading of quotes the lexer check then holds the text to. */
    private static String postgresRefusal(String sql) {
        UnsupportedStatementException e = catchThrowableOfType(UnsupportedStatementException.class,
                () -> new SqlRewriter(Fixtures.SCHEMA, 0, Dialect.POSTGRESQL).plan(sql));
        assertThat((Throwable) e).as("refusal").isNotNull();
        return e.getMessage();
    }

    @Test
    void misspeltKeywordIsNamedWithItsPosition() {
        assertRejected("SELECT ssn\nFORM patients", "at line 2, column 6 (at 'patients')");
    }

    @Test
    void stringLiteralAtTheFailureIsNamedByItsKind() {
        String message = postgresRefusal("SELECT id FROM patients WHERE ssn = 'SECRET-LITERAL' 'SECRET-LITERAL'");
        assertThat(message).contains("at line 1, column 54 (at a string literal)").doesNotContain("SECRET");
    }

    @Test
    void numberAtTheFailureIsNamedByItsKind() {
        String message = assertRejected("UPDATE patients SET name = ? WHERE id = 1 987654321",
                "(at a number)").getMessage();
        assertThat(message).doesNotContain("987654321");
    }

    @Test
    void quotedIdentifierAtTheFailureIsNamedByItsKind() {
        String message = postgresRefusal("SELECT id FROM patients WHERE id = 1 \"Alice Smith\"");
        assertThat(message).contains("(at a quoted identifier)").doesNotContain("Alice");
    }

    @Test
    void positionInTheSecondOfSeveralStatementsIsThatOfTheWholeText() {
        assertRejected("SELECT 1;\nSELECT ssn FROM patients WHERE", "at line 2, column 26 (at 'WHERE')");
    }
}
