package dev.cloak.driver.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Generated-key column names are passed on only when each is one identifier: drivers splice them into SQL. */
class GeneratedKeyNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"id", "ID", "_id", "patient_id2", "a$b", "näme", "\"id\"", "\"Mixed Case\"",
            "\"a\"\"b\"", "`id`", "`a``b`"})
    void aPlainOrOneQuotedIdentifierIsPassedOn(String name) throws SQLException {
        String[] names = {name};
        assertThat(GeneratedKeyColumns.requireIdentifiers(names)).isSameAs(names);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ssn AS id", "ssn id", "id, ssn", "(SELECT count(*) FROM patients WHERE ssn = 'x') AS n",
            "id -- x", "id;DROP TABLE patients", "1id", "\"a\" \"b\"", "\"a\"b\"", "\"\"", "`a` AS b", "lower(ssn)",
            "*", "p.id"})
    void anythingElseIsRefusedWithoutEchoingIt(String name) {
        assertThatThrownBy(() -> GeneratedKeyColumns.requireIdentifiers(new String[] {"id", name}))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000"))
                .hasMessageContaining("Generated key column name 2 of 2 is not a plain identifier");
    }

    @Test
    void aNullNameIsRefusedAndNoNamesPassAsNone() throws SQLException {
        assertThatThrownBy(() -> GeneratedKeyColumns.requireIdentifiers(new String[] {null}))
                .isInstanceOf(SQLException.class);
        assertThat(GeneratedKeyColumns.requireIdentifiers(null)).isNull();
    }
}
