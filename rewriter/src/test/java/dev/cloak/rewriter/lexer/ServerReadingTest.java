package dev.cloak.rewriter.lexer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.rewriter.Dialect;
import org.junit.jupiter.api.Test;

/** A text is accepted only when every session setting (and, for an unknown dialect, every dialect) reads it alike. */
class ServerReadingTest {

    @Test
    void backslashBeforeAQuoteDependsOnNoBackslashEscapes() {
        assertThat(ServerReading.of("SELECT 'a\\'c' -- '", Dialect.MARIADB).disagreement())
                .contains("backslash", "NO_BACKSLASH_ESCAPES");
    }

    @Test
    void settingUnderWhichTheServerCannotReadTheTextIsSetAside() {
        ServerReading reading = ServerReading.of("SELECT 'a\\' , 'b'", Dialect.MARIADB);
        assertThat(reading.disagreement()).isNull();
        assertThat(reading.setAside()).contains("unterminated", "the default settings");
        assertThat(reading.readable(LexicalSetting.MARIADB_NO_BACKSLASH_ESCAPES, false)).isFalse();
    }

    @Test
    void settingThatFailsOnlyAfterAStatementBoundaryIsADisagreement() {
        assertThat(ServerReading.of("SELECT 1; SELECT 'a\\' , 'b'", Dialect.MARIADB).disagreement())
                .contains("would run the statements before it");
    }

    @Test
    void backslashInsideAStringOnlyChangesItsValue() {
        assertThat(ServerReading.of("SELECT 'a\\nb'", Dialect.MARIADB).disagreement()).isNull();
    }

    @Test
    void doubleQuotedTextDependsOnAnsiQuotes() {
        assertThat(ServerReading.of("SELECT \"a\"", Dialect.MARIADB).disagreement()).contains("ANSI_QUOTES");
    }

    @Test
    void colonNameDependsOnOracleMode() {
        assertThat(ServerReading.of("SELECT :a", Dialect.MARIADB).disagreement()).contains("sql_mode ORACLE");
    }

    @Test
    void backslashBeforeAQuoteDependsOnStandardConformingStrings() {
        assertThat(ServerReading.of("SELECT 'a\\', 'b' -- '", Dialect.POSTGRESQL).disagreement())
                .contains("standard_conforming_strings = off");
    }

    @Test
    void escapeStringReadsTheSameUnderEitherSetting() {
        assertThat(ServerReading.of("SELECT E'a\\'b'", Dialect.POSTGRESQL).disagreement()).isNull();
    }

    @Test
    void squareBracketsDependOnTheH2Mode() {
        assertThat(ServerReading.of("SELECT [a]", Dialect.H2).disagreement()).contains("MSSQLServer");
    }

    @Test
    void unknownDialectRefusesWhatTheKnownDialectsReadDifferently() {
        assertThat(ServerReading.of("SELECT \"a\"", null).disagreement()).contains("MariaDB/MySQL");
        assertThat(ServerReading.of("SELECT 1 --1", null).disagreement()).contains("-- comment");
        assertThat(ServerReading.of("SELECT a # b", null).disagreement()).contains("# comment");
    }

    @Test
    void unknownDialectAcceptsWhatEveryDialectReadsAlike() {
        assertThat(ServerReading.of("SELECT a, 'b''c' FROM t WHERE x = ? -- note\n", null).disagreement()).isNull();
    }

    @Test
    void unterminatedStringUnderEverySettingIsNamed() {
        assertThat(ServerReading.of("SELECT 'abc", Dialect.POSTGRESQL).disagreement())
                .startsWith("an unterminated or malformed '...' string");
    }
}
