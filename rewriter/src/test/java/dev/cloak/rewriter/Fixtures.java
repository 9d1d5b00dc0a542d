package dev.cloak.rewriter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;

/** The policy the rewriter tests share, and assertion helpers. */
final class Fixtures {

    static final EncryptedColumn SSN = new EncryptedColumn(null, "patients", "ssn", false, true, "patients.ssn");
    static final EncryptedColumn NAME = new EncryptedColumn(null, "patients", "name", false, false, "patients.name");
    static final EncryptedColumn DOB = new EncryptedColumn(null, "patients", "dob", false, false, "patients.dob");
    static final EncryptedColumn PATIENT_SSN =
            new EncryptedColumn(null, "visits", "patient_ssn", false, true, "patients.ssn");
    static final EncryptedColumn TOKEN = new EncryptedColumn(null, "Vault", "Token", true, true, "vault.token");
    static final EncryptedColumn PAN = new EncryptedColumn("billing", "cards", "pan", false, true, "cards.pan");

    static final EncryptedSchema SCHEMA = EncryptedSchema.of(List.of(SSN, NAME, DOB, PATIENT_SSN, TOKEN, PAN));

    private Fixtures() {
    }

    static SqlRewriter rewriter() {
        return new SqlRewriter(SCHEMA, 100);
    }

    static StatementPlan plan(String sql) throws UnsupportedStatementException {
        return rewriter().plan(sql);
    }

    /**
     * Plans for one dialect: double quotes and backquotes read differently across dialects, so on an unknown
     * dialect a text quoted with them is refused.
     */
    static StatementPlan plan(Dialect dialect, String sql) throws UnsupportedStatementException {
        return new SqlRewriter(SCHEMA, 100, dialect).plan(sql);
    }

    /** Asserts the rejection: its message names what it should, and holds no SQL literal. */
    static UnsupportedStatementException assertRejected(String sql, String... messageParts) {
        return assertRejected(null, sql, messageParts);
    }

    /** As {@link #assertRejected(String, String...)}, planned for {@code dialect}. */
    static UnsupportedStatementException assertRejected(Dialect dialect, String sql, String... messageParts) {
        UnsupportedStatementException rejection = catchThrowableOfType(UnsupportedStatementException.class,
                () -> new SqlRewriter(SCHEMA, 100, dialect).plan(sql));
        assertThat((Throwable) rejection).as("rejection of the statement").isNotNull();
        assertThat(rejection.getMessage()).contains(messageParts);
        assertThat(rejection.getMessage()).doesNotContain("SECRET-LITERAL", "123-45-6789", sql);
        return rejection;
    }
}
