package dev.cloak.keyring.audit;

/** A key event worth a record in the audit trail; {@link #wireName()} is what the trail holds. */
public enum AuditEvent {
    /** A key domain's keyset was generated and stored. */
    CREATED("created"),
    /** A new primary key version was added to a key domain. */
    ROTATED("rotated"),
    /** A keyset was unwrapped by the master key (a cache miss). */
    UNWRAPPED("unwrapped"),
    /** A keyset was re-wrapped under another master key. */
    REWRAPPED("rewrapped"),
    /** A key version was made decrypt-only. */
    RETIRED("retired"),
    /** A key version was destroyed (crypto-shredding). */
    DESTROYED("destroyed"),
    /** A principal was refused the plaintext of a column by the access policy. */
    ACCESS_DENIED("access-denied"),
    /** The KMS or master key could not be reached or failed. */
    KMS_FAILURE("kms-failure"),
    /**
     * A key store offered an older keyset of a domain than the generation ledger recorded, or had lost a domain the
     * ledger knows: refused (outcome denied); the record's version is the generation the store offered.
     */
    ROLLED_BACK("rolled-back"),
    /** A policy was loaded; the record's version carries the policy's SHA-256. */
    POLICY_LOADED("policy-loaded"),
    /** A column's cells were rewritten under its key domain's active version; the record's version is that one. */
    REENCRYPTED("reencrypted");

    private final String wireName;

    AuditEvent(String wireName) {
        this.wireName = wireName;
    }

    /** The name written in the trail's {@code event} field. */
    public String wireName() {
        return wireName;
    }

    /** The event of a wire name, or {@code null} when there is none. */
    public static AuditEvent fromWireName(String name) {
        for (AuditEvent e : values()) {
            if (e.wireName.equals(name)) {
                return e;
            }
        }
        return null;
    }
}
