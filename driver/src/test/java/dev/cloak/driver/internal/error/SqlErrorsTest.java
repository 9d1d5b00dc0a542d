package dev.cloak.driver.internal.error;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.SQLExceptionOverride;
import dev.cloak.driver.hikari.CloakExceptionOverride;
import dev.cloak.rewriter.RejectedStatementException;
import dev.cloak.rewriter.UnsupportedStatementException;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientException;
import java.sql.SQLTransientException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The error funnel: each state gets the JDBC subclass its class stands for, and every refusal keeps the pool. */
class SqlErrorsTest {

    @ParameterizedTest(name = "{0} is a {2}")
    @CsvSource(delimiter = '|', textBlock = """
            CONNECTION_NOT_OPENED | 08001 | java.sql.SQLNonTransientConnectionException
            CONNECTION_CLOSED     | 08003 | java.sql.SQLNonTransientConnectionException
            TLS_REQUIRED          | 08004 | java.sql.SQLNonTransientConnectionException
            STATEMENT_REFUSED     | 0A000 | dev.cloak.rewriter.RejectedStatementException
            BAD_CELL              | 22000 | java.sql.SQLDataException
            VALUE_TOO_LONG        | 22001 | java.sql.SQLDataException
            NOT_CONVERTIBLE       | 22018 | java.sql.SQLDataException
            INVALID_LENGTH        | 22023 | java.sql.SQLDataException
            LAYOUT_CHANGED        | 40001 | java.sql.SQLTransactionRollbackException
            ACCESS_DENIED         | 28000 | java.sql.SQLInvalidAuthorizationSpecException
            PRINCIPAL_REFUSED     | 28000 | java.sql.SQLInvalidAuthorizationSpecException
            STATEMENT_CANCELLED   | 57014 | java.sql.SQLNonTransientException
            QUERY_TIMEOUT         | 57014 | java.sql.SQLTimeoutException
            UNAVAILABLE           | 58030 | java.sql.SQLTransientConnectionException
            KEY_MISSING           | 58K01 | java.sql.SQLNonTransientException
            KEYSET_DOES_NOT_UNWRAP | 58K02 | java.sql.SQLNonTransientException
            KEY_SERVICE_DENIED    | 58K03 | java.sql.SQLNonTransientException
            KEY_STORE_ROLLED_BACK | 58K04 | java.sql.SQLNonTransientException
            POLICY_ERROR          | F0000 | java.sql.SQLNonTransientException
            INTERNAL_ERROR        | XX000 | java.sql.SQLNonTransientException
            """)
    void eachStateIsBuiltAsTheJdbcSubclassOfItsClass(SqlState state, String code, Class<?> type) {
        IOException cause = new IOException("underneath");
        SQLException e = SqlErrors.of(state, "what happened", cause);

        assertThat((Throwable) e).isExactlyInstanceOf(type).hasMessage("what happened").hasCause(cause);
        assertThat(e.getSQLState()).isEqualTo(code).isEqualTo(state.code());
    }

    @Test
    void theStatesOfEachKindOfFailureAreTransientOnlyWhenARetryCanHelp() {
        assertThat((Throwable) SqlErrors.of(SqlState.UNAVAILABLE, "key store down")).isInstanceOf(SQLTransientException.class);
        // a statement prepared before a migration's cut-over: prepared again, it runs
        assertThat((Throwable) SqlErrors.of(SqlState.LAYOUT_CHANGED, "cut over")).isInstanceOf(SQLTransientException.class);
        for (SqlState state : SqlState.values()) {
            // an expired query timeout is JDBC's SQLTimeoutException, transient: the same statement may run in time
            if (state != SqlState.UNAVAILABLE && state != SqlState.QUERY_TIMEOUT && state != SqlState.LAYOUT_CHANGED) {
                assertThat((Throwable) SqlErrors.of(state, "no retry helps")).as(state.name())
                        .isInstanceOf(SQLNonTransientException.class);
            }
        }
    }

    @Test
    void everyRefusalIsARejectedStatementThatHikariKeepsTheConnectionFor() {
        SQLExceptionOverride override = new CloakExceptionOverride();
        SQLException[] refusals = {
            SqlErrors.of(SqlState.STATEMENT_REFUSED, "built by state"),
            SqlErrors.refused("built by message"),
            SqlErrors.refused(new UnsupportedStatementException("ORDER BY on randomized column patients.name"))};

        for (SQLException refused : refusals) {
            assertThat((Throwable) refused).isInstanceOf(RejectedStatementException.class)
                    .isInstanceOf(SQLFeatureNotSupportedException.class);
            assertThat(refused.getSQLState()).isEqualTo("0A000");
            assertThat(override.adjudicate(refused)).isEqualTo(SQLExceptionOverride.Override.DO_NOT_EVICT);
        }
        assertThat((Throwable) refusals[2]).hasMessage("ORDER BY on randomized column patients.name");
    }

    @Test
    void aDataExceptionIsRecognisedByItsClassWhoeverRaisedIt() {
        assertThat(SqlState.isDataException(SqlErrors.of(SqlState.BAD_CELL, "tampered"))).isTrue();
        assertThat(SqlState.isDataException(new SQLException("the database's own", "22P02"))).isTrue();
        assertThat(SqlState.isDataException(SqlErrors.refused("refused"))).isFalse();
        assertThat(SqlState.isDataException(new SQLException("no state"))).isFalse();
    }

    @Test
    void whatCloakDoesNotOfferAndTheApplicationsStreamFailuresKeepTheJdksConventionOfNoState() {
        SQLException notOffered = SqlErrors.notOffered("no ConnectionBuilder");
        SQLException unreadable = SqlErrors.unreadable("stream failed", new IOException("disk"));

        assertThat((Throwable) notOffered).isExactlyInstanceOf(SQLFeatureNotSupportedException.class);
        assertThat(notOffered.getSQLState()).isNull();
        assertThat((Throwable) unreadable).isExactlyInstanceOf(SQLException.class);
        assertThat(unreadable.getSQLState()).isNull();
    }
}
