package dev.cloak.conformance;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A second login user of a test database, with a name unique to this run, created through the fixture's raw
 * connection and dropped when closed: PostgreSQL {@code CREATE ROLE … LOGIN}, MariaDB {@code CREATE USER} for
 * {@code '%'} and {@code 'localhost'} (so no anonymous {@code ''@localhost} account takes its logins), H2
 * {@code CREATE USER}.
 */
final class DatabaseUser implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final String PASSWORD = "Cloak-test-pw-1";

    private final Fixture fx;
    private final String name;

    private DatabaseUser(Fixture fx, String name) {
        this.fx = fx;
        this.name = name;
    }

    /** Creates a user named {@code base_N_RANDOM} (lower case, unquoted) on the fixture's database. */
    static DatabaseUser create(Fixture fx, String base) throws SQLException {
        String name = base + "_" + COUNTER.incrementAndGet() + "_" + ThreadLocalRandom.current().nextInt(10_000, 100_000);
        DatabaseUser user = new DatabaseUser(fx, name);
        switch (fx.db()) {
            case POSTGRESQL -> fx.rawExecute("CREATE ROLE " + name + " LOGIN PASSWORD '" + PASSWORD + "'");
            case MARIADB -> fx.rawExecute("CREATE USER '" + name + "'@'%' IDENTIFIED BY '" + PASSWORD + "'",
                    "CREATE USER '" + name + "'@'localhost' IDENTIFIED BY '" + PASSWORD + "'");
            case H2 -> fx.rawExecute("CREATE USER " + name + " PASSWORD '" + PASSWORD + "'");
        }
        return user;
    }

    /** The user's name as created (unquoted, lower case; H2 and PostgreSQL fold it as they do). */
    String name() {
        return name;
    }

    /** Lets the user read and write {@code table}. */
    void grantAllOn(String table) throws SQLException {
        switch (fx.db()) {
            case POSTGRESQL, H2 -> fx.rawExecute("GRANT SELECT, INSERT, UPDATE, DELETE ON " + table + " TO " + name);
            case MARIADB -> fx.rawExecute("GRANT SELECT, INSERT, UPDATE, DELETE ON " + table + " TO '" + name + "'@'%'",
                    "GRANT SELECT, INSERT, UPDATE, DELETE ON " + table + " TO '" + name + "'@'localhost'");
        }
    }

    /** The fixture's raw URL, logging in as this user instead. */
    String rawUrl() {
        String url = fx.db().rawUrl();
        if (fx.db() == TestDatabase.H2) {
            // database settings such as DB_CLOSE_DELAY take admin rights; the database is open already
            int settings = url.indexOf(';');
            return (settings < 0 ? url : url.substring(0, settings)) + ";USER=" + name + ";PASSWORD=" + PASSWORD;
        }
        int query = url.indexOf('?');
        List<String> parameters = new ArrayList<>();
        if (query >= 0) {
            for (String parameter : url.substring(query + 1).split("&")) {
                String key = parameter.contains("=") ? parameter.substring(0, parameter.indexOf('=')) : parameter;
                if (!key.equalsIgnoreCase("user") && !key.equalsIgnoreCase("password") && !parameter.isEmpty()) {
                    parameters.add(parameter);
                }
            }
        }
        parameters.add("user=" + name);
        parameters.add("password=" + PASSWORD);
        return (query >= 0 ? url.substring(0, query) : url) + "?" + String.join("&", parameters);
    }

    /** Drops the user (and, on PostgreSQL, the privileges it holds in this database). */
    @Override
    public void close() throws SQLException {
        Connection raw = fx.raw();
        try (Statement st = raw.createStatement()) {
            switch (fx.db()) {
                case POSTGRESQL -> {
                    st.execute("DROP OWNED BY " + name);
                    st.execute("DROP ROLE " + name);
                }
                case MARIADB -> st.execute("DROP USER '" + name + "'@'%', '" + name + "'@'localhost'");
                case H2 -> st.execute("DROP USER " + name);
            }
        }
    }
}
