package dev.cloak.driver.internal.error;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.keyring.KeyringException;
import java.sql.SQLException;
import java.sql.SQLNonTransientException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each keyring failure kind gets its own SQLState; only an unreachable key store or KMS invites a retry. */
class KeyringFailuresTest {

    private static SQLException mapped(KeyringException.Kind kind) {
        return SqlErrors.keyring(new KeyringException(kind, "key domain patients.ssn: " + kind));
    }

    @Test
    void anUnreachableKeyStoreOrKmsIsTransient58030() {
        SQLException e = mapped(KeyringException.Kind.UNAVAILABLE);

        assertThat((Throwable) e).isInstanceOf(SQLTransientConnectionException.class);
        assertThat(e.getSQLState()).isEqualTo("58030");
    }

    @ParameterizedTest
    @EnumSource(value = KeyringException.Kind.class, names = "UNAVAILABLE", mode = EnumSource.Mode.EXCLUDE)
    void everyOtherKindIsNonTransientSoNothingRetriesIt(KeyringException.Kind kind) {
        SQLException e = mapped(kind);

        assertThat((Throwable) e).isInstanceOf(SQLNonTransientException.class).isNotInstanceOf(SQLTransientException.class);
    }

    @Test
    void eachKindHasItsOwnStateOutsideTheConnectionClass() {
        Set<String> states = new HashSet<>();
        for (KeyringException.Kind kind : KeyringException.Kind.values()) {
            String state = mapped(kind).getSQLState();
            assertThat(state).as(kind.name()).hasSize(5).doesNotStartWith("08");
            states.add(state);
        }

        assertThat(states).hasSize(KeyringException.Kind.values().length);
        assertThat(mapped(KeyringException.Kind.NO_SUCH_KEY).getSQLState()).isEqualTo("58K01");
        assertThat(mapped(KeyringException.Kind.UNWRAP_FAILED).getSQLState()).isEqualTo("58K02");
        assertThat(mapped(KeyringException.Kind.ACCESS_DENIED).getSQLState()).isEqualTo("58K03");
        assertThat(mapped(KeyringException.Kind.ROLLED_BACK).getSQLState()).isEqualTo("58K04");
        assertThat(mapped(KeyringException.Kind.INVALID).getSQLState()).isEqualTo("F0000");
    }

    @Test
    void theKeyringFailureStaysTheCauseAndItsMessageTheMessage() {
        KeyringException failure = new KeyringException(KeyringException.Kind.NO_SUCH_KEY, "key domain t.c is missing");

        SQLException e = SqlErrors.keyring(failure);

        assertThat((Throwable) e).hasMessage("key domain t.c is missing").hasCause(failure);
    }
}
