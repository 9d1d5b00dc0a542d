package dev.cloak.rewriter;

import static dev.cloak.rewriter.Fixtures.assertRejected;
import static dev.cloak.rewriter.Fixtures.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cloak.rewriter.lexer.SqlLexer;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Utility statements JSqlParser cannot parse are sent only when the narrow reading recognises the whole text as
 * one of their forms; any token it is not sure of leaves the parse failure's refusal standing.
 */
class UnparsedUtilityTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "VACUUM patients",
        "VACUUM (VERBOSE, ANALYZE) patients (city), visits",
        "ANALYZE VERBOSE patients (ssn)",
        "LOCK TABLE patients IN ACCESS EXCLUSIVE MODE",
        "LOCK patients, public.visits IN ROW EXCLUSIVE MODE NOWAIT",
        "LOCK TABLES patients WRITE, visits AS v READ LOCAL",
        "TRUNCATE patients RESTART IDENTITY CASCADE",
        "TRUNCATE TABLE ONLY patients *, visits CONTINUE IDENTITY",
        "CREATE SEQUENCE IF NOT EXISTS patients_id_seq START WITH 1 INCREMENT BY -1 OWNED BY patients.id",
        "REINDEX (VERBOSE) TABLE CONCURRENTLY patients",
        "CLUSTER VERBOSE patients USING patients_pkey",
        "OPTIMIZE NO_WRITE_TO_BINLOG TABLE patients, visits",
        "VACUUM patients;",
        "VACUUM patients /* a comment the server ignores */",
        "VACUUM patients -- a comment",
    })
    void recognisedFormOnAConfiguredTableIsSentAsWritten(String sql) throws Exception {
        StatementPlan plan = plan(sql);
        assertThat(plan.passThrough()).isFalse();
        assertThat(plan.sql()).isEqualTo(sql);
        assertThat(plan.hasEncryptedParameters() || plan.hasEncryptedLiterals()).isFalse();
    }

    @Test
    void recognisedFormNamingOnlyOtherTablesPassesThrough() throws Exception {
        // the text mentions patients only as the sequence's owner's column name part
        assertThat(plan("CREATE SEQUENCE IF NOT EXISTS s OWNED BY addresses.patients").passThrough()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "TRUNCATE patients RESTART IDENTITY 'x'",
        "VACUUM patients $1",
        "LOCK TABLE patients IN ?",
        "VACUUM patients # comment",
        "VACUUM patients \\\\ x",
        "ANALYZE patients (ssn = 1)",
        "LOCK TABLE patients IN SECRET MODE",
        "TRUNCATE patients RESTART",
        "VACUUM patients; LOCK TABLE patients IN SECRET MODE",
    })
    void formWithATokenAUtilityStatementDoesNotHoldStaysRefused(String sql) {
        UnsupportedStatementException e = catchThrowableOfType(UnsupportedStatementException.class, () -> plan(sql));
        assertThat((Throwable) e).as("refusal").isNotNull();
    }

    private static List<UtilityToken> read(String sql, Dialect dialect) {
        return UtilityToken.of(sql, SqlLexer.read(sql, dialect).tokens());
    }

    @Test
    void readingHasNoTokensForAParameterOrOtherStringFormAUtilityStatementDoesNotHold() {
        for (String sql : new String[] {"a E'b'", "a $$b$$", "a $1", "a ?", "a 1e5", "a /*+ hint */"}) {
            assertThat(read(sql, Dialect.POSTGRESQL)).as(sql).isNull();
        }
        assertThat(read("a /*!50000 b */", Dialect.MARIADB)).isNull();
    }

    @Test
    void plainStringsAndOperatorsAreTokensOfTheirOwnKindsThatNoFormTakesForItsWords() {
        assertThat(read("a 'b' || <> #", Dialect.POSTGRESQL)).extracting(UtilityToken::kind).containsExactly(
                UtilityToken.Kind.WORD, UtilityToken.Kind.STRING, UtilityToken.Kind.OPERATOR,
                UtilityToken.Kind.OPERATOR, UtilityToken.Kind.OPERATOR);
        assertRejected("LOCK TABLE patients 'x'", "could not be parsed");
    }

    @Test
    void readingKeepsWordsNumbersPunctuationAndQuotedNamesAndSkipsComments() {
        assertThat(read("LOCK \"t\" IN 12.5 (x, y); -- done", Dialect.POSTGRESQL)).extracting(UtilityToken::text)
                .containsExactly("LOCK", "t", "IN", "12.5", "(", "x", ",", "y", ")", ";");
        assertThat(read("LOCK `t`", Dialect.MARIADB).get(1).kind()).isEqualTo(UtilityToken.Kind.QUOTED_NAME);
    }

    @Test
    void copyFromStdinOnAConfiguredTableIsRefusedByName() {
        assertRejected("COPY patients FROM STDIN", "COPY naming a configured table is not supported",
                "without Cloak");
    }

    @Test
    void copyOfAQueryToAFileIsRefusedByName() {
        assertRejected("COPY (SELECT ssn FROM patients WHERE ssn = '123-45-6789') TO '/tmp/x'",
                "COPY naming a configured table is not supported");
    }

    @Test
    void loadDataIntoAConfiguredTableIsRefusedByName() {
        assertRejected("LOAD DATA INFILE '/tmp/p.csv' INTO TABLE patients", "LOAD naming a configured table");
    }

    @Test
    void copyOfAnotherTablePassesThroughUnparsed() throws Exception {
        assertThat(plan("COPY addresses FROM STDIN").passThrough()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SHOW CREATE TABLE patients",
        "SHOW TABLE STATUS LIKE 'patients'",
        "show full columns from patients",
        "SHOW TRIGGERS LIKE 'patients'",
        "/* the catalog only */ SHOW CREATE TABLE patients",
    })
    void showStatementsJSqlParserDoesNotModelReadTheCatalogOnlyAndAreSentAsWritten(String sql) throws Exception {
        StatementPlan plan = plan(Dialect.MARIADB, sql);
        assertThat(plan.sql()).isEqualTo(sql);
        assertThat(plan.hasEncryptedParameters() || plan.hasEncryptedLiterals() || plan.hasEncryptedResults())
                .isFalse();
    }

    @Test
    void aShowStatementWithAParameterStaysRefused() {
        assertRejected(Dialect.MARIADB, "SHOW TABLE STATUS LIKE ? -- patients", "parameters");
    }

    @Test
    void h2sDropTableIfExistsAfterTheNameIsADdlThatForgetsTheTableAndPreparesItsKeys() throws Exception {
        for (String sql : List.of("DROP TABLE patients IF EXISTS", "DROP TABLE patients IF EXISTS CASCADE",
                "DROP TABLE IF EXISTS visits, patients IF EXISTS")) {
            StatementPlan plan = plan(Dialect.H2, sql);
            assertThat(plan.sql()).as(sql).isEqualTo(sql);
            assertThat(plan.kind()).as(sql).isEqualTo(StatementPlan.Kind.DDL);
            assertThat(plan.changedTables()).as(sql).contains("patients");
            assertThat(plan.changesSchema()).as(sql).isTrue();
            assertThat(plan.lockedColumns()).as(sql).extracting(EncryptedColumn::name).contains("patients.ssn");
        }
        assertThat(plan(Dialect.H2, "DROP TABLE addresses IF EXISTS").passThrough()).isTrue();
        assertThat(plan(Dialect.POSTGRESQL, "TRUNCATE patients RESTART IDENTITY CASCADE").lockedColumns())
                .extracting(EncryptedColumn::name).contains("patients.ssn");
        assertRejected(Dialect.H2, "DROP TABLE patients IF 'x'", "could not be parsed");
    }
}
