package dev.cloak.rewriter.lexer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Where pgjdbc and Connector/J find parameters and split statements (ports of their parsers). */
class DriverReadingTest {

    @Test
    void pgjdbcTakesDoubleQuestionMarkForALiteralQuestionMark() {
        assertThat(DriverReading.pgjdbc("a ?? ?", true).placeholders()).containsExactly(5);
    }

    @Test
    void pgjdbcSkipsTaggedDollarQuotes() {
        assertThat(DriverReading.pgjdbc("$q$ ? $q$ ?", true).placeholders()).containsExactly(10);
    }

    @Test
    void pgjdbcEndsABlockCommentAtSlashStarSlash() {
        assertThat(DriverReading.pgjdbc("/*/ ? */", true).placeholders()).containsExactly(4);
    }

    @Test
    void pgjdbcSplitsOnlyOutsideParentheses() {
        assertThat(DriverReading.pgjdbc("a; (b; c); d", true).splits()).containsExactly(1, 9);
    }

    @Test
    void pgjdbcHonoursStandardConformingStrings() {
        assertThat(DriverReading.pgjdbc("'\\' ?", true).placeholders()).containsExactly(4);
        assertThat(DriverReading.pgjdbc("'\\' ?", false).placeholders()).isEmpty();
    }

    @Test
    void connectorJTakesDashDashWithoutABlankForAComment() {
        assertThat(DriverReading.connectorJ("--1 ?\n?", false).placeholders()).containsExactly(6);
    }

    @Test
    void connectorJSkipsBackquotedIdentifiersAndHashComments() {
        assertThat(DriverReading.connectorJ("`?` # ?\n?", false).placeholders()).containsExactly(8);
    }

    @Test
    void connectorJHonoursNoBackslashEscapes() {
        assertThat(DriverReading.connectorJ("'\\' ?", false).placeholders()).isEmpty();
        assertThat(DriverReading.connectorJ("'\\' ?", true).placeholders()).containsExactly(4);
    }
}
