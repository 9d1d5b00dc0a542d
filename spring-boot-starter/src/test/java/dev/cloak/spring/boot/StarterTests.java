package dev.cloak.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.hikari.CloakExceptionOverride;
import dev.cloak.spring.boot.app.StarterTestApplication;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * An application with only properties — {@code spring.datasource.url} of the plain database and {@code cloak.config}
 * — on a random port, run by one subclass per database: its data source is Cloak's, refused statements keep their
 * pooled connection, Boot's own data source features still find the pool, {@code /actuator/health} shows Cloak, and
 * {@code /actuator/prometheus} shows Cloak's counters, a tampered cell among them.
 */
@SpringBootTest(classes = StarterTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "management.endpoint.health.show-details=always",
        "management.endpoints.web.exposure.include=health,prometheus",
        "spring.datasource.hikari.pool-name=starter-pool",
        "spring.datasource.hikari.maximum-pool-size=1",
        "spring.datasource.hikari.minimum-idle=1",
        "cloak.health.check-interval=1h"})
@ExtendWith(OutputCaptureExtension.class)
abstract class StarterTests {

    static final String TABLE = "starter_patients";

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    MeterRegistry meters;

    @LocalServerPort
    int port;

    abstract StarterDatabase database();

    abstract String rawUrl();

    abstract String policyLocation();

    /** Creates the table through the plain driver and names the plain URL and the policy, nothing else. */
    static String[] configure(StarterDatabase db, DynamicPropertyRegistry registry) {
        String url = db.url();
        db.createTable(url, TABLE);
        // a file key store: with the pool held to one connection, a database key store would wait for that one
        String policy = db.policyFile(TABLE, null);
        // and keys made ahead, as cloak keys init does: creating one checks the columns on a connection of its own
        StarterDatabase.createKeys(policy, url);
        registry.add("spring.datasource.url", () -> url);
        registry.add("cloak.config", () -> policy);
        return new String[] {url, policy};
    }

    @BeforeEach
    void emptyTable() {
        jdbc.update("DELETE FROM " + TABLE);
    }

    @Test
    void dataSourceBeanIsACloakDataSourceOverTheBoundHikariPool() throws SQLException {
        assertThat(dataSource).isInstanceOf(CloakDataSource.class);
        HikariDataSource pool = dataSource.unwrap(HikariDataSource.class);
        assertThat(pool.getPoolName()).as("spring.datasource.hikari.* bound before wrapping").isEqualTo("starter-pool");
        assertThat(pool.getMaximumPoolSize()).isEqualTo(1);
        assertThat(dataSource.unwrap(DataSource.class)).as("asked for a DataSource, Cloak never hands out the raw pool")
                .isSameAs(dataSource);
    }

    @Test
    void valuesWrittenThroughTheApplicationAreStoredEncryptedAndReadBackInClear() throws SQLException {
        jdbc.update("INSERT INTO " + TABLE + " (id, ssn, name) VALUES (?, ?, ?)", 1, "900-12-3456", "Ada Lovelace");

        assertThat(jdbc.queryForList("SELECT name FROM " + TABLE + " WHERE ssn = ?", String.class, "900-12-3456"))
                .containsExactly("Ada Lovelace");
        List<byte[]> cells = StarterDatabase.rawCells(rawUrl(), TABLE, "name");
        assertThat(cells).hasSize(1);
        assertThat(cells.get(0)).startsWith(0x01);
        assertThat(StarterDatabase.contains(cells.get(0), "Ada Lovelace")).isFalse();
    }

    @Test
    void refusedStatementKeepsItsPooledConnection(CapturedOutput output) throws SQLException {
        HikariDataSource pool = dataSource.unwrap(HikariDataSource.class);
        Long before = jdbc.queryForObject(database().connectionIdQuery(), Long.class);
        int total = pool.getHikariPoolMXBean().getTotalConnections();

        assertThatThrownBy(() -> jdbc.queryForList("SELECT name FROM " + TABLE + " ORDER BY name", String.class))
                .isInstanceOf(DataAccessException.class)
                .hasStackTraceContaining("ORDER BY on randomized column");

        assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isEqualTo(total);
        assertThat(jdbc.queryForObject(database().connectionIdQuery(), Long.class))
                .as("the one pooled connection is still the same session").isEqualTo(before);
        assertThat(output.getAll()).doesNotContain("marked as broken");
    }

    @Test
    void hikariPoolHasCloaksExceptionOverride() throws SQLException {
        assertThat(dataSource.unwrap(HikariDataSource.class).getExceptionOverrideClassName())
                .isEqualTo(CloakExceptionOverride.class.getName());
    }

    @Test
    void bootsDataSourceHealthAndPoolMetricsStillReachThePool() {
        Actuator.Answer health = new Actuator(port).healthOnceChecked();

        assertThat(health.<String>read("$.components.db.status")).isEqualTo("UP");
        assertThat(meters.find("hikaricp.connections").tag("pool", "starter-pool").gauge()).isNotNull();
    }

    @Test
    void healthShowsCloaksComponentWithItsDetails() {
        Actuator.Answer health = new Actuator(port).healthOnceChecked();

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.<String>read("$.components.cloak.status")).isEqualTo("UP");
        assertThat(health.<String>read("$.components.cloak.details.dataSource")).isEqualTo("dataSource");
        assertThat(health.<String>read("$.components.cloak.details.policy.source"))
                .isEqualTo(policyLocation().substring("file:".length()));
        assertThat(health.<String>read("$.components.cloak.details.policy.sha256"))
                .isEqualTo(StarterDatabase.sha256Of(policyLocation()));
        assertThat(health.<String>read("$.components.cloak.details.masterKey.scheme")).isEqualTo("local");
        assertThat(health.<Boolean>read("$.components.cloak.details.masterKey.development")).isTrue();
        assertThat(health.<String>read("$.components.cloak.details.masterKey.status")).isEqualTo("UP");
        assertThat(health.<String>read("$.components.cloak.details.keyStore.store")).startsWith("file:");
        assertThat(health.<String>read("$.components.cloak.details.keyStore.status")).isEqualTo("UP");
        assertThat(health.<String>read("$.components.cloak.details.checkInterval")).isEqualTo("PT1H");
        assertThat(health.<String>read("$.components.cloak.details.checkedAt")).isNotBlank();
    }

    @Test
    void prometheusShowsCloaksCountersAfterAFewStatements() {
        Actuator actuator = new Actuator(port);
        String name = "column=\"" + TABLE + ".name\"";
        double encrypted = actuator.sample("cloak_cells_encrypted_total", name, "mode=\"randomized\"");
        double decrypted = actuator.sample("cloak_cells_decrypted_total", name);
        double refused = actuator.sample("cloak_statements_refused_total", "construct=\"order_by\"");

        jdbc.update("INSERT INTO " + TABLE + " (id, ssn, name) VALUES (?, ?, ?)", 1, "900-12-3456", "Ada Lovelace");
        jdbc.update("INSERT INTO " + TABLE + " (id, ssn, name) VALUES (?, ?, ?)", 2, "900-12-3457", "Alan Turing");
        assertThat(jdbc.queryForList("SELECT name FROM " + TABLE + " ORDER BY id", String.class)).hasSize(2);
        assertThatThrownBy(() -> jdbc.queryForList("SELECT name FROM " + TABLE + " ORDER BY name", String.class))
                .isInstanceOf(DataAccessException.class);

        String scrape = actuator.prometheus();
        assertThat(scrape).contains("cloak_cells_encrypted_total{", "data_source=\"dataSource\"",
                "cloak_plan_cache_hits_total", "cloak_key_cache_misses_total", "cloak_kms_calls_total",
                "cloak_key_age_days{", "cloak_master_key_development{");
        assertThat(scrape).doesNotContain("Ada Lovelace", "900-12-3456");
        assertThat(actuator.sample("cloak_cells_encrypted_total", name, "mode=\"randomized\"", "key_version="))
                .isEqualTo(encrypted + 2);
        assertThat(actuator.sample("cloak_cells_decrypted_total", name)).isEqualTo(decrypted + 2);
        assertThat(actuator.sample("cloak_statements_refused_total", "construct=\"order_by\"")).isEqualTo(refused + 1);
        assertThat(actuator.sample("cloak_master_key_development", "provider=\"local\"")).isEqualTo(1);
    }

    @Test
    void aTamperedCellRaisesTheDecryptFailureCounter() throws SQLException {
        Actuator actuator = new Actuator(port);
        String failed = "reason=\"authentication_failed\"";
        double before = actuator.sample("cloak_decrypt_failures_total", failed);
        jdbc.update("INSERT INTO " + TABLE + " (id, ssn, name) VALUES (?, ?, ?)", 1, "900-12-3456", "Ada Lovelace");
        byte[] cell = StarterDatabase.rawCells(rawUrl(), TABLE, "name").get(0);
        cell[cell.length - 1] ^= 1;
        StarterDatabase.rawUpdate(rawUrl(), TABLE, "name", 1, cell);

        assertThatThrownBy(() -> jdbc.queryForList("SELECT name FROM " + TABLE, String.class))
                .isInstanceOf(DataAccessException.class).hasStackTraceContaining("authentication failed");

        assertThat(actuator.sample("cloak_decrypt_failures_total", failed, "column=\"" + TABLE + ".name\""))
                .isEqualTo(before + 1);
    }
}
