package dev.cloak.keyring.audit;

/** How an audited operation ended; {@link #wireName()} is what the trail holds. */
public enum AuditOutcome {
    /** The operation succeeded. */
    OK("ok"),
    /** The operation failed (for example the KMS could not be reached). */
    FAILED("failed"),
    /** The access policy refused the operation. */
    DENIED("denied");

    private final String wireName;

    AuditOutcome(String wireName) {
        this.wireName = wireName;
    }

    /** The name written in the trail's {@code outcome} field. */
    public String wireName() {
        return wireName;
    }

    /** The outcome of a wire name, or {@code null} when there is none. */
    public static AuditOutcome fromWireName(String name) {
        for (AuditOutcome o : values()) {
            if (o.wireName.equals(name)) {
                return o;
            }
        }
        return null;
    }
}
