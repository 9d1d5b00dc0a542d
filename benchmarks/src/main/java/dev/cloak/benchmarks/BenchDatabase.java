package dev.cloak.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.shardingsphere.driver.api.yaml.YamlShardingSphereDataSourceFactory;

/**
 * The PostgreSQL side of the benchmarks: one table shape per driver (plain columns for raw pgjdbc,
 * {@code bytea} for Cloak, ShardingSphere's cipher text for ShardingSphere), seeded with {@link #ROWS} rows,
 * and a pooled {@link DataSource} per driver. Tables are created through the raw driver.
 */
final class BenchDatabase implements AutoCloseable {

    /** Rows seeded into each driver's table; ids run from 1 to ROWS. */
    static final int ROWS = 1_000;
    /** Connections in each pool: one per thread of the {@code -8t} workloads. */
    static final int POOL_SIZE = 8;
    /** The table without any encrypted column, shared by all drivers (pass-through). */
    static final String PLAIN_TABLE = "bench_plain";

    private static final String ENV = "CLOAK_TEST_POSTGRES_URL";

    private final Driver driver;
    private final String rawUrl;
    private final Path dir;
    private final DataSource dataSource;

    /** The three drivers compared side by side. */
    enum Driver {
        RAW, CLOAK, SHARDINGSPHERE;

        static Driver named(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }

        /** {@code bench_raw_patients}, {@code bench_cloak_inserts}, … */
        String table(String kind) {
            return "bench_" + (this == SHARDINGSPHERE ? "ss" : name().toLowerCase(Locale.ROOT)) + "_" + kind;
        }

        /** Physical type of a column that the driver encrypts (the raw driver stores plaintext). */
        String encryptedType() {
            return switch (this) {
                case RAW -> "varchar(64)";
                case CLOAK -> "bytea";
                case SHARDINGSPHERE -> "varchar(256)";
            };
        }
    }

    private BenchDatabase(Driver driver, String rawUrl, Path dir, DataSource dataSource) {
        this.driver = driver;
        this.rawUrl = rawUrl;
        this.dir = dir;
        this.dataSource = dataSource;
    }

    /** Creates and seeds this driver's tables, then opens its pool. */
    static BenchDatabase open(String driverName) throws Exception {
        Driver driver = Driver.named(driverName);
        String rawUrl = rawUrl();
        createTables(driver, rawUrl);
        Path dir = Files.createTempDirectory("cloak-bench-");
        DataSource dataSource = switch (driver) {
            case RAW -> pool("bench-raw", rawUrl);
            case CLOAK -> pool("bench-cloak", cloakUrl(rawUrl, writeCloakPolicy(dir)));
            case SHARDINGSPHERE -> YamlShardingSphereDataSourceFactory.createDataSource(
                    writeShardingSpherePolicy(dir, rawUrl).toFile());
        };
        BenchDatabase database = new BenchDatabase(driver, rawUrl, dir, dataSource);
        database.seed();
        return database;
    }

    /** The plain JDBC URL of the benchmark database; a clear failure when it is not set. */
    static String rawUrl() {
        String url = System.getenv(ENV);
        if (url == null || url.isBlank()) {
            throw new IllegalStateException(ENV + " is not set: name a PostgreSQL database, e.g. "
                    + "jdbc:postgresql://127.0.0.1:5432/test?user=root");
        }
        return url;
    }

    DataSource dataSource() {
        return dataSource;
    }

    String table(String kind) {
        return driver.table(kind);
    }

    /** Empties the insert table, so that inserts do not slow down as it grows across iterations. */
    void truncateInserts() throws SQLException {
        try (Connection c = DriverManager.getConnection(rawUrl); Statement s = c.createStatement()) {
            s.execute("TRUNCATE " + table("inserts"));
        }
    }

    /**
     * Drops this driver's tables when its fork ends, so that the next fork (another driver's) does not share the
     * server with their write-back or with vacuuming them. The tables are created without autovacuum for the same
     * reason: a vacuum of one fork's rows, started by the server's own schedule, could fall into any later fork.
     */
    private void dropTables() throws SQLException {
        try (Connection c = DriverManager.getConnection(rawUrl); Statement s = c.createStatement()) {
            for (String kind : new String[] {"patients", "inserts"}) {
                s.execute("DROP TABLE IF EXISTS " + table(kind));
            }
        }
    }

    /**
     * Writes out the dirty buffers left by earlier forks (a batch-insert fork leaves many) before this fork
     * measures, and restarts the server's checkpoint_timeout clock, so that no timed checkpoint falls inside a
     * 15-second fork. Needs a superuser or the {@code pg_checkpoint} role; without it, one line says so and the
     * fork runs on.
     */
    void checkpoint() {
        try (Connection c = DriverManager.getConnection(rawUrl); Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
        } catch (SQLException e) {
            System.err.println("benchmarks: CHECKPOINT refused (SQLState " + e.getSQLState() + "); measuring without "
                    + "one. Grant pg_checkpoint to the benchmark's user for steadier write workloads.");
        }
    }

    private static void createTables(Driver driver, String rawUrl) throws SQLException {
        String type = driver.encryptedType();
        try (Connection c = DriverManager.getConnection(rawUrl); Statement s = c.createStatement()) {
            for (String kind : new String[] {"patients", "inserts"}) {
                String table = driver.table(kind);
                s.execute("DROP TABLE IF EXISTS " + table);
                s.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, ssn " + type + ", name " + type
                        + ", email " + type + ") WITH (autovacuum_enabled = false)");
            }
            s.execute("CREATE INDEX ON " + driver.table("patients") + " (ssn)");
            s.execute("CREATE TABLE IF NOT EXISTS " + PLAIN_TABLE + " (id bigint PRIMARY KEY, label varchar(64), "
                    + "amount numeric(12,2))");
            s.execute("INSERT INTO " + PLAIN_TABLE + " SELECT g, 'item ' || g, g * 1.25 FROM generate_series(1, "
                    + ROWS + ") g ON CONFLICT (id) DO NOTHING");
            s.execute("ANALYZE " + driver.table("patients"));
        }
    }

    /** Seeds through the driver under test, so each row is encrypted as that driver encrypts it. */
    private void seed() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO " + table("patients")
                     + " (id, ssn, name, email) VALUES (?, ?, ?, ?)")) {
            for (int id = 1; id <= ROWS; id++) {
                Rows.bindPatient(insert, id);
                insert.addBatch();
                if (id % 500 == 0) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
        try (Connection c = DriverManager.getConnection(rawUrl); Statement s = c.createStatement()) {
            s.execute("ANALYZE " + table("patients"));
        }
    }

    private static DataSource pool(String name, String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(POOL_SIZE);
        config.setPoolName(name);
        return new HikariDataSource(config);
    }

    private static String cloakUrl(String rawUrl, Path policy) {
        String rest = rawUrl.substring("jdbc:".length());
        return "jdbc:cloak:" + rest + (rest.contains("?") ? "&" : "?") + "cloak.config=file:" + policy;
    }

    private static Path writeCloakPolicy(Path dir) throws IOException {
        StringBuilder columns = new StringBuilder();
        for (String kind : new String[] {"patients", "inserts"}) {
            String table = Driver.CLOAK.table(kind);
            columns.append("  ").append(table).append(".ssn:   { type: varchar, mode: deterministic }\n")
                    .append("  ").append(table).append(".name:  { type: varchar, mode: randomized }\n")
                    .append("  ").append(table).append(".email: { type: varchar, mode: randomized }\n");
        }
        Path policy = dir.resolve("cloak.yaml");
        Files.writeString(policy, """
                version: 1
                keyring:
                  master-key: 'local:file:%s'
                  store: 'file:%s'
                columns:
                %s
                network:
                  require-tls: false
                """.formatted(dir.resolve("master.json"), dir.resolve("keys.json"), columns));
        return policy;
    }

    /** The encrypt rule on both tables; the single-table rule, so that ShardingSphere knows the plain table too. */
    private static Path writeShardingSpherePolicy(Path dir, String rawUrl) throws IOException {
        StringBuilder tables = new StringBuilder();
        for (String kind : new String[] {"patients", "inserts"}) {
            tables.append("      ").append(Driver.SHARDINGSPHERE.table(kind)).append(":\n        columns:\n");
            for (String column : new String[] {"ssn", "name", "email"}) {
                tables.append("          ").append(column).append(":\n")
                        .append("            cipher:\n")
                        .append("              name: ").append(column).append('\n')
                        .append("              encryptorName: aes\n");
            }
        }
        Path yaml = dir.resolve("shardingsphere.yaml");
        Files.writeString(yaml, """
                databaseName: cloak_bench
                dataSources:
                  ds:
                    dataSourceClassName: com.zaxxer.hikari.HikariDataSource
                    driverClassName: org.postgresql.Driver
                    jdbcUrl: '%s'
                    maximumPoolSize: %d
                    minimumIdle: %d
                rules:
                  - !SINGLE
                    tables:
                      - '*.*.*'
                  - !ENCRYPT
                    tables:
                %s
                    encryptors:
                      aes:
                        type: AES
                        props:
                          aes-key-value: bench-only-not-a-secret
                          digest-algorithm-name: SHA-1
                props:
                  sql-show: false
                """.formatted(rawUrl, POOL_SIZE, POOL_SIZE, tables));
        return yaml;
    }

    @Override
    public void close() throws Exception {
        try {
            if (dataSource instanceof AutoCloseable closeable) {
                closeable.close();
            }
            dropTables();
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(java.io.File::delete);
            }
        }
    }
}
