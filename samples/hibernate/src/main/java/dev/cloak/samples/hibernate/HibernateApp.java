package dev.cloak.samples.hibernate;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.jpa.HibernatePersistenceConfiguration;

/**
 * Plain JPA (Hibernate 7) over a HikariCP pool whose JDBC URL starts with {@code jdbc:cloak:}. The entity,
 * the queries and the pool are what they would be without Cloak; the policy {@code cloak.yaml} on the
 * classpath says which columns are encrypted. Runs on an in-memory H2 database, or on PostgreSQL when
 * {@code CLOAK_TEST_POSTGRES_URL} is set.
 */
public final class HibernateApp {

    private HibernateApp() {
    }

    /** Creates the table, stores a patient and finds her by her encrypted SSN. */
    public static void main(String[] args) throws SQLException {
        String url = System.getenv().getOrDefault("CLOAK_TEST_POSTGRES_URL", "jdbc:h2:mem:hibernate;DB_CLOSE_DELAY=-1");
        createTable(url, true);
        try (HikariDataSource pool = pool(cloakUrl(url), Map.of());
             EntityManagerFactory jpa = entityManagerFactory(pool, "validate")) {
            EntityManager em = jpa.createEntityManager();
            em.getTransaction().begin();
            em.persist(new Patient(1L, "900-12-3456", "Ada Lovelace", LocalDate.of(1815, 12, 10),
                    new BigDecimal("1234.50"), 3, UUID.randomUUID()));
            em.getTransaction().commit();
            Patient found = em.createQuery("select p from Patient p where p.ssn = :ssn", Patient.class)
                    .setParameter("ssn", "900-12-3456").getSingleResult();
            System.out.println("Found by SSN: " + found.getName());
            em.close();
        }
    }

    /** The only change an application makes: "jdbc:" becomes "jdbc:cloak:". */
    public static String cloakUrl(String url) {
        return "jdbc:cloak:" + url.substring("jdbc:".length());
    }

    /**
     * A HikariCP pool over {@code jdbcUrl}. {@code cloakSettings} are Cloak's connection properties, such as
     * {@code cloak.config}; Hikari hands them to the driver, and Cloak removes them before the database sees them.
     */
    public static HikariDataSource pool(String jdbcUrl, Map<String, String> cloakSettings) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(4);
        config.setPoolName("cloak-hibernate-sample");
        // Hikari evicts a connection on SQLState 0A000; Cloak's refusals (0A000, never sent) leave it healthy.
        config.setExceptionOverrideClassName(dev.cloak.driver.hikari.CloakExceptionOverride.class.getName());
        cloakSettings.forEach(config::addDataSourceProperty);
        return new HikariDataSource(config);
    }

    /**
     * Hibernate over {@code dataSource}; {@code schemaAction} is {@code hibernate.hbm2ddl.auto} ({@code validate},
     * {@code create}…).
     */
    public static EntityManagerFactory entityManagerFactory(javax.sql.DataSource dataSource, String schemaAction) {
        return new HibernatePersistenceConfiguration("clinic")
                .managedClass(Patient.class)
                .property(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, dataSource)
                .property(AvailableSettings.HBM2DDL_AUTO, schemaAction)
                .createEntityManagerFactory();
    }

    /**
     * Creates {@code jpa_patients} through the plain driver: binary columns where Cloak stores ciphertext
     * ({@code encrypted}), or the logical types for an application without Cloak.
     */
    public static void createTable(String url, boolean encrypted) throws SQLException {
        boolean postgres = url.startsWith("jdbc:postgresql:");
        String binary = postgres ? "BYTEA" : "VARBINARY";
        String text = encrypted ? binary : "VARCHAR(255)";
        try (Connection raw = DriverManager.getConnection(url); Statement ddl = raw.createStatement()) {
            ddl.execute("DROP TABLE IF EXISTS jpa_patients");
            ddl.execute("CREATE TABLE jpa_patients (id BIGINT PRIMARY KEY, ssn " + text + ", name " + text
                    + ", dob " + (encrypted ? binary : "DATE")
                    + ", balance " + (encrypted ? binary : "NUMERIC(12,2)")
                    + ", visits " + (encrypted ? binary : "INTEGER")
                    + ", card_id " + (encrypted ? binary : "UUID") + ")");
        }
    }
}
