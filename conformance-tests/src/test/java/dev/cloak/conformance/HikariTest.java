package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import dev.cloak.conformance.leak.LeakCapture;
import dev.cloak.driver.CloakConnection;
import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.config.PolicyFile;
import dev.cloak.rewriter.RejectedStatementException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Cloak under HikariCP, both ways round: a pool over {@code jdbc:cloak:…}, and {@link CloakDataSource} over a
 * pool. Pooled connections keep principal and policy; the delegate's errors reach Hikari unchanged.
 */
class HikariTest {

    private static final String SSN = "123-45-6789";
    private static final String MASKED = "****6789";

    @TempDir
    Path dir;

    /**
     * A table with one encrypted SSN row, and a policy that masks it for principal {@code analytics}, which the
     * application names (one database user for the pool: {@code access.principal: asserted}).
     */
    private static Path setUp(Fixture fx, String t) throws Exception {
        fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, ssn " + fx.db().binaryType() + ")");
        String yaml = fx.policy().column(t + ".ssn", "varchar", "deterministic").yaml()
                + "access:\n  default: allow\n  principal: asserted\n  rules:\n    - principal: analytics\n      columns: [" + t + ".ssn]\n      decrypt: mask\n";
        Path policy = fx.dir().resolve("cloak-access-" + t + ".yaml");
        Files.writeString(policy, yaml, StandardCharsets.UTF_8);
        try (PreparedStatement insert = fx.cloak(policy).prepareStatement("INSERT INTO " + t + " (id, ssn) VALUES (?, ?)")) {
            insert.setInt(1, 1);
            insert.setString(2, SSN);
            insert.executeUpdate();
        }
        return policy;
    }

    private static String readSsn(Connection c, String t) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT ssn FROM " + t + " WHERE id = 1");
             ResultSet rs = select.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static HikariConfig cloakUrlPool(TestDatabase db, Path policy, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.cloakUrl());
        config.addDataSourceProperty("cloak.config", "file:" + policy);
        config.setMaximumPoolSize(size);
        return config;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void principalGivenAsPoolPropertyHoldsOnEveryPooledConnection(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("hikari_patients");
            HikariConfig config = cloakUrlPool(db, setUp(fx, t), 3);
            config.addDataSourceProperty("cloak.principal", "analytics");
            try (HikariDataSource pool = new HikariDataSource(config)) {
                List<Connection> borrowed = new ArrayList<>();
                try {
                    for (int i = 0; i < 3; i++) {
                        borrowed.add(pool.getConnection());
                    }
                    for (Connection c : borrowed) {
                        assertThat(c.unwrap(CloakConnection.class).getPrincipal()).isEqualTo("analytics");
                        assertThat(readSsn(c, t)).isEqualTo(MASKED);
                    }
                } finally {
                    for (Connection c : borrowed) {
                        c.close();
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void cloakDataSourceOverAHikariPoolFixesThePrincipalOfEveryBorrowedConnection(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("hikari_patients");
            Path policy = setUp(fx, t);
            HikariConfig config = new HikariConfig();
            config.setDataSource(db.rawDataSource());
            config.setMaximumPoolSize(2);
            try (HikariDataSource pool = new HikariDataSource(config);
                 CloakDataSource cloak = new CloakDataSource(pool, PolicyFile.load("file:" + policy))) {
                cloak.setPrincipal("analytics");
                for (int i = 0; i < 4; i++) {
                    try (Connection c = cloak.getConnection()) {
                        assertThat(readSsn(c, t)).isEqualTo(MASKED);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void principalSetOnABorrowedConnectionOfCloakDataSourceDoesNotReachTheNextBorrower(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("hikari_patients");
            Path policy = setUp(fx, t);
            HikariConfig config = new HikariConfig();
            config.setDataSource(db.rawDataSource());
            config.setMaximumPoolSize(1); // one physical connection: the second borrower gets the same one
            try (HikariDataSource pool = new HikariDataSource(config);
                 CloakDataSource cloak = new CloakDataSource(pool, PolicyFile.load("file:" + policy))) {
                try (Connection first = cloak.getConnection()) {
                    first.unwrap(CloakConnection.class).setPrincipal("analytics");
                    assertThat(readSsn(first, t)).isEqualTo(MASKED);
                }
                try (Connection second = cloak.getConnection()) {
                    assertThat(second.unwrap(CloakConnection.class).getPrincipal()).isNotEqualTo("analytics");
                    assertThat(readSsn(second, t)).isEqualTo(SSN);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    @Disabled("Cloak bug: over jdbc:cloak: Hikari pools the Cloak connection itself, so setPrincipal outlives the borrower")
    void principalSetOnABorrowedCloakUrlConnectionDoesNotReachTheNextBorrower(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("hikari_patients");
            try (HikariDataSource pool = new HikariDataSource(cloakUrlPool(db, setUp(fx, t), 1))) {
                try (Connection first = pool.getConnection()) {
                    first.unwrap(CloakConnection.class).setPrincipal("analytics");
                }
                try (Connection second = pool.getConnection()) {
                    assertThat(readSsn(second, t)).isEqualTo(SSN);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void refusedConnectionReachesHikariAsTheDelegateReportsIt(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String refused = switch (db) {
                case H2 -> "jdbc:h2:tcp://127.0.0.1:1/mem:nothing";
                case POSTGRESQL -> "jdbc:postgresql://127.0.0.1:1/test?connectTimeout=2";
                case MARIADB -> "jdbc:mariadb://127.0.0.1:1/test?connectTimeout=2000";
            };
            Path policy = fx.policy().column("hikari_patients.ssn", "varchar", "deterministic").write();

            SQLException raw = poolFailure(refused, null);
            SQLException viaCloak = poolFailure("jdbc:cloak:" + refused.substring("jdbc:".length()), policy);

            assertThat(viaCloak.getClass()).isEqualTo(raw.getClass());
            assertThat(viaCloak.getSQLState()).isEqualTo(raw.getSQLState()).isNotNull();
            assertThat(viaCloak.getErrorCode()).isEqualTo(raw.getErrorCode());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void cloakRefusalEvictsThePooledConnectionUnlessAnOverrideKeepsIt(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("hikari_patients");
            Path policy = setUp(fx, t);
            String refusedSql = "SELECT id FROM " + t + " ORDER BY ssn";

            try (HikariDataSource pool = new HikariDataSource(cloakUrlPool(db, policy, 1))) {
                assertThat(survivesRefusal(pool, refusedSql)).as("Hikari evicts on SQLState 0A000 by default").isFalse();
            }
            HikariConfig config = cloakUrlPool(db, policy, 1);
            config.setExceptionOverrideClassName(dev.cloak.driver.hikari.CloakExceptionOverride.class.getName());
            try (HikariDataSource pool = new HikariDataSource(config)) {
                assertThat(survivesRefusal(pool, refusedSql)).as("with the override the connection stays").isTrue();
            }
        }
    }

    /** Whether the pool hands out the same Cloak connection after a statement Cloak refused on it. */
    private static boolean survivesRefusal(DataSource pool, String refusedSql) throws SQLException {
        CloakConnection before;
        try (Connection c = pool.getConnection()) {
            before = c.unwrap(CloakConnection.class);
            Expect.sqlState("0A000", () -> c.prepareStatement(refusedSql));
        }
        try (Connection c = pool.getConnection()) {
            return c.unwrap(CloakConnection.class) == before;
        }
    }

    private static SQLException poolFailure(String url, Path policy) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setInitializationFailTimeout(1); // fail in the constructor with the driver's exception as the cause
        config.setConnectionTimeout(2_000);
        if (policy != null) {
            config.addDataSourceProperty("cloak.config", "file:" + policy);
        }
        Throwable failure = catchThrowable(() -> new HikariDataSource(config).close());
        assertThat(failure).as("pool start on %s", url).isNotNull();
        LeakCapture.exception("pool start on " + (policy == null ? "the raw URL" : "jdbc:cloak:"), failure);
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        throw new AssertionError("no SQLException in the pool's failure", failure);
    }

}
