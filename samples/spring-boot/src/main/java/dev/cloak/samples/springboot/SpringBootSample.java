package dev.cloak.samples.springboot;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.math.BigDecimal;
import java.util.UUID;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring Boot application on Cloak: the dependency {@code cloak-spring-boot-starter} and
 * {@code cloak.config=classpath:cloak.yaml} (see {@code application.properties}); the data source is configured as
 * without Cloak. JdbcTemplate, Spring Data JPA and Hibernate run unchanged.
 * Runs on an in-memory H2 database, or on PostgreSQL when {@code CLOAK_TEST_POSTGRES_URL} is set.
 */
@SpringBootApplication
public class SpringBootSample {

    /** Creates the table, starts the application, stores a patient and finds her by her encrypted SSN. */
    public static void main(String[] args) throws SQLException {
        String url = System.getenv().getOrDefault("CLOAK_TEST_POSTGRES_URL", "jdbc:h2:mem:clinic;DB_CLOSE_DELAY=-1");
        createTable(url, true);
        try (ConfigurableApplicationContext app = SpringApplication.run(SpringBootSample.class,
                "--spring.datasource.url=" + url)) {
            PatientRepository patients = app.getBean(PatientRepository.class);
            patients.save(new Patient(1L, "900-12-3456", "Ada Lovelace", LocalDate.of(1815, 12, 10),
                    new BigDecimal("1234.50"), 3, UUID.randomUUID()));
            System.out.println("Found by SSN (Spring Data): "
                    + patients.findBySsn("900-12-3456").map(Patient::getName).orElse(null));
            System.out.println("Found by SSN (JdbcTemplate): "
                    + app.getBean(PatientDirectory.class).namesBySsn("900-12-3456"));
        }
    }

    /**
     * Creates {@code boot_patients} through the plain driver: binary columns where Cloak stores ciphertext
     * ({@code encrypted}), or the logical types for an application without Cloak. This version of Cloak does
     * not rewrite DDL, so the schema is made here and Hibernate only validates it.
     */
    public static void createTable(String url, boolean encrypted) throws SQLException {
        String binary = url.startsWith("jdbc:postgresql:") ? "BYTEA" : "VARBINARY";
        try (Connection raw = DriverManager.getConnection(url); Statement ddl = raw.createStatement()) {
            ddl.execute("DROP TABLE IF EXISTS boot_patients");
            ddl.execute("CREATE TABLE boot_patients (id BIGINT PRIMARY KEY"
                    + ", ssn " + (encrypted ? binary : "VARCHAR(255)")
                    + ", name " + (encrypted ? binary : "VARCHAR(255)")
                    + ", dob " + (encrypted ? binary : "DATE")
                    + ", balance " + (encrypted ? binary : "NUMERIC(12,2)")
                    + ", visits " + (encrypted ? binary : "INTEGER")
                    + ", card_id " + (encrypted ? binary : "UUID") + ")");
        }
    }
}
