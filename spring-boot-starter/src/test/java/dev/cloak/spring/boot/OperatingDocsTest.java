package dev.cloak.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.jayway.jsonpath.JsonPath;
import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.CloakMetrics;
import dev.cloak.driver.config.AccessRule;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.DecryptAccess;
import dev.cloak.driver.config.EncryptionMode;
import dev.cloak.driver.config.PrincipalSource;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The operator's files in {@code docs/}: {@code alerts.yml} is a Prometheus rule file and {@code grafana-cloak.json} a
 * Grafana dashboard, both parse, the alerts the README promises are there, and every metric either names is one Cloak
 * publishes, as a Prometheus registry names it after a scenario that touches every meter.
 */
class OperatingDocsTest {

    private static final Path DOCS = Path.of("..", "docs");
    private static final Pattern METRIC = Pattern.compile("\\bcloak_[a-z_]+");

    @TempDir
    static Path dir;

    private static Set<String> published;

    /** Every Prometheus metric name Cloak publishes, from a scrape after writes, reads, a refusal and failures. */
    @BeforeAll
    static void scrapeAfterEveryKindOfEvent() throws Exception {
        String url = "jdbc:h2:mem:docs-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        try (Connection raw = DriverManager.getConnection(url); Statement s = raw.createStatement()) {
            s.execute("CREATE TABLE people (id INT PRIMARY KEY, name VARBINARY(300))");
        }
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(url);
        CloakConfig config = CloakConfig.builder().masterKey("local:file:" + dir.resolve("master.json"))
                .keyStore("file:" + dir.resolve("keys.json")).rotateAfter(Duration.ofDays(90))
                .principalSource(PrincipalSource.ASSERTED)
                .column("people.name", ColumnType.VARCHAR, EncryptionMode.RANDOMIZED)
                .accessRule(new AccessRule("intern", List.of("people.name"), DecryptAccess.DENY)).build();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (CloakDataSource app = new CloakDataSource(h2, config); CloakDataSource intern = new CloakDataSource(h2,
                config)) {
            new CloakMetrics(app, "app").bindTo(registry);
            new CloakMetrics(intern, "intern").bindTo(registry);
            intern.setPrincipal("intern");
            try (Connection c = app.getConnection(); Statement s = c.createStatement()) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO people VALUES (1, ?)")) {
                    ps.setString(1, "Ada");
                    ps.executeUpdate();
                }
                try (var rs = s.executeQuery("SELECT name FROM people")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("Ada");
                }
                assertThatThrownBy(() -> s.executeQuery("SELECT id FROM people ORDER BY name"))
                        .isInstanceOf(SQLException.class);
            }
            assertThatThrownBy(() -> {
                try (Connection c = intern.getConnection(); Statement s = c.createStatement()) {
                    var rs = s.executeQuery("SELECT name FROM people");
                    rs.next();
                    rs.getString(1);
                }
            }).isInstanceOf(SQLException.class);
            published = new TreeSet<>();
            for (String line : registry.scrape().split("\n")) {
                Matcher m = METRIC.matcher(line);
                if (!line.startsWith("#") && m.lookingAt()) {
                    published.add(m.group());
                }
            }
        }
    }

    private static Set<String> metricsIn(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(text);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    @Test
    void theScenarioPublishesEveryKindOfMeter() {
        assertThat(published).contains("cloak_cells_encrypted_total", "cloak_cells_decrypted_total",
                "cloak_decrypt_failures_total", "cloak_statements_refused_total", "cloak_access_denials_total",
                "cloak_kms_calls_total", "cloak_kms_errors_total", "cloak_kms_latency_seconds_count",
                "cloak_key_cache_hits_total", "cloak_key_cache_misses_total", "cloak_key_cache_evictions_total",
                "cloak_plan_cache_hits_total", "cloak_plan_cache_misses_total", "cloak_plan_cache_size",
                "cloak_key_age_days", "cloak_key_rotate_after_days", "cloak_master_key_development");
    }

    @Test
    @SuppressWarnings("unchecked")
    void alertsAreAPrometheusRuleFileWithTheAlertsTheReadmePromises() throws Exception {
        String text = Files.readString(DOCS.resolve("alerts.yml"));
        Map<String, Object> root = (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(text);
        List<Map<String, Object>> groups = (List<Map<String, Object>>) root.get("groups");
        List<Map<String, Object>> rules = groups.stream()
                .flatMap(g -> ((List<Map<String, Object>>) g.get("rules")).stream()).toList();

        assertThat(rules).allSatisfy(rule -> assertThat(rule).containsKeys("alert", "expr", "labels", "annotations"));
        assertThat(rules).extracting(rule -> rule.get("alert")).contains("CloakDecryptAuthenticationFailed",
                "CloakKmsErrors", "CloakKeyRotationOverdue", "CloakDevelopmentMasterKey");
        Set<String> named = new TreeSet<>();
        rules.forEach(rule -> named.addAll(metricsIn((String) rule.get("expr"))));
        assertThat(named).isNotEmpty();
        assertThat(published).containsAll(named);
    }

    @Test
    void theDashboardIsGrafanaJsonWhoseQueriesNameOnlyPublishedMetrics() throws Exception {
        String json = Files.readString(DOCS.resolve("grafana-cloak.json"));
        List<String> expressions = JsonPath.parse(json).read("$.panels[*].targets[*].expr");

        assertThat(JsonPath.parse(json).<String>read("$.title")).isEqualTo("Cloak");
        assertThat(expressions).hasSizeGreaterThanOrEqualTo(14);
        Set<String> named = new TreeSet<>();
        expressions.forEach(e -> named.addAll(metricsIn(e)));
        assertThat(published).containsAll(named);
        assertThat(named).as("every kind of meter has a panel").containsAll(published.stream()
                .filter(name -> !name.startsWith("cloak_kms_latency_seconds")).toList());
    }
}
