package dev.cloak.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.spring.boot.app.StarterTestApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * An application in profile {@code prod} whose policy has a development ({@code local:}) master key, with only
 * properties, run by one subclass per database: Cloak's health, and so the application's, is DOWN.
 */
@SpringBootTest(classes = StarterTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "management.endpoint.health.show-details=always",
        "management.endpoints.web.exposure.include=health"})
@ActiveProfiles("prod")
abstract class ProductionProfileTests {

    static final String TABLE = "starter_prod";

    @LocalServerPort
    int port;

    static void configure(StarterDatabase db, DynamicPropertyRegistry registry) {
        String url = db.url();
        db.createTable(url, TABLE);
        String policy = db.policyFile(TABLE, null);
        registry.add("spring.datasource.url", () -> url);
        registry.add("cloak.config", () -> policy);
    }

    @Test
    void developmentMasterKeyInAProductionProfileIsDown() {
        Actuator.Answer health = new Actuator(port).get("/actuator/health");

        assertThat(health.status()).isEqualTo(503);
        assertThat(health.<String>read("$.status")).isEqualTo("DOWN");
        assertThat(health.<String>read("$.components.cloak.status")).isEqualTo("DOWN");
        assertThat(health.<Boolean>read("$.components.cloak.details.masterKey.development")).isTrue();
        assertThat(health.<String>read("$.components.cloak.details.developmentKey"))
                .contains("profile [prod]").contains("cloak.health.allow-development-key=true");
    }
}
