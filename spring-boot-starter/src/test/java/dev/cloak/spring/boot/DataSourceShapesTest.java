package dev.cloak.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.config.PolicyFile;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.datasource.lookup.AbstractRoutingDataSource;

/**
 * Data source beans of other shapes than Boot's one pool: one that is a Cloak data source already, routing data
 * sources over Cloak beans or over plain targets, and a data source in a circular reference.
 */
class DataSourceShapesTest {

    private static final String TABLE = "starter_shapes";

    private static ApplicationContextRunner application() {
        String url = StarterDatabase.H2.url();
        StarterDatabase.H2.createTable(url, TABLE);
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, CloakAutoConfiguration.class))
                .withPropertyValues("test.url=" + url, "cloak.config=" + StarterDatabase.H2.policyFile(TABLE, null));
    }

    private static HikariDataSource pool(Environment env) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(env.getProperty("test.url"));
        return pool;
    }

    @Configuration(proxyBeanMethods = false)
    static class AlreadyCloak {
        @Bean
        CloakDataSource dataSource(Environment env) throws Exception {
            return new CloakDataSource(pool(env), PolicyFile.load(env.getProperty("cloak.config")));
        }
    }

    @Test
    void dataSourceBeanThatIsCloakAlreadyIsNotWrappedAgain() {
        application().withUserConfiguration(AlreadyCloak.class).run(context -> {
            assertThat(context).hasNotFailed();
            CloakDataSource bean = context.getBean(CloakDataSource.class);
            assertThat(bean.getTargetDataSource()).isInstanceOf(HikariDataSource.class);
            assertThat(context.getBean(CloakDataSources.class).byBeanName()).isEmpty();
        });
    }

    /** Routes to one of its targets; the key is fixed, this is about wrapping, not routing. */
    static final class Router extends AbstractRoutingDataSource {
        Router(Map<Object, Object> targets) {
            setTargetDataSources(targets);
            setDefaultTargetDataSource(targets.values().iterator().next());
        }

        @Override
        protected Object determineCurrentLookupKey() {
            return "a";
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class RoutingOverCloakBeans {
        @Bean
        DataSource a(Environment env) {
            return pool(env);
        }

        @Bean
        DataSource b(Environment env) {
            return pool(env);
        }

        @Bean
        DataSource router(@Qualifier("a") DataSource a,
                          @Qualifier("b") DataSource b) {
            return new Router(Map.of("a", a, "b", b));
        }
    }

    @Test
    void routingDataSourceOverCloakBeansIsNotWrappedAgain() {
        application().withUserConfiguration(RoutingOverCloakBeans.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean("router")).isInstanceOf(Router.class);
            assertThat(context.getBean(CloakDataSources.class).byBeanName()).containsOnlyKeys("a", "b");
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class RoutingOverPlainTargets {
        @Bean
        DataSource router(Environment env) {
            return new Router(Map.of("a", pool(env), "b", pool(env)));
        }
    }

    @Test
    void routingDataSourceOverTargetsThatAreNoBeansIsWrapped() {
        application().withUserConfiguration(RoutingOverPlainTargets.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean("router")).isInstanceOf(CloakDataSource.class);
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class RoutingOverCloakAndPlain {
        @Bean
        DataSource a(Environment env) {
            return pool(env);
        }

        @Bean
        DataSource router(@Qualifier("a") DataSource a, Environment env) {
            return new Router(Map.of("a", a, "b", pool(env)));
        }
    }

    @Test
    void routingDataSourceOverCloakAndPlainTargetsStopsTheApplication() {
        application().withUserConfiguration(RoutingOverCloakAndPlain.class)
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("routes to Cloak data sources and to others"));
    }

    /** Needs the data source, which needs it back: Spring hands out an early reference to the data source. */
    static final class Auditor {
        final DataSource dataSource;

        Auditor(DataSource dataSource) {
            this.dataSource = dataSource;
        }
    }

    static final class AuditedPool extends HikariDataSource {
        @Autowired
        Auditor auditor;
    }

    @Configuration(proxyBeanMethods = false)
    static class CircularReference {
        @Bean
        AuditedPool dataSource(Environment env) {
            AuditedPool pool = new AuditedPool();
            pool.setJdbcUrl(env.getProperty("test.url"));
            return pool;
        }

        @Bean
        Auditor auditor(DataSource dataSource) {
            return new Auditor(dataSource);
        }
    }

    @Test
    void dataSourceInACircularReferenceIsWrappedOnceAndEverywhere() {
        application().withAllowCircularReferences(true).withUserConfiguration(CircularReference.class).run(context -> {
            assertThat(context).hasNotFailed();
            DataSource dataSource = context.getBean("dataSource", DataSource.class);
            assertThat(dataSource).isInstanceOf(CloakDataSource.class);
            assertThat(context.getBean(Auditor.class).dataSource).isSameAs(dataSource);
        });
    }
}
