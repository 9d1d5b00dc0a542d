package dev.cloak.conformance;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The server's own record of every statement text it received: PostgreSQL's log file with
 * {@code log_statement = 'all'}, MariaDB's {@code mysql.general_log} table. Turning it on and off changes a
 * global setting of the local server (other tests run against other databases meanwhile, so readers filter by
 * their own unique markers); {@link #close()} restores it. H2 keeps no such record.
 */
abstract class StatementLog implements AutoCloseable {

    /** Everything logged since {@link #open} that contains {@code token}, as one text. */
    abstract String read(String token) throws SQLException, IOException;

    @Override
    public abstract void close() throws SQLException;

    /** Starts logging on {@code db} through the superuser connection {@code admin}; H2 logs nothing. */
    static StatementLog open(TestDatabase db, Connection admin) throws SQLException, IOException {
        return switch (db) {
            case POSTGRESQL -> PostgresLog.start(admin);
            case MARIADB -> MariaDbLog.start(admin);
            case H2 -> new StatementLog() {
                @Override
                String read(String token) {
                    return "";
                }

                @Override
                public void close() {
                }
            };
        };
    }

    /** Whether this database keeps a statement log the test can read. */
    static boolean exists(TestDatabase db) {
        return db != TestDatabase.H2;
    }

    private static void execute(Connection c, String... sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    /** {@code ALTER SYSTEM SET log_statement = 'all'}; the log is the cluster's file (Debian's /var/log/postgresql). */
    private static final class PostgresLog extends StatementLog {
        private final Connection admin;
        private final Path file;
        private final long offset;

        private PostgresLog(Connection admin, Path file, long offset) {
            this.admin = admin;
            this.file = file;
            this.offset = offset;
        }

        static StatementLog start(Connection admin) throws SQLException, IOException {
            Path file = locate(admin);
            PostgresLog log = new PostgresLog(admin, file, Files.size(file));
            execute(admin, "ALTER SYSTEM SET log_statement = 'all'", "SELECT pg_reload_conf()");
            log.awaitProbe();
            return log;
        }

        /**
         * The file this server logs to, as the server tells it: {@code pg_current_logfile()} with the logging
         * collector; else Debian's: the {@code log} link pg_createcluster makes next to the configuration for a log
         * file given, or {@code /var/log/postgresql/postgresql-VERSION-CLUSTER.log}; the newest file there last.
         */
        private static Path locate(Connection admin) throws IOException, SQLException {
            String configured = System.getenv("CLOAK_TEST_POSTGRES_LOG");
            if (configured != null && !configured.isBlank()) {
                return Path.of(configured.trim());
            }
            try (Statement st = admin.createStatement(); ResultSet rs = st.executeQuery("SELECT"
                    + " pg_current_logfile(), current_setting('data_directory'), current_setting('config_file'),"
                    + " current_setting('cluster_name')")) {
                rs.next();
                if (rs.getString(1) != null) {
                    return Path.of(rs.getString(2)).resolve(rs.getString(1));
                }
                Path link = Path.of(rs.getString(3)).resolveSibling("log");
                if (Files.exists(link)) {
                    return link.toRealPath();
                }
                Path debian = Path.of("/var/log/postgresql", "postgresql-" + rs.getString(4).replace('/', '-')
                        + ".log");
                if (!rs.getString(4).isEmpty() && Files.isRegularFile(debian)) {
                    return debian;
                }
            }
            Path dir = Path.of("/var/log/postgresql");
            if (!Files.isDirectory(dir)) {
                throw new IOException("PostgreSQL's log file was not found: set CLOAK_TEST_POSTGRES_LOG");
            }
            try (Stream<Path> files = Files.list(dir)) {
                return files.filter(f -> f.getFileName().toString().matches("postgresql-.*\\.log"))
                        .max(Comparator.comparingLong(StatementLog::modified))
                        .orElseThrow(() -> new IOException("no postgresql-*.log in " + dir
                                + ": set CLOAK_TEST_POSTGRES_LOG"));
            }
        }

        /** Waits until a statement sent now shows in the file: the setting took effect and this is the file. */
        private void awaitProbe() throws SQLException, IOException {
            String probe = "cloak_log_probe_" + System.nanoTime();
            for (int attempt = 0; attempt < 100; attempt++) {
                execute(admin, "SELECT '" + probe + "'");
                if (read(probe).contains(probe)) {
                    return;
                }
                sleep();
            }
            throw new IOException("PostgreSQL's statement log " + file + " does not show the statements sent");
        }

        @Override
        String read(String token) throws IOException {
            try (SeekableByteChannel channel = Files.newByteChannel(file)) {
                channel.position(Math.min(offset, channel.size()));
                ByteBuffer buffer = ByteBuffer.allocate((int) Math.max(0, channel.size() - channel.position()));
                while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                    // reads to the end
                }
                return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
            }
        }

        @Override
        public void close() throws SQLException {
            execute(admin, "ALTER SYSTEM RESET log_statement", "SELECT pg_reload_conf()");
        }
    }

    /** {@code SET GLOBAL log_output = 'TABLE', general_log = 1}; the record is {@code mysql.general_log}. */
    private static final class MariaDbLog extends StatementLog {
        private final Connection admin;
        private final String generalLog;
        private final String logOutput;

        private MariaDbLog(Connection admin, String generalLog, String logOutput) {
            this.admin = admin;
            this.generalLog = generalLog;
            this.logOutput = logOutput;
        }

        static StatementLog start(Connection admin) throws SQLException, IOException {
            String generalLog;
            String logOutput;
            try (Statement st = admin.createStatement();
                 ResultSet rs = st.executeQuery("SELECT @@GLOBAL.general_log, @@GLOBAL.log_output")) {
                rs.next();
                generalLog = rs.getString(1);
                logOutput = rs.getString(2);
            }
            MariaDbLog log = new MariaDbLog(admin, generalLog, logOutput);
            execute(admin, "SET GLOBAL log_output = 'TABLE'", "SET GLOBAL general_log = 1");
            String probe = "cloak_log_probe_" + System.nanoTime();
            execute(admin, "SELECT '" + probe + "'");
            if (!log.read(probe).contains(probe)) {
                log.close();
                throw new IOException("mysql.general_log does not show the statements sent");
            }
            return log;
        }

        @Override
        String read(String token) throws SQLException {
            StringBuilder text = new StringBuilder();
            try (Statement st = admin.createStatement();
                 ResultSet rs = st.executeQuery("SELECT CONVERT(argument USING utf8mb4) FROM mysql.general_log"
                         + " WHERE argument LIKE CONCAT('%', '" + token + "', '%')")) {
                while (rs.next()) {
                    text.append(rs.getString(1)).append('\n');
                }
            }
            return text.toString();
        }

        @Override
        public void close() throws SQLException {
            execute(admin, "SET GLOBAL general_log = " + ("1".equals(generalLog) || "ON".equals(generalLog) ? 1 : 0),
                    "SET GLOBAL log_output = '" + logOutput.replace("'", "") + "'", "TRUNCATE mysql.general_log");
        }
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
