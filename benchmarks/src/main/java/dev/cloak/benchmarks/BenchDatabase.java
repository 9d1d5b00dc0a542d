package dev.cloak.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
    /** Rows of the export table ({@code export}): the patients' rows, copied this many times over. */
    static final int EXPORT_ROWS = 100_000;
    /** Every table a driver may have; those of {@link Extra} only in the forks of the workloads that read them. */
    private static final String[] KINDS = {"patients", "inserts", "wide", "hot", "hot_memo", "export"};
    /** Connections in each pool: one per thread of the {@code -8t} workloads. */
    static final int POOL_SIZE = 8;
    /** The table without any encrypted column, shared by all drivers (pass-through). */
    static final String PLAIN_TABLE = "bench_plain";

    private static final String ENV = "CLOAK_TEST_POSTGRES_URL";
    /** The hot-value memo of Cloak's {@code hot_memo.code}: room for every hot value. */
    private static final int HOT_MEMO_ENTRIES = 1_000;

    private final Driver driver;
    private final String rawUrl;
    private final Path dir;
    private final DataSource dataSource;
    private final Bare bare;

    /**
     * The drivers compared side by side. {@code BARE} is raw pgjdbc with the bare primitives called around it
     * ({@link BareCells}): cells of Cloak's layout and length in {@code bytea} columns, encrypted and decrypted by the
     * benchmark itself, with nothing of Cloak.
     */
    enum Driver {
        RAW, CLOAK, SHARDINGSPHERE, BARE;

        static Driver named(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }

        /** {@code bench_raw_patients}, {@code bench_cloak_inserts}, … */
        String table(String kind) {
            String prefix = switch (this) {
                case SHARDINGSPHERE -> "ss";
                default -> name().toLowerCase(Locale.ROOT);
            };
            return "bench_" + prefix + "_" + kind;
        }

        /** Physical type of a column that the driver encrypts (the raw driver stores plaintext). */
        String encryptedType() {
            return switch (this) {
                case RAW -> "varchar(64)";
                case CLOAK, BARE -> "bytea";
                case SHARDINGSPHERE -> "varchar(256)";
            };
        }
    }

    /** The tables beyond {@code patients} and {@code inserts} that a workload reads. */
    enum Extra {
        /** {@code wide}: id and {@link Rows#WIDE_COLUMNS} encrypted columns, {@link #ROWS} rows. */
        WIDE,
        /** {@code hot} and {@code hot_memo}: id and an encrypted deterministic {@code code}, one row per hot value. */
        HOT,
        /** {@code export}: the patients' columns, {@link #EXPORT_ROWS} rows. */
        EXPORT,
        NONE;

        /** The kinds of table seeded for a workload with this extra: {@code patients} and the extra's own. */
        List<String> kinds() {
            return switch (this) {
                case WIDE -> List.of("patients", "wide");
                case HOT -> List.of("patients", "hot", "hot_memo");
                case EXPORT -> List.of("patients", "export");
                case NONE -> List.of("patients");
            };
        }

        /** The extra tables of a workload method ({@code wideRow}, {@code scan1000}, …). */
        static Extra of(String workload) {
            return switch (workload) {
                case "wideRow", "scan1000" -> WIDE;
                case "lookupHot", "lookupHotMemo" -> HOT;
                case "export" -> EXPORT;
                default -> NONE;
            };
        }
    }

    private BenchDatabase(Driver driver, String rawUrl, Path dir, DataSource dataSource, Bare bare) {
        this.driver = driver;
        this.rawUrl = rawUrl;
        this.dir = dir;
        this.dataSource = dataSource;
        this.bare = bare;
    }

    /** Creates and seeds this driver's tables, with the extra ones {@code workload} reads, then opens its pool. */
    static BenchDatabase open(String driverName, String workload) throws Exception {
        Driver driver = Driver.named(driverName);
        String rawUrl = rawUrl();
        Extra extra = Extra.of(workload);
        createTables(driver, rawUrl, extra);
        Path dir = Files.createTempDirectory("cloak-bench-");
        DataSource dataSource = switch (driver) {
            case RAW -> pool("bench-raw", rawUrl);
            case CLOAK -> pool("bench-cloak", cloakUrl(rawUrl, writeCloakPolicy(dir)));
            case SHARDINGSPHERE -> YamlShardingSphereDataSourceFactory.createDataSource(
                    writeShardingSpherePolicy(dir, rawUrl).toFile());
            case BARE -> pool("bench-bare", rawUrl);
        };
        BenchDatabase database = new BenchDatabase(driver, rawUrl, dir, dataSource,
                driver == Driver.BARE ? new Bare() : null);
        database.seed(extra);
        return database;
    }

    /** The bare driver's columns (their keys), null for the other drivers. */
    Bare bare() {
        return bare;
    }

    /**
     * The bare driver's columns, each under a key of its own: the patients' (shared by the insert and export
     * tables), the wide table's and the hot tables' code.
     */
    static final class Bare {
        final BareCells.Column ssn;
        final BareCells.Column name;
        final BareCells.Column email;
        final BareCells.Column code;
        /** {@code c1} to {@code c10} at indexes 1 to 10. */
        final BareCells.Column[] wide = new BareCells.Column[Rows.WIDE_COLUMNS + 1];

        private Bare() throws GeneralSecurityException {
            ssn = BareCells.column("ssn", true);
            name = BareCells.column("name", false);
            email = BareCells.column("email", false);
            code = BareCells.column("code", true);
            for (int k = 1; k <= Rows.WIDE_COLUMNS; k++) {
                wide[k] = BareCells.column("c" + k, false);
            }
        }

        /** Binds patient row {@code id} as {@link Rows#bindPatient} does, each value as its cell. */
        void bindPatient(PreparedStatement ps, long id) throws SQLException {
            ps.setLong(1, id);
            bind(ps, 2, ssn, Rows.ssn(id));
            bind(ps, 3, name, Rows.name(id));
            bind(ps, 4, email, Rows.email(id));
        }
    }

    /** Binds {@code value} at {@code index}; for the bare driver ({@code column} not null), the value's cell. */
    static void bind(PreparedStatement ps, int index, BareCells.Column column, String value)
            throws SQLException {
        if (column == null) {
            ps.setString(index, value);
            return;
        }
        try {
            ps.setBytes(index, column.encrypt(value));
        } catch (GeneralSecurityException e) {
            throw new SQLException("bare encryption failed", e);
        }
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
            for (String kind : KINDS) {
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

    private static void createTables(Driver driver, String rawUrl, Extra extra) throws SQLException {
        String type = driver.encryptedType();
        try (Connection c = DriverManager.getConnection(rawUrl); Statement s = c.createStatement()) {
            for (String kind : KINDS) {
                s.execute("DROP TABLE IF EXISTS " + driver.table(kind));
            }
            for (String kind : new String[] {"patients", "inserts"}) {
                s.execute("CREATE TABLE " + driver.table(kind) + " (id bigint PRIMARY KEY, ssn " + type + ", name "
                        + type + ", email " + type + ") WITH (autovacuum_enabled = false)");
            }
            s.execute("CREATE INDEX ON " + driver.table("patients") + " (ssn)");
            switch (extra) {
                case WIDE -> {
                    StringBuilder columns = new StringBuilder();
                    for (int k = 1; k <= Rows.WIDE_COLUMNS; k++) {
                        columns.append(", c").append(k).append(' ').append(type);
                    }
                    s.execute("CREATE TABLE " + driver.table("wide") + " (id bigint PRIMARY KEY" + columns
                            + ") WITH (autovacuum_enabled = false)");
                }
                case HOT -> {
                    for (String kind : new String[] {"hot", "hot_memo"}) {
                        s.execute("CREATE TABLE " + driver.table(kind) + " (id bigint PRIMARY KEY, code " + type
                                + ") WITH (autovacuum_enabled = false)");
                        s.execute("CREATE INDEX ON " + driver.table(kind) + " (code)");
                    }
                }
                case EXPORT -> s.execute("CREATE TABLE " + driver.table("export") + " (id bigint PRIMARY KEY, ssn "
                        + type + ", name " + type + ", email " + type + ") WITH (autovacuum_enabled = false)");
                case NONE -> { }
            }
            s.execute("CREATE TABLE IF NOT EXISTS " + PLAIN_TABLE + " (id bigint PRIMARY KEY, label varchar(64), "
                    + "amount numeric(12,2))");
            s.execute("INSERT INTO " + PLAIN_TABLE + " SELECT g, 'item ' || g, g * 1.25 FROM generate_series(1, "
                    + ROWS + ") g ON CONFLICT (id) DO NOTHING");
            s.execute("ANALYZE " + driver.table("patients"));
        }
    }

    /**
     * Seeds through the driver under test, so each row is encrypted as that driver encrypts it. The export table is
     * the patients' rows copied by the server, {@link #EXPORT_ROWS} / {@link #ROWS} times over: its cells are the
     * patients' (Cloak's export columns share their key domains).
     */
    private void seed(Extra extra) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO " + table("patients")
                     + " (id, ssn, name, email) VALUES (?, ?, ?, ?)")) {
            for (int id = 1; id <= ROWS; id++) {
                if (bare == null) {
                    Rows.bindPatient(insert, id);
                } else {
                    bare.bindPatient(insert, id);
                }
                insert.addBatch();
                if (id % 500 == 0) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
        switch (extra) {
            case WIDE -> seedWide();
            case HOT -> {
                for (String kind : new String[] {"hot", "hot_memo"}) {
                    try (Connection c = dataSource.getConnection(); PreparedStatement insert = c.prepareStatement(
                            "INSERT INTO " + table(kind) + " (id, code) VALUES (?, ?)")) {
                        for (int id = 1; id <= Rows.HOT_VALUES; id++) {
                            insert.setLong(1, id);
                            bind(insert, 2, bare == null ? null : bare.code, Rows.hot(id));
                            insert.addBatch();
                        }
                        insert.executeBatch();
                    }
                }
            }
            case EXPORT -> {
                try (Connection c = DriverManager.getConnection(rawUrl); Statement s = c.createStatement()) {
                    s.execute("INSERT INTO " + table("export") + " SELECT g, p.ssn, p.name, p.email FROM "
                            + "generate_series(1, " + EXPORT_ROWS + ") g JOIN " + table("patients")
                            + " p ON p.id = (g - 1) % " + ROWS + " + 1");
                }
            }
            case NONE -> { }
        }
        try (Connection c = DriverManager.getConnection(rawUrl); Statement s = c.createStatement()) {
            for (String kind : extra.kinds()) {
                s.execute("ANALYZE " + table(kind));
            }
        }
    }

    private void seedWide() throws SQLException {
        StringBuilder columns = new StringBuilder("id");
        StringBuilder marks = new StringBuilder("?");
        for (int k = 1; k <= Rows.WIDE_COLUMNS; k++) {
            columns.append(", c").append(k);
            marks.append(", ?");
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement insert = c.prepareStatement(
                "INSERT INTO " + table("wide") + " (" + columns + ") VALUES (" + marks + ")")) {
            for (int id = 1; id <= ROWS; id++) {
                insert.setLong(1, id);
                for (int k = 1; k <= Rows.WIDE_COLUMNS; k++) {
                    bind(insert, k + 1, bare == null ? null : bare.wide[k], Rows.wide(id, k));
                }
                insert.addBatch();
                if (id % 500 == 0) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
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
        // the export table holds the patients' cells, copied by the server: it shares their key domains
        String patients = Driver.CLOAK.table("patients");
        String export = Driver.CLOAK.table("export");
        for (String column : new String[] {"ssn", "name", "email"}) {
            columns.append("  ").append(export).append('.').append(column).append(": { type: varchar, mode: ")
                    .append(column.equals("ssn") ? "deterministic" : "randomized").append(", key: ")
                    .append(patients).append('.').append(column).append(" }\n");
        }
        for (int k = 1; k <= Rows.WIDE_COLUMNS; k++) {
            columns.append("  ").append(Driver.CLOAK.table("wide")).append(".c").append(k)
                    .append(": { type: varchar, mode: randomized }\n");
        }
        columns.append("  ").append(Driver.CLOAK.table("hot")).append(".code: { type: varchar, mode: deterministic }\n")
                .append("  ").append(Driver.CLOAK.table("hot_memo"))
                .append(".code: { type: varchar, mode: deterministic, cache: { entries: ").append(HOT_MEMO_ENTRIES)
                .append(" } }\n");
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

    /** The encrypt rule on every table; the single-table rule, so that ShardingSphere knows the plain table too. */
    private static Path writeShardingSpherePolicy(Path dir, String rawUrl) throws IOException {
        StringBuilder tables = new StringBuilder();
        Map<String, List<String>> encrypted = new LinkedHashMap<>();
        for (String kind : new String[] {"patients", "inserts", "export"}) {
            encrypted.put(kind, List.of("ssn", "name", "email"));
        }
        List<String> wide = new ArrayList<>();
        for (int k = 1; k <= Rows.WIDE_COLUMNS; k++) {
            wide.add("c" + k);
        }
        encrypted.put("wide", wide);
        encrypted.put("hot", List.of("code"));
        encrypted.put("hot_memo", List.of("code"));
        for (Map.Entry<String, List<String>> table : encrypted.entrySet()) {
            tables.append("      ").append(Driver.SHARDINGSPHERE.table(table.getKey())).append(":\n        columns:\n");
            for (String column : table.getValue()) {
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
