package dev.cloak.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.EncryptionMode;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CloakMetrics} on embedded H2: the master-key timer publishes percentiles only when asked to. */
class CloakMetricsTest {

    @TempDir
    Path dir;

    private Timer kmsTimerAfterOneKeyIsCreated(boolean percentiles) throws Exception {
        String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(url);
        CloakConfig config = CloakConfig.builder().masterKey("local:file:" + dir.resolve("master.json"))
                .keyStore("file:" + dir.resolve("keys-" + percentiles + ".json"))
                .column("people.ssn", ColumnType.VARCHAR, EncryptionMode.RANDOMIZED).build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Connection raw = h2.getConnection(); Statement s = raw.createStatement();
             CloakDataSource ds = new CloakDataSource(h2, config)) {
            s.execute("CREATE TABLE people (id INT PRIMARY KEY, ssn VARBINARY(200))");
            new CloakMetrics(ds, "people", percentiles).bindTo(registry);
            try (Connection c = ds.getConnection();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO people VALUES (1, ?)")) {
                ps.setString(1, "123-45-6789");
                ps.executeUpdate();
            }
        }
        return registry.find("cloak.kms.latency").tags("provider", "local", "operation", "encrypt",
                "outcome", "success", "data_source", "people").timer();
    }

    @Test
    void theMasterKeyTimerHasNoPercentilesByDefault() throws Exception {
        Timer timer = kmsTimerAfterOneKeyIsCreated(false);

        assertThat(timer.count()).isEqualTo(1);
        assertThat(timer.takeSnapshot().percentileValues()).isEmpty();
    }

    @Test
    void theMasterKeyTimerPublishesPercentilesWhenAsked() throws Exception {
        Timer timer = kmsTimerAfterOneKeyIsCreated(true);

        assertThat(timer.count()).isEqualTo(1);
        assertThat(timer.takeSnapshot().percentileValues()).extracting(v -> v.percentile())
                .containsExactly(0.5, 0.95, 0.99);
    }
}
