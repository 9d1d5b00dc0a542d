package dev.cloak.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import dev.cloak.conformance.leak.LeakCapture;
import dev.cloak.driver.config.CloakConfig;

/**
 * One test's view of one database: unique table names that are dropped at the end, a raw connection,
 * Cloak connections and policy files with their own development keys in the test's temporary folder.
 * Every policy writes its audit trail into the leak capture; at the end the fixture hands the leak check
 * what its encrypted columns hold and the keys of its keyring (see {@link LeakCapture}).
 */
final class Fixture implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final TestDatabase db;
    private final Path dir;
    private final Deque<String> tables = new ArrayDeque<>();
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final List<Policy.Written> policies = new ArrayList<>();
    private final String auditSink;
    private Connection raw;

    private Fixture(TestDatabase db, Path dir) {
        this.db = db;
        this.dir = dir;
        this.auditSink = LeakCapture.auditSink("fixture-" + COUNTER.incrementAndGet() + "-" + db.slug());
    }

    /** Opens a fixture; aborts the test when {@code db} is not available in this run. */
    static Fixture open(TestDatabase db, Path dir) {
        db.rawUrl();
        LeakCapture.fixtureOpened();
        return new Fixture(db, dir);
    }

    TestDatabase db() {
        return db;
    }

    Path dir() {
        return dir;
    }

    /** A table name nobody else uses, e.g. {@code patients_12_48213}; dropped when the fixture closes. */
    String table(String base) {
        // Digits only, so a suffix never contains a plaintext a test searches for in messages.
        String name = base + "_" + COUNTER.incrementAndGet() + "_" + ThreadLocalRandom.current().nextInt(10_000, 100_000);
        tables.push(name);
        return name;
    }

    /** The shared raw (non-Cloak) connection of this test, auto-commit on. */
    Connection raw() throws SQLException {
        if (raw == null) {
            raw = db.openRaw();
        }
        return raw;
    }

    /** Runs statements through the raw driver, e.g. the DDL of a test table. */
    void rawExecute(String... sql) throws SQLException {
        try (Statement st = raw().createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    /** The number of rows in {@code table}, counted through the raw driver. */
    long rawCount(String table) throws SQLException {
        try (Statement st = raw().createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The stored bytes of {@code column}, read through the raw driver, ordered by {@code id}. */
    List<byte[]> rawCells(String table, String column) throws SQLException {
        List<byte[]> cells = new ArrayList<>();
        try (Statement st = raw().createStatement();
             ResultSet rs = st.executeQuery("SELECT " + column + " FROM " + table + " ORDER BY id")) {
            while (rs.next()) {
                cells.add(rs.getBytes(1));
            }
        }
        return cells;
    }

    /** The master key URI of this test's development keyring (created by Cloak when absent). */
    String masterKeyUri() {
        return "local:file:" + dir.resolve("master.json");
    }

    /** The key store URI of this test's development keyring. */
    String keyStoreUri() {
        return "file:" + dir.resolve("keys.json");
    }

    /** Starts a policy file for this test's keyring. */
    Policy policy() {
        return new Policy();
    }

    /** A programmatic policy equal to what {@link Policy#write()} would produce, for {@code CloakDataSource}. */
    CloakConfig.Builder configBuilder() {
        return CloakConfig.builder().masterKey(masterKeyUri()).keyStore(keyStoreUri()).requireTls(false).auditSink(auditSink);
    }

    /** A Cloak connection over {@code jdbc:cloak:…} with the policy passed as the property {@code cloak.config}. */
    Connection cloak(Path policyFile) throws SQLException {
        return cloak(policyFile, db.rawUrl());
    }

    /** As {@link #cloak(Path)}, over {@code rawUrl} (one naming another schema or database) in its Cloak form. */
    Connection cloak(Path policyFile, String rawUrl) throws SQLException {
        Properties props = new Properties();
        props.setProperty("cloak.config", "file:" + policyFile);
        Connection c = DriverManager.getConnection(TestDatabase.toCloakUrl(rawUrl), props);
        resources.push(c);
        return c;
    }

    /**
     * Closes what the test opened, then drops its tables through the raw driver. Before that, it reads back
     * what the encrypted columns hold for the leak check; after, it hands the check the keyring's keys.
     */
    @Override
    public void close() throws Exception {
        Exception failure = null;
        readBackPlaintexts();
        while (!resources.isEmpty()) {
            AutoCloseable resource = resources.pop();
            LeakCapture.toStringOf(resource);
            try {
                resource.close();
            } catch (Exception e) {
                failure = e;
            }
        }
        if (raw != null || !tables.isEmpty()) {
            try (Connection c = raw(); Statement st = c.createStatement()) {
                while (!tables.isEmpty()) {
                    st.execute("DROP TABLE IF EXISTS " + tables.pop());
                }
            } catch (SQLException e) {
                failure = e;
            }
        }
        LeakCapture.harvestKeys(dir);
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Registers with the leak check every value the encrypted columns of this fixture's tables hold, read
     * through Cloak with each policy this fixture wrote: what the test wrote and did not overwrite or delete,
     * whether or not the test registered it itself. A read that fails (a tampered cell, a broken policy) is
     * captured like any other exception and skipped.
     */
    private void readBackPlaintexts() {
        for (Policy.Written p : policies) {
            List<String[]> columns = new ArrayList<>();
            for (String name : p.columns()) {
                int dot = name.lastIndexOf('.');
                String table = dot < 0 ? null : name.substring(0, dot);
                if (table != null && tables.stream().anyMatch(table::equalsIgnoreCase)) {
                    columns.add(new String[] {table, name.substring(dot + 1)});
                }
            }
            if (columns.isEmpty()) {
                continue;
            }
            Properties props = new Properties();
            props.setProperty("cloak.config", "file:" + p.file());
            try (Connection c = DriverManager.getConnection(db.cloakUrl(), props); Statement st = c.createStatement()) {
                for (String[] column : columns) {
                    try (ResultSet rs = st.executeQuery("SELECT " + column[1] + " FROM " + column[0])) {
                        while (rs.next()) {
                            LeakCapture.plaintext(rs.getObject(1));
                        }
                    } catch (SQLException e) {
                        LeakCapture.exception("read-back of " + column[0] + "." + column[1], e);
                    }
                }
            } catch (SQLException e) {
                LeakCapture.exception("read-back with policy " + p.file().getFileName(), e);
            }
        }
    }

    /** A policy file ({@code cloak.yaml}) written into the test's folder. */
    final class Policy {
        private final Map<String, String> columns = new LinkedHashMap<>();
        private String cacheTtl;
        private final Map<String, String> keyring = new LinkedHashMap<>();
        private final Map<String, String> network = new LinkedHashMap<>(Map.of("require-tls", "false"));
        private String masterKey;

        /** Sets {@code keyring.cache.ttl}, which is also how long Cloak trusts what it read from the catalog. */
        Policy cacheTtl(String ttl) {
            this.cacheTtl = ttl;
            return this;
        }

        /** Names another master key than the test's development key (a KMS, an HSM). */
        Policy masterKey(String uri) {
            masterKey = uri;
            return this;
        }

        /**
         * Adds {@code keyring.NAME: VALUE}, e.g. {@code kms-timeout: 1s}; the columns then start that many lines
         * after {@link #FIRST_COLUMN_LINE}.
         */
        Policy keyring(String name, String value) {
            keyring.put(name, value);
            return this;
        }

        /**
         * Sets {@code network.NAME: VALUE} (default: only {@code require-tls: false}); a name other than require-tls
         * moves the columns one line further than {@link #FIRST_COLUMN_LINE}.
         */
        Policy network(String name, String value) {
            network.put(name, value);
            return this;
        }

        /** Adds {@code table.column: {type: TYPE, mode: MODE}}. */
        Policy column(String name, String type, String mode) {
            columns.put(name, "{ type: " + type + ", mode: " + mode + " }");
            return this;
        }

        /** Adds a column whose policy entry is written verbatim, e.g. to test policy errors. */
        Policy rawColumn(String name, String entry) {
            columns.put(name, entry);
            return this;
        }

        /** The YAML text; columns start at line {@link #FIRST_COLUMN_LINE}. */
        String yaml() {
            StringBuilder y = new StringBuilder()
                    .append("version: 1\n")
                    .append("keyring:\n")
                    .append("  master-key: \"").append(masterKey == null ? masterKeyUri() : masterKey).append("\"\n")
                    .append("  store: \"").append(keyStoreUri()).append("\"\n")
                    .append(cacheTtl == null ? "" : "  cache: { ttl: " + cacheTtl + " }\n");
            keyring.forEach((name, value) -> y.append("  ").append(name).append(": ").append(value).append('\n'));
            y.append("network:\n");
            network.forEach((name, value) -> y.append("  ").append(name).append(": ").append(value).append('\n'));
            y.append("columns:\n");
            columns.forEach((name, entry) -> y.append("  ").append(name).append(": ").append(entry).append('\n'));
            // after the columns, so their line numbers stay put; every trail goes to the leak capture
            y.append("audit:\n").append("  sink: \"").append(auditSink).append("\"\n");
            return y.toString();
        }

        /** Writes the file and returns its path. */
        Path write() {
            Path file = dir.resolve("cloak-" + COUNTER.incrementAndGet() + ".yaml");
            try {
                Files.writeString(file, yaml(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            policies.add(new Written(file, List.copyOf(columns.keySet())));
            return file;
        }

        /** A written policy file and the columns it names. */
        record Written(Path file, List<String> columns) {
        }
    }

    /** The 1-based line of the first column entry in a written policy. */
    static final int FIRST_COLUMN_LINE = 8;
}
