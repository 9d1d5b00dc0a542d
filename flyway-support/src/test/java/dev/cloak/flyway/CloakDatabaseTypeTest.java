package dev.cloak.flyway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.internal.database.DatabaseTypeRegister;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flyway finds Cloak's database types by URL and migrates through Cloak's driver (embedded H2). */
class CloakDatabaseTypeTest {

    @TempDir
    Path dir;

    @Test
    void cloakUrlsAreClaimedByCloaksTypesNamingCloaksDriver() {
        for (String url : new String[] {"jdbc:cloak:postgresql://db:5432/app", "jdbc:cloak:mariadb://db/app",
                "jdbc:cloak:mysql://db/app", "jdbc:cloak:h2:mem:app", "JDBC:CLOAK:PostgreSQL://db/app"}) {
            assertThat(DatabaseTypeRegister.getDatabaseTypesForUrl(url, Flyway.configure()))
                    .as(url).singleElement().isInstanceOf(CloakDatabaseType.class)
                    .extracting(type -> ((CloakDatabaseType) type).getDriverClass(url, getClass().getClassLoader()))
                    .isEqualTo("dev.cloak.driver.CloakDriver");
        }
    }

    @Test
    void eachTypeClaimsOnlyItsOwnScheme() {
        assertThat(new CloakPostgreSQLDatabaseType().handlesJDBCUrl("jdbc:cloak:postgresql://db/app")).isTrue();
        assertThat(new CloakPostgreSQLDatabaseType().handlesJDBCUrl("jdbc:postgresql://db/app")).isFalse();
        assertThat(new CloakPostgreSQLDatabaseType().handlesJDBCUrl("jdbc:cloak:mariadb://db/app")).isFalse();
        assertThat(new CloakMariaDBDatabaseType().handlesJDBCUrl("jdbc:cloak:mariadb://db/app")).isTrue();
        assertThat(new CloakMySQLDatabaseType().handlesJDBCUrl("jdbc:cloak:mysql://db/app")).isTrue();
        assertThat(new CloakMySQLDatabaseType().handlesJDBCUrl("jdbc:cloak:mariadb://db/app")).isFalse();
    }

    @Test
    void theDatabasesOwnTypeNamesItAndLeavesConnectionsToIt() {
        CloakPostgreSQLDatabaseType type = new CloakPostgreSQLDatabaseType();
        assertThat(type.isEnabled()).isTrue();
        assertThat(type.getName()).isEqualTo("PostgreSQL");
        assertThat(new CloakMariaDBDatabaseType().getName()).isEqualTo("MariaDB");
        assertThat(type.handlesDatabaseProductNameAndVersion("PostgreSQL", "16.4", null)).isFalse();
        assertThat(CloakDatabaseType.delegateUrl("jdbc:cloak:postgresql://db/app?user=u"))
                .isEqualTo("jdbc:postgresql://db/app?user=u");
    }

    @Test
    void flywayMigratesThroughACloakUrlAndTheDatabaseHoldsNoPlaintext() throws Exception {
        Path policy = Files.writeString(dir.resolve("cloak.yaml"), """
                version: 1
                keyring:
                  master-key: "local:file:%s"
                  store: "file:%s"
                columns:
                  members.email: { type: varchar, mode: deterministic }
                  members.phone: { type: varchar, mode: randomized }
                """.formatted(dir.resolve("master.json"), dir.resolve("keys.json")));
        String database = "mem:flyway_" + ProcessHandle.current().pid() + ";DB_CLOSE_DELAY=-1";
        String url = "jdbc:cloak:h2:" + database + ";cloak.config=file:" + policy;
        Flyway flyway = Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/h2").load();

        MigrateResult first = flyway.migrate();
        MigrateResult again = flyway.migrate();

        assertThat(first.migrationsExecuted).isEqualTo(2);
        assertThat(again.migrationsExecuted).isZero();
        try (Connection cloak = DriverManager.getConnection(url, "sa", "");
             Statement st = cloak.createStatement();
             ResultSet rs = st.executeQuery("SELECT email, phone FROM members WHERE email = 'ada@example.org'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("ada@example.org");
            assertThat(rs.getString(2)).isEqualTo("5550100");
        }
        try (Connection raw = DriverManager.getConnection("jdbc:h2:" + database, "sa", "")) {
            String stored = rawHex(raw, "SELECT email FROM members") + rawHex(raw, "SELECT phone FROM members");
            assertThat(stored).doesNotContain(hex("ada@example.org")).doesNotContain(hex("5550100"));
        }
    }

    private static String rawHex(Connection raw, String sql) throws SQLException {
        try (Statement st = raw.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBytes(1)).isNotNull();
            return HexFormat.of().formatHex(rs.getBytes(1));
        }
    }

    private static String hex(String text) {
        return HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
    }
}
