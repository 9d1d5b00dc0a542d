package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.sql.SQLException;

import dev.cloak.conformance.leak.LeakCapture;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.opentest4j.TestAbortedException;

/** Assertions on the SQLException a call must fail with; every exception they see goes to the leak capture. */
final class Expect {

    private Expect() {
    }

    /** Runs {@code call}, asserts it throws an SQLException with {@code sqlState}, and returns it. */
    static SQLException sqlState(String sqlState, ThrowingCallable call) {
        Throwable thrown = thrownBy(call);
        assertThat(thrown).as("expected an SQLException with SQLState " + sqlState).isInstanceOf(SQLException.class);
        SQLException e = (SQLException) thrown;
        assertThat(e.getSQLState()).as("SQLState of: " + e.getMessage()).isEqualTo(sqlState);
        return e;
    }

    /** Runs {@code call} and asserts it throws an SQLException (any state), which it returns. */
    static SQLException sqlException(ThrowingCallable call) {
        Throwable thrown = thrownBy(call);
        assertThat(thrown).as("expected an SQLException").isInstanceOf(SQLException.class);
        return (SQLException) thrown;
    }

    /** What {@code call} throws; a skipped test stays skipped instead of counting as the expected failure. */
    private static Throwable thrownBy(ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        if (thrown instanceof TestAbortedException aborted) {
            throw aborted;
        }
        LeakCapture.exception("expected by a test", thrown);
        return thrown;
    }
}
