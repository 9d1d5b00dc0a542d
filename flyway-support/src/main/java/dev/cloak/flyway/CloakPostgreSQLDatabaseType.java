package dev.cloak.flyway;

/**
 * Flyway's database type for {@code jdbc:cloak:postgresql:} URLs: Cloak's driver, then Flyway's own PostgreSQL support
 * ({@code org.flywaydb:flyway-database-postgresql}, which the application brings). Registered in
 * {@code META-INF/services/org.flywaydb.core.extensibility.Plugin}.
 */
public final class CloakPostgreSQLDatabaseType extends CloakDatabaseType {

    /** Instantiated by Flyway's plugin register. */
    public CloakPostgreSQLDatabaseType() {
        super("postgresql", "org.flywaydb.database.postgresql.PostgreSQLDatabaseType");
    }
}
