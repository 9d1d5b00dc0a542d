package dev.cloak.flyway;

/**
 * Flyway's database type for {@code jdbc:cloak:mysql:} URLs: Cloak's driver, then Flyway's own MySQL support
 * ({@code org.flywaydb:flyway-mysql}, which the application brings). Registered in
 * {@code META-INF/services/org.flywaydb.core.extensibility.Plugin}.
 */
public final class CloakMySQLDatabaseType extends CloakDatabaseType {

    /** Instantiated by Flyway's plugin register. */
    public CloakMySQLDatabaseType() {
        super("mysql", "org.flywaydb.database.mysql.MySQLDatabaseType");
    }
}
