package dev.cloak.spring.boot.health;

import dev.cloak.spring.boot.CloakAutoConfiguration;
import dev.cloak.spring.boot.CloakDataSources;
import dev.cloak.spring.boot.CloakProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Cloak's Actuator health indicator ({@code cloak} in {@code /actuator/health}), when Spring Boot's health module
 * is on the classpath; {@code management.health.cloak.enabled=false} leaves it out.
 */
@AutoConfiguration(after = CloakAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(CloakDataSources.class)
@ConditionalOnEnabledHealthIndicator("cloak")
public final class CloakHealthContributorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    CloakHealthChecks cloakHealthChecks(CloakDataSources dataSources, CloakProperties properties) {
        return new CloakHealthChecks(dataSources, properties.getHealth().getCheckInterval());
    }

    @Bean
    @ConditionalOnMissingBean(name = "cloakHealthIndicator")
    CloakHealthIndicator cloakHealthIndicator(CloakDataSources dataSources, CloakHealthChecks checks,
                                              CloakProperties properties, Environment environment) {
        return new CloakHealthIndicator(dataSources, checks, properties.getHealth(), environment);
    }
}
