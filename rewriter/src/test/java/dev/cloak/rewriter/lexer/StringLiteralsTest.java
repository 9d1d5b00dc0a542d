package dev.cloak.rewriter.lexer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.rewriter.Dialect;
import org.junit.jupiter.api.Test;

/** String literal values as the servers decode them, or none when a setting could change them. */
class StringLiteralsTest {

    @Test
    void doubledQuoteIsOneQuoteInEveryDialect() {
        for (Dialect dialect : Dialect.values()) {
            assertThat(StringLiterals.value("'it''s'", dialect)).as(dialect.name()).isEqualTo("it's");
        }
    }

    @Test
    void postgresEscapeStringDecodesItsEscapes() {
        assertThat(StringLiterals.value("E'a\\nb\\t\\x41\\101\\u00e9\\U0001F600\\'\\\\'", Dialect.POSTGRESQL))
                .isEqualTo("a\nb\tAA\u00e9\uD83D\uDE00'\\");
    }

    @Test
    void postgresEscapeOfANonAsciiByteHasNoValue() {
        assertThat(StringLiterals.value("E'\\xe9'", Dialect.POSTGRESQL)).isNull();
    }

    @Test
    void postgresVerticalTabEscapeHasNoValue() {
        assertThat(StringLiterals.value("E'\\v'", Dialect.POSTGRESQL)).isNull();
    }

    @Test
    void postgresPlainStringWithABackslashHasNoValue() {
        assertThat(StringLiterals.value("'a\\b'", Dialect.POSTGRESQL)).isNull();
    }

    @Test
    void postgresNationalStringIsAPlainString() {
        assertThat(StringLiterals.value("N'ab'", Dialect.POSTGRESQL)).isEqualTo("ab");
    }

    @Test
    void unicodeStringDecodesWithTheDefaultAndAChosenEscape() {
        assertThat(StringLiterals.value("U&'d\\0061t\\+000061'", Dialect.POSTGRESQL)).isEqualTo("data");
        assertThat(StringLiterals.value("U&'d!0061t!!' UESCAPE '!'", Dialect.POSTGRESQL)).isEqualTo("dat!");
        assertThat(StringLiterals.value("U&'\\0041'", Dialect.H2)).isEqualTo("A");
    }

    @Test
    void unicodeStringWithABadEscapeHasNoValue() {
        assertThat(StringLiterals.value("U&'\\00zz'", Dialect.POSTGRESQL)).isNull();
        assertThat(StringLiterals.value("U&'x' UESCAPE 'a'", Dialect.POSTGRESQL)).isNull();
    }

    @Test
    void dollarQuotedStringIsVerbatim() {
        assertThat(StringLiterals.value("$t$a'\\b$t$", Dialect.POSTGRESQL)).isEqualTo("a'\\b");
        assertThat(StringLiterals.value("$$a'b$$", Dialect.H2)).isEqualTo("a'b");
    }

    @Test
    void mariaDbStringWithABackslashHasNoValue() {
        assertThat(StringLiterals.value("'a\\nb'", Dialect.MARIADB)).isNull();
        assertThat(StringLiterals.value("'a\\\\b'", Dialect.MARIADB)).isNull();
    }

    @Test
    void mariaDbUtf8IntroducerKeepsTheValue() {
        assertThat(StringLiterals.value("_utf8mb4'a''b'", Dialect.MARIADB)).isEqualTo("a'b");
        assertThat(StringLiterals.value("_utf8'ab'", Dialect.MARIADB)).isEqualTo("ab");
    }

    @Test
    void mariaDbThreeByteUtf8IntroducerRefusesCharactersBeyondTheBmp() {
        assertThat(StringLiterals.value("_utf8'\uD83D\uDE00'", Dialect.MARIADB)).isNull();
    }

    @Test
    void otherIntroducersHaveNoValue() {
        assertThat(StringLiterals.value("_latin1'ab'", Dialect.MARIADB)).isNull();
        assertThat(StringLiterals.value("_binary'ab'", Dialect.MARIADB)).isNull();
    }

    @Test
    void h2KeepsBackslashesAsTheyAre() {
        assertThat(StringLiterals.value("'a\\nb'", Dialect.H2)).isEqualTo("a\\nb");
    }

    @Test
    void unknownDialectNeedsEveryDialectToAgree() {
        assertThat(StringLiterals.value("'abc'", null)).isEqualTo("abc");
        assertThat(StringLiterals.value("'a\\b'", null)).isNull();
    }

    @Test
    void prefixAndRawTextAsJsqlParserGivesThem() {
        assertThat(StringLiterals.value("E", "a\\tb", Dialect.POSTGRESQL)).isEqualTo("a\tb");
        assertThat(StringLiterals.value(null, "x''y", Dialect.MARIADB)).isEqualTo("x'y");
        assertThat(StringLiterals.value("E", "a", Dialect.MARIADB)).isNull();
    }
}
