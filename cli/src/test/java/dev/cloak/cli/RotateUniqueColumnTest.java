package dev.cloak.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.cli.MigrateCommandTest.Database;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 16, stage 1: {@code cloak keys rotate} of a deterministic column that a UNIQUE constraint or a unique index
 * covers is refused and names the re-key path, on H2, PostgreSQL and MariaDB (read from the database's catalog);
 * nothing is rotated then. Columns without one, and randomized columns, still rotate.
 */
class RotateUniqueColumnTest {

    @TempDir
    Path dir;

    private String raw;
    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    private void tables(Database db) throws SQLException {
        raw = db.rawUrl();
        try (Connection c = DriverManager.getConnection(raw); Statement s = c.createStatement()) {
            for (String table : List.of("rku_users", "rku_accounts", "rku_plain")) {
                s.execute("DROP TABLE IF EXISTS " + table);
            }
            // a UNIQUE constraint; a unique index over two columns; no unique index at all
            s.execute("CREATE TABLE rku_users (id INT PRIMARY KEY, email " + db.binary + " NOT NULL, name "
                    + db.binary + ", CONSTRAINT rku_users_email_key UNIQUE (email))");
            s.execute("CREATE TABLE rku_accounts (id INT PRIMARY KEY, tenant INT, login " + db.binary + ")");
            s.execute("CREATE UNIQUE INDEX rku_accounts_login ON rku_accounts (tenant, login)");
            s.execute("CREATE TABLE rku_plain (id INT PRIMARY KEY, ssn " + db.binary + ")");
            s.execute("CREATE INDEX rku_plain_ssn ON rku_plain (ssn)");
        }
    }

    private Path policy() throws Exception {
        return Files.writeString(dir.resolve("cloak.yaml"), String.join("\n",
                "version: 1",
                "keyring:",
                "  master-key: \"local:file:" + dir.resolve("master.json") + "\"",
                "  store: \"file:" + dir.resolve("keys.json") + "\"",
                "  auto-create: false",
                "columns:",
                "  rku_users.email: { type: varchar, mode: deterministic }",
                "  rku_users.name: { type: varchar, mode: randomized }",
                "  rku_accounts.login: { type: varchar, mode: deterministic }",
                "  rku_plain.ssn: { type: varchar, mode: deterministic }",
                "network:",
                "  require-tls: false",
                ""));
    }

    private int cloak(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        return CloakCommand.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args);
    }

    private int keys(Path policy, String... args) {
        String[] all = new String[args.length + 5];
        all[0] = "keys";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--config";
        all[args.length + 2] = policy.toString();
        all[args.length + 3] = "--url";
        all[args.length + 4] = raw;
        return cloak(all);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aDeterministicColumnUnderAUniqueConstraintOrIndexIsNotRotatedAndTheRefusalNamesTheRekey(Database db)
            throws Exception {
        tables(db);
        Path policy = policy();
        assertThat(keys(policy, "init", "--all")).as(err.toString()).isZero();

        for (String column : List.of("rku_users.email", "rku_accounts.login")) {
            assertThat(keys(policy, "rotate", column)).as(column).isEqualTo(1);
            assertThat(err.toString()).as(column).contains("key domain " + column + " is deterministic",
                    "unique index or constraint", "Nothing was rotated", "shadow column",
                    "run `cloak migrate rekey " + column + "` instead");
        }
        assertThat(err.toString().toLowerCase()).contains("rku_accounts_login");

        assertThat(keys(policy, "list")).isZero();
        assertThat(out.toString().lines().filter(l -> l.startsWith("rku_users.email")
                || l.startsWith("rku_accounts.login"))).hasSize(2).allMatch(l -> l.contains("active"));

        assertThat(keys(policy, "rotate", "rku_plain.ssn")).as(err.toString()).isZero();
        assertThat(keys(policy, "rotate", "rku_users.name")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("Rotated key domain rku_users.name");
    }

    @Test
    void aDeterministicColumnIsNotRotatedWithoutAUrlToCheckItsConstraints() throws Exception {
        tables(Database.H2);
        Path policy = policy();
        assertThat(keys(policy, "init", "--all")).isZero();

        assertThat(cloak("keys", "rotate", "rku_plain.ssn", "--config", policy.toString())).isEqualTo(1);

        assertThat(err.toString()).contains("give --url");
    }
}
