package dev.cloak.spring.boot;

import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.PolicyException;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Cloak for a Spring Boot application: loads the policy ({@code cloak.config}, or inline under {@code cloak.*}) at
 * start-up, wraps the {@code DataSource} beans in {@link CloakDataSource} and registers HikariCP's exception
 * override. {@code cloak.enabled=false} switches all of it off. Reporting on Cloak (health) is configured apart,
 * from {@link CloakDataSources}.
 */
@AutoConfiguration
@ConditionalOnClass({DataSource.class, CloakDataSource.class})
@ConditionalOnProperty(prefix = CloakProperties.PREFIX, name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(CloakProperties.class)
public final class CloakAutoConfiguration {

    /** Static: a post-processor must exist before the beans it processes, so not through this class's instance. */
    @Bean
    static CloakDataSourcePostProcessor cloakDataSourcePostProcessor(ObjectProvider<CloakProperties> properties,
            ObjectProvider<CloakConfig> cloakConfig, ConfigurableListableBeanFactory beanFactory) {
        return new CloakDataSourcePostProcessor(properties, cloakConfig, beanFactory);
    }

    /** The data sources Cloak wraps, by bean name. */
    @Bean
    CloakDataSources cloakDataSources(CloakDataSourcePostProcessor postProcessor) {
        return postProcessor.wrapped();
    }

    /**
     * The policy, loaded as the application starts. An application that builds its policy in code
     * ({@code CloakConfig.builder()}) declares its own {@code CloakConfig} bean instead.
     */
    @Bean
    @ConditionalOnMissingBean
    CloakConfig cloakConfig(CloakProperties properties, Environment environment) throws PolicyException {
        return ApplicationPolicy.load(properties, environment);
    }
}
