package dev.cloak.benchmarks;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/** The values of benchmark row {@code id}: the same for every driver, so every driver does the same work. */
final class Rows {

    /** Distinct values of the hot table's {@code code} ({@code lookup-hot}). */
    static final int HOT_VALUES = 100;
    /** Encrypted columns of the wide table ({@code wide-row}, {@code scan-1000}). */
    static final int WIDE_COLUMNS = 10;

    private Rows() {
    }

    static String ssn(long id) {
        return "SSN-" + (100_000_000L + id);
    }

    static String name(long id) {
        return "Patient Number " + id;
    }

    static String email(long id) {
        return "patient" + id + "@example.org";
    }

    /** The name {@code update} writes. */
    static String renamed(long id) {
        return "Renamed Patient " + id;
    }

    /** Column {@code column} (1 to {@link #WIDE_COLUMNS}) of wide row {@code id}. */
    static String wide(long id, int column) {
        return "Value " + column + " of row " + id;
    }

    /** One of {@link #HOT_VALUES} codes; row {@code id} of the hot table holds {@code hot(id)}. */
    static String hot(long id) {
        return "HOT-CODE-" + (1_000 + id % HOT_VALUES);
    }

    static void bindPatient(PreparedStatement insert, long id) throws SQLException {
        insert.setLong(1, id);
        insert.setString(2, ssn(id));
        insert.setString(3, name(id));
        insert.setString(4, email(id));
    }
}
