package dev.cloak.benchmarks;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/** The values of benchmark row {@code id}: the same for every driver, so every driver does the same work. */
final class Rows {

    private Rows() {
    }

    static String ssn(long id) {
        return "SSN-" + (100_000_000L + id);
    }

    static void bindPatient(PreparedStatement insert, long id) throws SQLException {
        insert.setLong(1, id);
        insert.setString(2, ssn(id));
        insert.setString(3, "Patient Number " + id);
        insert.setString(4, "patient" + id + "@example.org");
    }
}
