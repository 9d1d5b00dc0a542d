package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.internal.error.SqlState;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Fault: the network between the application and the database fails (an in-JVM {@link TcpProxy} cuts every
 * connection) while the application reads a large encrypted result, and while it sends a batch. The application sees
 * the JDBC driver's own connection error (class 08), every value it read before is the plaintext it wrote (never a
 * ciphertext), and the rows afterwards are all there (read) or all absent (uncommitted batch), each a whole cell.
 */
class ConnectionCutTest {

    private static final int ROWS = 2_000;
    /** About 560 bytes a cell: a result of about a megabyte. */
    private static final int VALUE_LENGTH = 500;

    @TempDir
    Path dir;

    private static String value(int id) {
        String head = "v" + id + "-";
        return head + "x".repeat(VALUE_LENGTH - head.length());
    }

    private static String stack(Throwable t) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }

    private static DataSource through(TestDatabase db, TcpProxy proxy) {
        return db.newRawDataSource(proxy.route(db.rawUrl()));
    }

    /**
     * The JDBC driver's own connection failure: made by the driver (its first frame outside the JDK is the driver's),
     * with an SQLState of class 08 somewhere in the chain.
     */
    private static void assertDriversConnectionError(SQLException e, TestDatabase db) {
        String driverPackage = db == TestDatabase.POSTGRESQL ? "org.postgresql." : "org.mariadb.";
        String maker = Arrays.stream(e.getStackTrace()).map(StackTraceElement::getClassName)
                .filter(name -> !name.startsWith("java.") && !name.startsWith("jdk.")).findFirst().orElse("");
        assertThat(maker).as("who made " + e).startsWith(driverPackage);
        boolean connectionClass = false;
        for (Throwable t = e; t != null; t = t.getCause() != null ? t.getCause()
                : t instanceof SQLException s ? s.getNextException() : null) {
            if (t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("08")) {
                connectionClass = true;
                break;
            }
        }
        assertThat(connectionClass).as("an SQLState of class 08 in: " + e).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void cutWhileReadingALargeEncryptedResult(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = FaultHarness.table(fx, "cut_read");
            CloakConfig config = FaultHarness.policy(fx, t).build();
            Map<Integer, String> model = new HashMap<>();
            try (CloakDataSource direct = new CloakDataSource(db.rawDataSource(), config);
                 Connection c = direct.getConnection();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, ssn) VALUES (?, ?)")) {
                for (int i = 0; i < ROWS; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, value(i));
                    ps.addBatch();
                    model.put(i, value(i));
                }
                ps.executeBatch();
            }
            int read = 0;
            try (TcpProxy proxy = TcpProxy.toServerOf(db.rawUrl());
                 HikariDataSource pool = FaultHarness.pool(through(db, proxy), 1);
                 CloakDataSource cloak = new CloakDataSource(pool, config)) {
                Connection c = cloak.getConnection();
                c.setAutoCommit(false);
                Statement st = c.createStatement();
                st.setFetchSize(50);
                // the key is loaded before the cut (its key store connections go through the proxy too): only the
                // result's own bytes are lost
                try (ResultSet first = st.executeQuery("SELECT ssn FROM " + t + " WHERE id = 0")) {
                    assertThat(first.next()).isTrue();
                    assertThat(first.getString(1)).isEqualTo(model.get(0));
                }
                // the result is about a megabyte: the connection breaks a quarter of the way through it
                proxy.cutAfterServerSends(256 * 1024);
                ResultSet rs = st.executeQuery("SELECT id, ssn FROM " + t + " ORDER BY id");
                int[] more = {0};
                SQLException e = Expect.sqlException(() -> {
                    while (rs.next()) {
                        // every value read before the cut is the plaintext written, never a ciphertext
                        assertThat(rs.getString(2)).isEqualTo(model.get(rs.getInt(1)));
                        more[0]++;
                    }
                });
                read = more[0];
                assertDriversConnectionError(e, db);
                // closing what the cut broke may fail as well, as without Cloak
                for (AutoCloseable broken : new AutoCloseable[] {rs, st, c}) {
                    org.assertj.core.api.Assertions.catchThrowable(broken::close);
                }
            }
            assertThat(read).isBetween(1, ROWS - 1);
            FaultHarness.assertRowsAre(fx, t, config, model);
        }
    }

    /**
     * Sends a batch of {@link #ROWS} rows into {@code t} through {@code source} and cuts the connection after the
     * client sent 256 KB of it; returns what the application saw (closing the broken statement may fail too).
     */
    private static Throwable cutBatch(DataSource source, TcpProxy proxy, String t, boolean autoCommit)
            throws Exception {
        Connection c = source.getConnection();
        // a first row, so any key is loaded before the cut: only the batch's own bytes are lost
        try (PreparedStatement first = c.prepareStatement("INSERT INTO " + t + " (id, ssn) VALUES (?, ?)")) {
            first.setInt(1, -1);
            first.setString(2, value(-1));
            first.executeUpdate();
        }
        c.setAutoCommit(autoCommit);
        PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, ssn) VALUES (?, ?)");
        for (int i = 0; i < ROWS; i++) {
            ps.setInt(1, i);
            ps.setString(2, value(i));
            ps.addBatch();
        }
        proxy.cutAfterClientSends(256 * 1024);
        Throwable seen = org.assertj.core.api.Assertions.catchThrowable(ps::executeBatch);
        // closing what the cut broke may fail as well (a pool rolls back on close), as without Cloak
        org.assertj.core.api.Assertions.catchThrowable(ps::close);
        org.assertj.core.api.Assertions.catchThrowable(c::close);
        return seen;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void cutWhileSendingABatch(TestDatabase db) throws Exception {
        for (boolean autoCommit : new boolean[] {false, true}) {
            try (Fixture fx = Fixture.open(db, dir)) {
                String rawTable = fx.table("cut_batch_raw");
                fx.rawExecute("CREATE TABLE " + rawTable + " (id INT PRIMARY KEY, ssn VARCHAR(600))");
                String t = FaultHarness.table(fx, "cut_batch");
                CloakConfig config = FaultHarness.policy(fx, t).build();
                Throwable withoutCloak;
                try (TcpProxy proxy = TcpProxy.toServerOf(db.rawUrl());
                     HikariDataSource pool = FaultHarness.pool(through(db, proxy), 1)) {
                    withoutCloak = cutBatch(pool, proxy, rawTable, autoCommit);
                }
                Throwable seen;
                try (TcpProxy proxy = TcpProxy.toServerOf(db.rawUrl());
                     HikariDataSource pool = FaultHarness.pool(through(db, proxy), 1);
                     CloakDataSource cloak = new CloakDataSource(pool, config)) {
                    seen = cutBatch(cloak, proxy, t, autoCommit);
                }
                dev.cloak.conformance.leak.LeakCapture.exception("expected by a test", seen);
                // the driver's own failure, as without Cloak (pgjdbc's batch handler even fails with an
                // AssertionError when it finds its connection closed; Cloak passes that on as it is)
                assertThat(seen).isNotNull();
                assertThat(seen.getClass()).as(stack(seen) + "\nwithout Cloak: " + stack(withoutCloak))
                        .isEqualTo(withoutCloak.getClass());
                if (seen instanceof SQLException e) {
                    assertDriversConnectionError(e, db);
                }
                Map<Integer, String> stored;
                try (CloakDataSource direct = new CloakDataSource(db.rawDataSource(), config);
                     Connection c = direct.getConnection()) {
                    stored = FaultHarness.rows(c, t);
                }
                assertThat(stored).containsEntry(-1, value(-1));
                if (!autoCommit) {
                    // the transaction never committed: all of the batch is absent
                    assertThat(stored).hasSize(1);
                }
                // whatever arrived is whole: each row the value written, each cell a Cloak cell
                stored.forEach((id, ssn) -> assertThat(ssn).isEqualTo(value(id)));
                FaultHarness.assertNoPlaintextAtRest(fx, t, stored);
            }
        }
    }
}
