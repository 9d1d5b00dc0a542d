package dev.cloak.spring.boot;

import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A production profile with a development key, on PostgreSQL when {@code CLOAK_TEST_POSTGRES_URL} names one. */
class ProductionProfileOnPostgresqlTest extends ProductionProfileTests {

    @BeforeAll
    static void requirePostgresql() {
        StarterDatabase.POSTGRESQL.url(); // aborts with one loud line when no PostgreSQL is configured
    }

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        configure(StarterDatabase.POSTGRESQL, registry);
    }

    @AfterAll
    static void dropTable() throws SQLException {
        String url = System.getenv("CLOAK_TEST_POSTGRES_URL");
        if (url != null && !url.isBlank()) {
            StarterDatabase.dropTable(url, TABLE);
        }
    }
}
