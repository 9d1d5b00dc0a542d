package dev.cloak.spring.boot.metrics;

import dev.cloak.driver.CloakMetrics;
import dev.cloak.spring.boot.CloakAutoConfiguration;
import dev.cloak.spring.boot.CloakDataSources;
import dev.cloak.spring.boot.CloakProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Binds {@link CloakMetrics} of every wrapped data source to the application's Micrometer registries (Spring Boot
 * binds every {@link MeterBinder} bean), each tagged {@code data_source} with its bean name, when Micrometer is on
 * the classpath; {@code cloak.metrics.enabled=false} leaves them out, {@code cloak.metrics.percentiles=true} adds
 * percentiles to the master-key latency timer.
 */
@AutoConfiguration(after = CloakAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(CloakDataSources.class)
@ConditionalOnProperty(prefix = CloakProperties.PREFIX + ".metrics", name = "enabled", havingValue = "true",
        matchIfMissing = true)
public final class CloakMetricsAutoConfiguration {

    @Bean
    MeterBinder cloakMeterBinder(CloakDataSources dataSources, CloakProperties properties) {
        boolean percentiles = properties.getMetrics().isPercentiles();
        // data sources wrapped after the registry was bound are bound as they come
        return registry -> dataSources.forEachWrapped((beanName, dataSource) ->
                new CloakMetrics(dataSource, beanName, percentiles).bindTo(registry));
    }
}
