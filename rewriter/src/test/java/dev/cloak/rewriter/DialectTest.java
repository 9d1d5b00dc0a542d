package dev.cloak.rewriter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** A database product name, JDBC URL scheme or dialect name gives the dialect; anything else gives none. */
class DialectTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        // product names as DatabaseMetaData gives them
        "PostgreSQL, POSTGRESQL", "MariaDB, MARIADB", "MySQL, MARIADB", "H2, H2",
        // JDBC URL schemes and the CLI's dialect names
        "postgresql, POSTGRESQL", "postgres, POSTGRESQL", "mariadb, MARIADB", "mysql, MARIADB",
        "jdbc:h2:mem:test, H2", "h2, H2"})
    void knownDatabasesGiveTheirDialect(String productOrScheme, Dialect expected) {
        assertThat(Dialect.of(productOrScheme)).contains(expected);
    }

    @ParameterizedTest(name = "[{0}]")
    @NullAndEmptySource
    @ValueSource(strings = {"Oracle", "h2database", "Microsoft SQL Server"})
    void unknownOrMissingDatabasesGiveNoDialect(String productOrScheme) {
        assertThat(Dialect.of(productOrScheme)).isEmpty();
    }
}
