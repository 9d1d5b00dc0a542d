package dev.cloak.spring.boot;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A production profile with a development key, on an embedded H2 database. */
class ProductionProfileOnH2Test extends ProductionProfileTests {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        configure(StarterDatabase.H2, registry);
    }
}
