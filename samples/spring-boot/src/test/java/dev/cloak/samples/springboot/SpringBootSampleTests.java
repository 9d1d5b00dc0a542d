package dev.cloak.samples.springboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.NonTransientDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.data.domain.Sort;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The Spring Boot sample's behaviour through Cloak, run by one subclass per database: JdbcTemplate,
 * NamedParameterJdbcTemplate and Spring Data JPA on encrypted columns, refused queries and exception translation.
 */
abstract class SpringBootSampleTests {

    private static final UUID CARD = UUID.fromString("2f1c7a4e-9a51-4c1e-8f43-6f1b1d2a9c01");

    @Autowired
    PatientRepository patients;

    @Autowired
    PatientDirectory directory;

    /** The raw URL of the database under test. */
    abstract String rawUrl();

    /** Creates the binary-column table through the plain driver and points the application, and Cloak, at it. */
    static String configure(SampleDatabase db, DynamicPropertyRegistry registry) {
        String url = db.url();
        try {
            SpringBootSample.createTable(url, true);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        registry.add("spring.datasource.url", () -> url);
        registry.add("cloak.config", db::policyLocation);
        return url;
    }

    @BeforeEach
    void emptyTable() {
        patients.deleteAllInBatch();
    }

    @Test
    void jdbcTemplateInsertsAndFindsByEncryptedSsn() {
        directory.add(1, "900-12-3456", "Ada Lovelace", 3);
        directory.add(2, "900-23-4567", "Alan Turing", 11);

        assertThat(directory.namesBySsn("900-23-4567")).containsExactly("Alan Turing");
    }

    @Test
    void namedParameterJdbcTemplateUpdatesAndFindsWithInList() {
        directory.add(1, "900-12-3456", "Ada Lovelace", 3);
        directory.add(2, "900-23-4567", "Alan Turing", 11);

        assertThat(directory.rename("900-12-3456", "Augusta Ada King")).isEqualTo(1);
        assertThat(directory.visitsBySsns(List.of("900-12-3456", "900-23-4567"))).containsExactly(3, 11);
        assertThat(directory.namesBySsn("900-12-3456")).containsExactly("Augusta Ada King");
    }

    @Test
    void repositorySavesLoadsUpdatesAndDeletesEncryptedFields() {
        Patient ada = new Patient(1L, "900-12-3456", "Ada Lovelace", LocalDate.of(1815, 12, 10), new BigDecimal("1234.5"), 3, CARD);
        patients.save(ada);

        assertThat(patients.findById(1L)).get().extracting(Patient::describe).isEqualTo(ada.describe());
        Patient loaded = patients.findById(1L).orElseThrow();
        loaded.setName("Augusta Ada King");
        loaded.setBalance(new BigDecimal("-0.5"));
        patients.save(loaded);
        assertThat(patients.findById(1L)).get().extracting(Patient::getName, Patient::getBalance)
                .containsExactly("Augusta Ada King", new BigDecimal("-0.50")); // at the policy's scale: 2, as NUMERIC(12,2)
        patients.deleteById(1L);
        assertThat(patients.findById(1L)).isEmpty();
    }

    @Test
    void derivedQueryFindsByDeterministicSsnAndJpqlByCard() {
        patients.save(new Patient(1L, "900-12-3456", "Ada Lovelace", LocalDate.of(1815, 12, 10), null, 3, CARD));
        patients.save(new Patient(2L, "900-23-4567", "Alan Turing", null, null, null, null));

        assertThat(patients.findBySsn("900-23-4567")).get().extracting(Patient::getName).isEqualTo("Alan Turing");
        assertThat(patients.findBySsn("000-00-0000")).isEmpty();
        assertThat(patients.findByCard(CARD)).extracting(Patient::getName).containsExactly("Ada Lovelace");
    }

    @Test
    void containingOnRandomizedNameFailsWithCloaksMessage() {
        assertRefusedByCloak(() -> patients.findByNameContaining("Ada"), "boot_patients.name");
    }

    @Test
    void sortingByAnEncryptedFieldFailsWithCloaksMessage() {
        assertRefusedByCloak(() -> patients.findAllByOrderByDobAsc(), "boot_patients.dob");
        assertRefusedByCloak(() -> patients.findAll(Sort.by("name")), "boot_patients.name");
        assertRefusedByCloak(() -> directory.namesInOrder(), "boot_patients.name");
    }

    @Test
    void valueThatDoesNotConvertToTheColumnTypeIsANonTransientDataError() {
        assertThatThrownBy(() -> directory.add(1, "900-12-3456", "Ada Lovelace", "three"))
                .isInstanceOf(NonTransientDataAccessException.class)
                .isNotInstanceOf(TransientDataAccessException.class)
                .satisfies(e -> assertThat(sqlStateOf(e)).isEqualTo("22018"))
                .satisfies(e -> assertThat(e).hasStackTraceContaining("boot_patients.visits"))
                .satisfies(e -> assertThat(stackTraceOf(e)).doesNotContain("three"));
    }

    @Test
    void storedRowsHoldNoPlaintext() throws SQLException {
        patients.save(new Patient(1L, "900-12-3456", "Ada Lovelace", LocalDate.of(1815, 12, 10), new BigDecimal("1234.5"), 3, CARD));
        directory.add(2, "900-23-4567", "Alan Turing", 11);

        List<byte[]> cells = SampleDatabase.rawCells(rawUrl(), "ssn", "name");

        assertThat(cells).hasSize(4).allSatisfy(cell -> {
            assertThat(cell).startsWith(0x01);
            for (String plaintext : List.of("900-12-3456", "Ada Lovelace", "900-23-4567", "Alan Turing")) {
                assertThat(SampleDatabase.contains(cell, plaintext)).as("a cell holds a plaintext").isFalse();
            }
        });
    }

    /** Spring translates Cloak's 0A000 to a non-transient exception whose chain carries Cloak's message. */
    private static void assertRefusedByCloak(ThrowingCallable query, String column) {
        assertThatThrownBy(query)
                .isInstanceOf(NonTransientDataAccessException.class)
                .isNotInstanceOf(TransientDataAccessException.class)
                .satisfies(e -> assertThat(sqlStateOf(e)).as(stackTraceOf(e)).isEqualTo("0A000"))
                .satisfies(e -> assertThat(e).hasStackTraceContaining(column).hasStackTraceContaining("not supported"));
    }

    private static String sqlStateOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql.getSQLState();
            }
        }
        return null;
    }

    private static String stackTraceOf(Throwable e) {
        java.io.StringWriter out = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }
}
