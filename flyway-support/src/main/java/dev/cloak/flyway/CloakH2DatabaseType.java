package dev.cloak.flyway;

/**
 * Flyway's database type for {@code jdbc:cloak:h2:} URLs: Cloak's driver, then Flyway's own H2 support (part of
 * {@code flyway-core}). Registered in {@code META-INF/services/org.flywaydb.core.extensibility.Plugin}.
 */
public final class CloakH2DatabaseType extends CloakDatabaseType {

    /** Instantiated by Flyway's plugin register. */
    public CloakH2DatabaseType() {
        super("h2", "org.flywaydb.core.internal.database.h2.H2DatabaseType");
    }
}
