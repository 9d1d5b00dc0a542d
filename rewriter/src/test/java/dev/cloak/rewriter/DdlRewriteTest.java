package dev.cloak.rewriter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;

/** DDL declaring an encrypted column gets the dialect's binary type, sized for its largest cell. */
class DdlRewriteTest {

    private static final EncryptedSchema DECLARED = EncryptedSchema.of(List.of(
            EncryptedColumn.declared(null, "patients", "ssn", false, true, "patients.ssn", "varchar", 0, 0),
            EncryptedColumn.declared(null, "patients", "name", false, false, "patients.name", "VARCHAR", 0, 32),
            EncryptedColumn.declared(null, "patients", "dob", false, false, "patients.dob", "date", 0, 0),
            EncryptedColumn.declared(null, "patients", "note", false, false, "patients.note", "varchar", 0, 0)));

    private static StatementPlan plan(Dialect dialect, String sql) throws RejectedStatementException {
        return new SqlRewriter(DECLARED, 10, dialect).plan(sql);
    }

    private static String rejection(Dialect dialect, String sql) {
        RejectedStatementException e =
                catchThrowableOfType(RejectedStatementException.class, () -> plan(dialect, sql));
        assertThat((Throwable) e).isNotNull();
        assertThat(e.getSQLState()).isEqualTo("0A000");
        return e.getMessage();
    }

    @Test
    void createTableOnPostgresqlDeclaresEncryptedColumnsBytea() throws Exception {
        StatementPlan plan = plan(Dialect.POSTGRESQL,
                "CREATE TABLE patients (id int PRIMARY KEY, ssn varchar(11) NOT NULL, dob date, city varchar(50))");
        assertThat(plan.kind()).isEqualTo(StatementPlan.Kind.DDL);
        assertThat(plan.sql()).contains("ssn bytea NOT NULL", "dob bytea").containsPattern("city varchar ?\\(50\\)");
        assertThat(plan.sql()).doesNotContainPattern("ssn varchar");
    }

    @Test
    void deterministicVarcharOnMariadbIsVarbinarySizedFromCharactersAndOverhead() throws Exception {
        // 2 header + 21 SIV + (1 tag + 11 characters x 4 bytes)
        assertThat(plan(Dialect.MARIADB, "CREATE TABLE patients (id int, ssn varchar(11))").sql())
                .containsPattern("ssn VARBINARY ?\\(68\\)");
    }

    @Test
    void randomizedPaddedVarcharOnMariadbIsSizedToThePaddedPlaintext() throws Exception {
        // 2 + 33 GCM + (1 + 400 = 401, padded to 416)
        assertThat(plan(Dialect.MARIADB, "CREATE TABLE patients (id int, name varchar(100))").sql())
                .containsPattern("name VARBINARY ?\\(451\\)");
    }

    @Test
    void fixedSizeTypeIsSizedFromItsEncoding() throws Exception {
        // 2 + 33 + (1 + 8 bytes of epoch day)
        assertThat(plan(Dialect.H2, "CREATE TABLE patients (id int, dob date)").sql())
                .containsPattern("dob VARBINARY ?\\(44\\)");
    }

    @Test
    void mariadbCellOver16000BytesIsABlobAndOver65535ALongblob() throws Exception {
        assertThat(plan(Dialect.MARIADB, "CREATE TABLE patients (id int, note varchar(5000))").sql())
                .contains("note BLOB");
        assertThat(plan(Dialect.MARIADB, "CREATE TABLE patients (id int, note varchar(20000))").sql())
                .contains("note LONGBLOB");
    }

    @Test
    void unboundedTextOnH2IsVarbinaryWithoutLength() throws Exception {
        assertThat(plan(Dialect.H2, "CREATE TABLE patients (id int, note text)").sql())
                .contains("note VARBINARY").doesNotContainPattern("note VARBINARY ?\\(");
    }

    @Test
    void alterTableAddColumnIsRewritten() throws Exception {
        assertThat(plan(Dialect.MARIADB, "ALTER TABLE patients ADD COLUMN ssn varchar(11)").sql())
                .containsPattern("ssn VARBINARY ?\\(68\\)");
    }

    @Test
    void alterColumnTypeIsRewritten() throws Exception {
        assertThat(plan(Dialect.POSTGRESQL, "ALTER TABLE patients ALTER COLUMN ssn TYPE varchar(20)").sql())
                .contains("ssn TYPE bytea");
    }

    @Test
    void collationOfAnEncryptedColumnIsDropped() throws Exception {
        assertThat(plan(Dialect.POSTGRESQL, "CREATE TABLE patients (id int, ssn varchar(11) COLLATE \"C\" NOT NULL)").sql())
                .contains("ssn bytea NOT NULL").doesNotContain("COLLATE");
    }

    @Test
    void defaultValueOnEncryptedColumnIsRejected() {
        assertThat(rejection(Dialect.POSTGRESQL, "CREATE TABLE patients (id int, ssn varchar(11) DEFAULT '000')"))
                .contains("DEFAULT value for encrypted column patients.ssn").doesNotContain("000");
    }

    @Test
    void uniqueConstraintOnDeterministicColumnIsAllowed() throws Exception {
        assertThat(plan(Dialect.POSTGRESQL, "CREATE TABLE patients (id int, ssn varchar(11) UNIQUE)").sql())
                .contains("ssn bytea UNIQUE");
    }

    @Test
    void uniqueConstraintOnRandomizedColumnIsRejected() {
        assertThat(rejection(Dialect.POSTGRESQL, "CREATE TABLE patients (id int, name varchar(10), UNIQUE (name))"))
                .contains("randomized column patients.name");
    }

    @Test
    void checkConstraintOnEncryptedColumnIsRejected() {
        assertThat(rejection(Dialect.H2, "CREATE TABLE patients (id int, ssn varchar(11), CHECK (ssn <> ''))"))
                .contains("CHECK constraint on encrypted column patients.ssn");
    }

    @Test
    void withoutADialectDdlDeclaringABinaryTypeIsLeftAsItIs() throws Exception {
        String sql = "CREATE TABLE patients (id int, ssn bytea)";
        assertThat(new SqlRewriter(DECLARED, 10).plan(sql).sql()).isEqualTo(sql);
    }

    @Test
    void withoutADialectDdlDeclaringATextTypeIsRejected() {
        // Fail closed: the database would take plaintext-typed values Cloak cannot store there.
        assertThatThrownBy(() -> new SqlRewriter(DECLARED, 10).plan("CREATE TABLE patients (id int, ssn varchar(11))"))
                .isInstanceOf(RejectedStatementException.class)
                .hasMessageContaining("patients.ssn").hasMessageContaining("binary type");
    }

    @Test
    void ddlOfAConfiguredTableWithoutEncryptedColumnsKeepsItsText() throws Exception {
        String sql = "CREATE TABLE patients (id int, city varchar(50))";
        assertThat(plan(Dialect.MARIADB, sql).sql()).isEqualTo(sql);
    }

    @Test
    void rewrittenDdlInSeveralStatementsKeepsLaterLiteralSpansRight() throws Exception {
        StatementPlan plan = plan(Dialect.POSTGRESQL,
                "CREATE TABLE patients (id int, ssn varchar(11)); INSERT INTO patients (id, ssn) VALUES (1, 'x')");
        assertThat(plan.sql()).contains("ssn bytea");
        assertThat(plan.render(slot -> "'\\\\x00'::bytea")).endsWith("VALUES (1, '\\\\x00'::bytea)");
    }

    @Test
    void columnWithoutAPolicyTypeIsSizedFromTheDeclaredSqlType() throws Exception {
        // Fixtures' columns come from the first-version constructor: no type, size or padding
        StatementPlan plan = new SqlRewriter(Fixtures.SCHEMA, 10, Dialect.MARIADB)
                .plan("CREATE TABLE patients (id int, ssn varchar(11), city varchar(9))");
        assertThat(plan.sql()).containsPattern("ssn VARBINARY ?\\(68\\)").containsPattern("city varchar ?\\(9\\)");
    }
}
