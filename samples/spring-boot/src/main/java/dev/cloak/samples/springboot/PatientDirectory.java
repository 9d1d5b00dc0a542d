package dev.cloak.samples.springboot;

import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/** Plain SQL through {@link JdbcTemplate} and {@link NamedParameterJdbcTemplate} on the encrypted table. */
@Repository
public class PatientDirectory {

    private final JdbcTemplate jdbc;
    private final NamedParameterJdbcTemplate named;

    public PatientDirectory(JdbcTemplate jdbc, NamedParameterJdbcTemplate named) {
        this.jdbc = jdbc;
        this.named = named;
    }

    /** Inserts a patient with a name, SSN and visit count; every value but the id is encrypted by Cloak. */
    public int add(long id, String ssn, String name, Object visits) {
        return jdbc.update("INSERT INTO boot_patients (id, ssn, name, visits) VALUES (?, ?, ?, ?)",
                id, ssn, name, visits);
    }

    /** The names of the patients with this SSN (JdbcTemplate, positional parameter). */
    public List<String> namesBySsn(String ssn) {
        return jdbc.queryForList("SELECT name FROM boot_patients WHERE ssn = ?", String.class, ssn);
    }

    /** The visit counts of the patients with one of these SSNs (named parameters; IN works on deterministic ones). */
    public List<Integer> visitsBySsns(List<String> ssns) {
        return named.queryForList("SELECT visits FROM boot_patients WHERE ssn IN (:ssns) ORDER BY id",
                Map.of("ssns", ssns), Integer.class);
    }

    /** Renames the patient with this SSN (named parameters). */
    public int rename(String ssn, String name) {
        return named.update("UPDATE boot_patients SET name = :name WHERE ssn = :ssn", Map.of("name", name, "ssn", ssn));
    }

    /** Names sorted alphabetically: Cloak refuses this, as ORDER BY on an encrypted column cannot work. */
    public List<String> namesInOrder() {
        return jdbc.queryForList("SELECT name FROM boot_patients ORDER BY name", String.class);
    }
}
