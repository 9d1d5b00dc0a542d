package dev.cloak.driver;

import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.driver.internal.error.SqlState;
import dev.cloak.keyring.store.ConnectionSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link ConnectionSource} whose every connection must come within a deadline ({@code keyring.kms-timeout}): a
 * key lookup that cannot get a connection fails with 58030 and says why, instead of waiting without bound on a pool
 * that only its own caller can refill. The wait runs on a helper thread; a connection that arrives after the
 * deadline is closed at once (handed back to its pool).
 */
final class BoundedConnections implements ConnectionSource {

    private final ConnectionSource source;
    private final Duration deadline;
    private final ExecutorService helpers;
    private final String advice;

    /**
     * @param advice what the application should do when no connection comes in time, for the message
     */
    BoundedConnections(ConnectionSource source, Duration deadline, ExecutorService helpers, String advice) {
        this.source = source;
        this.deadline = deadline;
        this.helpers = helpers;
        this.advice = advice;
    }

    @Override
    public Connection open() throws SQLException {
        CompletableFuture<Connection> opening = new CompletableFuture<>();
        helpers.execute(() -> {
            try {
                Connection connection = source.open();
                if (!opening.complete(connection)) {
                    connection.close();
                }
            } catch (SQLException | RuntimeException | Error e) {
                opening.completeExceptionally(e);
            }
        });
        try {
            return opening.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (!opening.cancel(false)) {
                // it came just now: use it
                return opening.join();
            }
            throw SqlErrors.of(SqlState.UNAVAILABLE, "no connection for the key store within keyring.kms-timeout ("
                    + deadline.toMillis() + " ms); " + advice, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            opening.cancel(false);
            throw SqlErrors.of(SqlState.UNAVAILABLE, "interrupted while waiting for a connection for the key store",
                    e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException sql) {
                throw sql;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw (Error) cause;
        }
    }

    @Override
    public String toString() {
        return "BoundedConnections[" + deadline.toMillis() + " ms]";
    }
}
