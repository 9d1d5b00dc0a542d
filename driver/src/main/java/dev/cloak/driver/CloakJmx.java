package dev.cloak.driver;

import dev.cloak.driver.internal.telemetry.MeterSpec;
import dev.cloak.driver.internal.telemetry.Telemetry;
import dev.cloak.keyring.KeyringStatistics;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Predicate;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Registers the JMX view ({@link CloakStatisticsMXBean}) of a {@link CloakDataSource}'s counters as
 * {@code dev.cloak:type=CloakDataSource,name=NAME}, for teams that watch JMX rather than a Micrometer registry.
 * Needs nothing but the JDK.
 */
public final class CloakJmx implements CloakStatisticsMXBean {

    private final Telemetry telemetry;

    private CloakJmx(Telemetry telemetry) {
        this.telemetry = telemetry;
    }

    /**
     * Registers {@code dataSource}'s view with the platform MBean server and returns its name.
     *
     * @throws JMException when the name is taken or not valid
     */
    public static ObjectName register(CloakDataSource dataSource, String name) throws JMException {
        return register(dataSource, name, ManagementFactory.getPlatformMBeanServer());
    }

    /** As {@link #register(CloakDataSource, String)}, with the MBean server given. */
    public static ObjectName register(CloakDataSource dataSource, String name, MBeanServer server)
            throws JMException {
        Objects.requireNonNull(dataSource, "dataSource");
        ObjectName objectName = new ObjectName("dev.cloak:type=CloakDataSource,name=" + ObjectName.quote(name));
        server.registerMBean(new CloakJmx(dataSource.telemetry()), objectName);
        return objectName;
    }

    @Override
    public Map<String, Double> getMeters() {
        Map<String, Double> meters = new TreeMap<>();
        for (MeterSpec meter : telemetry.meters()) {
            meters.put(meter.key(), meter.value().getAsDouble());
        }
        return meters;
    }

    private long sum(String name, Predicate<MeterSpec> which) {
        double total = 0;
        for (MeterSpec meter : telemetry.meters()) {
            if (meter.name().equals(name) && which.test(meter)) {
                total += meter.value().getAsDouble();
            }
        }
        return (long) total;
    }

    private long sum(String name) {
        return sum(name, meter -> true);
    }

    @Override
    public long getCellsEncrypted() {
        return sum("cloak.cells.encrypted");
    }

    @Override
    public long getCellsDecrypted() {
        return sum("cloak.cells.decrypted");
    }

    @Override
    public long getDecryptFailures() {
        return sum("cloak.decrypt.failures");
    }

    @Override
    public long getDecryptAuthenticationFailures() {
        return sum("cloak.decrypt.failures", meter -> "authentication_failed".equals(meter.tags().get("reason")));
    }

    @Override
    public long getStatementsRefused() {
        return sum("cloak.statements.refused");
    }

    @Override
    public long getAccessDenials() {
        return sum("cloak.access.denials");
    }

    @Override
    public long getKmsCalls() {
        return sum("cloak.kms.calls");
    }

    @Override
    public long getKmsErrors() {
        return sum("cloak.kms.errors");
    }

    @Override
    public double getKmsLatencyMaxMillis() {
        long max = 0;
        for (Map<String, KeyringStatistics.KmsCalls> byOperation : telemetry.keyring().kmsCalls().values()) {
            for (KeyringStatistics.KmsCalls calls : byOperation.values()) {
                max = Math.max(max, calls.maxNanos());
            }
        }
        return max / 1_000_000.0;
    }

    @Override
    public boolean isDevelopmentKey() {
        return sum("cloak.master.key.development") > 0;
    }
}
