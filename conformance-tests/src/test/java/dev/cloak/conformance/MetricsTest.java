package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.conformance.leak.LeakCapture;
import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.CloakJmx;
import dev.cloak.driver.CloakMetrics;
import dev.cloak.driver.config.AccessRule;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.DecryptAccess;
import dev.cloak.driver.config.EncryptionMode;
import dev.cloak.driver.config.PrincipalSource;
import dev.cloak.keyring.KeyAdministration;
import dev.cloak.keyring.audit.AuditTrail;
import dev.cloak.keyring.kmsdouble.Fault;
import dev.cloak.keyring.kmsdouble.KmsDoubles;
import dev.cloak.keyring.store.FileKeyStore;
import dev.cloak.keyring.store.GenerationLedger;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every meter {@link CloakMetrics} publishes, counted by a {@link CloakDataSource} on each database, its master key
 * in Vault Transit (the keyring's protocol double): cells by column, mode and key version; decrypt failures by
 * reason; refusals by construct; access denials by principal and column; KMS calls, errors (an outage) and latency;
 * the key and plan caches; key age and the development-key flag; and the same numbers through JMX.
 */
class MetricsTest {

    @TempDir
    Path dir;

    private Fixture fx;
    private String table;
    private String master;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private CloakDataSource ds;
    private int bound;

    @BeforeEach
    void resetDoubles() {
        KmsDoubles.reset();
    }

    /** Re-wraps the keys under the development key, so the leak check can read them; closes what was opened. */
    @AfterEach
    void handKeysToTheLeakCheck() throws Exception {
        KmsDoubles.reset();
        if (ds != null) {
            ds.close();
        }
        if (fx == null) {
            return;
        }
        try (Fixture closing = fx) {
            if (master == null || master.startsWith("local:")) {
                return;
            }
            try (KeyAdministration admin = KeyAdministration.open(master,
                    new FileKeyStore(Path.of(fx.keyStoreUri().substring("file:".length()))), AuditTrail.NONE,
                    GenerationLedger.NONE)) {
                admin.rewrap(fx.masterKeyUri());
            }
        }
    }

    private CloakConfig.Builder policy() {
        return fx.configBuilder().masterKey(master).kmsTimeout(Duration.ofSeconds(1))
                .column(table + ".ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC)
                .column(table + ".name", ColumnType.VARCHAR, EncryptionMode.RANDOMIZED);
    }

    /** A table {@code (id, ssn, name)}, a data source over it bound to the registry, and three rows written. */
    private void start(TestDatabase db) throws Exception {
        fx = Fixture.open(db, dir);
        table = fx.table("metrics");
        fx.rawExecute("CREATE TABLE " + table + " (id INT PRIMARY KEY, ssn " + db.binaryType() + ", name "
                + db.binaryType() + ")");
        master = KmsDoubles.vaultKey("k-" + UUID.randomUUID());
        ds = bound(policy().build());
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id, ssn, name) VALUES (?, ?, ?)")) {
            for (int id = 1; id <= 3; id++) {
                ps.setInt(1, id);
                ps.setString(2, LeakCapture.written("900-00-000" + id));
                ps.setString(3, LeakCapture.written("Name " + id));
                ps.executeUpdate();
            }
        }
    }

    private CloakDataSource bound(CloakConfig config) {
        CloakDataSource dataSource = new CloakDataSource(fx.db().rawDataSource(), config);
        // each data source its own data_source tag, as a registry keeps one meter per name and tags
        new CloakMetrics(dataSource, bound++ == 0 ? "main" : "other-" + bound).bindTo(registry);
        return dataSource;
    }

    private int readNames(CloakDataSource dataSource) throws SQLException {
        int read = 0;
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM " + table + " ORDER BY id")) {
            while (rs.next()) {
                assertThat(rs.getString(1)).startsWith("Name ");
                read++;
            }
        }
        return read;
    }

    private String column(String name) {
        return table + "." + name;
    }

    private double count(String name, String... tags) {
        return registry.find(name).tags(tags).meters().stream().mapToDouble(MetricsTest::value).sum();
    }

    private static double value(Meter meter) {
        double total = 0;
        for (var measurement : meter.measure()) {
            total += measurement.getValue();
        }
        return total;
    }

    /** The key version a stored cell is under, as its header names it (bytes 3 to 6). */
    private String keyVersionOf(String columnName) throws SQLException {
        byte[] cell = fx.rawCells(table, columnName).get(0);
        return Integer.toUnsignedString(ByteBuffer.wrap(cell, 3, 4).getInt());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void cellsAreCountedByColumnModeAndKeyVersion(TestDatabase db) throws Exception {
        start(db);

        assertThat(readNames(ds)).isEqualTo(3);

        String version = keyVersionOf("name");
        assertThat(count("cloak.cells.encrypted", "column", column("name"), "mode", "randomized",
                "key_version", version, "data_source", "main")).isEqualTo(3);
        assertThat(count("cloak.cells.encrypted", "column", column("ssn"), "mode", "deterministic",
                "key_version", keyVersionOf("ssn"))).isEqualTo(3);
        assertThat(count("cloak.cells.decrypted", "column", column("name"), "mode", "randomized",
                "key_version", version)).isEqualTo(3);
        assertThat(count("cloak.cells.decrypted", "column", column("ssn"))).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void eachDecryptFailureIsCountedByItsReason(TestDatabase db) throws Exception {
        start(db);
        byte[] cell = fx.rawCells(table, "name").get(0);
        byte[] tampered = cell.clone();
        tampered[tampered.length - 1] ^= 1;
        byte[] foreignVersion = cell.clone();
        foreignVersion[6] ^= 1;
        rawUpdate(1, tampered);
        rawUpdate(2, foreignVersion);
        rawUpdate(3, LeakCapture.written("plain text").getBytes(java.nio.charset.StandardCharsets.UTF_8));

        for (int id = 1; id <= 3; id++) {
            int row = id;
            Expect.sqlState("22000", () -> readName(row));
        }

        String name = column("name");
        assertThat(count("cloak.decrypt.failures", "column", name, "reason", "authentication_failed")).isEqualTo(1);
        assertThat(count("cloak.decrypt.failures", "column", name, "reason", "unknown_key_version")).isEqualTo(1);
        assertThat(count("cloak.decrypt.failures", "column", name, "reason", "not_a_cloak_cell")).isEqualTo(1);
    }

    private void rawUpdate(int id, byte[] stored) throws SQLException {
        try (PreparedStatement ps = fx.raw().prepareStatement("UPDATE " + table + " SET name = ? WHERE id = ?")) {
            ps.setBytes(1, stored);
            ps.setInt(2, id);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private String readName(int id) throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT name FROM " + table + " WHERE id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void refusedStatementsAreCountedByConstruct(TestDatabase db) throws Exception {
        start(db);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (int i = 0; i < 2; i++) {
                Expect.sqlState("0A000", () -> s.executeQuery("SELECT id FROM " + table + " ORDER BY name"));
            }
            Expect.sqlState("0A000", () -> s.executeQuery("SELECT id FROM " + table + " WHERE name LIKE 'N%'"));
        }

        assertThat(count("cloak.statements.refused", "construct", "order_by")).isEqualTo(2);
        assertThat(count("cloak.statements.refused", "construct", "like")).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void accessDenialsAreCountedByPrincipalAndColumn(TestDatabase db) throws Exception {
        start(db);
        CloakDataSource asserted = bound(policy().principalSource(PrincipalSource.ASSERTED)
                .accessRule(new AccessRule("intern", List.of(column("name")), DecryptAccess.DENY)).build());
        try {
            asserted.setPrincipal("intern");
            Expect.sqlState("28000", () -> readNames(asserted));
        } finally {
            asserted.close();
        }

        assertThat(count("cloak.access.denials", "principal", "intern", "column", column("name"))).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void kmsCallsAndLatencyAreCountedByProviderAndAnOutageCountsErrors(TestDatabase db) throws Exception {
        start(db);
        // the first connection created both keys: one wrap each, then nothing while they are warm
        assertThat(count("cloak.kms.calls", "provider", "vault-transit", "operation", "encrypt")).isEqualTo(2);
        assertThat(count("cloak.kms.errors", "provider", "vault-transit")).isZero();
        Timer latency = registry.find("cloak.kms.latency").tags("provider", "vault-transit", "outcome", "success")
                .timer();
        assertThat(latency).isNotNull();
        assertThat(latency.count()).isEqualTo(2);
        assertThat(latency.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();

        KmsDoubles.vault().failAlways(Fault.ACCESS_DENIED);
        CloakDataSource cold = bound(policy().build());
        try {
            Expect.sqlState("58K03", () -> readNames(cold));
        } finally {
            cold.close();
        }

        assertThat(count("cloak.kms.errors", "provider", "vault-transit", "operation", "decrypt")).isEqualTo(1);
        assertThat(registry.find("cloak.kms.latency").tags("outcome", "error").timer().count()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void keyAndPlanCachesAreCounted(TestDatabase db) throws Exception {
        start(db);
        double planMisses = count("cloak.plan.cache.misses");

        readNames(ds);
        readNames(ds);

        assertThat(count("cloak.plan.cache.misses")).isEqualTo(planMisses + 1);
        assertThat(count("cloak.plan.cache.hits")).isGreaterThanOrEqualTo(1);
        assertThat(count("cloak.plan.cache.size")).isGreaterThanOrEqualTo(2);
        // one load per key domain (a miss each); every later cell found its key in memory
        assertThat(count("cloak.key.cache.misses")).isEqualTo(2);
        assertThat(count("cloak.key.cache.hits")).isGreaterThanOrEqualTo(6 + 6 - 2);
        assertThat(count("cloak.key.cache.evictions")).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void anExpiredKeyIsCountedAsAnEvictionAndAMiss(TestDatabase db) throws Exception {
        start(db);
        CloakDataSource shortLived = bound(policy().cache(Duration.ofMillis(200), 100).build());
        try {
            readNames(shortLived);
            double misses = count("cloak.key.cache.misses");
            Thread.sleep(400);
            readNames(shortLived);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (count("cloak.key.cache.evictions") == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }

            assertThat(count("cloak.key.cache.misses")).isEqualTo(misses + 1);
            assertThat(count("cloak.key.cache.evictions")).isGreaterThanOrEqualTo(1);
        } finally {
            shortLived.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void keyAgeIsAGaugePerDomainAndTheDevelopmentKeyFlagFollowsTheProvider(TestDatabase db) throws Exception {
        start(db);
        String domain = column("name").toLowerCase(Locale.ROOT);

        double age = count("cloak.key.age.days", "domain", domain);
        assertThat(age).isBetween(0.0, 0.5);
        assertThat(count("cloak.master.key.development", "provider", "vault-transit")).isZero();

        CloakDataSource local = bound(fx.configBuilder().column(table + ".id2", ColumnType.VARCHAR,
                EncryptionMode.RANDOMIZED).build());
        try {
            local.getConnection().close();
        } finally {
            local.close();
        }
        assertThat(count("cloak.master.key.development", "provider", "local")).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void theJmxViewShowsTheSameCounts(TestDatabase db) throws Exception {
        start(db);
        readNames(ds);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = CloakJmx.register(ds, "metrics-" + UUID.randomUUID());
        try {
            assertThat(server.getAttribute(name, "CellsEncrypted")).isEqualTo(6L);
            assertThat(server.getAttribute(name, "CellsDecrypted")).isEqualTo(3L);
            assertThat(server.getAttribute(name, "KmsCalls")).isEqualTo(2L);
            assertThat(server.getAttribute(name, "DevelopmentKey")).isEqualTo(false);
            assertThat(server.getAttribute(name, "Meters").toString()).contains("cloak.cells.decrypted");
        } finally {
            server.unregisterMBean(name);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void connectionsThroughTheDriverAreCountedByCloakMetricsForDriver(TestDatabase db) throws Exception {
        fx = Fixture.open(db, dir);
        table = fx.table("metrics_url");
        fx.rawExecute("CREATE TABLE " + table + " (id INT PRIMARY KEY, name " + db.binaryType() + ")");
        CloakMetrics.forDriver("driver", false).bindTo(registry);
        Path policy = fx.policy().column(table + ".name", "varchar", "randomized").write();

        try (Connection c = fx.cloak(policy)) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id, name) VALUES (?, ?)")) {
                ps.setInt(1, 1);
                ps.setString(2, LeakCapture.written("Grace Hopper"));
                ps.executeUpdate();
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT name FROM " + table)) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("Grace Hopper");
            }
        }

        assertThat(count("cloak.cells.encrypted", "column", column("name"), "data_source", "driver")).isEqualTo(1);
        assertThat(count("cloak.cells.decrypted", "column", column("name"), "data_source", "driver")).isEqualTo(1);
        assertThat(count("cloak.master.key.development", "provider", "local", "data_source", "driver"))
                .isEqualTo(1);
    }
}
