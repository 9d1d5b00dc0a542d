package dev.cloak.keyring.audit;

import java.nio.file.Path;

/** A second process for the concurrency test: appends {@code args[1]} records to the trail {@code args[0]}. */
public final class AppendingProcess {

    private AppendingProcess() {
    }

    /** Appends the records, exiting non-zero on the first failure. */
    public static void main(String[] args) throws Exception {
        FileAuditTrail trail = FileAuditTrail.open(Path.of(args[0]));
        int count = Integer.parseInt(args[1]);
        for (int i = 0; i < count; i++) {
            trail.record("other-process", AuditEvent.UNWRAPPED, "patients.ssn", String.valueOf(i), AuditOutcome.OK);
        }
    }
}
