package dev.cloak.samples.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.criteria.CriteriaBuilder;
import jakarta.persistence.criteria.CriteriaQuery;
import jakarta.persistence.criteria.Root;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Hibernate 7 through Cloak: CRUD and lookups on encrypted fields, refused queries, schema validation. */
class HibernateSampleTest {

    private static final UUID CARD = UUID.fromString("2f1c7a4e-9a51-4c1e-8f43-6f1b1d2a9c01");
    private static final Patient ADA = new Patient(1L, "900-12-3456", "Ada Lovelace", LocalDate.of(1815, 12, 10),
            new BigDecimal("1234.50"), 3, CARD);
    private static final Patient ALAN = new Patient(2L, "900-23-4567", "Alan Turing", LocalDate.of(1912, 6, 23),
            new BigDecimal("-17.25"), 11, UUID.fromString("7d4f0c2b-1e3a-4b5c-9d6e-0a1b2c3d4e5f"));

    @TempDir
    Path dir;

    private String url;
    private HikariDataSource pool;
    private EntityManagerFactory jpa;

    private void open(SampleDatabase db) throws Exception {
        url = db.url();
        HibernateApp.createTable(url, true);
        pool = HibernateApp.pool(HibernateApp.cloakUrl(url), db.cloakSettings(dir));
        jpa = HibernateApp.entityManagerFactory(pool, "validate");
    }

    @AfterEach
    void close() throws SQLException {
        if (jpa != null) {
            jpa.close();
        }
        if (pool != null) {
            pool.close();
        }
        if (url != null) {
            SampleDatabase.dropTable(url);
        }
    }

    @ParameterizedTest
    @EnumSource(SampleDatabase.class)
    void savedPatientLoadsWithEveryEncryptedFieldIntact(SampleDatabase db) throws Exception {
        open(db);
        inTransaction(em -> em.persist(copy(ADA)));

        Patient loaded = read(em -> em.find(Patient.class, 1L));

        assertThat(loaded.describe()).isEqualTo(ADA.describe());
    }

    @ParameterizedTest
    @EnumSource(SampleDatabase.class)
    void updatedFieldsAreReadBackAndDeletedPatientIsGone(SampleDatabase db) throws Exception {
        open(db);
        inTransaction(em -> {
            em.persist(copy(ADA));
            em.persist(copy(ALAN));
        });

        inTransaction(em -> {
            Patient ada = em.find(Patient.class, 1L);
            ada.setName("Augusta Ada King");
            ada.setBalance(new BigDecimal("99.99"));
            ada.setVisits(null);
        });
        inTransaction(em -> em.remove(em.find(Patient.class, 2L)));

        Patient ada = read(em -> em.find(Patient.class, 1L));
        assertThat(ada.getName()).isEqualTo("Augusta Ada King");
        assertThat(ada.getBalance()).isEqualByComparingTo("99.99");
        assertThat(ada.getVisits()).isNull();
        Patient alan = read(em -> em.find(Patient.class, 2L));
        assertThat(alan).isNull();
    }

    @ParameterizedTest
    @EnumSource(SampleDatabase.class)
    void patientIsFoundByDeterministicSsnThroughJpql(SampleDatabase db) throws Exception {
        open(db);
        inTransaction(em -> {
            em.persist(copy(ADA));
            em.persist(copy(ALAN));
        });

        List<Patient> found = read(em -> em.createQuery("select p from Patient p where p.ssn = :ssn", Patient.class)
                .setParameter("ssn", "900-23-4567").getResultList());

        assertThat(found).extracting(Patient::getName).containsExactly("Alan Turing");
    }

    @ParameterizedTest
    @EnumSource(SampleDatabase.class)
    void patientIsFoundByDeterministicSsnAndCardThroughCriteria(SampleDatabase db) throws Exception {
        open(db);
        inTransaction(em -> {
            em.persist(copy(ADA));
            em.persist(copy(ALAN));
        });

        List<Patient> found = read(em -> {
            CriteriaBuilder cb = em.getCriteriaBuilder();
            CriteriaQuery<Patient> query = cb.createQuery(Patient.class);
            Root<Patient> p = query.from(Patient.class);
            query.select(p).where(cb.equal(p.get("ssn"), "900-12-3456"), cb.equal(p.get("cardId"), CARD));
            return em.createQuery(query).getResultList();
        });

        assertThat(found).extracting(Patient::getName).containsExactly("Ada Lovelace");
    }

    @ParameterizedTest
    @EnumSource(SampleDatabase.class)
    void likeOnRandomizedNameFailsWithCloaksMessage(SampleDatabase db) throws Exception {
        open(db);

        assertThatThrownBy(() -> read(em -> em.createQuery("select p from Patient p where p.name like :n", Patient.class)
                .setParameter("n", "%Ada%").getResultList()))
                .rootCause()
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("jpa_patients.name")
                .hasMessageContaining("LIKE")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000"));
    }

    @ParameterizedTest
    @EnumSource(SampleDatabase.class)
    void sortingByAnEncryptedFieldFailsWithCloaksMessage(SampleDatabase db) throws Exception {
        open(db);

        assertThatThrownBy(() -> read(em -> em.createQuery("select p from Patient p order by p.dob", Patient.class)
                .getResultList()))
                .rootCause()
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("ORDER BY")
                .hasMessageContaining("jpa_patients.dob")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000"));
    }

    @ParameterizedTest
    @EnumSource(SampleDatabase.class)
    void storedRowsHoldNoPlaintextAndEveryCellIsACloakCell(SampleDatabase db) throws Exception {
        open(db);
        inTransaction(em -> {
            em.persist(copy(ADA));
            em.persist(copy(ALAN));
        });

        List<byte[]> cells = SampleDatabase.rawCells(url, "ssn", "name", "dob", "balance", "visits", "card_id");

        assertThat(cells).hasSize(12).allSatisfy(cell -> {
            assertThat(cell).as("format byte").startsWith(0x01);
            for (String plaintext : List.of("900-12-3456", "Ada Lovelace", "900-23-4567", "Alan Turing", "1234.50", "1815")) {
                assertThat(SampleDatabase.contains(cell, plaintext)).as("a cell holds %s", "a plaintext").isFalse();
            }
        });
    }

    @ParameterizedTest
    @EnumSource(SampleDatabase.class)
    void validateFailsWhenAnEntityColumnIsMissing(SampleDatabase db) throws Exception {
        open(db);
        try (var raw = java.sql.DriverManager.getConnection(url); var ddl = raw.createStatement()) {
            ddl.execute("ALTER TABLE jpa_patients DROP COLUMN visits");
        }

        assertThatThrownBy(() -> HibernateApp.entityManagerFactory(pool, "validate").close())
                .hasStackTraceContaining("visits");
    }

    @ParameterizedTest
    @EnumSource(SampleDatabase.class)
    void createSchemaThroughCloakMakesBinaryColumnsThatValidate(SampleDatabase db) throws Exception {
        url = db.url();
        SampleDatabase.dropTable(url);
        pool = HibernateApp.pool(HibernateApp.cloakUrl(url), db.cloakSettings(dir));
        try (EntityManagerFactory created = HibernateApp.entityManagerFactory(pool, "create")) {
            jpa = null;
        }
        jpa = HibernateApp.entityManagerFactory(pool, "validate");
        inTransaction(em -> em.persist(copy(ADA)));

        Patient loaded = read(em -> em.find(Patient.class, 1L));
        assertThat(loaded.describe()).isEqualTo(ADA.describe());
        assertThat(SampleDatabase.rawCells(url, "ssn")).singleElement()
                .satisfies(cell -> assertThat(cell).startsWith(0x01, 0x02));
    }

    private void inTransaction(Consumer<EntityManager> work) {
        EntityManager em = jpa.createEntityManager();
        try {
            em.getTransaction().begin();
            work.accept(em);
            em.getTransaction().commit();
        } finally {
            if (em.getTransaction().isActive()) {
                em.getTransaction().rollback();
            }
            em.close();
        }
    }

    private <T> T read(Function<EntityManager, T> query) {
        EntityManager em = jpa.createEntityManager();
        try {
            return query.apply(em);
        } finally {
            em.close();
        }
    }

    static Patient copy(Patient p) {
        return new Patient(p.getId(), p.getSsn(), p.getName(), p.getDob(), p.getBalance(), p.getVisits(), p.getCardId());
    }
}
