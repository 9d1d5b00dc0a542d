package dev.cloak.samples.springboot;

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

    @Override
    String rawUrl() {
        return url;
    }
}
