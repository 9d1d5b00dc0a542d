package dev.cloak.rewriter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * DDL declaring an encrypted column gets the dialect's binary type, sized for its largest cell. The sizes are the
 * driver's (the cell format is not the rewriter's): here a stand-in answers, and the tests check what the
 * rewriter asks it and where its answer goes.
 */
class DdlRewriteTest {

    private static final EncryptedSchema DECLARED = schema(new Sizes(99));

    /** The stand-in for the driver's cell sizes: answers {@code answer} and remembers what it was asked. */
    private static final class Sizes implements CellSizes {
        private final long answer;
        private final List<String> asked = new ArrayList<>();

        Sizes(long answer) {
            this.answer = answer;
        }

        @Override
        public long maxCellBytes(EncryptedColumn column, String type, long length, long precision) {
            asked.add(column.name() + " " + type + " length " + length + " precision " + precision);
            if (type.equals("geometry")) {
                throw new IllegalArgumentException("no cell format for " + type);
            }
            return answer;
        }
    }

    private static EncryptedSchema schema(CellSizes sizes) {
        return EncryptedSchema.of(List.of(
                new EncryptedColumn(null, "patients", "ssn", false, true, "patients.ssn", "varchar", 0, 0, sizes),
                new EncryptedColumn(null, "patients", "name", false, false, "patients.name", "VARCHAR", 0, 32, sizes),
                new EncryptedColumn(null, "patients", "dob", false, false, "patients.dob", "date", 0, 0, sizes),
                new EncryptedColumn(null, "patients", "note", false, false, "patients.note", "varchar", 0, 0, sizes),
                new EncryptedColumn(null, "patients", "shape", false, false, "patients.shape", null, 0, 0, sizes)));
    }

    private static StatementPlan plan(Dialect dialect, String sql) throws UnsupportedStatementException {
        return new SqlRewriter(DECLARED, 10, dialect).plan(sql);
    }

    private static String sizedDdl(Sizes sizes, Dialect dialect, String sql) throws UnsupportedStatementException {
        return new SqlRewriter(schema(sizes), 10, dialect).plan(sql).sql();
    }

    private static String rejection(Dialect dialect, String sql) {
        UnsupportedStatementException e =
                catchThrowableOfType(UnsupportedStatementException.class, () -> plan(dialect, sql));
        assertThat((Throwable) e).isNotNull();
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

    /** Plans {@code sql} with cells of {@code bytes}: asserts what the cell sizes were asked, returns the DDL. */
    private static String sizedAs(long bytes, Dialect dialect, String sql, String asked) throws Exception {
        Sizes sizes = new Sizes(bytes);
        String ddl = sizedDdl(sizes, dialect, sql);
        assertThat(sizes.asked).containsExactly(asked);
        return ddl;
    }

    @Test
    void varcharOnMariadbIsVarbinaryOfTheCellSizeForItsDeclaredCharacters() throws Exception {
        assertThat(sizedAs(68, Dialect.MARIADB, "CREATE TABLE patients (id int, ssn varchar(11))",
                "patients.ssn varchar length 11 precision 11")).containsPattern("ssn VARBINARY ?\\(68\\)");
    }

    @Test
    void theCellSizeOfAFixedSizeTypeIsAskedWithoutLengthOrPrecision() throws Exception {
        assertThat(sizedAs(44, Dialect.H2, "CREATE TABLE patients (id int, dob date)",
                "patients.dob date length 0 precision 0")).containsPattern("dob VARBINARY ?\\(44\\)");
    }

    @Test
    void mariadbCellUpTo16000BytesIsAVarbinaryOver16000ABlobAndOver65535ALongblob() throws Exception {
        String sql = "CREATE TABLE patients (id int, note varchar(5000))";
        assertThat(sizedDdl(new Sizes(16_000), Dialect.MARIADB, sql)).containsPattern("note VARBINARY ?\\(16000\\)");
        assertThat(sizedDdl(new Sizes(16_001), Dialect.MARIADB, sql)).contains("note BLOB");
        assertThat(sizedDdl(new Sizes(65_535), Dialect.MARIADB, sql)).contains("note BLOB");
        assertThat(sizedDdl(new Sizes(65_536), Dialect.MARIADB, sql)).contains("note LONGBLOB");
    }

    @Test
    void unboundedCellOnH2IsVarbinaryWithoutLengthAndOnMariadbALongblob() throws Exception {
        String sql = "CREATE TABLE patients (id int, note text)";
        assertThat(sizedDdl(new Sizes(-1), Dialect.H2, sql))
                .contains("note VARBINARY").doesNotContainPattern("note VARBINARY ?\\(");
        assertThat(sizedDdl(new Sizes(-1), Dialect.MARIADB, sql)).contains("note LONGBLOB");
    }

    @Test
    void alterTableAddColumnIsRewritten() throws Exception {
        assertThat(sizedDdl(new Sizes(68), Dialect.MARIADB, "ALTER TABLE patients ADD COLUMN ssn varchar(11)"))
                .containsPattern("ssn VARBINARY ?\\(68\\)");
    }

    @Test
    void aColumnWithoutAPolicyTypeIsAskedForTheTypeItsSqlTypeStandsFor() throws Exception {
        assertThat(sizedAs(70, Dialect.MARIADB, "CREATE TABLE patients (id int, shape character varying(12))",
                "patients.shape varchar length 12 precision 12")).containsPattern("shape VARBINARY ?\\(70\\)");
    }

    @Test
    void aTypeTheCellSizesDoNotKnowIsRejected() {
        assertThat(rejection(Dialect.MARIADB, "CREATE TABLE patients (id int, shape geometry)"))
                .contains("DDL for an encrypted column of type geometry is not supported");
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
                .isInstanceOf(UnsupportedStatementException.class)
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
    void columnWithoutCellSizesGetsAnUnboundedBinaryType() throws Exception {
        // Fixtures' columns come from the first-version constructor: no type, size, padding or cell sizes
        StatementPlan plan = new SqlRewriter(Fixtures.SCHEMA, 10, Dialect.MARIADB)
                .plan("CREATE TABLE patients (id int, ssn varchar(11), city varchar(9))");
        assertThat(plan.sql()).contains("ssn LONGBLOB").containsPattern("city varchar ?\\(9\\)");
    }

    @Test
    void thePlanNamesTheEncryptedColumnsTheDdlDeclaresSoTheirKeysCanBeMadeFirst() throws Exception {
        assertThat(plan(Dialect.POSTGRESQL, "ALTER TABLE patients ADD COLUMN note varchar(40)").declaredColumns())
                .extracting(EncryptedColumn::name).containsExactly("patients.note");
        assertThat(plan(Dialect.MARIADB, "CREATE TABLE patients (id int, ssn varchar(11), city varchar(9), dob date)")
                .declaredColumns()).extracting(EncryptedColumn::name).containsExactly("patients.ssn", "patients.dob");
        assertThat(plan(Dialect.H2, "ALTER TABLE patients ADD COLUMN city varchar(40)").declaredColumns()).isEmpty();
        assertThat(plan(Dialect.POSTGRESQL, "DROP TABLE patients").declaredColumns()).isEmpty();
        assertThat(plan(Dialect.POSTGRESQL, "ALTER TABLE patients ADD COLUMN note text; ANALYZE patients")
                .declaredColumns()).extracting(EncryptedColumn::name).containsExactly("patients.note");
    }

    @Test
    void thePlanNamesEveryEncryptedColumnOfTheTablesADdlLocksSoTheirKeysCanBeMadeFirst() throws Exception {
        List<String> all = List.of("patients.ssn", "patients.name", "patients.dob", "patients.note", "patients.shape");
        for (String sql : List.of("ALTER TABLE patients ADD COLUMN city varchar(40)", "TRUNCATE TABLE patients",
                "DROP TABLE patients", "DROP TABLE IF EXISTS visits, patients",
                "CREATE TABLE patients (id int, ssn varchar(11))")) {
            assertThat(plan(Dialect.POSTGRESQL, sql).lockedColumns()).as(sql).extracting(EncryptedColumn::name)
                    .containsExactlyInAnyOrderElementsOf(all);
        }
        for (String sql : List.of("CREATE INDEX ON patients (ssn)", "TRUNCATE TABLE visits", "DROP TABLE visits",
                "ALTER TABLE visits ADD COLUMN note text", "SELECT ssn FROM patients")) {
            assertThat(plan(Dialect.POSTGRESQL, sql).lockedColumns()).as(sql).isEmpty();
        }
    }

    @Test
    void alterColumnSetDefaultOnAnEncryptedColumnIsRefusedButNullAndPlainColumnsPass() throws Exception {
        for (Dialect dialect : Dialect.values()) {
            for (String sql : List.of("ALTER TABLE patients ALTER COLUMN ssn SET DEFAULT '123-45-6789'",
                    "ALTER TABLE patients ALTER ssn SET DEFAULT '123-45-6789'",
                    "ALTER TABLE patients ALTER COLUMN note SET DEFAULT current_user")) {
                assertThat(rejection(dialect, sql)).as(dialect + ": " + sql)
                        .containsPattern("DEFAULT value for encrypted column patients\\.(ssn|note)")
                        .doesNotContain("6789");
            }
            for (String sql : List.of("ALTER TABLE patients ALTER COLUMN ssn SET DEFAULT NULL",
                    "ALTER TABLE patients ALTER COLUMN ssn DROP DEFAULT",
                    "ALTER TABLE patients ALTER COLUMN city SET DEFAULT 'Oslo'")) {
                assertThat(plan(dialect, sql).sql()).as(dialect + ": " + sql).isEqualTo(sql);
            }
        }
    }

    @Test
    void columnAttributesThatHoldNoValuePassAsWrittenAndOthersAreRefused() throws Exception {
        for (String sql : List.of("ALTER TABLE patients ALTER COLUMN ssn SET STATISTICS 100",
                "ALTER TABLE patients ALTER COLUMN note SET STORAGE EXTERNAL",
                "ALTER TABLE patients ALTER COLUMN note SET COMPRESSION lz4",
                "ALTER TABLE patients ALTER COLUMN city SET STATISTICS 100",
                "ALTER TABLE patients ALTER COLUMN ssn SET NOT NULL")) {
            assertThat(plan(Dialect.POSTGRESQL, sql).sql()).as(sql).isEqualTo(sql);
            assertThat(plan(Dialect.POSTGRESQL, sql).declaredColumns()).as(sql).isEmpty();
        }
        assertThat(rejection(Dialect.H2, "ALTER TABLE patients ALTER COLUMN ssn SET ON UPDATE '123-45-6789'"))
                .contains("SET ON UPDATE on encrypted column patients.ssn").doesNotContain("6789");
        assertThat(plan(Dialect.MARIADB, "ALTER TABLE patients MODIFY ssn varchar(11)").sql())
                .contains("ssn VARBINARY");
    }

    @Test
    void aUsingExpressionOnAnEncryptedColumnMayOnlyBeTheColumnItselfOrItsCastToTheNewType() throws Exception {
        assertThat(rejection(Dialect.POSTGRESQL,
                "ALTER TABLE patients ALTER COLUMN ssn TYPE bytea USING convert_to('123-45-6789', 'UTF8')"))
                .contains("USING expression for encrypted column patients.ssn").doesNotContain("6789");
        assertThat(rejection(Dialect.POSTGRESQL, "ALTER TABLE patients ALTER COLUMN ssn TYPE text USING ssn::int"))
                .contains("USING expression for encrypted column patients.ssn");
        // the column cast to its new type, as Liquibase writes it: the values stay what they are
        assertThat(plan(Dialect.POSTGRESQL, "ALTER TABLE patients ALTER COLUMN ssn TYPE text USING ssn::text").sql())
                .isEqualTo("ALTER TABLE patients ALTER COLUMN ssn TYPE bytea USING ssn");
        assertThat(plan(Dialect.POSTGRESQL, "ALTER TABLE patients ALTER COLUMN ssn TYPE text USING ssn").sql())
                .isEqualTo("ALTER TABLE patients ALTER COLUMN ssn TYPE bytea USING ssn");
        assertThat(plan(Dialect.POSTGRESQL, "ALTER TABLE patients ALTER COLUMN city TYPE text USING upper(city)")
                .sql()).contains("USING upper(city)");
        assertThat(rejection(Dialect.POSTGRESQL,
                "ALTER TABLE patients ALTER COLUMN city TYPE text USING encode(name, 'hex')"))
                .contains("USING expression of column city that reads encrypted column patients.name");
    }

    @Test
    void anEncryptedColumnOrTableMayNotBeRenamedOutOfThePolicy() throws Exception {
        assertThat(rejection(Dialect.POSTGRESQL, "ALTER TABLE patients RENAME COLUMN ssn TO national_id"))
                .contains("renaming encrypted column patients.ssn").contains("key: patients.ssn");
        assertThat(rejection(Dialect.POSTGRESQL, "ALTER TABLE patients RENAME ssn TO national_id"))
                .contains("renaming encrypted column patients.ssn");
        assertThat(rejection(Dialect.MARIADB, "ALTER TABLE patients CHANGE COLUMN ssn national_id varchar(11)"))
                .contains("renaming encrypted column patients.ssn");
        assertThat(rejection(Dialect.POSTGRESQL, "ALTER TABLE patients RENAME TO people"))
                .contains("renaming configured table patients");
        assertThat(rejection(Dialect.MARIADB, "RENAME TABLE patients TO people"))
                .contains("renaming configured table patients");
        // nor into another key domain, nor a plain column into an encrypted one's name
        assertThat(rejection(Dialect.POSTGRESQL, "ALTER TABLE patients RENAME COLUMN note TO dob"))
                .contains("to encrypted column patients.dob of another key domain");
        assertThat(rejection(Dialect.POSTGRESQL, "ALTER TABLE patients RENAME COLUMN city TO dob"))
                .contains("renaming a plain column to encrypted column patients.dob");
        for (String sql : List.of("ALTER TABLE patients RENAME COLUMN city TO town",
                "ALTER TABLE visits RENAME COLUMN ssn TO x", "RENAME TABLE visits TO patients_old")) {
            assertThat(plan(Dialect.POSTGRESQL, sql).sql()).as(sql).isEqualTo(sql);
        }
        assertThat(plan(Dialect.MARIADB, "ALTER TABLE patients CHANGE COLUMN ssn ssn varchar(11)").sql())
                .contains("CHANGE COLUMN ssn ssn VARBINARY");
        // a table the policy names with its schema may not leave it; one named without a schema may
        SqlRewriter qualified = new SqlRewriter(Fixtures.SCHEMA, 10, Dialect.POSTGRESQL);
        assertThat(catchThrowableOfType(UnsupportedStatementException.class,
                () -> qualified.plan("ALTER TABLE billing.cards SET SCHEMA archive")))
                .hasMessageContaining("renaming configured table cards");
        assertThat(qualified.plan("ALTER TABLE patients SET SCHEMA archive").sql())
                .isEqualTo("ALTER TABLE patients SET SCHEMA archive");
        // nor may its schema be renamed away, or another schema take its schema's name
        for (String sql : List.of("ALTER SCHEMA billing RENAME TO billing_old",
                "alter schema /* x */ \"billing\" rename to b2", "ALTER SCHEMA staging RENAME TO billing")) {
            assertThat(catchThrowableOfType(UnsupportedStatementException.class, () -> qualified.plan(sql)))
                    .as(sql).hasMessageContaining("ALTER SCHEMA ... RENAME of schema billing");
        }
        assertThat(qualified.plan("ALTER SCHEMA staging RENAME TO archive").sql())
                .isEqualTo("ALTER SCHEMA staging RENAME TO archive");
        assertThat(catchThrowableOfType(UnsupportedStatementException.class,
                () -> new SqlRewriter(Fixtures.SCHEMA, 10, Dialect.H2).plan("ALTER SCHEMA BILLING RENAME TO B2")))
                .hasMessageContaining("RENAME of schema BILLING");
    }
    /** patients, a partition listed alike (patients_2024), and one listed with another key domain (patients_old). */
    private static final EncryptedSchema PARTITIONED = EncryptedSchema.of(List.of(
            new EncryptedColumn(null, "patients", "ssn", false, true, "patients.ssn", "varchar", 0, 0, null),
            new EncryptedColumn(null, "patients", "name", false, false, "patients.name", "varchar", 0, 0, null),
            new EncryptedColumn(null, "patients_2024", "ssn", false, true, "patients.ssn", "varchar", 0, 0, null),
            new EncryptedColumn(null, "patients_2024", "name", false, false, "patients.name", "varchar", 0, 0, null),
            new EncryptedColumn(null, "patients_old", "ssn", false, true, "patients_old.ssn", "varchar", 0, 0, null),
            new EncryptedColumn(null, "patients_old", "name", false, false, "patients.name", "varchar", 0, 0, null)));

    private static String sharingRejection(Dialect dialect, String sql) {
        UnsupportedStatementException e = catchThrowableOfType(UnsupportedStatementException.class,
                () -> new SqlRewriter(PARTITIONED, 10, dialect).plan(sql));
        assertThat((Throwable) e).as(sql).isNotNull();
        return e.getMessage();
    }

    @Test
    void aTableSharingRowsWithAConfiguredOneMustListItsEncryptedColumnsAlike() throws Exception {
        // the other table's rows are read and written through the configured one, or the reverse
        for (String sql : List.of("CREATE TABLE kids (extra int) INHERITS (patients)",
                "CREATE TABLE kids (extra int) INHERITS (other, patients)",
                "CREATE TABLE kids /* c */ INHERITS (\"patients\")",
                "CREATE TABLE patients_q1 PARTITION OF patients FOR VALUES FROM (1) TO (10)",
                "ALTER TABLE kids INHERIT patients", "ALTER TABLE patients ATTACH PARTITION p2 DEFAULT",
                "ALTER TABLE ONLY patients ATTACH PARTITION public.p2 FOR VALUES IN (1)",
                "ALTER TABLE patients DETACH PARTITION p2", "ALTER TABLE patients_old INHERIT patients",
                "ALTER TABLE kids ATTACH PARTITION patients FOR VALUES IN (1)",
                "CREATE TABLE patients (id int, name text) INHERITS (people)")) {
            assertThat(sharingRejection(Dialect.POSTGRESQL, sql)).as(sql).contains("would share rows with configured")
                    .contains("in the policy with key: patients");
        }
        assertThat(sharingRejection(Dialect.POSTGRESQL, "ALTER TABLE patients_old INHERIT patients"))
                .isEqualTo("table patients_old would share rows with configured table patients (INHERIT) but does not"
                        + " list encrypted column patients.ssn alike: values written through it would be stored"
                        + " unencrypted among its cells, and its cells read through it as raw ciphertext; list"
                        + " patients_old.ssn in the policy with key: patients.ssn, mode: deterministic, type: varchar");
        assertThat(sharingRejection(Dialect.MARIADB, "ALTER TABLE patients EXCHANGE PARTITION p0 WITH TABLE other"))
                .contains("table other would share rows with configured table patients (WITH TABLE)");
        // listed alike, or neither configured: planned as before
        for (String sql : List.of("CREATE TABLE patients_2024 PARTITION OF patients FOR VALUES FROM (1) TO (10)",
                "ALTER TABLE patients ATTACH PARTITION patients_2024 FOR VALUES FROM (1) TO (10)",
                "ALTER TABLE patients DETACH PARTITION patients_2024", "ALTER TABLE patients NO INHERIT people",
                "CREATE TABLE kids (extra int) INHERITS (people)", "ALTER TABLE kids INHERIT people",
                "ALTER TABLE patients ADD COLUMN inherit int")) {
            assertThat(new SqlRewriter(PARTITIONED, 10, Dialect.POSTGRESQL).plan(sql, partitionKey("RANGE (id)"))
                    .sql()).as(sql).isEqualTo(sql);
        }
    }

    /** A catalog that answers {@code key} for every table's partition key. */
    private static Catalog partitionKey(String key) {
        return new Catalog() {
            @Override
            public List<String> columns(String schema, String table) {
                return null;
            }

            @Override
            public List<ViewDefinition> views() {
                return List.of();
            }

            @Override
            public String partitionKey(String schema, String table) {
                return key;
            }
        };
    }

    private static String boundsRejection(Dialect dialect, String sql, String key) {
        UnsupportedStatementException e = catchThrowableOfType(UnsupportedStatementException.class,
                () -> new SqlRewriter(PARTITIONED, 10, dialect).plan(sql, partitionKey(key)));
        assertThat((Throwable) e).as(sql).isNotNull();
        return e.getMessage();
    }

    @Test
    void partitionBoundsGivenApartFromTheKeyPassOnlyWhenTheCatalogShowsThatTheKeyIsPlain() throws Exception {
        Map<String, Dialect> bounded = Map.of(
                "CREATE TABLE patients_2024 PARTITION OF patients FOR VALUES IN ('SSN-A')", Dialect.POSTGRESQL,
                "ALTER TABLE patients ATTACH PARTITION patients_2024 FOR VALUES FROM ('SSN-A') TO ('SSN-M')",
                Dialect.POSTGRESQL,
                "ALTER TABLE patients ADD PARTITION (PARTITION p9 VALUES LESS THAN ('SSN-Z'))", Dialect.MARIADB,
                "ALTER TABLE patients REORGANIZE PARTITION p1 INTO (PARTITION p2 VALUES IN ('SSN-A'))",
                Dialect.MARIADB);
        bounded.forEach((sql, dialect) -> {
            assertThat(boundsRejection(dialect, sql, "LIST (ssn)")).as(sql)
                    .contains("LIST partitioning by encrypted column patients.ssn").doesNotContain("SSN-");
            assertThat(boundsRejection(dialect, sql, "RANGE COLUMNS(`name`)")).as(sql)
                    .contains("RANGE partitioning by encrypted column patients.name");
            assertThat(boundsRejection(dialect, sql, null)).as(sql)
                    .contains("cannot read the table's partition key");
            assertThatCode(() -> new SqlRewriter(PARTITIONED, 10, dialect).plan(sql, partitionKey("RANGE (id)")))
                    .as(sql).doesNotThrowAnyException();
            assertThatCode(() -> new SqlRewriter(PARTITIONED, 10, dialect).plan(sql, partitionKey("HASH (ssn)")))
                    .as(sql).doesNotThrowAnyException();
        });
        // a hash partition's modulus and a default partition hold no value of the key
        for (String sql : List.of("CREATE TABLE patients_2024 PARTITION OF patients DEFAULT",
                "CREATE TABLE patients_2024 PARTITION OF patients FOR VALUES WITH (MODULUS 4, REMAINDER 0)",
                "ALTER TABLE patients ATTACH PARTITION patients_2024 FOR VALUES WITH (MODULUS 4, REMAINDER 1)",
                "ALTER TABLE patients ATTACH PARTITION patients_2024 DEFAULT")) {
            assertThat(new SqlRewriter(PARTITIONED, 10, Dialect.POSTGRESQL).plan(sql, partitionKey(null)).sql())
                    .as(sql).isEqualTo(sql);
        }
    }
    @Test
    void aPlainColumnComputedFromAnEncryptedOneIsRefused() throws Exception {
        for (String sql : List.of(
                "CREATE TABLE patients (id int, ssn varchar(11), h text GENERATED ALWAYS AS (md5(ssn)) STORED)",
                "ALTER TABLE patients ADD COLUMN h bytea GENERATED ALWAYS AS (ssn) STORED",
                "CREATE TABLE patients (id int, ssn varchar(11), ok int CHECK (length(ssn) > 3))")) {
            assertThat(rejection(Dialect.POSTGRESQL, sql)).as(sql)
                    .contains("reads encrypted column patients.ssn").contains("compute over its ciphertext");
        }
        for (String sql : List.of("ALTER TABLE patients ADD COLUMN h varbinary(100) AS (ssn) VIRTUAL",
                "CREATE TABLE patients (id int, ssn varchar(11), h varchar(64) AS (sha2(`Ssn`, 256)))")) {
            assertThat(rejection(Dialect.MARIADB, sql)).as(sql).contains("reads encrypted column patients.ssn");
        }
        // computed from plain columns, or an identity: as before
        assertThat(plan(Dialect.POSTGRESQL, "CREATE TABLE patients (id int GENERATED ALWAYS AS IDENTITY,"
                + " city text, c text GENERATED ALWAYS AS (upper(city)) STORED, visits_ssn text REFERENCES"
                + " visits (ssn))").sql()).contains("GENERATED ALWAYS AS (upper(city)) STORED");
    }
}
