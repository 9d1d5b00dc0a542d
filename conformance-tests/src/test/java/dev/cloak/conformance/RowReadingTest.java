package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import dev.cloak.conformance.leak.LeakCapture;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What an application reads does not depend on how Cloak spares work: a row's column decrypted once and read by
 * several getters, cursor moves and row updates that make it read the row anew, and a deterministic column with a
 * hot-value memo ({@code cache: { entries: N }}) that stores and finds the same cells as one without.
 */
class RowReadingTest {

    private static final byte[] PHOTO = {0, 1, 2, (byte) 0xff, 42};

    @TempDir
    Path dir;

    /** {@code t(id, ssn deterministic with a memo, name randomized, photo bytes, note plain)}, three rows. */
    private static Connection people(Fixture fx, String t) throws Exception {
        String bin = fx.db().binaryType();
        fx.rawExecute("CREATE TABLE " + t + " (id INT PRIMARY KEY, ssn " + bin + ", name " + bin + ", photo " + bin
                + ", note VARCHAR(20))");
        Connection c = fx.cloak(fx.policy()
                .rawColumn(t + ".ssn", "{ type: varchar, mode: deterministic, cache: { entries: 100 } }")
                .column(t + ".name", "varchar", "randomized")
                .column(t + ".photo", "bytes", "randomized").write());
        LeakCapture.plaintext("ssn-1", "ssn-2", "ssn-3", "Ann", "Bob");
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, ssn, name, photo, note) VALUES (?, ?, ?, ?, ?)")) {
            String[] names = {"Ann", "Bob", null};
            for (int i = 0; i < names.length; i++) {
                ps.setInt(1, i + 1);
                ps.setString(2, "ssn-" + (i + 1));
                ps.setString(3, names[i]);
                ps.setBytes(4, i == 2 ? null : PHOTO);
                ps.setString(5, "n" + (i + 1));
                ps.executeUpdate();
            }
        }
        return c;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void aColumnReadsTheSameWhicheverGetterReadsIt(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("rr_getters");
            Connection c = people(fx, t);
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id, ssn, name, photo, note FROM " + t + " ORDER BY id")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("name")).isEqualTo("Ann");
                assertThat(rs.getObject(3)).isEqualTo("Ann");
                assertThat(rs.getObject(3, String.class)).isEqualTo("Ann");
                assertThat(rs.getNString(3)).isEqualTo("Ann");
                byte[] photo = rs.getBytes(4);
                assertThat(photo).isEqualTo(PHOTO);
                photo[0] = 99; // the application's copy: the next read is not affected
                assertThat(rs.getBytes(4)).isEqualTo(PHOTO);
                assertThat((byte[]) rs.getObject(4)).isEqualTo(PHOTO);
                assertThat(rs.getBinaryStream(4).readAllBytes()).isEqualTo(PHOTO);
                assertThat(rs.getString(2)).isEqualTo("ssn-1");
                assertThat(rs.getObject("ssn")).isEqualTo("ssn-1");
                assertThat(rs.wasNull()).isFalse();

                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(3)).isEqualTo("Bob");
                assertThat(rs.getString(2)).isEqualTo("ssn-2");

                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(3)).isNull();
                assertThat(rs.wasNull()).isTrue();
                assertThat(rs.getString(5)).isEqualTo("n3");
                assertThat(rs.wasNull()).isFalse();
                assertThat(rs.getObject(3)).isNull();
                assertThat(rs.wasNull()).isTrue();
                assertThat(rs.getBytes(4)).isNull();
                assertThat(rs.wasNull()).isTrue();
                assertThat(rs.next()).isFalse();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void aScrollingResultReadsTheRowItIsOn(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("rr_scroll");
            Connection c = people(fx, t);
            try (Statement s = c.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_READ_ONLY);
                 ResultSet rs = s.executeQuery("SELECT id, name FROM " + t + " ORDER BY id")) {
                assertThat(rs.absolute(2)).isTrue();
                assertThat(rs.getString(2)).isEqualTo("Bob");
                assertThat(rs.previous()).isTrue();
                assertThat(rs.getString(2)).isEqualTo("Ann");
                assertThat(rs.last()).isTrue();
                assertThat(rs.getString(2)).isNull();
                assertThat(rs.relative(-1)).isTrue();
                assertThat(rs.getString(2)).isEqualTo("Bob");
                assertThat(rs.first()).isTrue();
                assertThat(rs.getString(2)).isEqualTo("Ann");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void anUpdatedRowReadsItsNewValueAndStoresItEncrypted(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("rr_update");
            Connection c = people(fx, t);
            LeakCapture.plaintext("Renamed Ann");
            try (Statement s = c.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_UPDATABLE);
                 ResultSet rs = s.executeQuery("SELECT id, name FROM " + t + " WHERE id = 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(2)).isEqualTo("Ann");
                rs.updateString(2, "Renamed Ann");
                rs.updateRow();
                assertThat(rs.getString(2)).isEqualTo("Renamed Ann");
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT name FROM " + t + " WHERE id = 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("Renamed Ann");
            }
            for (byte[] cell : fx.rawCells(t, "name")) {
                if (cell != null) {
                    assertThat(new String(cell, StandardCharsets.ISO_8859_1)).doesNotContain("Ann");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDatabase.class)
    void aHotValueMemoStoresAndFindsTheCellsOfAColumnWithout(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = fx.table("rr_hot");
            Connection memo = people(fx, t);
            // the same keys, without the memo: equal values must give equal cells either way
            Connection plain = fx.cloak(fx.policy()
                    .column(t + ".ssn", "varchar", "deterministic")
                    .column(t + ".name", "varchar", "randomized")
                    .column(t + ".photo", "bytes", "randomized").write());
            try (PreparedStatement ps = plain.prepareStatement("INSERT INTO " + t + " (id, ssn, note) VALUES (?, ?, ?)")) {
                ps.setInt(1, 4);
                ps.setString(2, "ssn-2");
                ps.setString(3, "n4");
                ps.executeUpdate();
            }
            for (int round = 0; round < 3; round++) {
                for (Connection c : List.of(memo, plain)) {
                    assertThat(idsAndSsns(c, t, "ssn-2")).containsExactly("2 ssn-2", "4 ssn-2");
                    assertThat(idsAndSsns(c, t, "ssn-1")).containsExactly("1 ssn-1");
                    assertThat(idsAndSsns(c, t, "ssn-9")).isEmpty();
                }
            }
            List<byte[]> cells = fx.rawCells(t, "ssn");
            assertThat(cells.get(1)).as("written with the memo and without").isEqualTo(cells.get(3));
        }
    }

    private static List<String> idsAndSsns(Connection c, String t, String ssn) throws Exception {
        List<String> found = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, ssn FROM " + t + " WHERE ssn = ? ORDER BY id")) {
            ps.setString(1, ssn);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getInt(1) + " " + rs.getString(2));
                }
            }
        }
        return found;
    }
}
