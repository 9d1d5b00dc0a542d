package dev.cloak.rewriter.lexer;

import static dev.cloak.rewriter.lexer.LexicalSetting.H2_POUND_IDENTIFIERS;
import static dev.cloak.rewriter.lexer.LexicalSetting.H2_SQUARE_BRACKETS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.rewriter.Dialect;
import org.junit.jupiter.api.Test;

/** H2's tokenizer as Cloak reproduces it, one behaviour per test. */
class H2LexerTest {

    private static java.util.List<String> read(String sql, LexicalSetting... settings) {
        return Tokens.of(Dialect.H2, sql, settings);
    }

    @Test
    void doubleSlashStartsALineComment() {
        assertThat(read("a // b\nc")).containsExactly("WORD:a", "SLASH_COMMENT:// b", "WORD:c");
    }

    @Test
    void dashDashStartsACommentWithoutABlank() {
        assertThat(read("1 --1\n2")).containsExactly("NUMBER:1", "DASH_COMMENT:--1", "NUMBER:2");
    }

    @Test
    void blockCommentsNest() {
        assertThat(read("/* a /* b */ c */ d")).containsExactly("BLOCK_COMMENT:/* a /* b */ c */", "WORD:d");
    }

    @Test
    void stringsSeparatedByBlanksOrBlockCommentsAreOneLiteral() {
        assertThat(read("'a' /* c */ 'b'")).containsExactly("QUOTED_STRING:'a'", "BLOCK_COMMENT:/* c */",
                "QUOTED_STRING+:'b'");
    }

    @Test
    void dashDashCommentEndsAStringLiteral() {
        assertThat(read("'a' -- c\n'b'")).containsExactly("QUOTED_STRING:'a'", "DASH_COMMENT:-- c",
                "QUOTED_STRING:'b'");
    }

    @Test
    void backslashIsAnOrdinaryCharacter() {
        assertThat(read("'a\\' b")).containsExactly("QUOTED_STRING:'a\\'", "WORD:b");
    }

    @Test
    void doubleDollarQuotesAString() {
        assertThat(read("$$ a' $$ b")).containsExactly("DOLLAR_STRING:$$ a' $$", "WORD:b");
    }

    @Test
    void loneDollarIsAParameterAndDollarDigitsANumberedOne() {
        assertThat(read("$ $2 ?3 ?")).containsExactly("DOLLAR_PLACEHOLDER:$", "NUMBERED_PLACEHOLDER:$2",
                "NUMBERED_PLACEHOLDER:?3", "PLACEHOLDER:?");
    }

    @Test
    void questionMarkTrigraphsAreBrackets() {
        assertThat(read("a??(1??)")).containsExactly("WORD:a", "OPERATOR:??(", "NUMBER:1", "OPERATOR:??)");
    }

    @Test
    void squareBracketsQuoteIdentifiersOnlyInMsSqlServerMode() {
        assertThat(read("[a'b]", H2_SQUARE_BRACKETS)).containsExactly("BRACKETED_IDENTIFIER:[a'b]");
        assertThat(read("[a'b]")).containsExactly("OPERATOR:[", "WORD:a", "FAIL QUOTED_STRING@2");
    }

    @Test
    void poundIsAnIdentifierCharacterOnlyInOracleAndMsSqlServerModes() {
        assertThat(read("#a", H2_POUND_IDENTIFIERS)).containsExactly("WORD:#a");
        assertThat(read("#a")).containsExactly("OTHER:#", "WORD:a");
    }

    @Test
    void backquotesAndDoubleQuotesDelimitIdentifiers() {
        assertThat(read("`a` \"b\"")).containsExactly("BACKQUOTED_IDENTIFIER:`a`", "DOUBLE_QUOTED_IDENTIFIER:\"b\"");
    }

    @Test
    void unicodeStringAndIdentifier() {
        assertThat(read("U&'\\0041' U&\"b\"")).containsExactly("UNICODE_STRING:U&'\\0041'", "UNICODE_IDENTIFIER:U&\"b\"");
    }

    @Test
    void noBreakSpaceIsWhiteSpace() {
        assertThat(read("a\u00a0b")).containsExactly("WORD:a", "WORD:b");
    }

    @Test
    void binaryStringRejectsADoubledQuote() {
        assertThat(read("X'00''")).containsExactly("FAIL HEX_STRING@0");
    }

    @Test
    void unterminatedBlockCommentFails() {
        assertThat(read("/* a")).containsExactly("FAIL BLOCK_COMMENT@0");
    }
}
