package dev.cloak.conformance;

import dev.cloak.keyring.UniqueConstraints;
import dev.cloak.conformance.leak.LeakCapture;
import dev.cloak.keyring.KeyAdministration;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.audit.AuditTrail;
import dev.cloak.keyring.store.FileKeyStore;
import dev.cloak.keyring.store.GenerationLedger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The schema the rewriter corpus is written against, twice in one database: a plain copy (logical types, raw
 * driver) and an encrypted copy (created and filled through Cloak, with the corpus README's policy). Each copy
 * lives in its own schema (PostgreSQL, H2) or database (MariaDB) named {@code diff_raw_PID} / {@code diff_cloak_PID},
 * so the corpus SQL keeps its table names and never meets another test's tables.
 */
final class CorpusSchema implements AutoCloseable {

    /** One table: its DDL column list (logical types) and the same rows for both copies. */
    private record Table(String name, String columns, String[] names, int[] nullTypes, Object[][] rows) {
    }

    private static final int INT = Types.INTEGER;
    private static final int TEXT = Types.VARCHAR;
    private static final int DATE = Types.DATE;

    // Patient ids start at 2: corpus INSERTs with literal values add a patient 1.
    private static final List<Table> TABLES = List.of(
            new Table("patients", "id INT UNIQUE, ssn VARCHAR(11), name VARCHAR(100), dob DATE, city VARCHAR(50)",
                    new String[] {"id", "ssn", "name", "dob", "city"}, new int[] {INT, TEXT, TEXT, DATE, TEXT},
                    new Object[][] {
                        {2, "123-45-6789", "Alice Smith", day(1980, 1, 15), "Springfield"},
                        {3, "123-45-6789", "Alicia Smyth", day(1981, 2, 20), "Shelbyville"},
                        {4, "111-11-1111", "Bob Jones", day(1975, 3, 30), "Springfield"},
                        {5, "222-22-2222", null, day(1990, 4, 10), null},
                        {6, null, "Carol White", null, "Capital City"},
                        {7, "123456789", "Dan Brown", day(1969, 12, 31), "Springfield"},
                        {8, "333-33-3333", "Zoë 李", day(2000, 2, 29), "Ogdenville"},
                        {9, "111-11-1111", "", null, "Shelbyville"},
                    }),
            new Table("visits", "id INT, patient_ssn VARCHAR(11), visited_on DATE, patient_id INT",
                    new String[] {"id", "patient_ssn", "visited_on", "patient_id"}, new int[] {INT, TEXT, DATE, INT},
                    new Object[][] {
                        {1, "123-45-6789", day(2024, 1, 10), 2},
                        {2, "123-45-6789", day(2024, 2, 11), 3},
                        {3, "111-11-1111", day(2024, 3, 12), 4},
                        {4, "999-99-9999", day(2024, 4, 13), null},
                        {5, null, day(2024, 5, 14), 6},
                        {6, "222-22-2222", null, 5},
                        {7, "111-11-1111", day(2023, 12, 1), 9},
                    }),
            new Table("addresses", "id INT, patient_id INT, city VARCHAR(50), zip VARCHAR(10), ssn VARCHAR(11), name VARCHAR(100)",
                    new String[] {"id", "patient_id", "city", "zip", "ssn", "name"}, new int[] {INT, INT, TEXT, TEXT, TEXT, TEXT},
                    new Object[][] {
                        {2, 2, "Springfield", "49007", "123-45-6789", "home"},
                        {3, 4, "Shelbyville", "49008", "111-11-1111", "work"},
                        {4, 6, "Capital City", "49009", null, "home"},
                        {5, 8, null, null, "000-00-0000", null},
                    }),
            new Table("audit_log", "id INT, what VARCHAR(100), ts %TIMESTAMP%",
                    new String[] {"id", "what", "ts"}, new int[] {INT, TEXT, Types.TIMESTAMP},
                    new Object[][] {
                        {1, "login", LocalDateTime.of(2024, 1, 1, 10, 0)},
                        {2, "export", LocalDateTime.of(2024, 6, 1, 12, 30)},
                    }));

    /** The encrypted columns of {@link #policy(Fixture)}, whose values the leak check searches for. */
    private static final Set<String> ENCRYPTED = Set.of("patients.ssn", "patients.name", "patients.dob", "visits.patient_ssn");

    /** The corpus README's policy: two deterministic columns sharing the key domain patients.ssn, two randomized. */
    private static Path policy(Fixture fx) {
        return fx.policy()
                .rawColumn("patients.ssn", "{ type: varchar, mode: deterministic, size: 11 }")
                .rawColumn("patients.name", "{ type: varchar, mode: randomized, size: 100 }")
                .column("patients.dob", "date", "randomized")
                .rawColumn("visits.patient_ssn", "{ type: varchar, mode: deterministic, size: 11, key: patients.ssn }")
                .write();
    }

    private final Fixture fx;
    private final boolean rotated;
    private final String plainName;
    private final String encryptedName;
    private Connection plain;
    private Connection encrypted;

    private CorpusSchema(Fixture fx, boolean rotated, String variant) {
        this.fx = fx;
        this.rotated = rotated;
        String suffix = ProcessHandle.current().pid() + (rotated ? "_rot" : "") + (variant == null ? "" : "_" + variant);
        this.plainName = "diff_raw_" + suffix;
        this.encryptedName = "diff_cloak_" + suffix;
    }

    /**
     * Creates and fills both copies; aborts the calling test when {@code db} is not available. When
     * {@code rotated}, every key domain of the policy is rotated after the rows are written and the encrypted copy
     * is reached through a fresh keyring, so every lookup of the corpus goes out expanded for two key versions
     * and every write is encrypted under the new one.
     */
    static CorpusSchema create(TestDatabase db, Path dir, boolean rotated) throws Exception {
        return create(db, dir, rotated, null);
    }

    /** As above, with names of its own for {@code variant} (say the copies DDL cases change). */
    static CorpusSchema create(TestDatabase db, Path dir, boolean rotated, String variant) throws Exception {
        CorpusSchema schema = new CorpusSchema(Fixture.open(db, dir), rotated, variant);
        try {
            schema.build();
            return schema;
        } catch (Exception | AssertionError e) {
            schema.close();
            throw e;
        }
    }

    private void build() throws SQLException {
        for (String name : List.of(plainName, encryptedName)) {
            fx.rawExecute(dropStatement(name), fx.db() == TestDatabase.MARIADB ? "CREATE DATABASE " + name : "CREATE SCHEMA " + name);
        }
        plain = DriverManager.getConnection(urlOf(plainName));
        encrypted = fx.cloak(policy(fx), urlOf(encryptedName));
        for (Connection c : List.of(plain, encrypted)) {
            try (Statement st = c.createStatement()) {
                for (Table t : TABLES) {
                    String timestamp = fx.db() == TestDatabase.MARIADB ? "DATETIME" : "TIMESTAMP";
                    st.execute("CREATE TABLE " + t.name() + " (" + t.columns().replace("%TIMESTAMP%", timestamp) + ")");
                }
                st.execute("CREATE SEQUENCE patients_seq");
            }
            for (Table t : TABLES) {
                insert(c, t);
            }
        }
        createViews();
        assertEncrypted();
        if (rotated) {
            rotateEveryKeyDomain();
        }
    }

    /**
     * The corpus catalog's views (rewriter corpus README): in the plain copy through the raw driver; in the
     * encrypted copy through Cloak, except the one Cloak cannot map, which is created past Cloak as another tool
     * would, so Cloak learns it from the catalog.
     */
    private void createViews() throws SQLException {
        for (Connection c : List.of(plain, encrypted)) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE VIEW patient_contacts AS SELECT id, ssn, name AS full_name, city FROM patients");
                st.execute("CREATE VIEW contact_ssns AS SELECT ssn AS contact_ssn FROM patient_contacts");
                st.execute("CREATE VIEW city_counts AS SELECT city, count(*) AS n FROM patients GROUP BY city");
            }
        }
        try (Statement st = plain.createStatement()) {
            st.execute(UNMAPPABLE_VIEW.replace("%s", ""));
        }
        try (Statement st = fx.raw().createStatement()) {
            st.execute(UNMAPPABLE_VIEW.replace("%s", encryptedName + "."));
        }
    }

    /** A view over an encrypted column that Cloak cannot map: it computes over the column. */
    private static final String UNMAPPABLE_VIEW =
            "CREATE VIEW %spatient_names_upper AS SELECT id, octet_length(name) AS n FROM %spatients";

    /**
     * Fails unless every value of an encrypted column that {@code cloak}'s own session sees in the encrypted copy
     * (its open transaction's uncommitted rows too) is a Cloak cell: format byte 1, then mode 1 or 2. A table that
     * is gone (dropped by a DDL case) has nothing to check.
     */
    static void assertOnlyCells(Connection cloak, TestDatabase db) throws SQLException {
        Connection raw = cloak.unwrap(vendorConnection(db));
        for (String name : ENCRYPTED) {
            String table = name.substring(0, name.indexOf('.'));
            String column = name.substring(name.indexOf('.') + 1);
            List<byte[]> cells = new java.util.ArrayList<>();
            try (Statement st = raw.createStatement();
                 ResultSet rs = st.executeQuery("SELECT " + column + " FROM " + table)) {
                while (rs.next()) {
                    cells.add(rs.getBytes(1));
                }
            } catch (SQLException gone) {
                if (raw.getAutoCommit()) {
                    continue;
                }
                throw gone;
            }
            for (byte[] cell : cells) {
                if (cell != null && (cell.length < 2 || cell[0] != 0x01 || cell[1] != 0x01 && cell[1] != 0x02)) {
                    throw new AssertionError("the encrypted copy holds a value of " + name + " that is not a Cloak"
                            + " cell: plaintext reached the database");
                }
            }
        }
    }

    private static Class<? extends Connection> vendorConnection(TestDatabase db) {
        return switch (db) {
            case H2 -> org.h2.jdbc.JdbcConnection.class;
            case POSTGRESQL -> org.postgresql.jdbc.PgConnection.class;
            case MARIADB -> org.mariadb.jdbc.Connection.class;
        };
    }

    private void rotateEveryKeyDomain() throws SQLException {
        try {
            KeyAdministration admin = KeyAdministration.open(fx.masterKeyUri(),
                    new FileKeyStore(Path.of(fx.keyStoreUri().substring("file:".length()))), AuditTrail.NONE,
                    GenerationLedger.NONE);
            for (String domain : List.of("patients.ssn", "patients.name", "patients.dob")) {
                admin.rotate(domain, UniqueConstraints.UNCHECKED);
                if (admin.describe(domain).versions().size() != 2) {
                    throw new IllegalStateException("key domain " + domain + " does not have two versions");
                }
            }
        } catch (KeyringException e) {
            throw new SQLException("rotating the corpus keys failed", e);
        }
        encrypted.close();
        // a new policy file is a new keyring: it reads both versions from the store
        encrypted = fx.cloak(policy(fx), urlOf(encryptedName));
    }

    /** The encrypted copy really holds cells (format byte 0x01), or the comparison would prove nothing. */
    private void assertEncrypted() throws SQLException {
        try (Statement st = fx.raw().createStatement();
             ResultSet rs = st.executeQuery("SELECT ssn, name, dob FROM " + encryptedName + ".patients WHERE id = 2")) {
            if (!rs.next()) {
                throw new IllegalStateException("the encrypted copy has no patient 2");
            }
            for (int i = 1; i <= 3; i++) {
                byte[] cell = rs.getBytes(i);
                if (cell == null || cell.length < 2 || cell[0] != 0x01) {
                    throw new IllegalStateException("column " + i + " of the encrypted copy is not a Cloak cell");
                }
            }
        }
    }

    private static void insert(Connection c, Table t) throws SQLException {
        String marks = "?" + ", ?".repeat(t.names().length - 1);
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO " + t.name() + " (" + String.join(", ", t.names()) + ") VALUES (" + marks + ")")) {
            for (Object[] row : t.rows()) {
                for (int i = 0; i < row.length; i++) {
                    if (ENCRYPTED.contains(t.name() + "." + t.names()[i])) {
                        LeakCapture.plaintext(row[i]);
                    }
                    if (row[i] == null) {
                        ps.setNull(i + 1, t.nullTypes()[i]);
                    } else {
                        ps.setObject(i + 1, row[i]);
                    }
                }
                ps.executeUpdate();
            }
        }
    }

    /** The plain copy, through the raw driver. */
    Connection plain() {
        return plain;
    }

    /** The encrypted copy, through Cloak. */
    Connection encrypted() {
        return encrypted;
    }

    /** The names of the corpus tables, for reading a copy's whole content. */
    static List<String> tableNames() {
        return TABLES.stream().map(Table::name).toList();
    }

    /** The raw URL of the database whose default schema (or database) is {@code name}. */
    private String urlOf(String name) {
        return fx.db().rawUrlIn(name);
    }

    private String dropStatement(String name) {
        return fx.db().dropScratch(name);
    }

    private static LocalDate day(int year, int month, int day) {
        return LocalDate.of(year, month, day);
    }

    /** Closes both copies' connections and drops both copies. */
    @Override
    public void close() throws Exception {
        try {
            for (Connection c : new Connection[] {plain, encrypted}) {
                if (c != null) {
                    c.close();
                }
            }
            fx.rawExecute(dropStatement(plainName), dropStatement(encryptedName));
        } finally {
            fx.close();
        }
    }
}
