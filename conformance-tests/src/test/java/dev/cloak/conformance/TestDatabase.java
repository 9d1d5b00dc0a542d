package dev.cloak.conformance;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Assumptions;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.JdbcDatabaseContainer;
import org.testcontainers.containers.MariaDBContainer;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * A database the conformance suite runs against. H2 is embedded and always available; PostgreSQL and
 * MariaDB come from {@code CLOAK_TEST_POSTGRES_URL} / {@code CLOAK_TEST_MARIADB_URL}, else from
 * Testcontainers when a Docker engine answers, else every test on them is skipped after one loud line.
 */
public enum TestDatabase {
    H2("H2", null, "VARBINARY") {
        @Override
        String locateRawUrl() {
            // DB_CLOSE_DELAY keeps the in-memory database alive between the raw and the Cloak connection.
            return "jdbc:h2:mem:cloak_conformance;DB_CLOSE_DELAY=-1";
        }

        @Override
        DataSource newRawDataSource(String url) {
            JdbcDataSource ds = new JdbcDataSource();
            ds.setURL(url);
            return ds;
        }
    },
    POSTGRESQL("PostgreSQL", "CLOAK_TEST_POSTGRES_URL", "BYTEA") {
        @Override
        String locateRawUrl() {
            return fromEnvironmentOrContainer(() -> new PostgreSQLContainer<>("postgres:15-alpine"));
        }

        @Override
        DataSource newRawDataSource(String url) {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setURL(url);
            return ds;
        }
    },
    MARIADB("MariaDB", "CLOAK_TEST_MARIADB_URL", "BLOB") {
        @Override
        String locateRawUrl() {
            return fromEnvironmentOrContainer(() -> new MariaDBContainer<>("mariadb:10.11"));
        }

        @Override
        DataSource newRawDataSource(String url) {
            try {
                return new MariaDbDataSource(url);
            } catch (SQLException e) {
                throw new IllegalStateException("bad " + variable() + ": " + e.getMessage(), e);
            }
        }
    };

    private static final String RAW_PREFIX = "jdbc:";
    private static final String CLOAK_PREFIX = "jdbc:cloak:";
    /** Resolved raw URLs; an empty string marks a database that is not available in this run. */
    private static final Map<TestDatabase, String> RAW_URLS = new ConcurrentHashMap<>();
    private static final Set<TestDatabase> ANNOUNCED_SKIPS = ConcurrentHashMap.newKeySet();

    private final String displayName;
    private final String variable;
    private final String binaryType;

    TestDatabase(String displayName, String variable, String binaryType) {
        this.displayName = displayName;
        this.variable = variable;
        this.binaryType = binaryType;
    }

    abstract String locateRawUrl();

    abstract DataSource newRawDataSource(String url);

    /** The product name used in skip lines and test names. */
    public String displayName() {
        return displayName;
    }

    /** The environment variable that names this database's raw JDBC URL, or {@code null} for H2. */
    public String variable() {
        return variable;
    }

    /** The physical type of an encrypted column in this database's DDL: its binary type. */
    public String binaryType() {
        return binaryType;
    }

    /** Whether this database can be reached in this run (without aborting the test). */
    public boolean isAvailable() {
        return !RAW_URLS.computeIfAbsent(this, db -> {
            String url = TlsMaterial.overTlsIfAsked(db, db.locateRawUrl());
            return url == null ? "" : url;
        }).isEmpty();
    }

    /** The raw JDBC URL; aborts the calling test when the database is not available. */
    public String rawUrl() {
        if (!isAvailable()) {
            if (ANNOUNCED_SKIPS.add(this)) {
                System.err.println("*** SKIPPING " + displayName + " conformance tests: set " + variable + " ***");
            }
            Assumptions.abort(displayName + " is not available: set " + variable);
        }
        return RAW_URLS.get(this);
    }

    /**
     * The raw URL whose default schema (PostgreSQL, H2) or database (MariaDB) is {@code name}, which must exist;
     * MariaDB's allows several statements in one text.
     */
    public String rawUrlIn(String name) {
        String url = rawUrl();
        return switch (this) {
            case H2 -> url + ";SCHEMA=" + name.toUpperCase(Locale.ROOT);
            case POSTGRESQL -> url + (url.contains("?") ? "&" : "?") + "currentSchema=" + name;
            case MARIADB -> withDatabase(url, name) + (url.contains("?") ? "&" : "?") + "allowMultiQueries=true";
        };
    }

    /** {@code jdbc:mariadb://host:port/db?…} with {@code name} as the database. */
    private static String withDatabase(String url, String name) {
        int hosts = url.indexOf("//") + 2;
        int path = url.indexOf('/', hosts);
        int query = url.indexOf('?', hosts);
        String authority = url.substring(0, path >= 0 && (query < 0 || path < query) ? path : query >= 0 ? query : url.length());
        return authority + "/" + name + (query >= 0 ? url.substring(query) : "");
    }

    /** The statements that drop and create a scratch schema (PostgreSQL, H2) or database (MariaDB) {@code name}. */
    public String[] recreateScratch(String name) {
        return this == MARIADB ? new String[] {"DROP DATABASE IF EXISTS " + name, "CREATE DATABASE " + name}
                : new String[] {"DROP SCHEMA IF EXISTS " + name + " CASCADE", "CREATE SCHEMA " + name};
    }

    /** The statement that drops a scratch schema or database {@code name}. */
    public String dropScratch(String name) {
        return this == MARIADB ? "DROP DATABASE IF EXISTS " + name : "DROP SCHEMA IF EXISTS " + name + " CASCADE";
    }

    /** The same URL for Cloak: {@code jdbc:} becomes {@code jdbc:cloak:} at the start only. */
    public String cloakUrl() {
        return toCloakUrl(rawUrl());
    }

    /** A fresh raw (non-Cloak) data source for this database. */
    public DataSource rawDataSource() {
        return newRawDataSource(rawUrl());
    }

    /** A raw (non-Cloak) connection. */
    public Connection openRaw() throws SQLException {
        return DriverManager.getConnection(rawUrl());
    }

    /** Rewrites a raw URL to its Cloak form, touching only the leading {@code jdbc:}. */
    static String toCloakUrl(String rawUrl) {
        if (!rawUrl.regionMatches(true, 0, RAW_PREFIX, 0, RAW_PREFIX.length())) {
            throw new IllegalArgumentException("not a JDBC URL: " + rawUrl);
        }
        return CLOAK_PREFIX + rawUrl.substring(RAW_PREFIX.length());
    }

    String fromEnvironmentOrContainer(Supplier<JdbcDatabaseContainer<?>> container) {
        String url = System.getenv(variable);
        if (url != null && !url.isBlank()) {
            return url.trim();
        }
        if (!dockerAvailable()) {
            return null;
        }
        JdbcDatabaseContainer<?> c = container.get();
        c.start();
        // Stopped by Testcontainers' reaper when the JVM exits; one container per database per run.
        String separator = c.getJdbcUrl().contains("?") ? "&" : "?";
        return c.getJdbcUrl() + separator + "user=" + c.getUsername() + "&password=" + c.getPassword();
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return displayName;
    }

    /** Lower-case name for table suffixes and file names. */
    String slug() {
        return name().toLowerCase(Locale.ROOT);
    }
}
