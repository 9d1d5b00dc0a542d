package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cloak.driver.CloakConnection;
import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.config.PolicyFile;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The principal is the database session's own user, read from the database once per physical connection, unless
 * the policy says {@code access.principal: asserted}: the user property, {@code cloak.principal} and
 * {@code setPrincipal} cannot make a session someone else. Each test logs in as a second database user made for it.
 */
class SessionPrincipalTest {

    private static final String SSN = "123-45-6789";
    private static final String MASKED = "****6789";

    @TempDir
    Path dir;

    /** A table with one SSN, written by the fixture's own user, and a policy that masks it for {@code user}. */
    private static Path setUp(Fixture fx, String t, DatabaseUser user) throws Exception {
        fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, ssn " + fx.db().binaryType() + ")");
        user.grantAllOn(t);
        String yaml = fx.policy().column(t + ".ssn", "varchar", "deterministic").yaml()
                + "access:\n  rules:\n    - principal: " + user.name() + "\n      columns: [" + t + ".ssn]\n"
                + "      decrypt: mask\n";
        Path policy = fx.dir().resolve("cloak-session-" + t + ".yaml");
        Files.writeString(policy, yaml, StandardCharsets.UTF_8);
        try (Connection owner = cloak(fx.db().rawUrl(), policy, new Properties());
             PreparedStatement ps = owner.prepareStatement("INSERT INTO " + t + " (id, ssn) VALUES (?, ?)")) {
            ps.setInt(1, 1);
            ps.setString(2, SSN);
            ps.executeUpdate();
        }
        return policy;
    }

    private static Connection cloak(String rawUrl, Path policy, Properties info) throws SQLException {
        Properties props = new Properties();
        props.putAll(info);
        props.setProperty("cloak.config", "file:" + policy);
        return DriverManager.getConnection(TestDatabase.toCloakUrl(rawUrl), props);
    }

    private static String readSsn(Connection c, String t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT ssn FROM " + t + " WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void theAccessPolicyDecidesOnTheUserTheSessionLoggedInAs(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir); DatabaseUser analyst = DatabaseUser.create(fx, "cloak_analyst")) {
            String t = fx.table("session_p");
            Path policy = setUp(fx, t, analyst);

            try (Connection c = cloak(analyst.rawUrl(), policy, new Properties())) {
                assertThat(c.unwrap(CloakConnection.class).getPrincipal()).isEqualToIgnoringCase(analyst.name());
                assertThat(readSsn(c, t)).isEqualTo(MASKED);
            }
            try (Connection owner = cloak(db.rawUrl(), policy, new Properties())) {
                assertThat(readSsn(owner, t)).isEqualTo(SSN);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = "POSTGRESQL")
    void aRoleTheSessionStartsUnderDoesNotMakeItAnotherPrincipal(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir); DatabaseUser analyst = DatabaseUser.create(fx, "cloak_analyst");
             DatabaseUser group = DatabaseUser.create(fx, "cloak_group")) {
            String t = fx.table("session_r");
            Path policy = setUp(fx, t, analyst);
            group.grantAllOn(t);
            fx.rawExecute("GRANT " + group.name() + " TO " + analyst.name());

            // a role set at connect, and a role default the user may give itself, make current_user the group's
            try (Connection c = cloak(analyst.rawUrl() + "&options=-c%20role%3D" + group.name(), policy,
                    new Properties())) {
                assertThat(c.unwrap(CloakConnection.class).getPrincipal()).isEqualTo(analyst.name());
                assertThat(readSsn(c, t)).isEqualTo(MASKED);
            }
            try (Connection self = DriverManager.getConnection(analyst.rawUrl());
                 Statement st = self.createStatement()) {
                st.execute("ALTER ROLE " + analyst.name() + " SET role = " + group.name());
            }
            try (Connection c = cloak(analyst.rawUrl(), policy, new Properties())) {
                assertThat(c.unwrap(CloakConnection.class).getPrincipal()).isEqualTo(analyst.name());
                assertThat(readSsn(c, t)).isEqualTo(MASKED);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void theUserPropertyCannotNameAnotherPrincipalThanTheUserTheUrlLogsInAs(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir); DatabaseUser analyst = DatabaseUser.create(fx, "cloak_analyst")) {
            String t = fx.table("session_u");
            Path policy = setUp(fx, t, analyst);
            Properties claimsTheOwner = new Properties();
            claimsTheOwner.setProperty("user", fx.raw().getMetaData().getUserName());

            // the driver logs in with the URL's user and ignores the property: the principal must follow the login
            try (Connection c = cloak(analyst.rawUrl(), policy, claimsTheOwner)) {
                assertThat(c.unwrap(CloakConnection.class).getPrincipal()).isEqualToIgnoringCase(analyst.name());
                assertThat(readSsn(c, t)).isEqualTo(MASKED);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void anAssertedPrincipalIsRefusedWhereThePolicyDecidesOnTheSessionsUser(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir); DatabaseUser analyst = DatabaseUser.create(fx, "cloak_analyst")) {
            String t = fx.table("session_a");
            Path policy = setUp(fx, t, analyst);
            Properties claimsTheOwner = new Properties();
            claimsTheOwner.setProperty("cloak.principal", "app");

            SQLException byProperty = Expect.sqlState("28000", () -> cloak(analyst.rawUrl(), policy, claimsTheOwner));
            CloakDataSource ds = new CloakDataSource(analystDataSource(db, analyst), PolicyFile.load("file:" + policy));
            ds.setPrincipal("app");
            SQLException bySetter = Expect.sqlState("28000", ds::getConnection);

            assertThat(byProperty.getMessage()).contains("cloak.principal").contains("access.principal: asserted");
            assertThat(bySetter.getMessage()).contains("CloakDataSource.setPrincipal")
                    .contains("access.principal: asserted");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void setPrincipalIsRefusedWhereThePolicyDecidesOnTheSessionsUser(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir); DatabaseUser analyst = DatabaseUser.create(fx, "cloak_analyst")) {
            String t = fx.table("session_s");
            Path policy = setUp(fx, t, analyst);

            try (Connection c = cloak(analyst.rawUrl(), policy, new Properties())) {
                CloakConnection cloak = c.unwrap(CloakConnection.class);
                SQLException refused = Expect.sqlState("28000", () -> cloak.setPrincipal("app"));

                assertThat(refused.getMessage()).contains("CloakConnection.setPrincipal")
                        .contains("access.principal: asserted");
                assertThat(cloak.getPrincipal()).isEqualToIgnoringCase(analyst.name());
                assertThat(readSsn(c, t)).isEqualTo(MASKED);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void theSessionUserIsReadOncePerPhysicalConnectionOfAPoolUnderCloakDataSource(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir); DatabaseUser analyst = DatabaseUser.create(fx, "cloak_analyst")) {
            String t = fx.table("session_once");
            Path policy = setUp(fx, t, analyst);
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(analyst.rawUrl());
            config.setMaximumPoolSize(1); // every borrow gets the one physical connection
            AtomicInteger statements = new AtomicInteger();
            try (HikariDataSource pool = new HikariDataSource(config);
                 CloakDataSource cloak = new CloakDataSource(counting(pool, statements),
                         PolicyFile.load("file:" + policy))) {
                for (int i = 0; i < 5; i++) {
                    try (Connection c = cloak.getConnection()) {
                        assertThat(c.unwrap(CloakConnection.class).getPrincipal())
                                .isEqualToIgnoringCase(analyst.name());
                    }
                }
                assertThat(statements).as("statements Cloak ran on the pool's connection").hasValue(1);
                try (Connection c = cloak.getConnection()) {
                    assertThat(readSsn(c, t)).isEqualTo(MASKED);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void aPooledConnectionWithAutoCommitOffGetsItsUserAndStillTakesAnIsolationLevel(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir); DatabaseUser analyst = DatabaseUser.create(fx, "cloak_analyst")) {
            String t = fx.table("session_tx");
            Path policy = setUp(fx, t, analyst);
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(analyst.rawUrl());
            config.setAutoCommit(false); // as Spring and Hibernate applications often configure it
            config.setMaximumPoolSize(1);
            try (HikariDataSource pool = new HikariDataSource(config);
                 CloakDataSource cloak = new CloakDataSource(pool, PolicyFile.load("file:" + policy));
                 Connection c = cloak.getConnection()) {
                assertThat(c.unwrap(CloakConnection.class).getPrincipal()).isEqualToIgnoringCase(analyst.name());
                // a transaction Cloak opened to ask would make pgjdbc refuse this
                c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
                assertThat(readSsn(c, t)).isEqualTo(MASKED);
                c.rollback();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void aPoolOverJdbcCloakKeepsTheSessionUserOfEachConnection(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir); DatabaseUser analyst = DatabaseUser.create(fx, "cloak_analyst")) {
            String t = fx.table("session_pool");
            Path policy = setUp(fx, t, analyst);
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(TestDatabase.toCloakUrl(analyst.rawUrl()));
            config.addDataSourceProperty("cloak.config", "file:" + policy);
            config.setMaximumPoolSize(2);
            try (HikariDataSource pool = new HikariDataSource(config)) {
                for (int i = 0; i < 4; i++) {
                    try (Connection c = pool.getConnection()) {
                        assertThat(c.unwrap(CloakConnection.class).getPrincipal())
                                .isEqualToIgnoringCase(analyst.name());
                        assertThat(readSsn(c, t)).isEqualTo(MASKED);
                    }
                }
            }
        }
    }

    private static DataSource analystDataSource(TestDatabase db, DatabaseUser analyst) {
        return new UrlDataSource(analyst.rawUrl());
    }

    /** Counts the statements created on {@code target}'s connections. */
    private static DataSource counting(DataSource target, AtomicInteger statements) {
        return new UrlDataSource(null) {
            @Override
            public Connection getConnection() throws SQLException {
                Connection connection = target.getConnection();
                return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                            if (method.getName().equals("createStatement")
                                    || method.getName().equals("prepareStatement")) {
                                statements.incrementAndGet();
                            }
                            try {
                                return method.invoke(connection, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
            }
        };
    }
}
