package dev.cloak.driver.internal.telemetry;

import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one encrypted column, resolved once when the policy compiles so that the codec counts a cell with
 * an int comparison and a {@link LongAdder} increment: cells encrypted and decrypted by key version, and decrypt
 * failures by reason. Thread-safe.
 */
public final class ColumnMeter {

    /** Why a stored cell did not decrypt; each is a tag value of {@code cloak.decrypt.failures}. */
    public enum FailureReason {
        /** The cell's tag did not verify: tampered, or copied from another key domain. */
        AUTHENTICATION_FAILED("authentication_failed"),
        /** The cell names a key version its key domain does not have (destroyed, or from another key store). */
        UNKNOWN_KEY_VERSION("unknown_key_version"),
        /** The stored bytes are no Cloak cell of this column's mode (plaintext written past Cloak, truncated). */
        NOT_A_CLOAK_CELL("not_a_cloak_cell");

        private final String tag;

        FailureReason(String tag) {
            this.tag = tag;
        }

        /** The tag value. */
        public String tag() {
            return tag;
        }
    }

    private final VersionCounts encrypted;
    private final VersionCounts decrypted;
    private final LongAdder[] failures = new LongAdder[FailureReason.values().length];

    /** A meter that counts but publishes nothing (a codec made outside a data source: tests, tools). */
    public static ColumnMeter unpublished() {
        return new ColumnMeter(null, null, null);
    }

    ColumnMeter(Telemetry telemetry, String column, String mode) {
        this.encrypted = new VersionCounts(keyId -> publish(telemetry, "cloak.cells.encrypted",
                "Cells Cloak encrypted", column, mode, keyId));
        this.decrypted = new VersionCounts(keyId -> publish(telemetry, "cloak.cells.decrypted",
                "Cells Cloak decrypted", column, mode, keyId));
        for (FailureReason reason : FailureReason.values()) {
            LongAdder count = new LongAdder();
            failures[reason.ordinal()] = count;
            if (telemetry != null) {
                telemetry.publish(new MeterSpec("cloak.decrypt.failures", "Stored cells that did not decrypt", true,
                        Map.of("column", column, "mode", mode, "reason", reason.tag()), count::sum));
            }
        }
    }

    private static LongAdder publish(Telemetry telemetry, String name, String description, String column,
                                     String mode, int keyId) {
        LongAdder count = new LongAdder();
        if (telemetry != null) {
            telemetry.publish(new MeterSpec(name, description, true, Map.of("column", column, "mode", mode,
                    "key_version", Integer.toUnsignedString(keyId)), count::sum));
        }
        return count;
    }

    /** A cell was encrypted under key version {@code keyId}. */
    public void encrypted(int keyId) {
        encrypted.count(keyId);
    }

    /** A cell under key version {@code keyId} was decrypted. */
    public void decrypted(int keyId) {
        decrypted.count(keyId);
    }

    /** A cell did not decrypt. */
    public void failed(FailureReason reason) {
        failures[reason.ordinal()].increment();
    }

    /** Cells encrypted so far, every version. */
    public long encryptedCells() {
        return encrypted.total();
    }

    /** Cells decrypted so far, every version. */
    public long decryptedCells() {
        return decrypted.total();
    }

    /** Decrypt failures so far for {@code reason}. */
    public long failures(FailureReason reason) {
        return failures[reason.ordinal()].sum();
    }
}
