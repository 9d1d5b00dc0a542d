package dev.cloak.spring.boot.health;

import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.CloakHealth;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.spring.boot.CloakDataSources;
import dev.cloak.spring.boot.CloakProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.core.env.Environment;

/**
 * Cloak's component of {@code /actuator/health}: the policy each wrapped data source runs (its source and
 * SHA-256), its master key (scheme, development or not, answering or not) and its key store (reachable or not), as
 * the background checks last found them. DOWN when a check failed, when a check has run for longer than the
 * interval (a KMS that hangs), or when a development ({@code local:}) master key is in use in a production profile
 * and {@code cloak.health.allow-development-key} is not set. Answers from memory: never calls the KMS itself.
 */
public final class CloakHealthIndicator implements HealthIndicator {

    private final CloakDataSources dataSources;
    private final CloakHealthChecks checks;
    private final CloakProperties.Health settings;
    private final Environment environment;

    public CloakHealthIndicator(CloakDataSources dataSources, CloakHealthChecks checks,
                                CloakProperties.Health settings, Environment environment) {
        this.dataSources = dataSources;
        this.checks = checks;
        this.settings = settings;
        this.environment = environment;
    }

    @Override
    public Health health() {
        Map<String, CloakDataSource> wrapped = dataSources.byBeanName();
        if (wrapped.isEmpty()) {
            return Health.unknown().withDetail("dataSources", "Cloak wraps no DataSource bean yet").build();
        }
        if (wrapped.size() == 1) {
            Map.Entry<String, CloakDataSource> only = wrapped.entrySet().iterator().next();
            return of(only.getKey(), only.getValue());
        }
        Health.Builder all = Health.up();
        Status worst = Status.UP;
        for (Map.Entry<String, CloakDataSource> e : wrapped.entrySet()) {
            Health one = of(e.getKey(), e.getValue());
            worst = worse(worst, one.getStatus());
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("status", one.getStatus().getCode());
            details.putAll(one.getDetails());
            all.withDetail(e.getKey(), details);
        }
        return all.status(worst).build();
    }

    private Health of(String beanName, CloakDataSource dataSource) {
        CloakHealthChecks.Latest latest = checks.latest(beanName);
        CloakHealth health = latest.health();
        CloakConfig config = dataSource.getConfig();
        boolean development = config != null && config.masterKey().regionMatches(true, 0, "local:", 0, 6);

        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("source", config == null ? null : config.source());
        policy.put("sha256", config == null ? null : config.policySha256());
        Map<String, Object> masterKey = new LinkedHashMap<>();
        masterKey.put("scheme", health == null ? null : health.masterKeyScheme());
        masterKey.put("development", development);
        Map<String, Object> keyStore = new LinkedHashMap<>();
        keyStore.put("store", config == null ? null : config.keyStore());
        if (health != null) {
            put(masterKey, health.masterKeyCheck());
            put(keyStore, health.keyStoreCheck());
        }

        Health.Builder builder = Health.unknown().withDetail("dataSource", beanName).withDetail("policy", policy)
                .withDetail("masterKey", masterKey).withDetail("keyStore", keyStore)
                .withDetail("checkInterval", checks.interval().toString());
        if (health != null) {
            builder.withDetail("checkedAt", health.checkedAt().toString());
            if (health.policy().status() != CloakHealth.Status.UP) {
                builder.withDetail("error", health.policy().problem());
            }
        }
        if (development && inProductionProfile() && !settings.isAllowDevelopmentKey()) {
            return builder.down().withDetail("developmentKey", "a development master key (local:, kept in clear in a "
                    + "file) is in use in profile " + activeProductionProfiles() + "; use an HSM or KMS master key, "
                    + "or set cloak.health.allow-development-key=true to accept it").build();
        }
        Instant runningSince = latest.runningSince();
        if (runningSince != null && Duration.between(runningSince, Instant.now()).compareTo(checks.interval()) > 0) {
            return builder.down().withDetail("error", "the check has been running since " + runningSince
                    + ": the key store or the master key does not answer").build();
        }
        if (health == null) {
            return builder.withDetail("error", "the first check has not finished yet").build();
        }
        return health.isUp() ? builder.up().build() : builder.down().build();
    }

    private static void put(Map<String, Object> details, CloakHealth.Check check) {
        details.put("status", check.status().name());
        if (check.problem() != null) {
            details.put("problem", check.problem());
        }
    }

    private boolean inProductionProfile() {
        return !activeProductionProfiles().isEmpty();
    }

    private List<String> activeProductionProfiles() {
        return settings.getProductionProfiles().stream().filter(p -> environment.matchesProfiles(p)).toList();
    }

    private static Status worse(Status a, Status b) {
        List<Status> order = List.of(Status.DOWN, Status.OUT_OF_SERVICE, Status.UNKNOWN, Status.UP);
        int ia = order.indexOf(a);
        int ib = order.indexOf(b);
        return ia < 0 ? b : ib < 0 ? a : ia <= ib ? a : b;
    }
}
