package dev.cloak.driver.internal.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: what a running instance makes of {@code cloak_migrations}. A column a migration has as plaintext is
 * planned as if the policy did not list it; without the table every column is encrypted as always; and a statement
 * prepared before a cut-over is not sent after it (40001), while one prepared after it runs on the new layout.
 */
class ColumnMigrationsTest {

    @TempDir
    Path dir;

    private String h2;

    @BeforeEach
    void database() throws SQLException {
        h2 = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        try (Connection raw = DriverManager.getConnection(h2); Statement s = raw.createStatement()) {
            s.execute("CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(100), email_cloak VARBINARY(300))");
            s.execute("INSERT INTO users (id, email) VALUES (1, 'ada@example.org')");
        }
    }

    private Connection cloak() throws Exception {
        Path policy = dir.resolve("cloak.yaml");
        if (!Files.exists(policy)) {
            Files.writeString(policy, String.join("\n",
                    "version: 1",
                    "keyring:",
                    "  master-key: \"local:file:" + dir.resolve("master.json") + "\"",
                    "  store: \"file:" + dir.resolve("keys.json") + "\"",
                    "  cache: { ttl: 60s }",
                    "columns:",
                    "  users.email: { type: varchar, mode: deterministic }",
                    ""));
        }
        Properties info = new Properties();
        info.setProperty("cloak.config", "file:" + policy);
        return DriverManager.getConnection("jdbc:cloak:" + h2.substring("jdbc:".length()), info);
    }

    private void raw(String... sql) throws SQLException {
        try (Connection raw = DriverManager.getConnection(h2); Statement s = raw.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }

    private void record(String state) throws SQLException {
        try (Connection raw = DriverManager.getConnection(h2)) {
            MigrationStore.createTables(raw);
            MigrationStore.insert(raw, new ColumnMigration("users.email", MigrationDirection.ENCRYPT,
                    MigrationState.PREPARED, "email_cloak", "email_plaintext", 0));
            if (!state.equals("prepared")) {
                try (Statement s = raw.createStatement()) {
                    s.execute("UPDATE cloak_migrations SET state = '" + state + "'");
                }
            }
        }
    }

    private static String emailOf(Connection c, int id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT email FROM users WHERE id = ?")) {
            p.setInt(1, id);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    @Test
    void aColumnBeingEncryptedIsReadWrittenAndLookedUpAsPlaintext() throws Exception {
        record("backfilling");
        try (Connection c = cloak()) {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO users (id, email) VALUES (?, ?)")) {
                p.setInt(1, 2);
                p.setString(2, "alan@example.org");
                p.executeUpdate();
            }
            assertThat(emailOf(c, 1)).isEqualTo("ada@example.org");
            try (PreparedStatement p = c.prepareStatement("SELECT id FROM users WHERE email = ?")) {
                p.setString(1, "alan@example.org");
                try (ResultSet r = p.executeQuery()) {
                    assertThat(r.next()).isTrue();
                    assertThat(r.getInt(1)).isEqualTo(2);
                }
            }
        }
        try (Connection raw = DriverManager.getConnection(h2); Statement s = raw.createStatement();
             ResultSet r = s.executeQuery("SELECT email FROM users WHERE id = 2")) {
            r.next();
            assertThat(r.getString(1)).isEqualTo("alan@example.org");
        }
    }

    @Test
    void withoutTheTableTheColumnIsEncryptedAsAlways() throws Exception {
        try (Connection c = cloak()) {
            // the plaintext already there is not a cell (and no key is created for a column with values): reading it
            // fails closed, as before migrations existed
            assertThatThrownBy(() -> emailOf(c, 1)).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isIn("22000", "58K01"));
        }
    }

    @Test
    void aStatementPreparedBeforeTheCutOverIsNotSentAfterItAndOnePreparedAfterItRuns() throws Exception {
        record("verified");
        try (Connection c = cloak()) {
            PreparedStatement before = c.prepareStatement("SELECT id FROM users WHERE email = ?");
            before.setString(1, "ada@example.org");
            // the cut-over's renames and state, as cloak migrate makes them (row 1's shadow left empty here)
            raw("ALTER TABLE users ALTER COLUMN email RENAME TO email_plaintext",
                    "ALTER TABLE users ALTER COLUMN email_cloak RENAME TO email",
                    "UPDATE cloak_migrations SET state = 'cut-over'");

            assertThatThrownBy(before::executeQuery).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("40001"))
                    .hasMessageContaining("prepare it again");
            try (PreparedStatement after = c.prepareStatement("INSERT INTO users (id, email) VALUES (?, ?)")) {
                after.setInt(1, 3);
                after.setString(2, "grace@example.org");
                after.executeUpdate();
            }
            assertThat(emailOf(c, 3)).isEqualTo("grace@example.org");
        }
        try (Connection raw = DriverManager.getConnection(h2); Statement s = raw.createStatement();
             ResultSet r = s.executeQuery("SELECT email FROM users WHERE id = 3")) {
            r.next();
            assertThat(r.getBytes(1)[0]).as("a cell").isEqualTo((byte) 1);
        }
    }

    /** The cut-over of {@code cloak migrate encrypt}, as it renames the columns and records the state. */
    private void cutOver() throws SQLException {
        raw("ALTER TABLE users ALTER COLUMN email RENAME TO email_plaintext",
                "ALTER TABLE users ALTER COLUMN email_cloak RENAME TO email",
                "UPDATE cloak_migrations SET state = 'cut-over'");
    }

    @Test
    void aBatchOfTextsBatchedBeforeTheCutOverIsNotSentAfterIt() throws Exception {
        record("verified");
        try (Connection c = cloak(); Statement s = c.createStatement()) {
            s.addBatch("INSERT INTO users (id, email) VALUES (4, 'alan@example.org')");
            cutOver();

            assertThatThrownBy(s::executeBatch).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("40001"));
            assertThat(s.executeBatch()).as("the refused batch was dropped").isEmpty();
            s.addBatch("INSERT INTO users (id, email) VALUES (4, 'alan@example.org')");
            assertThat(s.executeBatch()).containsExactly(1);
            assertThat(emailOf(c, 4)).isEqualTo("alan@example.org");
        }
        assertStoredAsCell(4);
    }

    @Test
    void aCallableStatementPreparedBeforeTheCutOverIsNotSentAfterIt() throws Exception {
        record("verified");
        try (Connection c = cloak()) {
            CallableStatement before = c.prepareCall("INSERT INTO users (id, email) VALUES (?, ?)");
            before.setInt(1, 5);
            before.setString(2, "grace@example.org");
            cutOver();

            assertThatThrownBy(before::executeUpdate).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("40001"))
                    .hasMessageContaining("prepare it again");
            try (CallableStatement after = c.prepareCall("INSERT INTO users (id, email) VALUES (?, ?)")) {
                after.setInt(1, 5);
                after.setString(2, "grace@example.org");
                after.executeUpdate();
            }
            assertThat(emailOf(c, 5)).isEqualTo("grace@example.org");
        }
        assertStoredAsCell(5);
    }

    private void assertStoredAsCell(int id) throws SQLException {
        try (Connection raw = DriverManager.getConnection(h2); Statement s = raw.createStatement();
             ResultSet r = s.executeQuery("SELECT email FROM users WHERE id = " + id)) {
            assertThat(r.next()).isTrue();
            assertThat(r.getBytes(1)[0]).as("a cell").isEqualTo((byte) 1);
        }
    }

    @Test
    void aRekeyPinsTheOldVersionBeforeItsCutOverAndTheNewOneFromItAndNoneOnceRolledBack() throws Exception {
        ColumnMigration rekey = new ColumnMigration("users.email", MigrationDirection.REKEY, MigrationState.PREPARED,
                "email_newkey", "email_oldkey", 0, 7, -9);
        for (MigrationState state : MigrationState.values()) {
            ColumnMigration now = rekey.withState(state);
            assertThat(now.columnHoldsPlaintext()).as(state.storedName()).isFalse();
            Integer expected = state == MigrationState.ROLLED_BACK ? null : state.isCutOver() ? -9 : 7;
            assertThat(now.pinnedVersion()).as(state.storedName()).isEqualTo(expected);
        }
        assertThat(new ColumnMigration("users.email", MigrationDirection.ENCRYPT, MigrationState.CUT_OVER, "a", "b", 0)
                .pinnedVersion()).isNull();

        raw("CREATE TABLE cloak_migrations (column_name VARCHAR(255) NOT NULL PRIMARY KEY, direction VARCHAR(16) "
                + "NOT NULL, state VARCHAR(32) NOT NULL, shadow_column VARCHAR(255) NOT NULL, retained_column "
                + "VARCHAR(255) NOT NULL, rows_done BIGINT DEFAULT 0 NOT NULL, changed_at TIMESTAMP NOT NULL)");
        try (Connection raw = DriverManager.getConnection(h2)) {
            MigrationStore.createTables(raw); // a table made before re-keys gets the version columns
            MigrationStore.insert(raw, rekey.withState(MigrationState.BACKFILLING));
            assertThat(MigrationStore.find(raw, "users.email")).get().extracting(ColumnMigration::fromVersion,
                    ColumnMigration::toVersion).containsExactly(7, -9);
        }
        ColumnMigrations migrations = new ColumnMigrations(() -> DriverManager.getConnection(h2),
                java.time.Duration.ofMinutes(1), java.util.Map.of("users.email", "users.email"));
        assertThat(migrations.pinnedVersions()).as("nothing read yet").isEmpty();
        assertThat(migrations.plaintextColumns()).isEmpty();
        assertThat(migrations.pinnedVersions()).containsExactly(java.util.Map.entry("users.email", 7));
    }

    /**
     * A migration of a column this policy does not list (another application's, in the same database) changes
     * nothing here: not the layout of prepared statements, and its cut-over does not make this instance wait.
     */
    @Test
    void aMigrationOfAColumnThePolicyDoesNotListIsIgnored() throws Exception {
        raw("DELETE FROM users"); // its key may be made: the column holds no value
        try (Connection raw = DriverManager.getConnection(h2)) {
            MigrationStore.createTables(raw);
            MigrationStore.insert(raw, new ColumnMigration("other_app.email", MigrationDirection.ENCRYPT,
                    MigrationState.VERIFIED, "email_cloak", "email_plaintext", 0));
        }
        ColumnMigrations migrations = new ColumnMigrations(() -> DriverManager.getConnection(h2),
                java.time.Duration.ofMinutes(1), java.util.Map.of("users.email", "users.email"));
        assertThat(migrations.plaintextColumns()).isEmpty();
        assertThat(migrations.swapImminent()).as("another column's cut-over is not this instance's").isFalse();
        raw("UPDATE cloak_migrations SET state = 'cutting-over'");
        ColumnMigrations fresh = new ColumnMigrations(() -> DriverManager.getConnection(h2),
                java.time.Duration.ofMinutes(1), java.util.Map.of("users.email", "users.email"));
        long started = System.nanoTime();
        assertThat(fresh.plaintextColumns()).isEmpty();
        assertThat(System.nanoTime() - started).as("no wait for another column's cut-over")
                .isLessThan(java.util.concurrent.TimeUnit.SECONDS.toNanos(5));

        try (Connection app = cloak(); PreparedStatement p = app.prepareStatement("SELECT email FROM users WHERE id = ?")) {
            raw("UPDATE cloak_migrations SET state = 'cut-over'");
            p.setInt(1, 1);
            try (ResultSet r = p.executeQuery()) {
                assertThat(r.next()).as("prepared before another column's cut-over, it still runs").isFalse();
            }
        }
    }

    /** While a migration of a listed column is cutting over, a new instance waits for the renames before it plans. */
    @Test
    void aCutOverInProgressMakesEveryInstanceWaitForTheNextState() throws Exception {
        record("cutting-over");
        ColumnMigrations migrations = new ColumnMigrations(() -> DriverManager.getConnection(h2),
                java.time.Duration.ofMinutes(1), java.util.Map.of("users.email", "users.email"));
        Thread cutOver = new Thread(() -> {
            try {
                Thread.sleep(700);
                raw("UPDATE cloak_migrations SET state = 'cut-over'");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long started = System.nanoTime();
        cutOver.start();
        assertThat(migrations.plaintextColumns()).as("cut over: the column holds cells").isEmpty();
        assertThat(System.nanoTime() - started).as("waited for the cut-over's end")
                .isGreaterThanOrEqualTo(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(600));
        cutOver.join();
    }

    /**
     * From {@code cloak migrate verify} to the cut-over every statement asks the table, however long that lasts: the
     * asks go over one connection kept open, statements that ask while a read is under way share the next one, and
     * the connection is closed once no layout change is imminent. (Before: a connection and a query per statement,
     * one at a time; four threads of pass-through statements on PostgreSQL fell from about 11,000 statements/s to
     * 18.)
     */
    @Test
    void whileACutOverIsImminentStatementsShareOneKeptConnectionAndItsReads() throws Exception {
        record("verified");
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger reads = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        ColumnMigrations migrations = new ColumnMigrations(() -> {
            opened.incrementAndGet();
            Connection real = DriverManager.getConnection(h2);
            return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("createStatement")) {
                            reads.incrementAndGet();
                            Thread.sleep(5); // a read takes a while: the others ask meanwhile
                        } else if (method.getName().equals("close")) {
                            closed.incrementAndGet();
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }, Duration.ofMinutes(1), Map.of("users.email", "users.email"));
        int threads = 8;
        int asks = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            CountDownLatch start = new CountDownLatch(threads);
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.countDown();
                    start.await(); // all ask at once, as a busy application's threads do
                    for (int i = 0; i < asks; i++) {
                        assertThat(migrations.plaintextColumns()).as("verified: still plaintext")
                                .containsExactly("users.email");
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(opened).as("one connection for every read while the cut-over is imminent").hasValue(1);
        assertThat(closed).as("kept open while imminent").hasValue(0);
        assertThat(reads.get()).as("reads shared by the statements that asked meanwhile")
                .isGreaterThan(0).isLessThan(threads * asks);

        raw("UPDATE cloak_migrations SET state = 'cut-over'");
        assertThat(migrations.plaintextColumns()).as("cut over: the column holds cells").isEmpty();
        assertThat(closed).as("closed once no layout change is imminent").hasValue(1);
        migrations.close();
        assertThat(opened).as("no connection after that").hasValue(1);
    }

    /**
     * While a cut-over is imminent, a statement that cannot name a table of the policy's columns is planned and
     * sent without asking {@code cloak_migrations}; one that names such a table still asks before it is prepared
     * and before it runs. Counted by H2's own query statistics.
     */
    @Test
    void whileACutOverIsImminentOnlyStatementsThatNameThePolicysTablesAskTheTable() throws Exception {
        record("verified");
        raw("CREATE TABLE orders (id INT PRIMARY KEY, total INT)", "INSERT INTO orders VALUES (1, 42)");
        try (Connection c = cloak()) {
            assertThat(emailOf(c, 1)).isEqualTo("ada@example.org");
            raw("SET QUERY_STATISTICS TRUE");
            long before = readsOfTheTable();
            for (int i = 0; i < 20; i++) {
                try (PreparedStatement p = c.prepareStatement("SELECT total FROM orders WHERE id = ?")) {
                    p.setInt(1, 1);
                    try (ResultSet r = p.executeQuery()) {
                        assertThat(r.next()).isTrue();
                        assertThat(r.getInt(1)).isEqualTo(42);
                    }
                }
                try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM orders")) {
                    assertThat(r.next()).isTrue();
                }
            }
            assertThat(readsOfTheTable()).as("statements on other tables do not ask").isEqualTo(before);
            for (int i = 0; i < 5; i++) {
                assertThat(emailOf(c, 1)).isEqualTo("ada@example.org");
            }
            assertThat(readsOfTheTable() - before).as("each statement on users asks, prepared and run")
                    .isGreaterThanOrEqualTo(10);
        }
    }

    /** How often H2 ran the query that reads {@code cloak_migrations}, since {@code SET QUERY_STATISTICS TRUE}. */
    private long readsOfTheTable() throws SQLException {
        try (Connection raw = DriverManager.getConnection(h2); Statement s = raw.createStatement();
             ResultSet r = s.executeQuery("SELECT COALESCE(SUM(EXECUTION_COUNT), 0) FROM "
                     + "INFORMATION_SCHEMA.QUERY_STATISTICS WHERE SQL_STATEMENT LIKE '%FROM cloak_migrations%' "
                     + "AND SQL_STATEMENT NOT LIKE '%QUERY_STATISTICS%'")) {
            r.next();
            return r.getLong(1);
        }
    }
}
