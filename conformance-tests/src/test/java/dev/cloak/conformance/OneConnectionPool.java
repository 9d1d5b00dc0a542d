package dev.cloak.conformance;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Semaphore;
import javax.sql.DataSource;

/**
 * The most naive pool: one connection at a time, and a borrower waits for it without any bound. Stands for any pool
 * Cloak does not know (not HikariCP), to show that Cloak bounds its own waits on it.
 */
final class OneConnectionPool extends BareDataSource {

    private final DataSource raw;
    private final Semaphore free = new Semaphore(1);

    OneConnectionPool(DataSource raw) {
        this.raw = raw;
    }

    /** Whether the one connection is back in the pool. */
    boolean isIdle() {
        return free.availablePermits() == 1;
    }

    @Override
    public Connection getConnection() throws SQLException {
        free.acquireUninterruptibly();
        Connection physical;
        try {
            physical = raw.getConnection();
        } catch (SQLException | RuntimeException e) {
            free.release();
            throw e;
        }
        boolean[] closed = {false};
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        synchronized (closed) {
                            if (!closed[0]) {
                                closed[0] = true;
                                physical.close();
                                free.release();
                            }
                        }
                        return null;
                    }
                    try {
                        return method.invoke(physical, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
