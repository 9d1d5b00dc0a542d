package dev.cloak.samples.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.criteria.CriteriaBuilder;
import jakarta.persistence.criteria.CriteriaQuery;
import jakarta.persistence.criteria.Root;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The same Hibernate workload twice: against the raw URL with nothing encrypted, and through Cloak with every
 * sensitive field encrypted. The application must not be able to tell the difference.
 */
class HibernateTransparencyTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(SampleDatabase.class)
    void workloadGivesTheSameResultsWithAndWithoutCloak(SampleDatabase db) throws Exception {
        String url = db.url();

        HibernateApp.createTable(url, false);
        List<String> plain = run(HibernateApp.pool(url, Map.of()));
        HibernateApp.createTable(url, true);
        List<String> encrypted = run(HibernateApp.pool(HibernateApp.cloakUrl(url), db.cloakSettings(dir)));
        List<byte[]> cells = SampleDatabase.rawCells(url, "ssn", "name");
        SampleDatabase.dropTable(url);

        assertThat(encrypted).isEqualTo(plain).hasSize(9);
        assertThat(cells).allSatisfy(cell -> assertThat(SampleDatabase.contains(cell, "900-12-3456")).isFalse());
    }

    /** Saves, loads, finds, updates and deletes; returns what the application saw at each step. */
    private static List<String> run(HikariDataSource pool) {
        List<String> seen = new ArrayList<>();
        try (pool; EntityManagerFactory jpa = HibernateApp.entityManagerFactory(pool, "validate")) {
            UUID card = UUID.fromString("0c9d1e2f-3a4b-4c5d-8e6f-708192a3b4c5");
            inTransaction(jpa, em -> {
                em.persist(new Patient(1L, "900-12-3456", "Ada Lovelace", LocalDate.of(1815, 12, 10), new BigDecimal("1234.5"), 3, card));
                em.persist(new Patient(2L, "900-23-4567", "Alan Turing", LocalDate.of(1912, 6, 23), new BigDecimal("-17.25"), 11, null));
                em.persist(new Patient(3L, "900-34-5678", null, null, null, null, null));
            });
            try (EntityManager em = jpa.createEntityManager()) {
                seen.add(em.find(Patient.class, 1L).describe());
                seen.add(em.find(Patient.class, 3L).describe());
                em.createQuery("select p from Patient p where p.ssn = :ssn", Patient.class).setParameter("ssn", "900-23-4567")
                        .getResultList().forEach(p -> seen.add("jpql " + p.describe()));
                em.createQuery("select p from Patient p where p.cardId = :card", Patient.class).setParameter("card", card)
                        .getResultList().forEach(p -> seen.add("card " + p.describe()));
                CriteriaBuilder cb = em.getCriteriaBuilder();
                CriteriaQuery<Patient> byNoName = cb.createQuery(Patient.class);
                Root<Patient> p = byNoName.from(Patient.class);
                byNoName.select(p).where(cb.isNull(p.get("name")));
                em.createQuery(byNoName).getResultList().forEach(x -> seen.add("criteria " + x.describe()));
                seen.add("ids " + em.createQuery("select p.id from Patient p order by p.id", Long.class).getResultList());
            }
            inTransaction(jpa, em -> {
                Patient alan = em.find(Patient.class, 2L);
                alan.setName("Alan M. Turing");
                alan.setVisits(12);
                em.remove(em.find(Patient.class, 3L));
            });
            try (EntityManager em = jpa.createEntityManager()) {
                seen.add(em.find(Patient.class, 2L).describe());
                seen.add(String.valueOf(em.find(Patient.class, 3L)));
                seen.add("ids " + em.createQuery("select p.id from Patient p order by p.id", Long.class).getResultList());
            }
        }
        return seen;
    }

    private static void inTransaction(EntityManagerFactory jpa, java.util.function.Consumer<EntityManager> work) {
        try (EntityManager em = jpa.createEntityManager()) {
            em.getTransaction().begin();
            work.accept(em);
            em.getTransaction().commit();
        }
    }
}
