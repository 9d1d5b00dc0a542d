package dev.cloak.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.spring.boot.app.StarterTestApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Health probes read the last background check: however often they come, the KMS is not asked once more. */
@SpringBootTest(classes = StarterTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "management.endpoint.health.show-details=always",
        "cloak.health.check-interval=1h"})
class HealthProbeTest {

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        String url = StarterDatabase.H2.url();
        StarterDatabase.H2.createTable(url, "starter_probe");
        String policy = StarterDatabase.H2.policyFile("starter_probe", null, "test-kms");
        registry.add("spring.datasource.url", () -> url);
        registry.add("cloak.config", () -> policy);
    }

    @Test
    void healthProbesNeverCallTheMasterKey() {
        Actuator actuator = new Actuator(port);
        assertThat(actuator.healthOnceChecked().<String>read("$.components.cloak.details.masterKey.status"))
                .isEqualTo("UP");
        int calls = TestKms.calls();

        for (int i = 0; i < 20; i++) {
            assertThat(actuator.get("/actuator/health").<String>read("$.components.cloak.status")).isEqualTo("UP");
        }

        assertThat(TestKms.calls()).isEqualTo(calls);
    }
}
