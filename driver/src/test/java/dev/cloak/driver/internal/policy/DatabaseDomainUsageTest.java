package dev.cloak.driver.internal.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.EncryptionMode;
import dev.cloak.keyring.KeyringException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The question the keyring asks before it creates a key, answered from an H2 database. */
class DatabaseDomainUsageTest {

    private String url;

    @BeforeEach
    void database() throws SQLException {
        url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        execute("CREATE TABLE patients (id INT PRIMARY KEY, ssn VARBINARY(100))",
                "CREATE TABLE visits (id INT PRIMARY KEY, patient_ssn VARBINARY(100))",
                "CREATE SCHEMA tenant_a",
                "CREATE TABLE tenant_a.patients (id INT PRIMARY KEY, ssn VARBINARY(100))",
                "CREATE TABLE \"Mixed\" (id INT PRIMARY KEY, \"Ssn\" VARBINARY(100))");
    }

    private void execute(String... sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }

    private static ColumnPolicy column(String schema, String table, String column, String domain, boolean quoted) {
        return new ColumnPolicy(schema, table, column, quoted, ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC,
                domain, 0, 0);
    }

    private DatabaseDomainUsage usage(ColumnPolicy... columns) {
        return new DatabaseDomainUsage(List.of(columns), () -> DriverManager.getConnection(url));
    }

    @Test
    void aColumnWithOnlyNullsOrNoRowsHoldsNoValue() throws Exception {
        execute("INSERT INTO patients (id, ssn) VALUES (1, NULL)");

        assertThat(usage(column(null, "patients", "ssn", "patients.ssn", false)).columnWithValues("patients.ssn"))
                .isEmpty();
    }

    @Test
    void aColumnWithACellIsNamed() throws Exception {
        execute("INSERT INTO patients (id, ssn) VALUES (1, X'0102')");

        assertThat(usage(column(null, "patients", "ssn", "patients.ssn", false)).columnWithValues("patients.ssn"))
                .contains("patients.ssn");
    }

    @Test
    void everyColumnSharingTheKeyIsAsked() throws Exception {
        execute("INSERT INTO visits (id, patient_ssn) VALUES (1, X'0102')");
        DatabaseDomainUsage usage = usage(column(null, "patients", "ssn", "patients.ssn", false),
                column(null, "visits", "patient_ssn", "patients.ssn", false));

        assertThat(usage.columnWithValues("patients.ssn")).contains("visits.patient_ssn");
        assertThat(usage.columnWithValues("other.domain")).isEmpty();
    }

    @Test
    void aSchemaInThePolicyIsTheSchemaAsked() throws Exception {
        execute("INSERT INTO tenant_a.patients (id, ssn) VALUES (1, X'0102')");

        assertThat(usage(column("tenant_a", "patients", "ssn", "tenant_a.patients.ssn", false))
                .columnWithValues("tenant_a.patients.ssn")).contains("tenant_a.patients.ssn");
        assertThat(usage(column(null, "patients", "ssn", "patients.ssn", false)).columnWithValues("patients.ssn"))
                .isEmpty();
    }

    @Test
    void quotedNamesAreAskedExactly() throws Exception {
        execute("INSERT INTO \"Mixed\" (id, \"Ssn\") VALUES (1, X'0102')");

        assertThat(usage(column(null, "Mixed", "Ssn", "mixed.ssn", true)).columnWithValues("mixed.ssn"))
                .contains("Mixed.Ssn");
    }

    @Test
    void aTableOrColumnThatDoesNotExistHoldsNoValue() throws Exception {
        assertThat(usage(column(null, "nowhere", "ssn", "nowhere.ssn", false)).columnWithValues("nowhere.ssn"))
                .isEmpty();
        assertThat(usage(column(null, "patients", "email", "patients.email", false))
                .columnWithValues("patients.email")).isEmpty();
    }

    @Test
    void aFirstSourceThatHasTheTableAnswersWithoutAskingTheApplicationsPool() throws Exception {
        execute("INSERT INTO patients (id, ssn) VALUES (1, X'0102')");
        DatabaseDomainUsage usage = new DatabaseDomainUsage(List.of(column(null, "patients", "ssn", "patients.ssn",
                false)), () -> DriverManager.getConnection(url), () -> {
                    throw new AssertionError("the busy pool was asked");
                });

        assertThat(usage.columnWithValues("patients.ssn")).contains("patients.ssn");
    }

    @Test
    void aFirstSourceWithoutTheTableOrThatFailsDefersToTheApplicationsDatabase() throws Exception {
        execute("INSERT INTO patients (id, ssn) VALUES (1, X'0102')");
        String elsewhere = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        ColumnPolicy ssn = column(null, "patients", "ssn", "patients.ssn", false);

        DatabaseDomainUsage otherDatabase = new DatabaseDomainUsage(List.of(ssn),
                () -> DriverManager.getConnection(elsewhere), () -> DriverManager.getConnection(url));
        DatabaseDomainUsage failing = new DatabaseDomainUsage(List.of(ssn), () -> {
            throw new SQLException("pool closed", "08003");
        }, () -> DriverManager.getConnection(url));

        assertThat(otherDatabase.columnWithValues("patients.ssn")).contains("patients.ssn");
        assertThat(failing.columnWithValues("patients.ssn")).contains("patients.ssn");
    }

    @Test
    void aDatabaseThatCannotBeAskedFailsTheCheckAsUnavailable() {
        DatabaseDomainUsage usage = new DatabaseDomainUsage(List.of(column(null, "patients", "ssn", "patients.ssn",
                false)), () -> {
                    throw new SQLException("connection refused", "08001");
                });

        KeyringException e = catchThrowableOfType(KeyringException.class, () -> usage.columnWithValues("patients.ssn"));

        assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
        assertThat(e.getMessage()).contains("patients.ssn").contains("no key is created");
    }
}
