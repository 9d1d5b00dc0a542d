package dev.cloak.spring.boot;

import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The starter on PostgreSQL, when {@code CLOAK_TEST_POSTGRES_URL} names one. */
class StarterOnPostgresqlTest extends StarterTests {

    private static String url;
    private static String policy;

    @BeforeAll
    static void requirePostgresql() {
        StarterDatabase.POSTGRESQL.url(); // aborts with one loud line when no PostgreSQL is configured
    }

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        String[] configured = configure(StarterDatabase.POSTGRESQL, registry);
        url = configured[0];
        policy = configured[1];
    }

    @AfterAll
    static void dropTable() throws SQLException {
        if (url != null) {
            StarterDatabase.dropTable(url, TABLE);
        }
    }

    @Override
    StarterDatabase database() {
        return StarterDatabase.POSTGRESQL;
    }

    @Override
    String rawUrl() {
        return url;
    }

    @Override
    String policyLocation() {
        return policy;
    }
}
