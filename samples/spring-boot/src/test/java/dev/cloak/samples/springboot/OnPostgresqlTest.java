package dev.cloak.samples.springboot;

import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The Spring Boot sample through Cloak on PostgreSQL, when {@code CLOAK_TEST_POSTGRES_URL} names one. */
@SpringBootTest
class OnPostgresqlTest extends SpringBootSampleTests {

    private static String url;

    @BeforeAll
    static void requirePostgresql() {
        SampleDatabase.POSTGRESQL.url(); // aborts with one loud line when no PostgreSQL is configured
    }

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        url = configure(SampleDatabase.POSTGRESQL, registry);
    }

    @AfterAll
    static void dropTable() throws SQLException {
        if (url != null) {
            SampleDatabase.dropTable(url);
        }
    }

    @Override
    String rawUrl() {
        return url;
    }
}
