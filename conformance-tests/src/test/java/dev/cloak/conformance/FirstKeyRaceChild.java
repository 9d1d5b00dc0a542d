package dev.cloak.conformance;

import dev.cloak.driver.CloakDataSource;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.EncryptionMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The second application instance of {@link FirstKeyRaceAcrossJvmsTest}, run as its own {@code java} process: for
 * each table, waits for the start signal, then inserts row 2 with the same value the test inserts as row 1.
 * Arguments: database, raw URL, master key URI, audit sink, signal folder, tables.
 */
public final class FirstKeyRaceChild {

    private FirstKeyRaceChild() {
    }

    public static void main(String[] args) throws Exception {
        TestDatabase db = TestDatabase.valueOf(args[0]);
        Path signals = Path.of(args[4]);
        List<String> tables = Arrays.asList(args).subList(5, args.length);
        CloakConfig.Builder b = CloakConfig.builder().masterKey(args[2]).keyStore("database").requireTls(false)
                .auditSink(args[3]).kmsTimeout(Duration.ofSeconds(10));
        for (String t : tables) {
            b.column(t + ".ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC);
        }
        try (CloakDataSource cloak = new CloakDataSource(db.newRawDataSource(args[1]), b.build());
             Connection c = cloak.getConnection()) {
            Files.writeString(signals.resolve("ready"), "ready");
            for (int i = 0; i < tables.size(); i++) {
                Path start = signals.resolve("start-" + i);
                while (!Files.exists(start) || Files.size(start) == 0) {
                    Thread.sleep(1);
                }
                sleepUntil(Long.parseLong(Files.readString(start).trim()));
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + tables.get(i)
                        + " (id, ssn) VALUES (?, ?)")) {
                    ps.setInt(1, 2);
                    ps.setString(2, "321-00-0001");
                    ps.executeUpdate();
                }
                Files.writeString(signals.resolve("done-" + i), "done");
            }
        }
        System.exit(0);
    }

    /** Waits until the machine's clock reads {@code epochMillis}, the last millisecond spinning. */
    static void sleepUntil(long epochMillis) throws InterruptedException {
        long left;
        while ((left = epochMillis - System.currentTimeMillis()) > 1) {
            Thread.sleep(left - 1);
        }
        while (System.currentTimeMillis() < epochMillis) {
            Thread.onSpinWait();
        }
    }
}
