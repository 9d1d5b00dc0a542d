package dev.cloak.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.cloak.spring.boot.health.CloakHealthContributorAutoConfiguration;
import dev.cloak.spring.boot.health.CloakHealthIndicator;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Cloak's health indicator in applications started with its settings, with a KMS double that can fail or hang. */
class CloakHealthIndicatorTest {

    private static final String TABLE = "starter_health";

    @AfterEach
    void kmsAnswersAgain() {
        TestKms.reset();
    }

    private static ApplicationContextRunner application(String masterKeyScheme, String... properties) {
        String url = StarterDatabase.H2.url();
        StarterDatabase.H2.createTable(url, TABLE);
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, CloakAutoConfiguration.class,
                        CloakHealthContributorAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=" + url, "test.url=" + url,
                        "cloak.config=" + StarterDatabase.H2.policyFile(TABLE, null, masterKeyScheme))
                .withPropertyValues(properties);
    }

    private static Health awaitHealth(HealthIndicator indicator, Status status) {
        Health[] last = new Health[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            last[0] = indicator.health();
            return last[0].getStatus().equals(status);
        });
        return last[0];
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> detail(Health health, String name) {
        return (Map<String, Object>) health.getDetails().get(name);
    }

    @Test
    void masterKeyThatStopsAnsweringTurnsCloakDownUntilItAnswersAgain() {
        application("test-kms", "cloak.health.check-interval=100ms").run(context -> {
            CloakHealthIndicator indicator = context.getBean(CloakHealthIndicator.class);
            awaitHealth(indicator, Status.UP);

            TestKms.down(true);
            Health down = awaitHealth(indicator, Status.DOWN);
            assertThat(detail(down, "masterKey")).containsEntry("status", "DOWN")
                    .containsEntry("problem", "master key (scheme 'test-kms') does not answer: ConnectException: "
                            + "Connection refused");
            assertThat(detail(down, "keyStore")).containsEntry("status", "UP");

            TestKms.down(false);
            awaitHealth(indicator, Status.UP);
        });
    }

    @Test
    void checkThatHangsLongerThanTheIntervalTurnsCloakDown() {
        application("test-kms", "cloak.health.check-interval=300ms").run(context -> {
            CloakHealthIndicator indicator = context.getBean(CloakHealthIndicator.class);
            awaitHealth(indicator, Status.UP);

            TestKms.hang();
            Health hanging = awaitHealth(indicator, Status.DOWN);
            assertThat((String) hanging.getDetails().get("error")).contains("the check has been running since")
                    .contains("does not answer");

            TestKms.reset();
            awaitHealth(indicator, Status.UP);
        });
    }

    @Test
    void developmentKeyIsAcceptedInAProductionProfileWhenAllowed() {
        application("local", "cloak.health.allow-development-key=true")
                .withInitializer(context -> context.getEnvironment().setActiveProfiles("prod"))
                .run(context -> awaitHealth(context.getBean(CloakHealthIndicator.class), Status.UP));
    }

    @Test
    void productionProfilesAreTheOnesNamed() {
        application("local", "cloak.health.production-profiles=production,live")
                .withInitializer(context -> context.getEnvironment().setActiveProfiles("live"))
                .run(context -> assertThat(awaitHealth(context.getBean(CloakHealthIndicator.class), Status.DOWN)
                        .getDetails().get("developmentKey")).asString().contains("profile [live]"));
    }

    @Test
    void developmentKeyOutsideProductionProfilesIsUpAndSaysSo() {
        application("local").run(context -> {
            Health health = awaitHealth(context.getBean(CloakHealthIndicator.class), Status.UP);
            assertThat(detail(health, "masterKey")).containsEntry("development", true);
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoPools {
        @Bean
        HikariDataSource orders(Environment env) {
            HikariDataSource pool = new HikariDataSource();
            pool.setJdbcUrl(env.getProperty("test.url"));
            return pool;
        }

        @Bean
        HikariDataSource patients(Environment env) {
            HikariDataSource pool = new HikariDataSource();
            pool.setJdbcUrl(env.getProperty("test.url"));
            return pool;
        }
    }

    @Test
    void eachWrappedDataSourceHasItsOwnEntry() {
        application("local").withUserConfiguration(TwoPools.class).run(context -> {
            Health health = awaitHealth(context.getBean(CloakHealthIndicator.class), Status.UP);
            assertThat(health.getDetails()).containsOnlyKeys("orders", "patients");
            assertThat(detail(health, "orders")).containsEntry("status", "UP").containsKey("masterKey");
        });
    }

    @Test
    void withoutSpringBootsHealthModuleThereIsNoIndicatorAndCloakStillWraps() {
        application("local").withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(CloakHealthIndicator.class);
            assertThat(context.getBean(CloakDataSources.class).byBeanName()).containsOnlyKeys("dataSource");
        });
    }

    @Test
    void healthIndicatorCanBeSwitchedOffAsAnyOther() {
        application("local", "management.health.cloak.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(CloakHealthIndicator.class));
    }
}
