package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.EncryptionMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Fault: the disk under the file key store or the audit trail is full or cannot be written. The tests run as root,
 * for whom permissions stop nothing, so the faults are ones the kernel enforces: {@code /dev/full} (every write fails
 * with ENOSPC) and a file replaced by a directory. The operation fails with 58030 and no cell is written without its
 * key event on the trail.
 */
class UnwritableKeyStoreOrAuditTest {

    private static final Path DEV_FULL = Path.of("/dev/full");

    @TempDir
    Path dir;

    private static CloakConfig.Builder fileKeys(Fixture fx, String t, Path keys, String auditSink) {
        return fx.configBuilder().keyStore("file:" + keys).auditSink(auditSink).kmsTimeout(Duration.ofSeconds(3))
                .column(t + ".ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void auditTrailOnAFullDiskStopsTheDataSourceBeforeAnyWrite(TestDatabase db) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(DEV_FULL), "/dev/full exists");
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = FaultHarness.table(fx, "audit_full");
            Path link = dir.resolve("audit-on-full-disk.jsonl");
            Files.createSymbolicLink(link, DEV_FULL);
            CloakConfig config = fileKeys(fx, t, dir.resolve("keys-full.json"), "file:" + link).build();
            try (HikariDataSource pool = FaultHarness.pool(db.rawDataSource(), 2);
                 CloakDataSource cloak = new CloakDataSource(pool, config)) {
                Expect.sqlState("58030", () -> {
                    try (Connection c = cloak.getConnection()) {
                        FaultHarness.insert(c, t, 1, "999-00-0001");
                    }
                });
            }
            assertThat(fx.rawCount(t)).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void auditTrailReplacedByADirectoryFailsTheNextKeyEventAndItsStatement(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = FaultHarness.table(fx, "audit_dir");
            String second = FaultHarness.table(fx, "audit_dir_second");
            Path trail = dir.resolve("audit-replaced.jsonl");
            CloakConfig config = fileKeys(fx, t, dir.resolve("keys-audit.json"), "file:" + trail)
                    .column(second + ".ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC).build();
            try (HikariDataSource pool = FaultHarness.pool(db.rawDataSource(), 2);
                 CloakDataSource cloak = new CloakDataSource(pool, config);
                 Connection c = cloak.getConnection()) {
                FaultHarness.insert(c, t, 1, "999-00-0001");
                assertThat(Files.readString(trail)).contains("created");
                // the disk goes bad under the trail: the next key event cannot be recorded
                Files.delete(trail);
                Files.createDirectory(trail);
                Expect.sqlState("58030", () -> FaultHarness.insert(c, second, 1, "999-00-0002"));
                // a warm key records nothing, so its statements go on
                FaultHarness.insert(c, t, 2, "999-00-0003");
            }
            assertThat(fx.rawCount(second)).isZero();
            // read back with a trail of its own: the broken one stays refused (its chain's head names a lost file)
            CloakConfig check = fileKeys(fx, t, dir.resolve("keys-audit.json"), "file:" + dir.resolve("check.jsonl"))
                    .build();
            FaultHarness.assertRowsAre(fx, t, check, Map.of(1, "999-00-0001", 2, "999-00-0003"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
    void fileKeyStoreThatCannotBeWrittenCreatesNoKeyAndWritesNoCell(TestDatabase db) throws Exception {
        try (Fixture fx = Fixture.open(db, dir)) {
            String t = FaultHarness.table(fx, "keys_dir");
            // where the key store file should be there is a directory: every read and every replace fails
            Path keys = dir.resolve("keys-as-directory.json");
            Files.createDirectory(keys);
            Files.writeString(keys.resolve("occupied"), "x");
            CloakConfig config = fileKeys(fx, t, keys, "file:" + dir.resolve("audit-keys-dir.jsonl")).build();
            try (HikariDataSource pool = FaultHarness.pool(db.rawDataSource(), 2);
                 CloakDataSource cloak = new CloakDataSource(pool, config);
                 Connection c = cloak.getConnection()) {
                Expect.sqlState("58030", () -> FaultHarness.insert(c, t, 1, "999-00-0004"));
            }
            assertThat(fx.rawCount(t)).isZero();
            assertThat(Files.readString(dir.resolve("audit-keys-dir.jsonl"))).doesNotContain("\"created\"");
        }
    }
}
