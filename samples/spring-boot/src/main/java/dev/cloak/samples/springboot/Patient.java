package dev.cloak.samples.springboot;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.UUID;

/**
 * A patient, an ordinary JPA entity: nothing in it knows about Cloak. The policy {@code cloak.yaml} encrypts
 * every field but the id: {@code ssn} and {@code cardId} deterministically (searchable by equality), the
 * others randomized.
 */
@Entity
@Table(name = "boot_patients")
public class Patient {

    @Id
    private Long id;

    private String ssn;

    private String name;

    private LocalDate dob;

    @Column(precision = 12, scale = 2)
    private BigDecimal balance;

    private Integer visits;

    private UUID cardId;

    /** For JPA. */
    protected Patient() {
    }

    /** A new patient with every field set. */
    public Patient(Long id, String ssn, String name, LocalDate dob, BigDecimal balance, Integer visits, UUID cardId) {
        this.id = id;
        this.ssn = ssn;
        this.name = name;
        this.dob = dob;
        this.balance = balance;
        this.visits = visits;
        this.cardId = cardId;
    }

    public Long getId() {
        return id;
    }

    public String getSsn() {
        return ssn;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public LocalDate getDob() {
        return dob;
    }

    public BigDecimal getBalance() {
        return balance;
    }

    public void setBalance(BigDecimal balance) {
        this.balance = balance;
    }

    public Integer getVisits() {
        return visits;
    }

    public void setVisits(Integer visits) {
        this.visits = visits;
    }

    public UUID getCardId() {
        return cardId;
    }

    /** The fields as one comparable line (for tests and the demo output); not for logs of real data. */
    public String describe() {
        // A new entity keeps the scale it was given (1234.5); one read back has the column's (1234.50, also through
        // Cloak, whose policy declares scale: 2). Compare the numbers.
        String amount = balance == null ? null : balance.stripTrailingZeros().toPlainString();
        return id + "|" + ssn + "|" + name + "|" + dob + "|" + amount + "|" + visits + "|" + cardId;
    }

    @Override
    public String toString() {
        return "Patient[" + id + "]"; // no personal data in toString(): it ends up in logs
    }
}
