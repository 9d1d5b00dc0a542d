package dev.cloak.spring.boot.health;

import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.CloakHealth;
import dev.cloak.spring.boot.CloakDataSources;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Checks every wrapped data source's key store and master key in the background, once per interval, on one daemon
 * thread ({@link CloakDataSource#checkHealth()}: a key store read and one master-key round trip each). A health
 * request reads the last result, so the number of KMS or HSM calls does not depend on how often health is asked
 * for, and a KMS that hangs does not hang the health endpoint.
 */
public final class CloakHealthChecks implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(CloakHealthChecks.class);

    /** The last finished check of a data source, and since when the current one runs (null when none runs). */
    public record Latest(CloakHealth health, Instant runningSince) {
    }

    private final CloakDataSources dataSources;
    private final Duration interval;
    private final Map<String, CloakHealth> finished = new ConcurrentHashMap<>();
    private final Map<String, Instant> running = new ConcurrentHashMap<>();
    private ScheduledExecutorService executor;

    public CloakHealthChecks(CloakDataSources dataSources, Duration interval) {
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("cloak.health.check-interval must be positive, not " + interval);
        }
        this.dataSources = dataSources;
        this.interval = interval;
    }

    /** How often the checks run. */
    public Duration interval() {
        return interval;
    }

    /** What is known of {@code beanName}'s data source: its last finished check (null before the first). */
    public Latest latest(String beanName) {
        return new Latest(finished.get(beanName), running.get(beanName));
    }

    /** Checks every wrapped data source now, one after the other. */
    void checkAll() {
        for (Map.Entry<String, CloakDataSource> e : dataSources.byBeanName().entrySet()) {
            running.put(e.getKey(), Instant.now());
            try {
                CloakHealth health = e.getValue().checkHealth();
                finished.put(e.getKey(), health);
                if (!health.isUp()) {
                    LOG.warn("Cloak health of DataSource bean '{}': {}", e.getKey(), health);
                }
            } catch (RuntimeException unexpected) {
                // checkHealth reports failures in its result; anything else must not end the schedule
                LOG.error("Cloak health check of DataSource bean '{}' failed", e.getKey(), unexpected);
            } finally {
                running.remove(e.getKey());
            }
        }
    }

    @Override
    public synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "cloak-health");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::checkAll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }

    @Override
    public String toString() {
        return "CloakHealthChecks[every " + interval + ", " + dataSources + "]";
    }
}
