package dev.cloak.samples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.DriverManager;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The same Spring workload twice: the application with Cloak switched off ({@code cloak.enabled=false}) and nothing
 * encrypted, and with Cloak's starter and every sensitive field encrypted. The application must not be able to tell
 * the difference.
 */
class SpringTransparencyTest {

    @ParameterizedTest
    @EnumSource(SampleDatabase.class)
    void workloadGivesTheSameResultsWithAndWithoutCloak(SampleDatabase db) throws Exception {
        String url = db.url();

        SpringBootSample.createTable(url, false);
        List<String> plain = run("--spring.datasource.url=" + url, "--cloak.enabled=false",
                "--spring.datasource.driver-class-name=" + DriverManager.getDriver(url).getClass().getName());
        SpringBootSample.createTable(url, true);
        List<String> encrypted = run("--spring.datasource.url=" + url, "--cloak.config=" + db.policyLocation());
        List<byte[]> cells = SampleDatabase.rawCells(url, "ssn", "name");
        SampleDatabase.dropTable(url);

        assertThat(encrypted).isEqualTo(plain).hasSize(10);
        assertThat(cells).hasSize(4).allSatisfy(cell -> assertThat(SampleDatabase.contains(cell, "900-12-3456")).isFalse());
    }

    /** Starts the application with {@code args}, runs JdbcTemplate and repository calls, and returns what they saw. */
    private static List<String> run(String... args) {
        List<String> seen = new ArrayList<>();
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SpringBootSample.class).run(args)) {
            PatientRepository patients = app.getBean(PatientRepository.class);
            PatientDirectory directory = app.getBean(PatientDirectory.class);
            UUID card = UUID.fromString("0c9d1e2f-3a4b-4c5d-8e6f-708192a3b4c5");

            patients.save(new Patient(1L, "900-12-3456", "Ada Lovelace", LocalDate.of(1815, 12, 10), new BigDecimal("1234.5"), 3, card));
            patients.save(new Patient(2L, "900-23-4567", null, null, null, null, null));
            seen.add("inserted " + directory.add(3, "900-34-5678", "Grace Hopper", 7));
            seen.add(patients.findById(1L).map(Patient::describe).orElse("none"));
            seen.add(patients.findById(2L).map(Patient::describe).orElse("none"));
            seen.add("by ssn " + patients.findBySsn("900-34-5678").map(Patient::describe).orElse("none"));
            seen.add("by card " + patients.findByCard(card).stream().map(Patient::describe).toList());
            seen.add("jdbc " + directory.namesBySsn("900-12-3456"));
            seen.add("renamed " + directory.rename("900-34-5678", "Grace B. Hopper"));
            seen.add("named " + directory.visitsBySsns(List.of("900-12-3456", "900-34-5678", "000-00-0000")));
            patients.deleteById(2L);
            seen.add("after delete " + patients.findAll().stream().map(Patient::describe).sorted().toList());
            seen.add("count " + patients.count());
        }
        return seen;
    }
}
