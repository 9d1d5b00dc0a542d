package dev.cloak.cli;

import dev.cloak.driver.CloakSetting;
import dev.cloak.driver.config.EncryptionMode;
import dev.cloak.driver.internal.codec.CellFormat;
import dev.cloak.rewriter.RejectedStatementException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code cloak demo}: an embedded H2 database, a development key and a small policy in a temporary
 * directory; shows what the application reads beside what the database stores, a lookup by an encrypted
 * column, and a query Cloak refuses. Everything it creates is removed at the end.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        versionProvider = CloakCommand.Version.class,
        description = "Shows what an application reads beside what the database stores (embedded H2, development key).")
public final class DemoCommand implements Callable<Integer> {

    /** The header of the column that shows what the database holds; the demo test reads the table by it. */
    static final String STORED_HEADER = "database stores";
    static final String APP_HEADER = "application reads";

    private static final List<Patient> PATIENTS = List.of(
            new Patient(1, "900-12-3456", "Ada Lovelace", LocalDate.of(1815, 12, 10)),
            new Patient(2, "900-23-4567", "Alan Turing", LocalDate.of(1912, 6, 23)),
            new Patient(3, "900-34-5678", "Grace Hopper", LocalDate.of(1906, 12, 9)));

    private static final String POLICY = """
            version: 1
            keyring:
              master-key: '%s'
              store: '%s'
            columns:
              patients.ssn:  { type: varchar, mode: deterministic }
              patients.name: { type: varchar, mode: randomized, pad: 32 }
              patients.dob:  { type: date,    mode: randomized }
            """;

    private static final String LOOKUP = "SELECT id, name, dob FROM patients WHERE ssn = ?";
    private static final String REFUSED = "SELECT id, name FROM patients ORDER BY name";

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = Files.createTempDirectory("cloak-demo-");
        try {
            run(dir, out);
        } finally {
            deleteRecursively(dir);
            out.flush();
        }
        out.println("Done: the temporary directory and the database are gone.");
        out.flush();
        return 0;
    }

    private static void run(Path dir, PrintWriter out) throws IOException, SQLException {
        Path policy = dir.resolve("cloak.yaml");
        Files.writeString(policy, POLICY.formatted(
                yamlQuoted("local:file:" + dir.resolve("master.json")),
                yamlQuoted("file:" + dir.resolve("keys.json"))));
        String database = "h2:mem:cloak-demo-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        Properties cloakSettings = new Properties();
        // H2 URLs take ';' settings, not '?' parameters: hand the policy to Cloak as a property.
        cloakSettings.setProperty(CloakSetting.CONFIG.key(), "file:" + policy);

        out.println("Cloak demo: what your application reads, and what the database stores.");
        out.println();
        out.println("Policy   patients.ssn   varchar  deterministic  (equal values match: lookups work)");
        out.println("         patients.name  varchar  randomized     (pad 32: one cell size for names up to 32 bytes)");
        out.println("         patients.dob   date     randomized");
        out.println("Keys     a development master key (local:) in " + dir);
        out.println("         development only: Cloak warns about it at every start");
        out.println();

        try (Connection raw = DriverManager.getConnection("jdbc:" + database)) {
            try {
                createTable(raw);
                try (Connection app = DriverManager.getConnection("jdbc:cloak:" + database, cloakSettings)) {
                    insert(app);
                    out.println("Inserted " + PATIENTS.size() + " patients through jdbc:cloak:h2:mem:...");
                    out.println();
                    printSideBySide(readThroughCloak(app), readRaw(raw), out);
                    out.println();
                    lookUp(app, PATIENTS.get(1).ssn(), out);
                    out.println();
                    showRefusal(app, out);
                    out.println();
                }
            } finally {
                // DB_CLOSE_DELAY=-1 keeps the in-memory database alive; drop it now.
                try (Statement shutdown = raw.createStatement()) {
                    shutdown.execute("SHUTDOWN");
                }
            }
        }
    }

    private static void createTable(Connection raw) throws SQLException {
        // Encrypted columns are binary in the database: declared so here, as in a table created without Cloak.
        try (Statement ddl = raw.createStatement()) {
            ddl.execute("CREATE TABLE patients (id INT PRIMARY KEY, ssn VARBINARY, name VARBINARY, dob VARBINARY)");
        }
    }

    private static void insert(Connection app) throws SQLException {
        try (PreparedStatement insert = app.prepareStatement(
                "INSERT INTO patients (id, ssn, name, dob) VALUES (?, ?, ?, ?)")) {
            for (Patient p : PATIENTS) {
                insert.setInt(1, p.id());
                insert.setString(2, p.ssn());
                insert.setString(3, p.name());
                insert.setDate(4, Date.valueOf(p.dob()));
                insert.executeUpdate();
            }
        }
    }

    private static List<Patient> readThroughCloak(Connection app) throws SQLException {
        List<Patient> rows = new ArrayList<>();
        // No ORDER BY: the first cut of Cloak's rewriter accepts plain one-table SELECTs; sort here instead.
        try (Statement select = app.createStatement();
             ResultSet rs = select.executeQuery("SELECT id, ssn, name, dob FROM patients")) {
            while (rs.next()) {
                rows.add(new Patient(rs.getInt("id"), rs.getString("ssn"), rs.getString("name"),
                        rs.getDate("dob").toLocalDate()));
            }
        }
        rows.sort(Comparator.comparingInt(Patient::id));
        return rows;
    }

    private static List<StoredRow> readRaw(Connection raw) throws SQLException {
        List<StoredRow> rows = new ArrayList<>();
        try (Statement select = raw.createStatement();
             ResultSet rs = select.executeQuery("SELECT id, ssn, name, dob FROM patients ORDER BY id")) {
            while (rs.next()) {
                rows.add(new StoredRow(rs.getInt("id"), rs.getBytes("ssn"), rs.getBytes("name"), rs.getBytes("dob")));
            }
        }
        return rows;
    }

    private static void printSideBySide(List<Patient> app, List<StoredRow> stored, PrintWriter out) {
        if (app.size() != PATIENTS.size() || stored.size() != PATIENTS.size()) {
            throw new IllegalStateException("expected " + PATIENTS.size() + " patients, the application read "
                    + app.size() + " and the database holds " + stored.size());
        }
        for (int i = 0; i < app.size(); i++) {
            checkEncrypted(app.get(i), stored.get(i));
        }
        int width = Math.max(APP_HEADER.length(),
                app.stream().mapToInt(p -> p.name().length()).max().orElse(0));
        String row = "%-3s %-6s  %-" + width + "s  %s%n";
        out.printf(row, "id", "column", APP_HEADER, STORED_HEADER);
        out.printf(row, "--", "------", "-".repeat(width), "-".repeat(44));
        for (int i = 0; i < app.size(); i++) {
            Patient p = app.get(i);
            StoredRow s = stored.get(i);
            out.printf(row, p.id(), "ssn", p.ssn(), StoredCell.describe(s.ssn()));
            out.printf(row, "", "name", p.name(), StoredCell.describe(s.name()));
            out.printf(row, "", "dob", p.dob(), StoredCell.describe(s.dob()));
        }
        out.println("cell = 01 (format), mode (01 randomized, 02 deterministic), key id, Tink ciphertext");
    }

    /** Fails the demo, rather than show a misleading table, if a stored value is not a Cloak cell. */
    private static void checkEncrypted(Patient p, StoredRow s) {
        if (p.id() != s.id()) {
            throw new IllegalStateException("rows out of step: patient " + p.id() + " beside stored row " + s.id());
        }
        check(s.ssn(), EncryptionMode.DETERMINISTIC, p.ssn(), "patients.ssn");
        check(s.name(), EncryptionMode.RANDOMIZED, p.name(), "patients.name");
        check(s.dob(), EncryptionMode.RANDOMIZED, null, "patients.dob");
    }

    private static void check(byte[] stored, EncryptionMode mode, String plaintext, String column) {
        boolean leaks = plaintext != null && stored != null
                && contains(stored, plaintext.getBytes(StandardCharsets.UTF_8));
        if (!CellFormat.isCell(stored, mode) || leaks) {
            throw new IllegalStateException("the database holds something other than a Cloak cell in " + column
                    + ": it was not encrypted");
        }
    }

    private static void lookUp(Connection app, String ssn, PrintWriter out) throws SQLException {
        out.println("Find a patient by an encrypted column: deterministic encryption makes equal values match.");
        out.println("  " + LOOKUP + "   (? = " + ssn + ")");
        try (PreparedStatement lookup = app.prepareStatement(LOOKUP)) {
            lookup.setString(1, ssn);
            try (ResultSet rs = lookup.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("the lookup by ssn found no patient");
                }
                out.println("  found: " + rs.getInt("id") + "  " + rs.getString("name") + "  "
                        + rs.getDate("dob").toLocalDate());
            }
        }
    }

    private static void showRefusal(Connection app, PrintWriter out) throws SQLException {
        out.println("Sort by a randomized column: Cloak refuses before anything reaches the database.");
        out.println("  " + REFUSED);
        try (Statement select = app.createStatement()) {
            select.executeQuery(REFUSED).close();
        } catch (RejectedStatementException refused) {
            out.println("  refused: " + refused.getMessage() + " (SQLState " + refused.getSQLState() + ")");
            return;
        }
        throw new IllegalStateException("Cloak ran ORDER BY on a randomized column instead of refusing it");
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** A single-quoted YAML scalar: no escapes to get wrong in paths (Windows backslashes included). */
    private static String yamlQuoted(String value) {
        return value.replace("'", "''");
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private record Patient(int id, String ssn, String name, LocalDate dob) {
    }

    private record StoredRow(int id, byte[] ssn, byte[] name, byte[] dob) {
    }
}
