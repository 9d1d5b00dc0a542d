package dev.cloak.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.hikari.CloakExceptionOverride;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import dev.cloak.spring.boot.app.StarterTestApplication;
import dev.cloak.spring.boot.health.CloakHealthContributorAutoConfiguration;
import dev.cloak.spring.boot.health.CloakHealthIndicator;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The starter's settings, each in an application started with them: {@code cloak.enabled}, {@code cloak.data-sources},
 * {@code cloak.key-store-data-source}, {@code cloak.principal}, the inline policy, and what it refuses to do.
 */
@ExtendWith(OutputCaptureExtension.class)
class StarterSettingsTest {

    private static final String TABLE = "starter_settings";

    private static ApplicationContextRunner application(String url) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        JdbcTemplateAutoConfiguration.class, CloakAutoConfiguration.class,
                        CloakHealthContributorAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=" + url, "test.url=" + url);
    }

    private static String prepare(StarterDatabase db) {
        String url = db.url();
        db.createTable(url, TABLE);
        return url;
    }

    /** A pool on {@code test.url}, not started: the starter sees it before its first connection, as Boot's own. */
    private static HikariDataSource pool(String url, int size) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        pool.setMaximumPoolSize(size);
        pool.setMinimumIdle(size);
        pool.setConnectionTimeout(2_000);
        return pool;
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoPools {
        @Bean
        HikariDataSource orders(Environment env) {
            return pool(env.getProperty("test.url"), 1);
        }

        // two: creating the first key checks on a connection of its own that the column holds no value yet
        @Bean
        HikariDataSource patients(Environment env) {
            return pool(env.getProperty("test.url"), 2);
        }
    }

    @ParameterizedTest
    @EnumSource(StarterDatabase.class)
    void cloakEnabledFalseLeavesTheDataSourceUnwrapped(StarterDatabase db) throws SQLException {
        String url = prepare(db);
        application(url).withPropertyValues("cloak.enabled=false", "cloak.config=" + db.policyFile(TABLE, null))
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(CloakConfig.class)
                            .doesNotHaveBean(CloakDataSources.class).doesNotHaveBean(CloakHealthIndicator.class);
                    HikariDataSource dataSource = context.getBean(HikariDataSource.class);
                    assertThat(dataSource.getExceptionOverrideClassName()).isNull();
                    context.getBean(JdbcTemplate.class).update("INSERT INTO " + TABLE + " (id, name) VALUES (1, ?)",
                            "Ada Lovelace".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                });
        assertThat(StarterDatabase.contains(StarterDatabase.rawCells(url, TABLE, "name").get(0), "Ada Lovelace")).isTrue();
    }

    @ParameterizedTest
    @EnumSource(StarterDatabase.class)
    void dataSourcesWrapsOnlyTheBeansItNames(StarterDatabase db) {
        String url = prepare(db);
        application(url).withUserConfiguration(TwoPools.class)
                .withPropertyValues("cloak.data-sources=patients", "cloak.config=" + db.policyFile(TABLE, null))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean("patients")).isInstanceOf(CloakDataSource.class);
                    assertThat(context.getBean("orders")).isInstanceOf(HikariDataSource.class);
                    assertThat(context.getBean(CloakDataSources.class).byBeanName()).containsOnlyKeys("patients");
                    new JdbcTemplate(context.getBean("patients", DataSource.class)).update(
                            "INSERT INTO " + TABLE + " (id, name) VALUES (1, ?)", "Ada Lovelace");
                });
        try {
            assertThat(StarterDatabase.contains(StarterDatabase.rawCells(url, TABLE, "name").get(0), "Ada Lovelace"))
                    .as("written through the wrapped bean, so encrypted").isFalse();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void dataSourcesNamingNoDataSourceBeanStopsTheApplication() {
        String url = prepare(StarterDatabase.H2);
        application(url).withPropertyValues("cloak.data-sources=dataSource,patientz",
                        "cloak.config=" + StarterDatabase.H2.policyFile(TABLE, null))
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("cloak.data-sources names [patientz], which is no DataSource bean"));
    }

    @Test
    void poolOverTheCloakDriverIsRefusedRatherThanEncryptedTwice() {
        String url = prepare(StarterDatabase.H2);
        application(url).withPropertyValues("spring.datasource.url=jdbc:cloak:" + url.substring("jdbc:".length()),
                        "cloak.config=" + StarterDatabase.H2.policyFile(TABLE, null))
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("connects through the Cloak driver (jdbc:cloak:…)")
                        .hasStackTraceContaining("remove 'cloak:'"));
    }

    @Configuration(proxyBeanMethods = false)
    static class PoolOverTheCloakDriver {
        @Bean
        HikariDataSource plain(Environment env) {
            return pool(env.getProperty("test.url"), 1);
        }

        @Bean
        HikariDataSource driverPool(Environment env) {
            HikariDataSource pool = pool("jdbc:cloak:" + env.getProperty("test.url").substring("jdbc:".length()), 1);
            pool.addDataSourceProperty("cloak.config", env.getProperty("test.policy"));
            return pool;
        }
    }

    @ParameterizedTest
    @EnumSource(StarterDatabase.class)
    void poolOverTheCloakDriverKeepsTheConnectionOfARefusedStatement(StarterDatabase db, CapturedOutput output) {
        String url = prepare(db);
        application(url).withUserConfiguration(PoolOverTheCloakDriver.class)
                .withPropertyValues("cloak.data-sources=plain", "test.policy=" + db.policyFile(TABLE, null),
                        "cloak.config=" + db.policyFile(TABLE, null))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    HikariDataSource pool = context.getBean("driverPool", HikariDataSource.class);
                    assertThat(pool.getExceptionOverrideClassName()).isEqualTo(CloakExceptionOverride.class.getName());
                    JdbcTemplate jdbc = new JdbcTemplate(pool);
                    Long before = jdbc.queryForObject(db.connectionIdQuery(), Long.class);

                    assertThatThrownBy(() -> jdbc.queryForList("SELECT name FROM " + TABLE + " ORDER BY name", String.class))
                            .isInstanceOf(DataAccessException.class).hasStackTraceContaining("ORDER BY on randomized column");

                    assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isEqualTo(1);
                    assertThat(jdbc.queryForObject(db.connectionIdQuery(), Long.class)).isEqualTo(before);
                    assertThat(output.getAll()).doesNotContain("marked as broken");
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class PoolWithKeyStorePool {
        @Bean
        HikariDataSource dataSource(Environment env) {
            return pool(env.getProperty("test.url"), 1);
        }

        @Bean
        HikariDataSource keyStorePool(Environment env) {
            return pool(env.getProperty("test.url"), 1);
        }
    }

    @ParameterizedTest
    @EnumSource(StarterDatabase.class)
    void keyStoreDataSourceStaysUnwrappedAndServesKeyLookupsWhileThePoolIsBusy(StarterDatabase db) {
        String url = prepare(db);
        application(url).withUserConfiguration(PoolWithKeyStorePool.class)
                .withPropertyValues("cloak.key-store-data-source=keyStorePool",
                        "cloak.config=" + db.policyFile(TABLE, "database"))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean("keyStorePool")).isInstanceOf(HikariDataSource.class);
                    DataSource dataSource = context.getBean("dataSource", DataSource.class);
                    assertThat(dataSource).isInstanceOf(CloakDataSource.class);
                    // the pool's one connection is held while the first write creates the column's key
                    new JdbcTemplate(dataSource).update("INSERT INTO " + TABLE + " (id, ssn) VALUES (1, ?)", "900-12-3456");
                    assertThat(new JdbcTemplate(dataSource).queryForObject(
                            "SELECT COUNT(*) FROM " + TABLE + " WHERE ssn = ?", Integer.class, "900-12-3456")).isEqualTo(1);
                });
    }

    @ParameterizedTest
    @EnumSource(StarterDatabase.class)
    void inlinePolicyEncryptsThroughTheWrappedDataSource(StarterDatabase db) throws Exception {
        String url = prepare(db);
        application(url).withPropertyValues(inlinePolicy(db))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(CloakConfig.class).source()).isEqualTo("application properties (cloak.*)");
                    JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
                    jdbc.update("INSERT INTO " + TABLE + " (id, ssn, name) VALUES (1, ?, ?)", "900-12-3456", "Ada Lovelace");
                    assertThat(jdbc.queryForList("SELECT name FROM " + TABLE + " WHERE ssn = ?", String.class, "900-12-3456"))
                            .containsExactly("Ada Lovelace");
                });
        assertThat(StarterDatabase.rawCells(url, TABLE, "name")).singleElement()
                .satisfies(cell -> assertThat(StarterDatabase.contains(cell, "Ada Lovelace")).isFalse());
    }

    @ParameterizedTest
    @EnumSource(StarterDatabase.class)
    void principalIsTheOneOfEveryConnection(StarterDatabase db) throws Exception {
        String url = prepare(db);
        application(url).withPropertyValues(inlinePolicy(db))
                .withPropertyValues("cloak.principal=analytics", "cloak.access.principal=asserted",
                        "cloak.access.rules[0].principal=analytics",
                        "cloak.access.rules[0].columns=" + TABLE + ".name",
                        "cloak.access.rules[0].decrypt=mask")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
                    jdbc.update("INSERT INTO " + TABLE + " (id, ssn, name) VALUES (1, ?, ?)", "900-12-3456", "Ada Lovelace");
                    assertThat(jdbc.queryForObject("SELECT name FROM " + TABLE + " WHERE id = 1", String.class))
                            .isEqualTo("****lace");
                });
    }

    @ParameterizedTest
    @EnumSource(StarterDatabase.class)
    void aPrincipalWhereThePolicyDecidesOnTheSessionsUserStopsTheApplication(StarterDatabase db) throws Exception {
        String url = prepare(db);
        application(url).withPropertyValues(inlinePolicy(db))
                .withPropertyValues("cloak.principal=analytics")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("cloak.principal names a principal")
                        .hasMessageContaining("access.principal: asserted"));
    }

    /** The policy of {@link StarterDatabase#policyYaml} as properties under {@code cloak.*}, in a fresh folder. */
    private static String[] inlinePolicy(StarterDatabase db) throws Exception {
        Path dir = Files.createTempDirectory("cloak-starter-inline");
        return new String[] {
                "cloak.keyring.master-key=local:file:" + dir.resolve("master.json"),
                "cloak.keyring.store=file:" + dir.resolve("keys.json"),
                "cloak.columns." + TABLE + ".ssn.type=varchar",
                "cloak.columns." + TABLE + ".ssn.mode=deterministic",
                "cloak.columns." + TABLE + ".name.type=varchar",
                "cloak.columns." + TABLE + ".name.mode=randomized",
                "cloak.network.require-tls=" + (db == StarterDatabase.H2)};
    }

    @Configuration(proxyBeanMethods = false)
    static class PlainH2 {
        @Bean
        DataSource dataSource(Environment env) {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL(env.getProperty("test.url").replace(";USER=sa", ""));
            h2.setUser("sa");
            return h2;
        }
    }

    @Test
    void closingTheApplicationReleasesCloaksKeyCache() throws Exception {
        String url = prepare(StarterDatabase.H2);
        CloakDataSource[] kept = new CloakDataSource[1];
        application(url).withUserConfiguration(PlainH2.class)
                .withPropertyValues("cloak.config=" + StarterDatabase.H2.policyFile(TABLE, null, "test-kms"))
                .run(context -> {
                    kept[0] = (CloakDataSource) context.getBean(DataSource.class);
                    kept[0].getConnection().close();
                });
        int opens = TestKms.opens();

        try (Connection afterClose = kept[0].getConnection()) {
            assertThat(afterClose).isNotNull();
        }

        assertThat(TestKms.opens()).as("the closed data source compiles its policy, and opens its master key, afresh")
                .isEqualTo(opens + 1);
    }

    @Test
    void wrongPolicyFileStopsTheApplicationNamingFileLineAndSetting(CapturedOutput output) throws Exception {
        String url = prepare(StarterDatabase.H2);
        Path policy = Path.of(StarterDatabase.H2.policyFile(TABLE, null).substring("file:".length()));
        Files.writeString(policy, Files.readString(policy).replace("mode: deterministic", "mode: determinstic"));

        assertThatThrownBy(() -> new SpringApplicationBuilder(StarterTestApplication.class).web(WebApplicationType.NONE)
                .run("--spring.datasource.url=" + url, "--cloak.config=file:" + policy).close())
                .hasStackTraceContaining(policy + ":6: columns.starter_settings.ssn.mode: unknown mode 'determinstic'");

        assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
                .contains("Cloak's policy cannot be used: " + policy + ":6: columns.starter_settings.ssn.mode");
    }

    @Test
    void unknownKeyStoreDataSourceStopsTheApplication() {
        String url = prepare(StarterDatabase.H2);
        application(url).withPropertyValues("cloak.key-store-data-source=keyz",
                        "cloak.config=" + StarterDatabase.H2.policyFile(TABLE, null))
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("cloak.key-store-data-source names 'keyz', which is no DataSource bean"));
    }

}
