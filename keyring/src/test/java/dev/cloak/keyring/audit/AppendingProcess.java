package dev.cloak.keyring.audit;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A second process for the concurrency test: appends to the trail {@code args[0]} until the file
 * {@code args[1]} exists, so its appends span the whole time the test's threads append.
 */
public final class AppendingProcess {

    private AppendingProcess() {
    }

    /** Appends records until told to stop, exiting non-zero on the first failure. */
    public static void main(String[] args) throws Exception {
        FileAuditTrail trail = FileAuditTrail.open(Path.of(args[0]));
        Path stop = Path.of(args[1]);
        for (int i = 0; i < 100_000 && !Files.exists(stop); i++) {
            trail.record("other-process", AuditEvent.UNWRAPPED, "patients.ssn", String.valueOf(i), AuditOutcome.OK);
        }
    }
}
