package dev.cloak.keyring.audit;

/**
 * Where key events are recorded. {@link #record} returns only once the event is durable, so a caller
 * reports success after the record exists; when it throws, the caller's operation fails (fail closed).
 * Implementations are safe for concurrent use.
 */
public interface AuditTrail {

    /** The trail of a policy without {@code audit.sink}: records nothing. */
    AuditTrail NONE = new AuditTrail() {
        @Override
        public void record(String principal, AuditEvent event, String domain, String version, AuditOutcome outcome) {
            // no sink configured: nothing to record
        }

        @Override
        public String toString() {
            return "AuditTrail.NONE";
        }
    };

    /**
     * Appends one record and makes it durable.
     *
     * @param principal who caused the event, or {@code null} when unknown
     * @param domain    the key domain, or {@code null} when the event has none
     * @param version   the key version (for {@link AuditEvent#POLICY_LOADED}: {@code sha256:HEX} of the policy),
     *                  or {@code null}; never key bytes
     * @throws AuditException when the record cannot be written durably
     */
    void record(String principal, AuditEvent event, String domain, String version, AuditOutcome outcome)
            throws AuditException;
}
