package dev.cloak.keyring;

import dev.cloak.keyring.audit.AuditEvent;
import dev.cloak.keyring.audit.AuditException;
import dev.cloak.keyring.audit.AuditOutcome;
import dev.cloak.keyring.audit.AuditTrail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the key events of a keyring or of key administration on an {@link AuditTrail}, as the process's OS user
 * (key events happen on behalf of the process, not of one connection's principal). A successful event that cannot
 * be recorded fails its operation; a failure is reported whether or not it could be recorded.
 */
final class KeyEvents {

    private static final Logger LOG = LoggerFactory.getLogger(KeyEvents.class);

    private final AuditTrail trail;
    private final String actor;

    KeyEvents(AuditTrail trail) {
        this.trail = trail;
        String user = System.getProperty("user.name");
        this.actor = user == null || user.isBlank() ? null : user;
    }

    AuditTrail trail() {
        return trail;
    }

    /** Records a successful event; the version is a key id, which every ciphertext carries anyway. */
    void record(AuditEvent event, String domain, String version) throws KeyringException {
        try {
            trail.record(actor, event, domain, version, AuditOutcome.OK);
        } catch (AuditException e) {
            throw new KeyringException(KeyringException.Kind.UNAVAILABLE, "key event " + event.wireName()
                    + " of key domain " + domain + " cannot be audited: " + e.getMessage(), e);
        }
    }

    /** Records a refused event; a trail that cannot record it is logged, since the refusal stands either way. */
    void recordRefusal(AuditEvent event, String domain, String version, AuditOutcome outcome) {
        try {
            trail.record(actor, event, domain, version, outcome);
        } catch (AuditException e) {
            LOG.warn("A refused {} of key domain {} cannot be audited: {}", event.wireName(), domain, e.getMessage());
        }
    }

    /** Records a KMS failure; returns the failure, with an audit failure attached to it. */
    KeyringException kmsFailure(String domain, KeyringException failure) {
        try {
            trail.record(actor, AuditEvent.KMS_FAILURE, domain, null, AuditOutcome.FAILED);
        } catch (AuditException e) {
            failure.addSuppressed(e);
        }
        return failure;
    }
}
