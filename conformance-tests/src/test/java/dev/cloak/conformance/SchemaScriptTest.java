package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloak.conformance.leak.LeakCapture;
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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.ScriptUtils;

/**
 * A schema and seed script written the way applications write theirs ({@code scripts/<database>/schema.sql} and
 * {@code data.sql}: {@code IF NOT EXISTS} everywhere, unnamed {@code CREATE INDEX ON t (c)}, seed rows as
 * {@code INSERT ... SELECT <literals> WHERE NOT EXISTS (...)} or MariaDB's {@code INSERT IGNORE ... VALUES}, a view,
 * a sequence, ANALYZE) runs through {@code jdbc:cloak:} with Spring's {@link ScriptUtils}, twice in a row, as an
 * application does at every start. H2's is written as Spring PetClinic writes its H2 schema instead: every table
 * dropped ({@code DROP TABLE t IF EXISTS}) and created again, seed rows as {@code INSERT INTO t VALUES (default, …)}. Encrypted: the clients' phone (deterministic), address and city, the dogs' birth
 * date and the appointments' description (randomized).
 */
class SchemaScriptTest {

    /** Seeded plaintexts of encrypted columns, as the scripts write them. */
    private static final List<String> PHONES = List.of("6085550141", "6085550177", "6085550199");
    private static final List<String> RANDOMIZED = List.of("14 Quarry Lane", "230 Orchard Row", "Millbrook", "Ashford",
            "nervous around dryers, use the quiet room", "trim nails short, sensitive left paw");
    private static final List<String> BIRTH_DATES = List.of("2019-04-02", "2021-11-23", "2016-07-15");

    @TempDir
    Path dir;

    /** The scratch schema or database the scripts run in, with the policy for their encrypted columns. */
    private static final class Salon implements AutoCloseable {
        final Fixture fx;
        final String name;
        final Connection cloak;

        Salon(Fixture fx) throws SQLException {
            this.fx = fx;
            // on MariaDB a database of its own, named after the test database so it stays among its own
            String prefix = fx.db() == TestDatabase.MARIADB ? fx.raw().getCatalog() + "_" : "";
            this.name = prefix + "salon_" + ProcessHandle.current().pid();
            fx.rawExecute(fx.db().recreateScratch(name));
            Path policy = fx.policy()
                    .rawColumn("clients.phone", "{ type: varchar, mode: deterministic, size: 20 }")
                    .rawColumn("clients.address", "{ type: varchar, mode: randomized }")
                    .rawColumn("clients.city", "{ type: varchar, mode: randomized }")
                    .column("dogs.birth_date", "date", "randomized")
                    .rawColumn("appointments.description", "{ type: varchar, mode: randomized }")
                    .write();
            this.cloak = fx.cloak(policy, fx.db().rawUrlIn(name));
            LeakCapture.plaintext(PHONES.toArray());
            LeakCapture.plaintext(RANDOMIZED.toArray());
        }

        /** The schema script, then the seed script, through Cloak. */
        void runScripts() {
            String folder = "scripts/" + fx.db().name().toLowerCase(Locale.ROOT) + "/";
            ScriptUtils.executeSqlScript(cloak, new ClassPathResource(folder + "schema.sql"));
            ScriptUtils.executeSqlScript(cloak, new ClassPathResource(folder + "data.sql"));
        }

        long count(String table) throws SQLException {
            try (Statement st = cloak.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
                rs.next();
                return rs.getLong(1);
            }
        }

        /** Every stored value of a column, read past Cloak. */
        List<byte[]> raw(String table, String column) throws SQLException {
            List<byte[]> cells = new ArrayList<>();
            try (Statement st = fx.raw().createStatement();
                 ResultSet rs = st.executeQuery("SELECT " + column + " FROM " + name + "." + table)) {
                while (rs.next()) {
                    cells.add(rs.getBytes(1));
                }
            }
            return cells;
        }

        @Override
        public void close() throws Exception {
            try {
                cloak.close();
                fx.rawExecute(fx.db().dropScratch(name));
            } finally {
                fx.close();
            }
        }
    }

    private Salon salonScriptedTwice(TestDatabase db) throws Exception {
        Salon salon = new Salon(Fixture.open(db, dir));
        salon.runScripts();
        salon.runScripts();
        return salon;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void scriptsRunTwiceThroughCloakWriteEachSeedRowOnce(TestDatabase db) throws Exception {
        try (Salon salon = salonScriptedTwice(db)) {
            assertThat(salon.count("clients")).isEqualTo(3);
            assertThat(salon.count("dogs")).isEqualTo(3);
            assertThat(salon.count("appointments")).isEqualTo(2);
            assertThat(salon.count("groomers")).isEqualTo(2);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void seededClientIsFoundByItsPhoneAndReadBackDecrypted(TestDatabase db) throws Exception {
        try (Salon salon = salonScriptedTwice(db);
             PreparedStatement ps = salon.cloak.prepareStatement(
                     "SELECT first_name, address, city FROM clients WHERE phone = ?")) {
            ps.setString(1, "6085550177");
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(List.of(rs.getString(1), rs.getString(2), rs.getString(3)))
                        .containsExactly("Rafael", "230 Orchard Row", "Ashford");
                assertThat(rs.next()).isFalse();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void seededBirthDatesAndDescriptionsReadBackDecrypted(TestDatabase db) throws Exception {
        try (Salon salon = salonScriptedTwice(db); Statement st = salon.cloak.createStatement()) {
            List<String> dates = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT birth_date FROM dogs ORDER BY id")) {
                while (rs.next()) {
                    dates.add(rs.getObject(1, java.time.LocalDate.class).toString());
                }
            }
            assertThat(dates).containsExactlyElementsOf(BIRTH_DATES);
            try (ResultSet rs = st.executeQuery("SELECT description FROM appointments WHERE dog_id = 3")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("trim nails short, sensitive left paw");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void viewTheScriptCreatesFindsAClientByPhone(TestDatabase db) throws Exception {
        try (Salon salon = salonScriptedTwice(db);
             PreparedStatement ps = salon.cloak.prepareStatement(
                     "SELECT last_name, city FROM client_contacts WHERE phone = ?")) {
            ps.setString(1, "6085550141");
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(List.of(rs.getString(1), rs.getString(2))).containsExactly("Halvorsen", "Millbrook");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = "POSTGRESQL")
    void doBlockForeignKeyWithoutColumnListAndExecutedFunctionTakeEffect(TestDatabase db) throws Exception {
        try (Salon salon = salonScriptedTwice(db); Statement st = salon.cloak.createStatement()) {
            // the DO block added a plain column to dogs once; the foreign key references dogs' primary key
            st.executeUpdate("UPDATE dogs SET microchip = '9810' WHERE id = 1");
            st.executeUpdate("INSERT INTO dog_notes (dog_id, note, key, settings) VALUES (1, 'likes the blue brush',"
                    + " 'brush', '{\"color\": \"blue\"}')");
            try (ResultSet rs = st.executeQuery("SELECT d.microchip, d.birth_date, n.note, n.key, n.settings->>'color'"
                    + " FROM dogs d JOIN dog_notes n ON n.dog_id = d.id")) {
                assertThat(rs.next()).isTrue();
                assertThat(List.of(rs.getString(1), rs.getObject(2).toString(), rs.getString(3), rs.getString(4),
                        rs.getString(5))).containsExactly("9810", BIRTH_DATES.get(0), "likes the blue brush", "brush",
                        "blue");
            }
            assertThatThrownBy(() -> st.executeUpdate("INSERT INTO dog_notes (dog_id, note) VALUES (99, 'x')"))
                    .as("the foreign key holds").isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("23503");
            // a DO block that would write an encrypted column on the server is refused, and nothing of it runs
            assertThatThrownBy(() -> st.execute("DO 'BEGIN UPDATE dogs SET microchip = ''x''; UPDATE clients"
                    + " SET phone = ''6085550000''; END'"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("DO block")
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("0A000");
            try (ResultSet rs = st.executeQuery("SELECT microchip FROM dogs WHERE id = 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("9810");
            }
            // the script's function runs SQL written out in its body through EXECUTE format('… %L', …)
            try (ResultSet rs = st.executeQuery("SELECT purge_notes(1000)")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(1);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = "MARIADB")
    void columnNamedSettingsAndExecutableCommentsBesideAConfiguredTableWork(TestDatabase db) throws Exception {
        try (Salon salon = salonScriptedTwice(db); Statement st = salon.cloak.createStatement()) {
            st.executeUpdate("REPLACE INTO dog_settings (dog_id, settings) VALUES (2, '{\"dryer\": \"quiet\"}')");
            // executable comments as mysqldump and MySQL-targeted schemas write them: the server runs their content
            st.execute("CREATE TABLE IF NOT EXISTS dog_tags (dog_id INT /*! UNSIGNED */ NOT NULL PRIMARY KEY,"
                    + " tag VARCHAR(20), FOREIGN KEY (dog_id) REFERENCES dogs (id)) /*!50100 ENGINE=InnoDB */");
            st.executeUpdate("INSERT INTO dog_tags (dog_id, tag) SELECT id, 'quiet' FROM dogs /*! WHERE id = 2 */");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM dog_tags")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).as("the WHERE in the executable comment ran").isEqualTo(1);
            }
            try (ResultSet rs = st.executeQuery("SELECT d.birth_date, JSON_VALUE(s.settings, '$.dryer') FROM dogs d"
                    + " JOIN dog_settings s ON s.dog_id = d.id WHERE d.id = 2")) {
                assertThat(rs.next()).isTrue();
                assertThat(List.of(rs.getObject(1).toString(), rs.getString(2)))
                        .containsExactly(BIRTH_DATES.get(1), "quiet");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void rawTablesHoldOnlyCloakCellsForTheEncryptedColumns(TestDatabase db) throws Exception {
        try (Salon salon = salonScriptedTwice(db)) {
            List<byte[]> cells = new ArrayList<>();
            for (String column : List.of("phone", "address", "city")) {
                cells.addAll(salon.raw("clients", column));
            }
            cells.addAll(salon.raw("dogs", "birth_date"));
            cells.addAll(salon.raw("appointments", "description"));
            assertThat(cells).hasSize(3 * 3 + 3 + 2);
            List<String> plaintexts = new ArrayList<>(PHONES);
            plaintexts.addAll(RANDOMIZED);
            plaintexts.addAll(BIRTH_DATES);
            for (byte[] cell : cells) {
                if (cell == null) {
                    continue;
                }
                assertThat(cell[0]).as("Cloak's cell format byte").isEqualTo((byte) 1);
                String hex = HexFormat.of().formatHex(cell);
                for (String plaintext : plaintexts) {
                    assertThat(hex).doesNotContain(HexFormat.of().formatHex(plaintext.getBytes(StandardCharsets.UTF_8)));
                }
            }
        }
    }
}
