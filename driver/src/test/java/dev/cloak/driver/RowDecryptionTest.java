package dev.cloak.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.EncryptionMode;
import java.io.Reader;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A result set decrypts a cell only when the application reads its column, and at most once per row, however many
 * getters read it; the cursor moving or the row changing makes the next read decrypt what the row holds then. The
 * delegate's {@code getBytes}, which every decryption starts with, is counted per column.
 */
class RowDecryptionTest {

    @TempDir
    Path dir;

    private final Map<Integer, AtomicInteger> cellReads = new ConcurrentHashMap<>();
    private CloakDataSource cloak;

    @BeforeEach
    void open() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        h2.setUser("sa");
        try (Connection raw = h2.getConnection(); Statement s = raw.createStatement()) {
            s.execute("CREATE TABLE people (id INT PRIMARY KEY, ssn VARBINARY(200), name VARBINARY(200),"
                    + " note VARCHAR(20))");
        }
        CloakConfig config = CloakConfig.builder()
                .masterKey("local:file:" + dir.resolve("master.json"))
                .keyStore("file:" + dir.resolve("keys.json"))
                .column("people.ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC)
                .column("people.name", ColumnType.VARCHAR, EncryptionMode.RANDOMIZED)
                // the counting proxy around H2 hides its URL, which verify-server would refuse to trust
                .verifyServer(false)
                .build();
        cloak = new CloakDataSource(counting(h2, DataSource.class), config);
        try (Connection c = cloak.getConnection(); PreparedStatement insert = c.prepareStatement(
                "INSERT INTO people (id, ssn, name, note) VALUES (?, ?, ?, ?)")) {
            for (int id = 1; id <= 3; id++) {
                insert.setInt(1, id);
                insert.setString(2, "ssn-" + id);
                insert.setString(3, id == 3 ? null : "name-" + id);
                insert.setString(4, "note-" + id);
                insert.executeUpdate();
            }
        }
        cellReads.clear();
    }

    @AfterEach
    void close() {
        cloak.close();
    }

    private int reads(int column) {
        return cellReads.getOrDefault(column, new AtomicInteger()).get();
    }

    @Test
    void aColumnReadByEveryKindOfGetterIsDecryptedOnce() throws Exception {
        try (Connection c = cloak.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, ssn, name, note FROM people WHERE id = 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(3)).isEqualTo("name-1");
            assertThat(rs.getObject(3)).isEqualTo("name-1");
            assertThat(rs.getObject("name", String.class)).isEqualTo("name-1");
            assertThat(rs.getNString("NAME")).isEqualTo("name-1");
            try (Reader reader = rs.getCharacterStream(3)) {
                char[] chars = new char[6];
                assertThat(reader.read(chars)).isEqualTo(6);
                assertThat(new String(chars)).isEqualTo("name-1");
            }
            assertThat(rs.wasNull()).isFalse();

            assertThat(reads(3)).isEqualTo(1);
            assertThat(reads(2)).as("ssn is never read").isZero();
        }
    }

    @Test
    void columnsNobodyReadsAreNeverDecrypted() throws Exception {
        try (Connection c = cloak.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, ssn, name, note FROM people ORDER BY id")) {
            int rows = 0;
            while (rs.next()) {
                assertThat(rs.getString("note")).startsWith("note-");
                rows++;
            }
            assertThat(rows).isEqualTo(3);
            assertThat(cellReads).isEmpty();
        }
    }

    @Test
    void eachRowIsDecryptedAfresh() throws Exception {
        try (Connection c = cloak.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, ssn, name FROM people ORDER BY id")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(2)).isEqualTo("ssn-1");
            assertThat(rs.getString(2)).isEqualTo("ssn-1");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(2)).isEqualTo("ssn-2");
            assertThat(rs.getObject(2)).isEqualTo("ssn-2");
            assertThat(reads(2)).isEqualTo(2);
        }
    }

    @Test
    void wasNullAnswersForTheRememberedValueToo() throws Exception {
        try (Connection c = cloak.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, name, note FROM people WHERE id = 3")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(2)).isNull();
            assertThat(rs.wasNull()).isTrue();
            assertThat(rs.getString(3)).isEqualTo("note-3");
            assertThat(rs.wasNull()).isFalse();
            assertThat(rs.getInt(2)).isZero();
            assertThat(rs.wasNull()).isTrue();
            assertThat(rs.getObject(2)).isNull();
            assertThat(reads(2)).isEqualTo(1);
        }
    }

    @Test
    void aScrollableResultDecryptsTheRowItMovesTo() throws Exception {
        try (Connection c = cloak.getConnection();
             Statement s = c.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_READ_ONLY);
             ResultSet rs = s.executeQuery("SELECT id, name FROM people ORDER BY id")) {
            assertThat(rs.absolute(2)).isTrue();
            assertThat(rs.getString(2)).isEqualTo("name-2");
            assertThat(rs.previous()).isTrue();
            assertThat(rs.getString(2)).isEqualTo("name-1");
            assertThat(rs.last()).isTrue();
            assertThat(rs.getString(2)).isNull();
            assertThat(rs.first()).isTrue();
            assertThat(rs.getString(2)).isEqualTo("name-1");
            assertThat(rs.relative(1)).isTrue();
            assertThat(rs.getString(2)).isEqualTo("name-2");
            assertThat(rs.getString(2)).isEqualTo("name-2");
            assertThat(reads(2)).isEqualTo(5);
        }
    }

    @Test
    void anUpdatedRowReadsItsNewValue() throws Exception {
        try (Connection c = cloak.getConnection();
             Statement s = c.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_UPDATABLE);
             ResultSet rs = s.executeQuery("SELECT id, name FROM people WHERE id = 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(2)).isEqualTo("name-1");
            rs.updateString(2, "renamed-1");
            rs.updateRow();
            assertThat(rs.getString(2)).isEqualTo("renamed-1");
            rs.refreshRow();
            assertThat(rs.getString(2)).isEqualTo("renamed-1");
        }
        try (Connection c = cloak.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM people WHERE id = 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("renamed-1");
        }
    }

    /**
     * {@code target} (H2's data source, then its connections, statements and result sets) with every result set
     * counting {@code getBytes(int)} per column; everything else is H2's own.
     */
    private <T> T counting(T target, Class<T> type) {
        InvocationHandler handler = (proxy, method, args) -> {
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (type == ResultSet.class && method.getName().equals("getBytes")
                    && method.getParameterTypes()[0] == int.class) {
                cellReads.computeIfAbsent((Integer) args[0], k -> new AtomicInteger()).incrementAndGet();
            }
            if (method.getName().equals("unwrap")) {
                return result;
            }
            if (result instanceof Connection c) {
                return counting(c, Connection.class);
            }
            if (result instanceof ResultSet rs) {
                return counting(rs, ResultSet.class);
            }
            if (result instanceof PreparedStatement ps) {
                return counting(ps, PreparedStatement.class);
            }
            if (result instanceof Statement st) {
                return counting(st, Statement.class);
            }
            return result;
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }
}
