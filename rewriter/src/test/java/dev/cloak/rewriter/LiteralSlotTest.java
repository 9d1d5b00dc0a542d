package dev.cloak.rewriter;

import static dev.cloak.rewriter.Fixtures.NAME;
import static dev.cloak.rewriter.Fixtures.SSN;
import static dev.cloak.rewriter.Fixtures.TOKEN;
import static dev.cloak.rewriter.Fixtures.assertRejected;
import static dev.cloak.rewriter.Fixtures.plan;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** Literals of encrypted columns become slots the driver encrypts; their plaintext never leaves in the text. */
class LiteralSlotTest {

    private static String span(StatementPlan plan, LiteralSlot slot) {
        return plan.sql().substring(slot.start(), slot.end());
    }

    @Test
    void stringLiteralInWhereIsASlotWithItsExactSpanAndValue() throws Exception {
        StatementPlan plan = plan("SELECT id FROM patients WHERE ssn = '123-45-6789'");
        assertThat(plan.literals()).hasSize(1);
        LiteralSlot slot = plan.literals().get(0);
        assertThat(slot.column()).isEqualTo(SSN);
        assertThat(slot.value()).isEqualTo("123-45-6789");
        assertThat(span(plan, slot)).isEqualTo("'123-45-6789'");
        assertThat(plan.hasEncryptedLiterals()).isTrue();
    }

    @Test
    void renderReplacesEachLiteralSpanAndKeepsTheRest() throws Exception {
        StatementPlan plan = plan("UPDATE patients SET name = 'Ann', ssn = ? WHERE ssn = '1' AND city = 'X'");
        String rendered = plan.render(slot -> "X'" + slot.column().column() + "'");
        assertThat(rendered).isEqualTo("UPDATE patients SET name = X'name', ssn = ? WHERE ssn = X'ssn' AND city = 'X'");
        assertThat(plan.parameter(1)).isEqualTo(SSN);
    }

    @Test
    void insertValuesMixLiteralsAndParameters() throws Exception {
        StatementPlan plan = plan("INSERT INTO patients (id, ssn, name) VALUES (?, '123-45-6789', ?), (?, ?, 'Bo')");
        assertThat(plan.literals()).extracting(LiteralSlot::column).containsExactly(SSN, NAME);
        assertThat(plan.literals()).extracting(LiteralSlot::value).containsExactly("123-45-6789", "Bo");
        assertThat(plan.parameter(2)).isEqualTo(NAME);
        assertThat(plan.parameter(4)).isEqualTo(SSN);
    }

    @Test
    void inListLiteralsAreSlots() throws Exception {
        StatementPlan plan = plan("SELECT id FROM patients WHERE ssn IN (?, '123-45-6789')");
        assertThat(plan.parameter(1)).isEqualTo(SSN);
        assertThat(plan.literals()).singleElement().extracting(LiteralSlot::value).isEqualTo("123-45-6789");
    }

    @Test
    void numericAndBooleanLiteralsBecomeJavaValues() throws Exception {
        StatementPlan plan = plan("UPDATE patients SET ssn = -42, name = 1.50, dob = TRUE WHERE id = 7");
        assertThat(plan.literals()).extracting(LiteralSlot::value)
                .containsExactly(-42L, new BigDecimal("1.50"), Boolean.TRUE);
        assertThat(plan.literals()).extracting(slot -> span(plan, slot)).containsExactly("-42", "1.50", "TRUE");
    }

    @Test
    void hugeIntegerLiteralBecomesABigDecimal() throws Exception {
        StatementPlan plan = plan("UPDATE patients SET ssn = 123456789012345678901234567890 WHERE id = ?");
        assertThat(plan.literals().get(0).value()).isEqualTo(new BigDecimal("123456789012345678901234567890"));
    }

    @Test
    void doubledQuoteInAStringLiteralIsOneQuote() throws Exception {
        StatementPlan plan = plan("SELECT id FROM patients WHERE ssn = 'it''s'");
        assertThat(plan.literals().get(0).value()).isEqualTo("it's");
        assertThat(span(plan, plan.literals().get(0))).isEqualTo("'it''s'");
    }

    @Test
    void spansAreExactAcrossLineBreaksAndTabs() throws Exception {
        String sql = "SELECT id\r\nFROM patients\n\tWHERE\tssn =\t'a'\r\n  AND name IS NULL";
        StatementPlan plan = plan(sql);
        assertThat(span(plan, plan.literals().get(0))).isEqualTo("'a'");
    }

    @Test
    void nullLiteralStaysSqlNullText() throws Exception {
        StatementPlan plan = plan("UPDATE patients SET ssn = NULL WHERE id = ?");
        assertThat(plan.literals()).isEmpty();
        assertThat(plan.render(slot -> "never")).isEqualTo(plan.sql());
    }

    @Test
    void literalOfAQuotedPolicyColumnIsASlot() throws Exception {
        StatementPlan plan = plan(Dialect.POSTGRESQL, "SELECT 1 FROM \"Vault\" WHERE \"Token\" = 'abc'");
        assertThat(plan.literals()).singleElement().extracting(LiteralSlot::column).isEqualTo(TOKEN);
    }

    @Test
    void literalsInSeveralStatementsKeepSpansInTheWholeText() throws Exception {
        StatementPlan plan = plan("DELETE FROM doctors WHERE id = 1; UPDATE patients SET ssn = 'x' WHERE id = ?");
        assertThat(span(plan, plan.literals().get(0))).isEqualTo("'x'");
        assertThat(plan.render(slot -> "?c")).isEqualTo("DELETE FROM doctors WHERE id = 1; UPDATE patients SET ssn = ?c WHERE id = ?");
    }

    @Test
    void literalCompareOnRandomizedColumnIsStillRejected() {
        assertRejected("SELECT id FROM patients WHERE name = 'SECRET-LITERAL'", "randomized column patients.name");
    }

    @Test
    void backslashInAStringLiteralIsRejected() {
        assertRejected("SELECT id FROM patients WHERE ssn = 'a\\\\b'", "backslash", "bind it with a ? parameter");
    }

    @Test
    void typedDateLiteralIsEncryptedAsItsTextOverItsWholeSpan() throws Exception {
        String sql = "UPDATE patients SET dob = DATE '2020-01-01' WHERE id = ?";
        LiteralSlot slot = plan(sql).literals().get(0);
        assertThat(slot.value()).isEqualTo("2020-01-01");
        assertThat(sql.substring(slot.start(), slot.end())).isEqualTo("DATE '2020-01-01'");
    }

    @Test
    void toStringOfPlanAndSlotNeverShowsTheLiteral() throws Exception {
        StatementPlan plan = plan("SELECT id FROM patients WHERE ssn = 'SECRET-LITERAL'");
        assertThat(plan.toString()).contains("literals=[patients.ssn]").doesNotContain("SECRET-LITERAL");
        assertThat(plan.literals().get(0).toString()).doesNotContain("SECRET-LITERAL");
    }
}
