package dev.cloak.rewriter.lexer;

import static dev.cloak.rewriter.lexer.LexicalSetting.POSTGRESQL_BACKSLASH_STRINGS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.rewriter.Dialect;
import org.junit.jupiter.api.Test;

/** PostgreSQL's scanner as Cloak reproduces it, one behaviour per test. */
class PostgresLexerTest {

    private static java.util.List<String> read(String sql, LexicalSetting... settings) {
        return Tokens.of(Dialect.POSTGRESQL, sql, settings);
    }

    @Test
    void dashDashStartsACommentWithoutABlankAfterIt() {
        assertThat(read("1 --1\n2")).containsExactly("NUMBER:1", "DASH_COMMENT:--1", "NUMBER:2");
    }

    @Test
    void dashDashCommentEndsAtACarriageReturn() {
        assertThat(read("--a\rb")).containsExactly("DASH_COMMENT:--a", "WORD:b");
    }

    @Test
    void blockCommentsNest() {
        assertThat(read("/* a /* b */ c */ x")).containsExactly("BLOCK_COMMENT:/* a /* b */ c */", "WORD:x");
    }

    @Test
    void unclosedNestedBlockCommentIsUnterminated() {
        assertThat(read("/* a /* b */ x")).containsExactly("FAIL BLOCK_COMMENT@0");
    }

    @Test
    void optimizerHintIsAPlainComment() {
        assertThat(read("/*+ SeqScan(t) */ x")).containsExactly("HINT_COMMENT:/*+ SeqScan(t) */", "WORD:x");
    }

    @Test
    void taggedDollarQuoteRunsToTheSameTag() {
        assertThat(read("$q$ -- $x$ ' $q$, y")).containsExactly("DOLLAR_STRING:$q$ -- $x$ ' $q$", "OPERATOR:,",
                "WORD:y");
    }

    @Test
    void untaggedDollarQuoteRunsToTheNextDoubleDollar() {
        assertThat(read("$$a'b$$ c")).containsExactly("DOLLAR_STRING:$$a'b$$", "WORD:c");
    }

    @Test
    void dollarSignAfterAnIdentifierCharacterBelongsToTheIdentifier() {
        assertThat(read("a$q$ 'x'")).containsExactly("WORD:a$q$", "QUOTED_STRING:'x'");
    }

    @Test
    void dollarAndDigitsAreANumberedParameter() {
        assertThat(read("$12")).containsExactly("NUMBERED_PLACEHOLDER:$12");
    }

    @Test
    void backslashIsAnOrdinaryCharacterInStandardStrings() {
        assertThat(read("'a\\' c'")).containsExactly("QUOTED_STRING:'a\\'", "WORD:c", "FAIL QUOTED_STRING@6");
    }

    @Test
    void backslashEscapesAQuoteWhenStandardConformingStringsIsOff() {
        assertThat(read("'a\\' c'", POSTGRESQL_BACKSLASH_STRINGS)).containsExactly("QUOTED_STRING:'a\\' c'");
    }

    @Test
    void backslashEscapesAQuoteInAnEscapeString() {
        assertThat(read("E'a\\'b' x")).containsExactly("ESCAPE_STRING:E'a\\'b'", "WORD:x");
    }

    @Test
    void doubledQuoteStaysInsideTheString() {
        assertThat(read("'it''s'")).containsExactly("QUOTED_STRING:'it''s'");
    }

    @Test
    void stringsSeparatedByALineBreakAreOneLiteral() {
        assertThat(read("'a'\n'b'")).containsExactly("QUOTED_STRING:'a'", "QUOTED_STRING+:'b'");
    }

    @Test
    void stringsSeparatedByACommentAndALineBreakAreOneLiteral() {
        assertThat(read("'a' -- c\n 'b'")).containsExactly("QUOTED_STRING:'a'", "DASH_COMMENT:-- c",
                "QUOTED_STRING+:'b'");
    }

    @Test
    void stringsSeparatedOnOneLineStayApart() {
        assertThat(read("'a' 'b'")).containsExactly("QUOTED_STRING:'a'", "QUOTED_STRING:'b'");
    }

    @Test
    void unicodeStringAndIdentifierAreOneTokenEach() {
        assertThat(read("U&'d\\0061t' U&\"x\"")).containsExactly("UNICODE_STRING:U&'d\\0061t'",
                "UNICODE_IDENTIFIER:U&\"x\"");
    }

    @Test
    void unicodeStringIsAnErrorWhenStandardConformingStringsIsOff() {
        assertThat(read("U&'x'", POSTGRESQL_BACKSLASH_STRINGS)).containsExactly("FAIL UNICODE_STRING@0");
    }

    @Test
    void nationalBitAndHexStringsAreStrings() {
        assertThat(read("N'a' B'01' X'1F'")).containsExactly("NATIONAL_STRING:N'a'", "BIT_STRING:B'01'",
                "HEX_STRING:X'1F'");
    }

    @Test
    void prefixLetterInsideAWordIsNotAPrefix() {
        assertThat(read("somE'x'")).containsExactly("WORD:somE", "QUOTED_STRING:'x'");
    }

    @Test
    void doubleQuotesDelimitIdentifiersWithDoubledQuotes() {
        assertThat(read("\"a\"\"b\" c")).containsExactly("DOUBLE_QUOTED_IDENTIFIER:\"a\"\"b\"", "WORD:c");
    }

    @Test
    void hashIsAnOperator() {
        assertThat(read("a # b")).containsExactly("WORD:a", "OPERATOR:#", "WORD:b");
    }

    @Test
    void operatorStopsBeforeAComment() {
        assertThat(read("a +--x\nb")).containsExactly("WORD:a", "OPERATOR:+", "DASH_COMMENT:--x", "WORD:b");
    }

    @Test
    void questionMarksAreParametersEachOnTheirOwn() {
        assertThat(read("a ?? ?")).containsExactly("WORD:a", "PLACEHOLDER:?", "PLACEHOLDER:?", "PLACEHOLDER:?");
    }

    @Test
    void semicolonIsAStatementBoundary() {
        assertThat(read("a;b")).containsExactly("WORD:a", "SEMICOLON:;", "WORD:b");
    }

    @Test
    void unterminatedStringFails() {
        assertThat(read("x 'abc")).containsExactly("WORD:x", "FAIL QUOTED_STRING@2");
    }
}
