package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloak.keyring.store.ConnectionSource;
import dev.cloak.keyring.store.DatabaseKeyStore;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.WrappedKeyset;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The {@code database} key store on each database, in a schema of its own: before its tables exist it reads
 * nothing and needs no rights to create them; its first write creates them; a failure that is not a missing
 * table stays a failure. Each database names a missing table with its own SQLState ({@code DatabaseStates}).
 */
class KeyStoreTablesTest {

    /** A schema (a database, on MariaDB) of this test's own, removed afterwards. */
    private record Namespace(TestDatabase db, String name) implements AutoCloseable {

        static Namespace create(TestDatabase db) throws SQLException {
            String name = "cloak_drv_ks" + Integer.toUnsignedString(ThreadLocalRandom.current().nextInt());
            Namespace namespace = new Namespace(db, db == TestDatabase.H2 ? name.toUpperCase(Locale.ROOT) : name);
            namespace.execute((db == TestDatabase.MARIADB ? "CREATE DATABASE " : "CREATE SCHEMA ") + namespace.name);
            return namespace;
        }

        /** Connections whose unqualified names resolve in this namespace, as the key store opens them. */
        ConnectionSource connections() {
            return () -> {
                Connection connection = db.openRaw();
                if (db == TestDatabase.MARIADB) {
                    connection.setCatalog(name);
                } else {
                    connection.setSchema(name);
                }
                return connection;
            };
        }

        void execute(String sql) throws SQLException {
            try (Connection c = db.openRaw(); Statement s = c.createStatement()) {
                s.execute(sql);
            }
        }

        @Override
        public void close() throws SQLException {
            execute(db == TestDatabase.MARIADB ? "DROP DATABASE " + name : "DROP SCHEMA " + name + " CASCADE");
        }
    }

    private static WrappedKeyset keyset(String domain) {
        return new WrappedKeyset(domain, "deterministic-aead", new byte[] {1, 2, 3}, "local:file:m.json");
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void beforeItsTablesExistTheStoreReadsNothingAndItsFirstWriteCreatesThem(TestDatabase db) throws Exception {
        db.rawUrl();
        try (Namespace namespace = Namespace.create(db)) {
            DatabaseKeyStore store = new DatabaseKeyStore(namespace.connections());

            assertThat(store.read("patients.ssn")).isEmpty();
            assertThat(store.readDomain("patients.ssn")).isEmpty();
            assertThat(store.list()).isEmpty();

            WrappedKeyset stored = store.insertIfAbsent(keyset("patients.ssn"));

            assertThat(store.read("patients.ssn")).contains(stored);
            assertThat(store.readDomain("patients.ssn")).hasValueSatisfying(domain -> {
                assertThat(domain.keyset()).isEqualTo(stored);
                assertThat(domain.versions()).as("no cloak_key_versions table yet").isEmpty();
            });
            assertThat(store.list()).hasSize(1);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aTableThatExistsButCannotBeReadIsAFailureNotAnEmptyStore(TestDatabase db) throws Exception {
        db.rawUrl();
        try (Namespace namespace = Namespace.create(db)) {
            namespace.execute("CREATE TABLE " + namespace.name() + ".cloak_keys (something_else INT)");
            DatabaseKeyStore store = new DatabaseKeyStore(namespace.connections());

            assertThatThrownBy(() -> store.read("patients.ssn")).isInstanceOf(KeyringException.class)
                    .hasMessageContaining("key store unavailable");
        }
    }
}
