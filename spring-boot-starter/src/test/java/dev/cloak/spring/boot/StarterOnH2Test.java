package dev.cloak.spring.boot;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The starter on an embedded H2 database. */
class StarterOnH2Test extends StarterTests {

    private static String url;
    private static String policy;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        String[] configured = configure(StarterDatabase.H2, registry);
        url = configured[0];
        policy = configured[1];
    }

    @Override
    StarterDatabase database() {
        return StarterDatabase.H2;
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
