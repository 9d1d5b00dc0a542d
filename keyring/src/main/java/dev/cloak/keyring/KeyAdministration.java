package dev.cloak.keyring;

import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import dev.cloak.keyring.audit.AuditEvent;
import dev.cloak.keyring.audit.AuditOutcome;
import dev.cloak.keyring.audit.AuditTrail;
import dev.cloak.keyring.store.GenerationLedger;
import dev.cloak.keyring.store.KeyStore;
import dev.cloak.keyring.store.StoredKeyDomain;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Key administration over a {@link KeyStore}: creates key domains, adds key versions, re-wraps every keyset
 * under another master key, retires and destroys versions. A version is a Tink key id of the domain's keyset;
 * the store keeps its status. Every change stores the keyset under its domain's next generation and is recorded on
 * the {@link AuditTrail} before it is reported done; concurrent changes by other processes are detected
 * (compare-and-set) and retried. A change starts only from a keyset the {@link GenerationLedger} admits, and a domain
 * is created only when the ledger has never seen it and its columns hold no value. Never returns, logs or reports
 * key bytes. Close it to let go of the master key's client.
 */
public final class KeyAdministration implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KeyAdministration.class);
    private static final int ATTEMPTS = 5;

    private final MasterKey masterKey;
    private final KeyStore store;
    private final KeyEvents events;
    private final MasterKeys masterKeys;
    private final RollbackGuard guard;
    private final MasterKeyOptions options;

    private KeyAdministration(MasterKey masterKey, KeyStore store, KeyEvents events, MasterKeys masterKeys,
                              GenerationLedger ledger, MasterKeyOptions options) {
        this.options = options;
        this.masterKey = masterKey;
        this.store = store;
        this.events = events;
        this.masterKeys = masterKeys;
        this.guard = new RollbackGuard(ledger, store, events);
    }

    /**
     * Opens the master key {@code masterKeyUri} (the policy's {@code keyring.master-key}) to administer a store,
     * holding it to {@code ledger} ({@link GenerationLedger#NONE} when the policy names none).
     */
    public static KeyAdministration open(String masterKeyUri, KeyStore store, AuditTrail audit,
                                         GenerationLedger ledger) throws KeyringException {
        return open(masterKeyUri, store, audit, ledger, MasterKeyOptions.DEFAULTS);
    }

    /** As {@link #open(String, KeyStore, AuditTrail, GenerationLedger)}, with the policy's master-key options. */
    public static KeyAdministration open(String masterKeyUri, KeyStore store, AuditTrail audit,
                                         GenerationLedger ledger, MasterKeyOptions options) throws KeyringException {
        return open(masterKeyUri, store, audit, ledger, MasterKeys.installed(), options);
    }

    static KeyAdministration open(String masterKeyUri, KeyStore store, AuditTrail audit, GenerationLedger ledger,
                                  MasterKeys masterKeys) throws KeyringException {
        return open(masterKeyUri, store, audit, ledger, masterKeys, MasterKeyOptions.DEFAULTS);
    }

    static KeyAdministration open(String masterKeyUri, KeyStore store, AuditTrail audit, GenerationLedger ledger,
                                  MasterKeys masterKeys, MasterKeyOptions options) throws KeyringException {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(masterKeyUri, "masterKeyUri");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(ledger, "ledger");
        try {
            KeyPurpose.ensureRegistered();
        } catch (GeneralSecurityException e) {
            throw new KeyringException(KeyringException.Kind.UNAVAILABLE, "Tink could not be initialised", e);
        }
        KeyEvents events = new KeyEvents(audit);
        return new KeyAdministration(masterKeys.open(masterKeyUri, options, events), store, events, masterKeys, ledger,
                options);
    }

    /**
     * Creates key domain {@code domain} with one active version, if its columns hold no value yet.
     *
     * @param usage says whether the domain's columns hold values: a key created for them could never decrypt them
     * @throws KeyringException {@link KeyringException.Kind#INVALID} when the domain already exists (also when
     *     another process created it at the same moment: the store then holds that process's keyset only);
     *     {@link KeyringException.Kind#NO_SUCH_KEY} when its columns hold values (the key store that has its key is
     *     missing); {@link KeyringException.Kind#ROLLED_BACK} when the ledger knows the domain
     */
    public StoredKeyDomain init(String domain, KeyPurpose purpose, DomainUsage usage) throws KeyringException {
        requireDomain(domain);
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(usage, "usage");
        if (store.readDomain(domain).isPresent()) {
            throw alreadyExists(domain);
        }
        guard.requireUnseen(domain);
        Optional<String> column = usage.columnWithValues(domain);
        if (column.isPresent()) {
            throw new KeyringException(KeyringException.Kind.NO_SUCH_KEY, "key domain " + domain + " has no keyset in "
                    + store + ", but column " + column.get() + " already holds values: a new key could never decrypt "
                    + "them. Restore the key store that holds key domain " + domain + " instead");
        }
        KeysetHandle handle;
        try {
            handle = KeysetHandle.generateNew(purpose.template());
        } catch (GeneralSecurityException e) {
            throw new KeyringException(KeyringException.Kind.UNAVAILABLE,
                    "cannot generate a keyset for key domain " + domain, e);
        }
        Instant now = createdNow();
        StoredKeyDomain candidate = new StoredKeyDomain(WrappedKeyset.wrap(handle, domain, purpose, masterKey, 1),
                versionsOf(handle).stream().map(v -> new KeyVersion(v.id(), v.status(), now)).toList(), now);
        StoredKeyDomain stored = store.create(candidate);
        if (!stored.keyset().equals(candidate.keyset())) {
            throw alreadyExists(domain);
        }
        guard.admit(stored.keyset());
        events.record(AuditEvent.CREATED, domain, primaryId(handle));
        LOG.info("Created key domain {} ({}) with version {}", domain, purpose.storedName(), primaryId(handle));
        return stored;
    }

    /** Whether key domain {@code domain} exists in the store (no master-key call). */
    public boolean exists(String domain) throws KeyringException {
        requireDomain(domain);
        return store.readDomain(domain).isPresent();
    }

    /** Every key domain with its versions; a domain stored without versions has them read from its keyset. */
    public List<StoredKeyDomain> list() throws KeyringException {
        List<StoredKeyDomain> listed = new ArrayList<>();
        for (StoredKeyDomain domain : store.list()) {
            listed.add(withVersions(domain));
        }
        return listed;
    }

    /** The key domain {@code domain} with its versions. */
    public StoredKeyDomain describe(String domain) throws KeyringException {
        return withVersions(read(domain));
    }

    /**
     * Adds a new primary version to {@code domain}; the old versions become decrypt-only and keep decrypting.
     *
     * @param unique asked for a deterministic domain: a column under it that a UNIQUE constraint or unique index
     *               covers would accept duplicates once new rows are encrypted under the new version, so the rotation
     *               is refused ({@link KeyringException.Kind#INVALID}) and names the shadow-column re-key instead
     */
    public KeyVersion rotate(String domain, UniqueConstraints unique) throws KeyringException {
        requireDomain(domain);
        Objects.requireNonNull(unique, "unique");
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            StoredKeyDomain current = read(domain);
            KeyPurpose purpose = current.keyset().purposeKind();
            if (attempt == 0 && purpose == KeyPurpose.DETERMINISTIC_AEAD) {
                refuseUnique(domain, unique);
            }
            KeysetHandle handle = unwrapAdmitted(current);
            KeysetHandle rotated;
            try {
                rotated = KeysetHandle.newBuilder(handle)
                        .addEntry(KeysetHandle.generateEntryFromParameters(purpose.template()).withRandomId()
                                .makePrimary())
                        .build();
            } catch (GeneralSecurityException e) {
                throw new KeyringException(KeyringException.Kind.UNAVAILABLE,
                        "cannot add a key version to key domain " + domain, e);
            }
            KeyVersion added = new KeyVersion(rotated.getPrimary().getId(), KeyVersionStatus.ACTIVE, createdNow());
            List<KeyVersion> versions = new ArrayList<>();
            for (KeyVersion version : versionsOrDerived(current, handle)) {
                versions.add(version.status() == KeyVersionStatus.ACTIVE
                        ? version.withStatus(KeyVersionStatus.DECRYPT_ONLY) : version);
            }
            versions.add(added);
            WrappedKeyset wrapped = WrappedKeyset.wrap(rotated, domain, purpose, storedMaster(current),
                    nextGeneration(current));
            if (store.replace(current, new StoredKeyDomain(wrapped, versions))) {
                guard.admit(wrapped);
                events.record(AuditEvent.ROTATED, domain, added.idText());
                LOG.info("Rotated key domain {}: version {} is now primary", domain, added.idText());
                return added;
            }
        }
        throw contended(domain);
    }

    /**
     * Adds a new version to deterministic {@code domain} that decrypts but does not encrypt yet: the active version
     * stays primary, so every running instance keeps writing and looking up under it. {@code cloak migrate rekey}
     * fills a shadow column under the staged version and {@link #activate}s it when it finishes. Not refused for a
     * column under a UNIQUE constraint: nothing is encrypted under the staged version through the application.
     *
     * @return the staged version (status {@link KeyVersionStatus#DECRYPT_ONLY} until activated)
     */
    public KeyVersion stage(String domain) throws KeyringException {
        requireDomain(domain);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            StoredKeyDomain current = read(domain);
            KeyPurpose purpose = current.keyset().purposeKind();
            if (purpose != KeyPurpose.DETERMINISTIC_AEAD) {
                throw new KeyringException(KeyringException.Kind.INVALID, "key domain " + domain
                        + " is not deterministic: a re-key through a shadow column is for deterministic domains");
            }
            KeysetHandle handle = unwrapAdmitted(current);
            KeysetHandle staged;
            try {
                staged = KeysetHandle.newBuilder(handle)
                        .addEntry(KeysetHandle.generateEntryFromParameters(purpose.template()).withRandomId())
                        .build();
            } catch (GeneralSecurityException e) {
                throw new KeyringException(KeyringException.Kind.UNAVAILABLE,
                        "cannot add a key version to key domain " + domain, e);
            }
            int id = staged.getAt(staged.size() - 1).getId();
            KeyVersion added = new KeyVersion(id, KeyVersionStatus.DECRYPT_ONLY, createdNow());
            List<KeyVersion> versions = new ArrayList<>(versionsOrDerived(current, handle));
            versions.add(added);
            WrappedKeyset wrapped = WrappedKeyset.wrap(staged, domain, purpose, storedMaster(current),
                    nextGeneration(current));
            if (store.replace(current, new StoredKeyDomain(wrapped, versions))) {
                guard.admit(wrapped);
                events.record(AuditEvent.ROTATED, domain, added.idText());
                LOG.info("Staged version {} of key domain {} (decrypts, does not encrypt yet)", added.idText(),
                        domain);
                return added;
            }
        }
        throw contended(domain);
    }

    /**
     * Makes {@code version} of {@code domain} the primary (active) version and the active one decrypt-only: the end
     * of {@code cloak migrate rekey}, once every cell of its column is under {@code version}. Activating the active
     * version changes nothing.
     */
    public KeyVersion activate(String domain, int version) throws KeyringException {
        requireDomain(domain);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Located located = locate(domain, version);
            StoredKeyDomain current = located.current();
            KeysetHandle handle = located.handle();
            List<KeyVersion> versions = located.versions();
            KeyVersion target = located.target();
            if (target.status() == KeyVersionStatus.ACTIVE) {
                return target;
            }
            KeysetHandle activated;
            try {
                KeysetHandle.Builder builder = KeysetHandle.newBuilder(handle);
                for (int i = 0; i < builder.size(); i++) {
                    if (handle.getAt(i).getId() == version) {
                        builder.getAt(i).makePrimary();
                    }
                }
                activated = builder.build();
            } catch (GeneralSecurityException e) {
                throw new KeyringException(KeyringException.Kind.UNAVAILABLE,
                        "cannot activate a key version of key domain " + domain, e);
            }
            List<KeyVersion> changed = new ArrayList<>();
            for (KeyVersion v : versions) {
                changed.add(v.id() == version ? v.withStatus(KeyVersionStatus.ACTIVE)
                        : v.status() == KeyVersionStatus.ACTIVE ? v.withStatus(KeyVersionStatus.DECRYPT_ONLY) : v);
            }
            WrappedKeyset wrapped = WrappedKeyset.wrap(activated, domain, current.keyset().purposeKind(),
                    storedMaster(current), nextGeneration(current));
            if (store.replace(current, new StoredKeyDomain(wrapped, changed))) {
                guard.admit(wrapped);
                events.record(AuditEvent.ROTATED, domain, target.idText());
                LOG.info("Activated version {} of key domain {}: it is now primary", target.idText(), domain);
                return target.withStatus(KeyVersionStatus.ACTIVE);
            }
        }
        throw contended(domain);
    }

    /** The column a {@link UniqueConstraints} answer names ("column T.C is covered …"), or a placeholder. */
    private static String coveredColumn(String description) {
        return description.startsWith("column ") ? description.substring("column ".length()).split(" ", 2)[0]
                : "TABLE.COLUMN";
    }

    private static void refuseUnique(String domain, UniqueConstraints unique) throws KeyringException {
        Optional<String> covered = unique.uniqueColumn(domain);
        if (covered.isPresent()) {
            throw new KeyringException(KeyringException.Kind.INVALID, "key domain " + domain + " is deterministic and "
                    + covered.get() + ": after a rotation new rows would be encrypted under the new version, so the "
                    + "database would accept a duplicate of an old row's value and an upsert would insert instead of "
                    + "update. Nothing was rotated. Such a column is re-keyed through a shadow column that holds the "
                    + "new version's cells under its own UNIQUE index until a cut-over: run `cloak migrate rekey "
                    + coveredColumn(covered.get()) + "` instead (README \"Rotating a deterministic column\")");
        }
    }

    /**
     * Re-wraps every keyset under the master key {@code newMasterKeyUri} without touching any cell; the store
     * records the new master URI per keyset. Keysets already wrapped under it are left alone, so an interrupted
     * run can be repeated. The policy's {@code keyring.master-key} must then name the new key. Any two kinds of
     * master key may be the old and the new one (pkcs11, aws-kms, gcp-kms, vault-transit, local).
     *
     * @return how many keysets were re-wrapped
     */
    public int rewrap(String newMasterKeyUri) throws KeyringException {
        Objects.requireNonNull(newMasterKeyUri, "newMasterKeyUri");
        MasterKey newMaster = masterKeys.open(newMasterKeyUri, options, events);
        try {
            return rewrapUnder(newMaster);
        } finally {
            newMaster.close();
        }
    }

    private int rewrapUnder(MasterKey newMaster) throws KeyringException {
        String newMasterKeyUri = newMaster.uri();
        int rewrapped = 0;
        for (StoredKeyDomain listed : store.list()) {
            String domain = listed.domain();
            for (int attempt = 0; ; attempt++) {
                StoredKeyDomain current = read(domain);
                if (current.keyset().masterKeyUri().equals(newMasterKeyUri)) {
                    break;
                }
                KeysetHandle handle = unwrapAdmitted(current);
                WrappedKeyset wrapped;
                try {
                    wrapped = WrappedKeyset.wrap(handle, domain, current.keyset().purposeKind(), newMaster,
                            nextGeneration(current));
                    // fail closed: never store a keyset that the new master key cannot open again
                    wrapped.unwrap(newMaster);
                } catch (KeyringException e) {
                    throw events.kmsFailure(domain, e);
                }
                if (store.replace(current, new StoredKeyDomain(wrapped, versionsOrDerived(current, handle)))) {
                    guard.admit(wrapped);
                    events.record(AuditEvent.REWRAPPED, domain, primaryId(handle));
                    LOG.info("Re-wrapped key domain {} under master key scheme {}", domain,
                            MasterKeyUris.scheme(newMasterKeyUri));
                    rewrapped++;
                    break;
                }
                if (attempt + 1 >= ATTEMPTS) {
                    throw contended(domain);
                }
            }
        }
        return rewrapped;
    }

    /**
     * Makes {@code version} of {@code domain} decrypt-only: it keeps decrypting, never encrypts again. The active
     * version cannot be retired (rotate first); retiring a decrypt-only version changes nothing.
     */
    public KeyVersion retire(String domain, int version) throws KeyringException {
        requireDomain(domain);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Located located = locate(domain, version);
            StoredKeyDomain current = located.current();
            KeyVersion target = located.target();
            refuseActive(domain, target);
            if (store.replace(current, new StoredKeyDomain(current.keyset(), located.versions()))) {
                events.record(AuditEvent.RETIRED, domain, target.idText());
                LOG.info("Retired version {} of key domain {} (decrypt-only)", target.idText(), domain);
                return target;
            }
        }
        throw contended(domain);
    }

    /**
     * Destroys {@code version} of {@code domain} (crypto-shredding): its key material leaves the keyset, and the
     * cells under it can never be decrypted again. Refused for the active version, and, unless {@code force},
     * while {@code usage} reports cells under the version (the refusal is audited as denied).
     */
    public KeyVersion destroy(String domain, int version, VersionUsage usage, boolean force) throws KeyringException {
        requireDomain(domain);
        Objects.requireNonNull(usage, "usage");
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Located located = locate(domain, version);
            StoredKeyDomain current = located.current();
            KeysetHandle handle = located.handle();
            List<KeyVersion> versions = new ArrayList<>(located.versions());
            KeyVersion target = located.target();
            refuseActive(domain, target);
            if (!force) {
                long cells = usage.cellsUsing(domain, target);
                if (cells > 0) {
                    events.recordRefusal(AuditEvent.DESTROYED, domain, target.idText(), AuditOutcome.DENIED);
                    throw new KeyringException(KeyringException.Kind.INVALID, cells
                            + " stored cell(s) still use version " + target.idText() + " of key domain " + domain
                            + "; re-encrypt them first (cloak migrate reencrypt) or destroy them with --force");
                }
            }
            KeysetHandle shredded;
            try {
                KeysetHandle.Builder builder = KeysetHandle.newBuilder(handle);
                for (int i = handle.size() - 1; i >= 0; i--) {
                    if (handle.getAt(i).getId() == version) {
                        builder.deleteAt(i);
                    }
                }
                shredded = builder.build();
            } catch (GeneralSecurityException e) {
                throw new KeyringException(KeyringException.Kind.INVALID,
                        "cannot remove version " + target.idText() + " from key domain " + domain, e);
            }
            versions.set(versions.indexOf(target), target.withStatus(KeyVersionStatus.DESTROYED));
            WrappedKeyset wrapped = WrappedKeyset.wrap(shredded, domain, current.keyset().purposeKind(),
                    storedMaster(current), nextGeneration(current));
            if (store.replace(current, new StoredKeyDomain(wrapped, versions))) {
                guard.admit(wrapped);
                events.record(AuditEvent.DESTROYED, domain, target.idText());
                LOG.warn("Destroyed version {} of key domain {}: cells under it can no longer be decrypted",
                        target.idText(), domain);
                return target.withStatus(KeyVersionStatus.DESTROYED);
            }
        }
        throw contended(domain);
    }

    /** A version of a domain and what it was found in: the stored domain, its keyset and its versions. */
    private record Located(StoredKeyDomain current, KeysetHandle handle, List<KeyVersion> versions,
                           KeyVersion target) {
    }

    /**
     * Reads {@code domain}, unwraps and admits its keyset and finds {@code version} in it; a destroyed version is
     * refused, since nothing can be done with it any more.
     */
    private Located locate(String domain, int version) throws KeyringException {
        StoredKeyDomain current = read(domain);
        KeysetHandle handle = unwrapAdmitted(current);
        List<KeyVersion> versions = versionsOrDerived(current, handle);
        KeyVersion target = find(domain, versions, version);
        if (target.status() == KeyVersionStatus.DESTROYED) {
            throw destroyed(domain, target);
        }
        return new Located(current, handle, versions, target);
    }

    private static void refuseActive(String domain, KeyVersion target) throws KeyringException {
        if (target.status() == KeyVersionStatus.ACTIVE) {
            throw new KeyringException(KeyringException.Kind.INVALID, "version " + target.idText()
                    + " of key domain " + domain + " is the active version; rotate the key first");
        }
    }

    private StoredKeyDomain read(String domain) throws KeyringException {
        Optional<StoredKeyDomain> stored = store.readDomain(domain);
        if (stored.isPresent()) {
            return stored.get();
        }
        guard.requireUnseen(domain);
        throw new KeyringException(KeyringException.Kind.NO_SUCH_KEY,
                "key domain " + domain + " does not exist; create it with `cloak keys init`");
    }

    /** The domain's keyset, unwrapped and admitted by the ledger: no change starts from a rolled-back keyset. */
    private KeysetHandle unwrapAdmitted(StoredKeyDomain current) throws KeyringException {
        KeysetHandle handle = current.keyset().unwrap(masterKey);
        guard.admit(current.keyset());
        return handle;
    }

    /** Every stored change of a domain's keyset takes the next generation (a legacy keyset's 0 becomes 1). */
    private static long nextGeneration(StoredKeyDomain current) {
        return current.keyset().generation() + 1;
    }

    /** A creation time, in whole seconds: what every key store (MariaDB's TIMESTAMP among them) keeps exactly. */
    private static Instant createdNow() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }

    private StoredKeyDomain withVersions(StoredKeyDomain domain) throws KeyringException {
        if (!domain.versions().isEmpty()) {
            return domain;
        }
        return new StoredKeyDomain(domain.keyset(), versionsOf(domain.keyset().unwrap(masterKey)), domain.createdAt());
    }

    private static List<KeyVersion> versionsOrDerived(StoredKeyDomain domain, KeysetHandle handle) {
        return domain.versions().isEmpty() ? versionsOf(handle) : domain.versions();
    }

    /** A keyset stored before versions were kept: its primary is active, its other enabled keys decrypt-only. */
    private static List<KeyVersion> versionsOf(KeysetHandle handle) {
        List<KeyVersion> versions = new ArrayList<>();
        for (int i = 0; i < handle.size(); i++) {
            KeysetHandle.Entry entry = handle.getAt(i);
            KeyVersionStatus status = entry.isPrimary() ? KeyVersionStatus.ACTIVE
                    : entry.getStatus() == KeyStatus.ENABLED ? KeyVersionStatus.DECRYPT_ONLY
                    : KeyVersionStatus.DESTROYED;
            versions.add(new KeyVersion(entry.getId(), status));
        }
        return versions;
    }

    private static KeyVersion find(String domain, List<KeyVersion> versions, int version) throws KeyringException {
        return versions.stream().filter(v -> v.id() == version).findFirst()
                .orElseThrow(() -> new KeyringException(KeyringException.Kind.INVALID, "key domain " + domain
                        + " has no version " + Integer.toUnsignedString(version) + "; see `cloak keys list`"));
    }

    /** The master key under the URI the store records for {@code domain}: a change keeps what the store names. */
    private MasterKey storedMaster(StoredKeyDomain domain) {
        return new MasterKey(domain.keyset().masterKeyUri(), masterKey.aead());
    }

    private static String primaryId(KeysetHandle handle) {
        return Integer.toUnsignedString(handle.getPrimary().getId());
    }

    private static void requireDomain(String domain) throws KeyringException {
        Objects.requireNonNull(domain, "domain");
        if (domain.isBlank()) {
            throw new KeyringException(KeyringException.Kind.INVALID, "key domain is blank");
        }
    }

    private static KeyringException alreadyExists(String domain) {
        return new KeyringException(KeyringException.Kind.INVALID, "key domain " + domain + " already exists");
    }

    private static KeyringException destroyed(String domain, KeyVersion version) {
        return new KeyringException(KeyringException.Kind.INVALID,
                "version " + version.idText() + " of key domain " + domain + " is already destroyed");
    }

    private static KeyringException contended(String domain) {
        return new KeyringException(KeyringException.Kind.UNAVAILABLE,
                "key domain " + domain + " kept changing under another process; try again");
    }

    /** Lets go of the master key's client (connections, token renewal). */
    @Override
    public void close() {
        masterKey.close();
    }

    @Override
    public String toString() {
        return "KeyAdministration[master=" + MasterKeyUris.scheme(masterKey.uri()) + ":…, store=" + store + "]";
    }
}
