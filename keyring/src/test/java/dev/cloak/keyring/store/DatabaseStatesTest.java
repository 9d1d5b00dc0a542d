package dev.cloak.keyring.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What each database's own SQLState (and MariaDB's error code) means to the key store. */
class DatabaseStatesTest {

    @ParameterizedTest(name = "{0} ({1}, code {2}) is {3}")
    @CsvSource(delimiter = '|', textBlock = """
            PostgreSQL undefined_table             | 42P01 | 0    | NO_SUCH_TABLE
            MariaDB or H2 table not found          | 42S02 | 1146 | NO_SUCH_TABLE
            H2 table being created                 | 42S03 | 0    | NO_SUCH_TABLE
            H2 table in an empty schema            | 42S04 | 0    | NO_SUCH_TABLE
            PostgreSQL undefined_column            | 42703 | 0    | NO_SUCH_COLUMN
            MariaDB or H2 column not found         | 42S22 | 1054 | NO_SUCH_COLUMN
            PostgreSQL duplicate_column            | 42701 | 0    | DUPLICATE_COLUMN
            MariaDB or H2 duplicate column         | 42S21 | 1060 | DUPLICATE_COLUMN
            a duplicate key                        | 23505 | 0    | UNIQUE_VIOLATION
            MariaDB duplicate entry                | 23000 | 1062 | UNIQUE_VIOLATION
            PostgreSQL insufficient_privilege      | 42501 | 0    | ACCESS_DENIED
            H2 not enough rights                   | 90096 | 0    | ACCESS_DENIED
            a rejected password                    | 28000 | 0    | ACCESS_DENIED
            MariaDB table command denied           | 42000 | 1142 | ACCESS_DENIED
            MariaDB syntax error                   | 42000 | 1064 | NOTHING_THE_STORE_READS
            PostgreSQL syntax error                | 42601 | 0    | NOTHING_THE_STORE_READS
            a connection failure                   | 08006 | 0    | NOTHING_THE_STORE_READS
            """)
    void eachDatabasesStateReadsAsTheFailureItNames(String what, String state, int code, String meaning) {
        SQLException e = new SQLException(what, state, code);

        assertThat(DatabaseStates.isNoSuchTable(e)).as("no such table").isEqualTo(meaning.equals("NO_SUCH_TABLE"));
        assertThat(DatabaseStates.isNoSuchColumn(e)).as("no such column").isEqualTo(meaning.equals("NO_SUCH_COLUMN"));
        assertThat(DatabaseStates.isDuplicateColumn(e)).as("duplicate column")
                .isEqualTo(meaning.equals("DUPLICATE_COLUMN"));
        assertThat(DatabaseStates.isUniqueViolation(e)).as("unique violation")
                .isEqualTo(meaning.equals("UNIQUE_VIOLATION"));
        assertThat(DatabaseStates.isAccessDenied(e)).as("access denied").isEqualTo(meaning.equals("ACCESS_DENIED"));
    }

    @Test
    void aFailureWithoutAStateIsNoneOfThem() {
        SQLException e = new SQLException("a driver's own failure without a state");

        assertThat(DatabaseStates.isNoSuchTable(e) || DatabaseStates.isNoSuchColumn(e)
                || DatabaseStates.isDuplicateColumn(e) || DatabaseStates.isUniqueViolation(e)
                || DatabaseStates.isAccessDenied(e)).isFalse();
    }
}
