package dev.cloak.flyway;

/**
 * Flyway's database type for {@code jdbc:cloak:mariadb:} URLs: Cloak's driver, then Flyway's own MariaDB support
 * ({@code org.flywaydb:flyway-mysql}, which the application brings). Registered in
 * {@code META-INF/services/org.flywaydb.core.extensibility.Plugin}.
 */
public final class CloakMariaDBDatabaseType extends CloakDatabaseType {

    /** Instantiated by Flyway's plugin register. */
    public CloakMariaDBDatabaseType() {
        super("mariadb", "org.flywaydb.database.mysql.mariadb.MariaDBDatabaseType");
    }
}
