package dev.cloak.samples.springboot;

import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The Spring Boot sample through Cloak on an embedded H2 database. */
@SpringBootTest
class OnH2Test extends SpringBootSampleTests {

    private static String url;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        url = configure(SampleDatabase.H2, registry);
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
