package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.conformance.leak.LeakCapture;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The clinic that the migration tools build ({@code migrations/<database>/V*.sql}, Liquibase's
 * {@code migrations/liquibase/<database>.xml}) in a scratch schema (PostgreSQL) or database (MariaDB) of its own,
 * with the policy for its encrypted columns, and what it must hold afterwards: the seeds read back through Cloak,
 * and no plaintext of an encrypted column in the raw tables.
 */
final class MigratedClinic implements AutoCloseable {

    /** Each encrypted column, and the plaintexts the migrations write into it. */
    private static final List<List<String>> ENCRYPTED = List.of(
            List.of("patients", "national_id", "NO-19840312", "ES-19900521", "NG-19771130"),
            List.of("patients", "birth_date", "1984-03-12", "1990-05-21", "1977-11-30"),
            List.of("patients", "notes", "penicillin allergy", "prefers morning appointments"),
            List.of("patients", "phone", "4791234567", "3461234567"),
            List.of("visits", "diagnosis", "mild arrhythmia", "contact dermatitis"),
            List.of("visits", "follow_up", "repeat ECG in six months"));

    final Fixture fx;
    final String name;
    final Path policy;

    MigratedClinic(Fixture fx, String tool) throws SQLException {
        this.fx = fx;
        // on MariaDB a database of its own, named after the test database so it stays among its own
        String prefix = fx.db() == TestDatabase.MARIADB ? fx.raw().getCatalog() + "_" : "";
        this.name = prefix + "clinic_" + tool + "_" + ProcessHandle.current().pid();
        fx.rawExecute(fx.db().recreateScratch(name));
        this.policy = fx.policy()
                .rawColumn("patients.national_id", "{ type: varchar, mode: deterministic, size: 20 }")
                .column("patients.birth_date", "date", "randomized")
                .column("patients.notes", "varchar", "randomized")
                .rawColumn("patients.phone", "{ type: varchar, mode: deterministic, size: 20 }")
                .column("patients.email", "varchar", "deterministic")
                .column("visits.diagnosis", "varchar", "randomized")
                .column("visits.follow_up", "varchar", "randomized")
                .write();
        for (List<String> column : ENCRYPTED) {
            LeakCapture.plaintext(column.subList(2, column.size()).toArray());
        }
        LeakCapture.plaintext("maren.ostby@example.org");
    }

    /** Where the tools find the versioned scripts, e.g. {@code migrations/postgresql}. */
    String scripts() {
        return "migrations/" + fx.db().name().toLowerCase(Locale.ROOT);
    }

    /** Liquibase's change log for this database. */
    String changeLog() {
        return "migrations/liquibase/" + fx.db().name().toLowerCase(Locale.ROOT) + ".xml";
    }

    /** The raw URL of the clinic's schema or database. */
    String rawUrl() {
        return fx.db().rawUrlIn(name);
    }

    /** The clinic's {@code jdbc:cloak:} URL, with the policy as its {@code cloak.config} parameter. */
    String cloakUrl() {
        String url = TestDatabase.toCloakUrl(rawUrl());
        return url + (url.contains("?") ? "&" : "?") + "cloak.config="
                + URLEncoder.encode("file:" + policy, StandardCharsets.UTF_8);
    }

    /** A Cloak connection to the clinic, closed with the fixture. */
    Connection cloak() throws SQLException {
        return fx.cloak(policy, rawUrl());
    }

    /** What the migrations seeded, read back through Cloak, after any number of runs. */
    void assertSeedsReadBack() throws SQLException {
        Connection cloak = cloak();
        assertThat(rows(cloak, "SELECT name FROM specialties ORDER BY id")).containsExactly("cardiology", "dermatology");
        assertThat(rows(cloak, "SELECT first_name, national_id, birth_date, notes, phone FROM patients ORDER BY id"))
                .containsExactly(
                        "Maren|NO-19840312|1984-03-12|penicillin allergy|4791234567",
                        "Tomas|ES-19900521|1990-05-21|null|3461234567",
                        "Ayo|NG-19771130|1977-11-30|prefers morning appointments|null");
        assertThat(rows(cloak, "SELECT p.last_name, v.visit_date, v.diagnosis, v.follow_up "
                + "FROM visits v JOIN patients p ON p.id = v.patient_id ORDER BY v.id"))
                .containsExactly("Ostby|2024-02-14|mild arrhythmia|repeat ECG in six months",
                        "Adeyemi|2024-03-01|contact dermatitis|null");
        try (PreparedStatement ps = cloak.prepareStatement(
                "SELECT d.last_name FROM patient_directory d WHERE d.national_id = ?")) {
            ps.setString(1, "ES-19900521");
            assertThat(rows(ps)).containsExactly("Reyes");
        }
        try (PreparedStatement ps = cloak.prepareStatement("SELECT first_name FROM patients WHERE phone = ?")) {
            ps.setString(1, "4791234567");
            assertThat(rows(ps)).containsExactly("Maren");
        }
        assertThat(rows(cloak, "SELECT patient_id, visits, diagnosed FROM visit_counts ORDER BY patient_id"))
                .containsExactly("1|1|1", "3|1|1");
    }

    /** Every stored cell of the encrypted columns, read past Cloak: Cloak cells, no plaintext in them. */
    void assertRawTablesHoldNoPlaintext() throws SQLException {
        int cells = 0;
        for (List<String> column : ENCRYPTED) {
            for (byte[] cell : raw(column.get(0), column.get(1))) {
                if (cell == null) {
                    continue;
                }
                cells++;
                assertThat(cell[0]).as("Cloak's cell format byte in %s.%s", column.get(0), column.get(1))
                        .isEqualTo((byte) 1);
                String hex = HexFormat.of().formatHex(cell);
                for (List<String> any : ENCRYPTED) {
                    for (String plaintext : any.subList(2, any.size())) {
                        assertThat(hex).doesNotContain(HexFormat.of().formatHex(plaintext.getBytes(StandardCharsets.UTF_8)));
                    }
                }
            }
        }
        assertThat(cells).as("non-null encrypted cells").isEqualTo(3 + 3 + 2 + 2 + 2 + 1);
    }

    /** The stored cells of one column, read past Cloak. */
    List<byte[]> raw(String table, String column) throws SQLException {
        List<byte[]> cells = new ArrayList<>();
        try (Statement st = fx.raw().createStatement();
             ResultSet rs = st.executeQuery("SELECT " + column + " FROM " + name + "." + table + " ORDER BY id")) {
            while (rs.next()) {
                cells.add(rs.getBytes(1));
            }
        }
        return cells;
    }

    static List<String> rows(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rows(rs);
        }
    }

    static List<String> rows(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rows(rs);
        }
    }

    private static List<String> rows(ResultSet rs) throws SQLException {
        List<String> rows = new ArrayList<>();
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
            StringBuilder row = new StringBuilder();
            for (int i = 1; i <= n; i++) {
                row.append(i == 1 ? "" : "|").append(rs.getString(i));
            }
            rows.add(row.toString());
        }
        return rows;
    }

    @Override
    public void close() throws Exception {
        try {
            fx.rawExecute(fx.db().dropScratch(name));
        } finally {
            fx.close();
        }
    }
}
