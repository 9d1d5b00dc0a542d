package dev.cloak.rewriter.lexer;

import static dev.cloak.rewriter.lexer.LexicalSetting.MARIADB_ANSI_QUOTES;
import static dev.cloak.rewriter.lexer.LexicalSetting.MARIADB_NO_BACKSLASH_ESCAPES;
import static dev.cloak.rewriter.lexer.LexicalSetting.MARIADB_ORACLE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.rewriter.Dialect;
import org.junit.jupiter.api.Test;

/** MariaDB's scanner as Cloak reproduces it, one behaviour per test. */
class MariaDbLexerTest {

    private static java.util.List<String> read(String sql, LexicalSetting... settings) {
        return Tokens.of(Dialect.MARIADB, sql, settings);
    }

    @Test
    void dashDashWithoutABlankIsTwoMinusSigns() {
        assertThat(read("1 --1")).containsExactly("NUMBER:1", "OPERATOR:-", "OPERATOR:-", "NUMBER:1");
    }

    @Test
    void dashDashWithABlankOrControlCharacterIsAComment() {
        assertThat(read("1 -- x\n2 --\tx\n3 --")).containsExactly("NUMBER:1", "DASH_COMMENT:-- x", "NUMBER:2",
                "DASH_COMMENT:--\tx", "NUMBER:3", "DASH_COMMENT:--");
    }

    @Test
    void hashCommentEndsAtALineFeedOnly() {
        assertThat(read("# a\rb\nc")).containsExactly("HASH_COMMENT:# a\rb", "WORD:c");
    }

    @Test
    void executableCommentContentIsCode() {
        assertThat(read("a /*! b */ c")).containsExactly("WORD:a", "EXECUTABLE_COMMENT:/*!", "WORD:b",
                "EXECUTABLE_COMMENT_END:*/", "WORD:c");
    }

    @Test
    void versionCommentSwallowsItsVersionNumber() {
        assertThat(read("/*!50000patients*/")).containsExactly("EXECUTABLE_COMMENT:/*!50000", "WORD:patients",
                "EXECUTABLE_COMMENT_END:*/");
    }

    @Test
    void mariaDbOnlyCommentsRunWithAndWithoutVersion() {
        assertThat(read("/*M!100100 a */ /*M! b */")).containsExactly("EXECUTABLE_COMMENT:/*M!100100", "WORD:a",
                "EXECUTABLE_COMMENT_END:*/", "EXECUTABLE_COMMENT:/*M!", "WORD:b", "EXECUTABLE_COMMENT_END:*/");
    }

    @Test
    void mySql57VersionCommentIsSkippedWithOneNestedComment() {
        assertThat(read("/*!50700 a /* b */ c */ d")).containsExactly("VERSION_COMMENT:/*!50700 a /* b */ c */",
                "WORD:d");
    }

    @Test
    void stringInsideAnExecutableCommentIsAString() {
        assertThat(read("/*!, 'x' */")).containsExactly("EXECUTABLE_COMMENT:/*!", "OPERATOR:,",
                "QUOTED_STRING:'x'", "EXECUTABLE_COMMENT_END:*/");
    }

    @Test
    void unclosedExecutableCommentFails() {
        assertThat(read("/*! a")).endsWith("FAIL EXECUTABLE_COMMENT@5");
    }

    @Test
    void blockCommentsDoNotNest() {
        assertThat(read("/* a /* b */ c */")).containsExactly("BLOCK_COMMENT:/* a /* b */", "WORD:c",
                "OPERATOR:*", "OPERATOR:/");
    }

    @Test
    void optimizerHintIsAPlainComment() {
        assertThat(read("/*+ INDEX(t i) */ x")).containsExactly("HINT_COMMENT:/*+ INDEX(t i) */", "WORD:x");
    }

    @Test
    void backslashEscapesAQuoteByDefault() {
        assertThat(read("'a\\'b' c")).containsExactly("QUOTED_STRING:'a\\'b'", "WORD:c");
    }

    @Test
    void backslashIsOrdinaryUnderNoBackslashEscapes() {
        assertThat(read("'a\\'b", MARIADB_NO_BACKSLASH_ESCAPES)).containsExactly("QUOTED_STRING:'a\\'", "WORD:b");
    }

    @Test
    void stringEndingInABackslashIsUnterminatedByDefault() {
        assertThat(read("'a\\'")).containsExactly("FAIL QUOTED_STRING@0");
    }

    @Test
    void doubleQuotesDelimitAStringByDefault() {
        assertThat(read("\"a\"")).containsExactly("DOUBLE_QUOTED_STRING:\"a\"");
    }

    @Test
    void doubleQuotesDelimitAnIdentifierUnderAnsiQuotes() {
        assertThat(read("\"a\\\"", MARIADB_ANSI_QUOTES)).containsExactly("DOUBLE_QUOTED_IDENTIFIER:\"a\\\"");
    }

    @Test
    void backquotesDelimitIdentifiersWithDoubledBackquotes() {
        assertThat(read("`a``b` c")).containsExactly("BACKQUOTED_IDENTIFIER:`a``b`", "WORD:c");
    }

    @Test
    void introducerJoinsItsLiteralAcrossBlanksAndComments() {
        assertThat(read("_utf8mb4'x' _latin1 /* c */ 'y' _binary X'00'")).containsExactly(
                "INTRODUCED_STRING:_utf8mb4'x'", "INTRODUCED_STRING:_latin1 /* c */ 'y'", "BLOCK_COMMENT:/* c */",
                "INTRODUCED_STRING:_binary X'00'");
    }

    @Test
    void underscoreWordThatIsNoCharacterSetIsAnIdentifier() {
        assertThat(read("_bla'x'")).containsExactly("WORD:_bla", "QUOTED_STRING:'x'");
    }

    @Test
    void adjacentStringLiteralsAreJoined() {
        assertThat(read("'a' \"b\" /* c */ 'd'")).containsExactly("QUOTED_STRING:'a'",
                "DOUBLE_QUOTED_STRING+:\"b\"", "BLOCK_COMMENT:/* c */", "QUOTED_STRING+:'d'");
    }

    @Test
    void nationalHexAndBitStrings() {
        assertThat(read("N'a' x'1f' b'01'")).containsExactly("NATIONAL_STRING:N'a'", "HEX_STRING:x'1f'",
                "BIT_STRING:b'01'");
    }

    @Test
    void hexStringWithANonHexDigitFails() {
        assertThat(read("X'1G'")).containsExactly("FAIL HEX_STRING@0");
    }

    @Test
    void colonNameIsAParameterUnderOracleMode() {
        assertThat(read("a = :b", MARIADB_ORACLE)).containsExactly("WORD:a", "OPERATOR:=", "NAMED_PLACEHOLDER::b");
        assertThat(read("a = :b")).containsExactly("WORD:a", "OPERATOR:=", "OPERATOR::", "WORD:b");
    }

    @Test
    void digitsFollowedByLettersAreAnIdentifier() {
        assertThat(read("1abc 1e5 0x1F 0x1G")).containsExactly("WORD:1abc", "NUMBER:1e5", "NUMBER:0x1F",
                "WORD:0x1G");
    }

    @Test
    void nulCharacterIsAToken() {
        assertThat(read("a\0b")).containsExactly("WORD:a", "NUL:\0", "WORD:b");
    }
}
