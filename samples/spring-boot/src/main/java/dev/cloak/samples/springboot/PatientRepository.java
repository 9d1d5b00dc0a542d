package dev.cloak.samples.springboot;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/** Spring Data repository of patients: derived queries and JPQL, written as if nothing were encrypted. */
public interface PatientRepository extends JpaRepository<Patient, Long> {

    /** Equality on a deterministic column: Cloak encrypts the parameter and the database compares ciphertexts. */
    Optional<Patient> findBySsn(String ssn);

    /** The same through JPQL, on the deterministic UUID column. */
    @Query("select p from Patient p where p.cardId = :card")
    List<Patient> findByCard(@Param("card") UUID card);

    /** LIKE on the randomized {@code name}: Cloak refuses it (SQLState 0A000) before it reaches the database. */
    List<Patient> findByNameContaining(String part);

    /** ORDER BY an encrypted column: refused too, ciphertexts are not ordered. */
    List<Patient> findAllByOrderByDobAsc();
}
