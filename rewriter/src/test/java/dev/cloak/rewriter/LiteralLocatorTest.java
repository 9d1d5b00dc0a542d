package dev.cloak.rewriter;

import static dev.cloak.rewriter.Fixtures.SSN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.statement.select.PlainSelect;
import org.junit.jupiter.api.Test;

/** Where literals and lookups are in the text, read from the parser's token positions and checked against it. */
class LiteralLocatorTest {

    /** The WHERE condition of a SELECT, parsed as the rewriter parses it. */
    private static BinaryExpression where(String sql) throws Exception {
        return (BinaryExpression) ((PlainSelect) new CCJSqlParser(sql).Statement()).getWhere();
    }

    private static String text(String sql, int start, int end) {
        return sql.substring(start, end);
    }

    @Test
    void aLiteralAfterCarriageReturnLineFeedsIsLocatedExactly() throws Exception {
        String sql = "SELECT id\r\nFROM patients\r\nWHERE ssn = '123-45-6789'";
        LiteralSlot slot = new LiteralLocator(sql, null).literal(where(sql).getRightExpression(), SSN);
        assertThat(text(sql, slot.start(), slot.end())).isEqualTo("'123-45-6789'");
        assertThat(slot.value()).isEqualTo("123-45-6789");
    }

    @Test
    void aComparisonWithTheValueOnTheLeftIsLocatedWithItsOperand() throws Exception {
        String sql = "SELECT id FROM patients WHERE ?  <>\tssn";
        LookupSlot lookup = new LiteralLocator(sql, null).comparisonLookup(where(sql), false, SSN, 1, null);
        assertThat(lookup.form()).isEqualTo(LookupSlot.Form.NOT_EQUALS);
        assertThat(text(sql, lookup.start(), lookup.end())).isEqualTo("?  <>\tssn");
        assertThat(text(sql, lookup.operandStart(), lookup.operandEnd())).isEqualTo("ssn");
    }

    @Test
    void aCommentBetweenOperatorAndValueLeavesTheLookupUnlocated() throws Exception {
        String sql = "SELECT id FROM patients WHERE ssn = /* the value */ ?";
        LookupSlot lookup = new LiteralLocator(sql, null).comparisonLookup(where(sql), true, SSN, 1, null);
        assertThat(lookup.expandable()).isFalse();
    }

    @Test
    void integerLiteralsKeepTheirSignAndOutgrowLongAsBigDecimal() throws Exception {
        String sql = "SELECT id FROM patients WHERE ssn = -42 OR ssn = 123456789012345678901234567890";
        BinaryExpression or = where(sql);
        Expression negative = ((BinaryExpression) or.getLeftExpression()).getRightExpression();
        Expression huge = ((BinaryExpression) or.getRightExpression()).getRightExpression();
        assertThat(new LiteralLocator(sql, null).value(negative, SSN)).isEqualTo(-42L);
        assertThat(new LiteralLocator(sql, null).value(huge, SSN)).isEqualTo(new BigDecimal("123456789012345678901234567890"));
    }

    @Test
    void aStringLiteralWithAnEscapePrefixIsRefusedWithoutItsValueOnAnUnknownDialect() throws Exception {
        String sql = "SELECT id FROM patients WHERE ssn = E'123-45-6789'";
        Expression literal = where(sql).getRightExpression();
        assertThatThrownBy(() -> new LiteralLocator(sql, null).value(literal, SSN))
                .isInstanceOf(Rejection.class)
                .hasMessageContaining("patients.ssn")
                .hasMessageContaining("bind it with a ? parameter")
                .hasMessageNotContaining("123-45-6789");
    }

    @Test
    void aPostgresEscapeStringIsDecodedAsPostgresDecodesIt() throws Exception {
        String sql = "SELECT id FROM patients WHERE ssn = E'123\\x2d45''6789'";
        Expression literal = where(sql).getRightExpression();
        assertThat(new LiteralLocator(sql, Dialect.POSTGRESQL).value(literal, SSN)).isEqualTo("123-45'6789");
    }
}
