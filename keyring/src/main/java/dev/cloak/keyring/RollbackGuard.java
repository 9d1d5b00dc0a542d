package dev.cloak.keyring;

import dev.cloak.keyring.audit.AuditEvent;
import dev.cloak.keyring.audit.AuditOutcome;
import dev.cloak.keyring.store.GenerationLedger;
import dev.cloak.keyring.store.KeyStore;
import java.util.Optional;

/**
 * Holds the key store to the generation ledger: a keyset is used only once it has unwrapped (which authenticates its
 * generation) and the ledger has admitted it, and a domain the ledger knows is never created again. Refusals are
 * audited and reported as {@link KeyringException.Kind#ROLLED_BACK}, naming the domain, the store and the ledger.
 */
final class RollbackGuard {

    private final GenerationLedger ledger;
    private final KeyStore store;
    private final KeyEvents events;

    RollbackGuard(GenerationLedger ledger, KeyStore store, KeyEvents events) {
        this.ledger = ledger;
        this.store = store;
        this.events = events;
    }

    /**
     * Admits {@code keyset}, which has just unwrapped under the master key: the ledger then remembers it as the
     * domain's newest, unless it remembers a newer generation or another keyset of the same generation.
     */
    void admit(WrappedKeyset keyset) throws KeyringException {
        GenerationLedger.Entry entry = new GenerationLedger.Entry(keyset.generation(), keyset.sha256());
        Optional<GenerationLedger.Entry> newer = ledger.admit(keyset.domain(), entry);
        if (newer.isEmpty()) {
            return;
        }
        long recorded = newer.get().generation();
        String what = recorded > keyset.generation()
                ? "holds generation " + keyset.generation() + " of key domain " + keyset.domain()
                        + ", older than generation " + recorded
                : "holds another keyset of key domain " + keyset.domain() + " under generation " + recorded
                        + " than the one";
        throw refused(keyset.domain(), keyset.generation(), store + " " + what + " recorded in " + ledger
                + ": the key store was rolled back (a restored backup?) or replaced. Cloak will not use it, since it "
                + "could bring back retired or destroyed key versions; restore the key store's newest copy");
    }

    /** Refuses to create {@code domain} when the ledger remembers it: the store lost it, and its cells need it. */
    void requireUnseen(String domain) throws KeyringException {
        Optional<GenerationLedger.Entry> seen = ledger.seen(domain);
        if (seen.isPresent()) {
            throw refused(domain, -1, store + " has no keyset of key domain " + domain + ", but " + ledger
                    + " recorded its generation " + seen.get().generation() + ": the key store was rolled back, "
                    + "emptied or replaced. Cloak will not create a new key for it; restore the key store's "
                    + "newest copy");
        }
    }

    private KeyringException refused(String domain, long generation, String message) {
        events.recordRefusal(AuditEvent.ROLLED_BACK, domain, generation < 0 ? null : Long.toString(generation),
                AuditOutcome.DENIED);
        return new KeyringException(KeyringException.Kind.ROLLED_BACK, message);
    }
}
