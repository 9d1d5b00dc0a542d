package dev.cloak.rewriter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A database product name, JDBC URL scheme or dialect name gives the dialect; anything else gives none. */
class DialectTest {

    @Test
    void productNamesFromDatabaseMetadataGiveTheirDialect() {
        assertThat(Dialect.of("PostgreSQL")).contains(Dialect.POSTGRESQL);
        assertThat(Dialect.of("MariaDB")).contains(Dialect.MARIADB);
        assertThat(Dialect.of("MySQL")).contains(Dialect.MARIADB);
        assertThat(Dialect.of("H2")).contains(Dialect.H2);
    }

    @Test
    void jdbcUrlSchemesGiveTheirDialect() {
        assertThat(Dialect.of("postgresql")).contains(Dialect.POSTGRESQL);
        assertThat(Dialect.of("mariadb")).contains(Dialect.MARIADB);
        assertThat(Dialect.of("mysql")).contains(Dialect.MARIADB);
        assertThat(Dialect.of("jdbc:h2:mem:test")).contains(Dialect.H2);
    }

    @Test
    void theShortDialectNamePostgresGivesPostgresql() {
        assertThat(Dialect.of("postgres")).contains(Dialect.POSTGRESQL);
    }

    @Test
    void unknownOrMissingDatabasesGiveNoDialect() {
        assertThat(Dialect.of("Oracle")).isEmpty();
        assertThat(Dialect.of("h2database")).isEmpty();
        assertThat(Dialect.of("")).isEmpty();
        assertThat(Dialect.of(null)).isEmpty();
    }
}
