package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.conformance.leak.LeakCapture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 13: Cloak reads a statement as the server does. Hundreds of adversarial texts per database (the servers'
 * comment, quoting and escaping rules from {@code statement-log/<database>.sql}, and generated variations around
 * quotes and comments) each carry fresh marker values. Each text runs twice: through the raw driver on a plain
 * twin of the table, where the server itself shows which markers it takes for values of the encrypted columns
 * {@code ssn} and {@code name} (stored there, or compared with them), and through Cloak on the encrypted table,
 * with other marker values. Under every session mode the test sets, no Cloak-side marker the server takes for an
 * encrypted value may appear in the server's statement log or in the encrypted table's stored bytes, whether
 * Cloak refused the text or sent it. A marker planted through the raw driver shows the check can fail.
 */
class ServerReadingStatementLogTest {

    /** Texts each database's server must see at least, over its session modes and generated variations. */
    private static final int MINIMUM_TEXTS = 300;
    private static final long SEED = Long.getLong("cloak.statementlog.seed", 13L);
    private static final String LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private static final int LOOKUP_ROWS = 100;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void noMarkerOfAnEncryptedColumnReachesTheServerInClear(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String real = fx.table("lexreal");
            String twin = fx.table("lextwin");
            fx.rawExecute("CREATE TABLE " + real + " (id INT, ssn " + db.binaryType() + ", name " + db.binaryType()
                    + ", note VARCHAR(400))", "CREATE TABLE " + twin + " (id INT, ssn VARCHAR(400), name VARCHAR(400),"
                    + " note VARCHAR(400))");
            Path policy = fx.policy().column(real + ".ssn", "varchar", "deterministic")
                    .column(real + ".name", "varchar", "randomized").write();
            String url = db == TestDatabase.MARIADB ? db.rawUrl() + (db.rawUrl().contains("?") ? "&" : "?")
                    + "allowMultiQueries=true" : db.rawUrl();
            Random random = new Random(SEED ^ db.ordinal());
            Run run = new Run(db, real, twin, randomWord(random, 6));
            try (Connection raw = DriverManager.getConnection(url);
                 StatementLog log = StatementLog.open(db, fx.raw())) {
                Connection cloak = fx.cloak(policy, url);
                for (String mode : modes(db)) {
                    setMode(db, mode, raw, cloak);
                    for (String template : texts(db, mode.isEmpty(), random)) {
                        run.text(template, mode, raw, cloak, random);
                    }
                }
                setMode(db, "", raw, cloak);
                String planted = run.plant(raw, random);
                String logged = log.read(run.prefix);
                run.checkLog(logged);

                System.out.printf(Locale.ROOT, "statement log %s: %d texts, %d refused by Cloak, %d sent, %d markers"
                        + " the server read as encrypted values%n", db, run.texts, run.refused, run.sent,
                        run.encryptedMarkers.size());
                assertThat(run.leaks).as("markers of encrypted columns the server received in clear").isEmpty();
                assertThat(run.ineffective()).as("attacks of the corpus the server did not fall for").isEmpty();
                if (StatementLog.exists(db)) {
                    assertThat(run.texts).as("texts sent").isGreaterThanOrEqualTo(MINIMUM_TEXTS);
                    assertThat(logged).as("the planted control is in the log").contains(planted);
                }
                assertThat(run.plantedFound(raw, planted, logged)).as("the check finds a planted plaintext")
                        .containsExactlyInAnyOrder(StatementLog.exists(db) ? new String[] {"log", "stored bytes"}
                                : new String[] {"stored bytes"});
                run.clear(raw);
            }
        }
    }

    private static List<String> modes(TestDatabase db) {
        return switch (db) {
            case MARIADB -> List.of("", "NO_BACKSLASH_ESCAPES", "ANSI_QUOTES");
            case POSTGRESQL -> List.of("", "standard_conforming_strings");
            case H2 -> List.of("");
        };
    }

    /** Sets the session mode on both connections: a session may change it at any time, Cloak's cache stays. */
    private static void setMode(TestDatabase db, String mode, Connection raw, Connection cloak) throws SQLException {
        for (Connection c : List.of(raw, cloak)) {
            try (Statement st = c.createStatement()) {
                if (db == TestDatabase.MARIADB) {
                    st.execute("SET SESSION sql_mode = '" + (mode.isEmpty() ? "STRICT_TRANS_TABLES" : mode) + "'");
                } else if (db == TestDatabase.POSTGRESQL) {
                    st.execute("SET standard_conforming_strings = " + (mode.isEmpty() ? "on" : "off"));
                }
            }
        }
    }

    /** The corpus file's texts, and (in the default mode) generated variations around quotes and comments. */
    private static List<String> texts(TestDatabase db, boolean withGenerated, Random random) throws IOException {
        List<String> texts = new ArrayList<>();
        String file = "/statement-log/" + db.slug() + ".sql";
        try (InputStream in = ServerReadingStatementLogTest.class.getResourceAsStream(file)) {
            assertThat(in).as(file).isNotNull();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    texts.add(line.replace('\u23ce', '\n').replace('\u2400', '\0'));
                }
            }
        }
        if (withGenerated) {
            texts.addAll(generated(db, random));
        }
        return texts;
    }

    private static final List<String> SHAPES = List.of(
            "UPDATE {t} SET note = '{m0}'{f0}, ssn = '{m1}'{f1} WHERE id = 1{f2}",
            "UPDATE {t} SET note = {f0}'{m0}'{f1}, name = '{m1}' WHERE id = 1{f2}",
            "INSERT INTO {t} (id, note, ssn) VALUES (3, '{m0}'{f0}, '{m1}'){f1}{f2}",
            "DELETE FROM {t} WHERE id = 0{f0} OR ssn = '{m1}'{f1}{f2}");

    private static List<String> generated(TestDatabase db, Random random) {
        List<String> fragments = switch (db) {
            case MARIADB -> List.of("'", "\\'", "\\", "''", "\"", "`", "/*", "*/", "/*!", "/*M!", "/*!50000", "/*+",
                    "--", "-- ", "--1", "#", "\n", " ", "\t", ";", "x", "1", ",", "(", ")", "_utf8", "_binary", "N",
                    "X", "\u00e9", "\u4e2d", ":", "@");
            case POSTGRESQL -> List.of("'", "\\'", "\\", "''", "\"", "$$", "$q$", "$", "E", "U&", "/*", "*/", "--",
                    "\n", " ", ";", "x", "1", ",", "(", ")", "?", "??", "//", "N", "B", "\n\n\n");
            case H2 -> List.of("'", "''", "\"", "`", "$$", "$", "/*", "*/", "--", "//", "\n", " ", ";", "x", "1", ",",
                    "??(", "N", "X", "U&", "[", "]");
        };
        Arbitrary<String> noise = Arbitraries.of(fragments).list().ofMaxSize(5).map(parts -> String.join("", parts));
        int count = db == TestDatabase.H2 ? 120 : 200;
        // jqwik picks its own seed here; a failure names the text, which can then join the corpus file
        List<String> samples = noise.sampleStream().limit(3L * count).toList();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            texts.add(SHAPES.get(i % SHAPES.size()).replace("{f0}", samples.get(3 * i))
                    .replace("{f1}", samples.get(3 * i + 1)).replace("{f2}", samples.get(3 * i + 2)));
        }
        return texts;
    }

    static String randomWord(Random random, int length) {
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < length; i++) {
            word.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
        }
        return word.toString();
    }

    /** One database's run: its tables, the markers of every text, and what was found. */
    private static final class Run {
        private final TestDatabase db;
        private final String real;
        private final String twin;
        /** Every marker of this run starts with it: the log is filtered by it. */
        private final String prefix;
        /** Cloak-side markers the server took for encrypted values, and the text each came with. */
        private final Map<String, String> encryptedMarkers = new LinkedHashMap<>();
        /** Cloak-side markers of every text, by marker. */
        private final Map<String, String> cloakMarkers = new HashMap<>();
        private final Map<String, Boolean> attacks = new LinkedHashMap<>();
        private final Set<String> leaks = new LinkedHashSet<>();
        private int texts;
        private int refused;
        private int sent;

        Run(TestDatabase db, String real, String twin, String prefix) {
            this.db = db;
            this.real = real;
            this.twin = twin;
            this.prefix = prefix;
        }

        void text(String line, String mode, Connection raw, Connection cloak, Random random) throws SQLException {
            boolean attack = line.startsWith("!");
            String template = attack ? line.substring(1) : line;
            String[] twinMarkers = new String[4];
            String[] cloakSide = new String[4];
            for (int k = 0; k < 4; k++) {
                twinMarkers[k] = prefix + "T" + randomWord(random, 8);
                cloakSide[k] = prefix + "C" + randomWord(random, 8);
                cloakMarkers.put(cloakSide[k], template);
            }
            reset(raw, twinMarkers);
            runQuietly(raw, fill(template, twin, twinMarkers));
            try {
                runThrowing(cloak, fill(template, real, cloakSide));
                sent++;
            } catch (SQLException e) {
                if ("0A000".equals(e.getSQLState())) {
                    refused++;
                }
                LeakCapture.exception("statement-log text through Cloak", e);
            }
            texts++;
            Set<Integer> encrypted = encryptedSlots(raw, twinMarkers);
            for (int k : encrypted) {
                encryptedMarkers.put(cloakSide[k], template);
                // the leak check then searches Cloak's logs and exceptions for it too
                LeakCapture.plaintext(cloakSide[k]);
            }
            if (attack) {
                attacks.merge(line, !encrypted.isEmpty(), Boolean::logicalOr);
            }
            for (String found : storedMarkers(raw)) {
                if (found.equals(cloakSide[0]) || found.equals(cloakSide[1]) || found.equals(cloakSide[2])
                        || found.equals(cloakSide[3])) {
                    leaks.add("stored in clear in an encrypted column: " + template);
                }
            }
        }

        /** Attack lines (over all modes) the server never fell for: they would test nothing. */
        List<String> ineffective() {
            List<String> none = new ArrayList<>();
            attacks.forEach((line, effective) -> {
                if (!effective) {
                    none.add(line);
                }
            });
            return none;
        }

        void checkLog(String logged) {
            encryptedMarkers.forEach((marker, template) -> {
                if (logged.contains(marker)) {
                    leaks.add("in the server's statement log: " + template);
                }
            });
        }

        /** Plants a marker through the raw driver, in the text sent and in an encrypted column's bytes. */
        String plant(Connection raw, Random random) throws SQLException {
            String planted = prefix + "P" + randomWord(random, 8);
            reset(raw, new String[] {"", "", "", ""});
            String value = switch (db) {
                case POSTGRESQL -> "convert_to('" + planted + "', 'UTF8')";
                case MARIADB -> "'" + planted + "'";
                case H2 -> "X'" + java.util.HexFormat.of().formatHex(planted.getBytes(StandardCharsets.UTF_8)) + "'";
            };
            runThrowing(raw, "UPDATE " + real + " SET ssn = " + value + " WHERE id = 1");
            return planted;
        }

        /** Where the same checks as for the corpus find the planted marker. */
        Set<String> plantedFound(Connection raw, String planted, String logged) throws SQLException {
            Set<String> where = new HashSet<>();
            if (logged.contains(planted)) {
                where.add("log");
            }
            if (storedMarkers(raw).contains(planted)) {
                where.add("stored bytes");
            }
            return where;
        }

        void clear(Connection raw) throws SQLException {
            runThrowing(raw, "DELETE FROM " + real);
            runThrowing(raw, "DELETE FROM " + twin);
        }

        private void reset(Connection raw, String[] twinMarkers) throws SQLException {
            clear(raw);
            StringBuilder twinRows = new StringBuilder("INSERT INTO " + twin + " (id, ssn, name, note) VALUES"
                    + " (1, NULL, NULL, 'base'), (2, NULL, NULL, 'base')");
            StringBuilder realRows = new StringBuilder("INSERT INTO " + real + " (id, note) VALUES (1, 'base'),"
                    + " (2, 'base')");
            for (int k = 0; k < twinMarkers.length; k++) {
                twinRows.append(", (").append(LOOKUP_ROWS + k).append(", '").append(twinMarkers[k]).append("', '")
                        .append(twinMarkers[k]).append("', 'base')");
                realRows.append(", (").append(LOOKUP_ROWS + k).append(", 'base')");
            }
            runThrowing(raw, twinRows.toString());
            runThrowing(raw, realRows.toString());
        }

        /**
         * The slots whose twin marker the server stored in {@code ssn} or {@code name} of a row that is not its
         * lookup row, or compared with them: its lookup row was deleted or changed while row 2 was not.
         */
        private Set<Integer> encryptedSlots(Connection raw, String[] twinMarkers) throws SQLException {
            Set<Integer> slots = new HashSet<>();
            Map<Integer, String[]> rows = new HashMap<>();
            try (Statement st = raw.createStatement();
                 ResultSet rs = st.executeQuery("SELECT id, ssn, name, note FROM " + twin)) {
                while (rs.next()) {
                    rows.put(rs.getInt(1), new String[] {rs.getString(2), rs.getString(3), rs.getString(4)});
                }
            }
            String[] control = rows.get(2);
            boolean controlKept = control != null && "base".equals(control[2]) && control[0] == null
                    && control[1] == null;
            for (int k = 0; k < twinMarkers.length; k++) {
                for (Map.Entry<Integer, String[]> row : rows.entrySet()) {
                    boolean ownRow = row.getKey() == LOOKUP_ROWS + k;
                    for (int column = 0; column < 2; column++) {
                        String value = row.getValue()[column];
                        if (value != null && value.contains(twinMarkers[k])
                                && !(ownRow && value.equals(twinMarkers[k]))) {
                            slots.add(k);
                        }
                    }
                }
                String[] lookup = rows.get(LOOKUP_ROWS + k);
                boolean touched = lookup == null || !"base".equals(lookup[2]) || !twinMarkers[k].equals(lookup[0])
                        || !twinMarkers[k].equals(lookup[1]);
                if (touched && controlKept) {
                    slots.add(k);
                }
            }
            return slots;
        }

        /** Every Cloak-side marker found in the stored bytes of the encrypted table's encrypted columns. */
        private List<String> storedMarkers(Connection raw) throws SQLException {
            List<String> found = new ArrayList<>();
            try (Statement st = raw.createStatement();
                 ResultSet rs = st.executeQuery("SELECT ssn, name FROM " + real)) {
                while (rs.next()) {
                    for (int column = 1; column <= 2; column++) {
                        byte[] bytes = rs.getBytes(column);
                        if (bytes == null) {
                            continue;
                        }
                        String text = new String(bytes, StandardCharsets.ISO_8859_1);
                        int at = text.indexOf(prefix);
                        while (at >= 0) {
                            found.add(text.substring(at, Math.min(text.length(), at + prefix.length() + 9)));
                            at = text.indexOf(prefix, at + 1);
                        }
                    }
                }
            }
            return found;
        }

        private String fill(String template, String table, String[] markers) {
            int half = table.length() / 2;
            String text = template.replace("{t1}", table.substring(0, half)).replace("{t2}", table.substring(half))
                    .replace("{t}", table);
            for (int k = 0; k < markers.length; k++) {
                text = text.replace("{m" + k + "}", markers[k]);
            }
            return text;
        }
    }

    private static void runQuietly(Connection c, String sql) {
        try {
            runThrowing(c, sql);
        } catch (SQLException e) {
            // the server's own verdict on the text: nothing more to learn from it
        }
    }

    private static void runThrowing(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            boolean result = st.execute(sql);
            while (result || st.getUpdateCount() != -1) {
                result = st.getMoreResults();
            }
        }
    }
}
