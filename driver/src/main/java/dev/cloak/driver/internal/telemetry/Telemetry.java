package dev.cloak.driver.internal.telemetry;

import dev.cloak.keyring.KeyringStatistics;
import dev.cloak.rewriter.SqlRewriter.PlanCacheStatistics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * What one data source (or one policy the driver compiled) counts while it runs, published as {@link MeterSpec}s to
 * whoever listens: the Micrometer binder, the JMX view. Counting needs no listener and loads nothing of Micrometer.
 * The codec counts through a {@link ColumnMeter} resolved once per column; the other points (a refused statement,
 * an access denial, the key and plan caches, the master key) are off the per-cell path. Thread-safe.
 */
public final class Telemetry {

    /** How the compiled policy answers what is read on a scrape rather than counted. */
    public interface PolicyView {

        /** The rewriter's plan cache now. */
        PlanCacheStatistics planCache();

        /** Since when the active key version of {@code domain} encrypts, from the key store; empty when unknown. */
        Optional<Instant> primarySince(String domain) throws Exception;
    }

    /** How long a key's age read from the key store is reused before the store is asked again. */
    static final Duration KEY_AGE_REFRESH = Duration.ofMinutes(5);

    private final KeyringStatistics keyring = new KeyringStatistics();
    private final ConcurrentHashMap<String, ColumnMeter> columns = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> refusals = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<List<String>, LongAdder> denials = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, KeyAge> keyAges = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Boolean> published = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<MeterSpec> meters = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Consumer<MeterSpec>> listeners = new CopyOnWriteArrayList<>();
    private final Clock clock;
    /** The compiled policies counting here now: one for a data source, each policy the driver compiled for it. */
    private final CopyOnWriteArrayList<PolicyView> policies = new CopyOnWriteArrayList<>();

    public Telemetry() {
        this(Clock.systemUTC());
    }

    Telemetry(Clock clock) {
        this.clock = clock;
    }

    /** The keyring's counters, handed to the keyring this data source opens. */
    public KeyringStatistics keyring() {
        return keyring;
    }

    /** The counters of an encrypted column; the same for every compile of the policy. */
    public ColumnMeter column(String column, String mode) {
        return columns.computeIfAbsent(column + '\u0000' + mode, k -> new ColumnMeter(this, column, mode));
    }

    /**
     * The policy this data source now runs, with the meters that follow from it: plan cache, key cache, master-key
     * calls, each key domain's key age and rotation period, and whether the master key is a development key.
     *
     * @param provider          the master-key URI's scheme
     * @param rotateAfterByDomain each key domain of the policy, with its rotation period or null
     */
    public void attach(PolicyView view, String provider, Map<String, Duration> rotateAfterByDomain) {
        policies.add(Objects.requireNonNull(view, "view"));
        publishOnce("plan", () -> {
            publish(new MeterSpec("cloak.plan.cache.hits", "Statements planned from the plan cache", true, Map.of(),
                    () -> planCache().hits()));
            publish(new MeterSpec("cloak.plan.cache.misses", "Statements Cloak had to plan", true, Map.of(),
                    () -> planCache().misses()));
            publish(new MeterSpec("cloak.plan.cache.size", "Plans and refusals in the plan cache", false, Map.of(),
                    () -> planCache().size()));
            publish(new MeterSpec("cloak.key.cache.hits", "Key lookups answered from the key cache", true, Map.of(),
                    keyring::cacheHits));
            publish(new MeterSpec("cloak.key.cache.misses", "Key lookups that loaded a keyset", true, Map.of(),
                    keyring::cacheMisses));
            publish(new MeterSpec("cloak.key.cache.evictions", "Keys the key cache let go", true, Map.of(),
                    keyring::cacheEvictions));
        });
        publishOnce("provider:" + provider, () -> {
            for (String operation : List.of("encrypt", "decrypt")) {
                Map<String, String> tags = Map.of("provider", provider, "operation", operation);
                publish(new MeterSpec("cloak.kms.calls", "Calls to the master key (KMS or HSM)", true, tags,
                        () -> kms(provider, operation).calls()));
                publish(new MeterSpec("cloak.kms.errors", "Calls to the master key that failed", true, tags,
                        () -> kms(provider, operation).errors()));
            }
            publish(new MeterSpec("cloak.master.key.development", "1 when the master key is a development key "
                    + "(local:, kept in clear in a file)", false, Map.of("provider", provider),
                    () -> "local".equals(provider) ? 1 : 0));
        });
        rotateAfterByDomain.forEach((domain, rotateAfter) -> publishOnce("domain:" + domain, () -> {
            KeyAge age = keyAges.computeIfAbsent(domain, d -> new KeyAge());
            publish(new MeterSpec("cloak.key.age.days", "Days since the active key version of the domain was created",
                    false, Map.of("domain", domain), () -> keyAgeDays(domain, age)));
            if (rotateAfter != null) {
                double days = rotateAfter.toSeconds() / 86_400.0;
                publish(new MeterSpec("cloak.key.rotate.after.days", "The policy's keyring.rotate-after, in days",
                        false, Map.of("domain", domain), () -> days));
            }
        }));
    }

    /** The policy of {@code view} closed: its caches no longer count. */
    public void detach(PolicyView view) {
        policies.remove(view);
    }

    /** A statement the rewriter refused; {@code message} is read for its construct only (see RefusalConstructs). */
    public void refused(String message) {
        String construct = RefusalConstructs.of(message);
        LongAdder count = refusals.get(construct);
        if (count == null) {
            count = refusals.computeIfAbsent(construct, c -> {
                LongAdder adder = new LongAdder();
                publish(new MeterSpec("cloak.statements.refused", "Statements Cloak refused to send", true,
                        Map.of("construct", c), adder::sum));
                return adder;
            });
        }
        count.increment();
    }

    /** The access policy refused {@code principal} a use of {@code column}. */
    public void accessDenied(String principal, String column) {
        String who = principal == null || principal.isEmpty() ? "(unnamed)" : principal;
        denials.computeIfAbsent(List.of(who, column), key -> {
            LongAdder adder = new LongAdder();
            publish(new MeterSpec("cloak.access.denials", "Uses of an encrypted column the access policy refused",
                    true, Map.of("principal", who, "column", column), adder::sum));
            return adder;
        }).increment();
    }

    /** Every meter published so far. */
    public List<MeterSpec> meters() {
        return List.copyOf(meters);
    }

    /** Tells {@code listener} of every meter published so far, then of each one published later. */
    public synchronized void addListener(Consumer<MeterSpec> listener) {
        meters.forEach(listener);
        listeners.add(listener);
    }

    /** Stops telling {@code listener}. */
    public synchronized void removeListener(Consumer<MeterSpec> listener) {
        listeners.remove(listener);
    }

    synchronized void publish(MeterSpec meter) {
        meters.add(meter);
        for (Consumer<MeterSpec> listener : listeners) {
            listener.accept(meter);
        }
    }

    private void publishOnce(String what, Runnable publishing) {
        if (published.putIfAbsent(what, Boolean.TRUE) == null) {
            publishing.run();
        }
    }

    /** The plan caches of every attached policy, summed (the driver compiles one per policy file and database). */
    private PlanCacheStatistics planCache() {
        long hits = 0;
        long misses = 0;
        long size = 0;
        for (PolicyView view : policies) {
            PlanCacheStatistics one = view.planCache();
            hits += one.hits();
            misses += one.misses();
            size += one.size();
        }
        return new PlanCacheStatistics(hits, misses, size);
    }

    private KeyringStatistics.KmsCalls kms(String provider, String operation) {
        KeyringStatistics.KmsCalls calls = keyring.kmsCalls().getOrDefault(provider, Map.of()).get(operation);
        return calls != null ? calls : new KeyringStatistics.KmsCalls(0, 0, 0, 0);
    }

    /** The age in days, from the key store at most once per {@link #KEY_AGE_REFRESH}; NaN while unknown. */
    private double keyAgeDays(String domain, KeyAge age) {
        Instant now = clock.instant();
        KeyAge.Read last = age.last;
        if (last == null || Duration.between(last.readAt(), now).compareTo(KEY_AGE_REFRESH) >= 0) {
            Instant since = last == null ? null : last.since();
            for (PolicyView view : policies) {
                try {
                    Optional<Instant> read = view.primarySince(domain);
                    if (read.isPresent()) {
                        since = read.get();
                        break;
                    }
                } catch (Exception unreachable) {
                    // the key store does not answer: keep what was read last; the health check reports the store
                }
            }
            last = new KeyAge.Read(now, since);
            age.last = last;
        }
        return last.since() == null ? Double.NaN : Duration.between(last.since(), now).toSeconds() / 86_400.0;
    }

    /** The last key age read from the key store for one domain. */
    private static final class KeyAge {
        record Read(Instant readAt, Instant since) {
        }

        volatile Read last;
    }

    @Override
    public String toString() {
        return "Telemetry[" + columns.size() + " columns, " + meters.size() + " meters]";
    }
}
