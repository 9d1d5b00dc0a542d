package dev.cloak.driver;

import dev.cloak.driver.internal.telemetry.MeterSpec;
import dev.cloak.driver.internal.telemetry.Telemetry;
import dev.cloak.keyring.KeyringStatistics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Binds what a {@link CloakDataSource} counts to a Micrometer {@link MeterRegistry}: cells encrypted and decrypted
 * (by column, mode and key version), decrypt failures by reason, statements refused by construct, access denials by
 * principal and column, master-key (KMS/HSM) calls, errors and latency by provider, key and plan cache hits, misses,
 * evictions and size, each key domain's key age and rotation period, and whether the master key is a development
 * key. Every meter is tagged {@code data_source}. No tag or value holds a value of an encrypted column or key
 * material. The README's "Operating Cloak" lists the meters.
 *
 * <p>Micrometer is an optional dependency of Cloak: this class is the only one that uses it, and nothing loads it
 * unless the application does. The counters are kept by the data source whether or not anything is bound; meters
 * appear as the policy compiles and as key versions, refusals and denials are first seen.
 *
 * <pre>{@code
 * new CloakMetrics(cloakDataSource, "orders").bindTo(registry);
 * }</pre>
 */
public final class CloakMetrics implements MeterBinder {

    private static final double[] PERCENTILES = {0.5, 0.95, 0.99};

    private final Telemetry telemetry;
    private final String dataSourceName;
    private final boolean percentiles;

    /** Binds {@code dataSource}'s meters, tagged {@code data_source=dataSourceName}, timers without percentiles. */
    public CloakMetrics(CloakDataSource dataSource, String dataSourceName) {
        this(dataSource, dataSourceName, false);
    }

    /**
     * @param percentiles whether the master-key latency timer publishes percentiles and a histogram (more series,
     *                    more memory: off unless asked for)
     */
    public CloakMetrics(CloakDataSource dataSource, String dataSourceName, boolean percentiles) {
        this(Objects.requireNonNull(dataSource, "dataSource").telemetry(), dataSourceName, percentiles);
    }

    private CloakMetrics(Telemetry telemetry, String dataSourceName, boolean percentiles) {
        this.telemetry = telemetry;
        this.dataSourceName = Objects.requireNonNull(dataSourceName, "dataSourceName");
        this.percentiles = percentiles;
    }

    /**
     * The meters of every policy {@link CloakDriver} compiles for {@code jdbc:cloak:} URLs in this JVM, tagged
     * {@code data_source=name}: what connections opened through {@code DriverManager} (or a pool over a
     * {@code jdbc:cloak:} URL) count. Columns of the same name in several policies are counted together.
     */
    public static CloakMetrics forDriver(String name, boolean percentiles) {
        return new CloakMetrics(CloakDriver.TELEMETRY, name, percentiles);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        Consumer<MeterSpec> register = spec -> register(registry, spec);
        telemetry.addListener(register);
        KeyringStatistics.KmsCallListener latency = (provider, operation, nanos, failed) -> Timer
                .builder("cloak.kms.latency")
                .description("Time of each call to the master key (KMS or HSM)")
                .tags("provider", provider, "operation", operation, "outcome", failed ? "error" : "success",
                        "data_source", dataSourceName)
                .publishPercentiles(percentiles ? PERCENTILES : null)
                .publishPercentileHistogram(percentiles)
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
        telemetry.keyring().addKmsCallListener(latency);
    }

    private void register(MeterRegistry registry, MeterSpec spec) {
        Tags tags = Tags.of("data_source", dataSourceName);
        for (var tag : spec.tags().entrySet()) {
            tags = tags.and(tag.getKey(), tag.getValue());
        }
        if (spec.counter()) {
            FunctionCounter.builder(spec.name(), spec, s -> s.value().getAsDouble())
                    .description(spec.description()).tags(tags).register(registry);
        } else {
            Gauge.builder(spec.name(), spec, s -> s.value().getAsDouble())
                    .description(spec.description()).tags(tags).strongReference(true).register(registry);
        }
    }

    @Override
    public String toString() {
        return "CloakMetrics[" + dataSourceName + "]";
    }
}
