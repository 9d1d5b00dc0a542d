package dev.cloak.keyring.store;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.cloak.keyring.KeyVersion;
import dev.cloak.keyring.KeyVersionStatus;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.WrappedKeyset;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps wrapped keysets in one JSON file,
 * {@code {"version":1,"keysets":[{"domain":…,"purpose":…,"master":…,"keyset":base64,"generation":3,
 * "versions":[{"id":"1234","status":"active","created":"2026-12-06T08:00:00Z"}],"created":…}]}};
 * {@code versions} is absent in files written before key versions were kept, {@code generation} in files written
 * before generations were kept (generation 0), and {@code created} in files written before creation times were
 * kept; all stay readable.
 * Writes replace the file atomically (temp file + atomic move) while holding a lock on a sibling
 * {@code .lock} file, so several threads and processes can share it; reads need no lock.
 */
public final class FileKeyStore implements KeyStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileKeyStore.class);
    private static final int FORMAT_VERSION = 1;

    private final SharedFile file;

    /** A store kept in the file at {@code path}; the file is created on the first insert. */
    public FileKeyStore(Path path) {
        this.file = new SharedFile(Objects.requireNonNull(path, "path"), ".cloak-keys");
    }

    @Override
    public Optional<WrappedKeyset> read(String domain) throws KeyringException {
        return readDomain(domain).map(StoredKeyDomain::keyset);
    }

    @Override
    public WrappedKeyset insertIfAbsent(WrappedKeyset keyset) throws KeyringException {
        return create(new StoredKeyDomain(keyset, List.of(), Instant.now())).keyset();
    }

    @Override
    public List<StoredKeyDomain> list() throws KeyringException {
        List<StoredKeyDomain> domains = new ArrayList<>(load());
        domains.sort(Comparator.comparing(StoredKeyDomain::domain));
        return domains;
    }

    @Override
    public Optional<StoredKeyDomain> readDomain(String domain) throws KeyringException {
        return find(load(), domain);
    }

    @Override
    public StoredKeyDomain create(StoredKeyDomain domain) throws KeyringException {
        return underLock(domains -> {
            Optional<StoredKeyDomain> existing = find(domains, domain.domain());
            if (existing.isPresent()) {
                return existing.get();
            }
            List<StoredKeyDomain> updated = new ArrayList<>(domains);
            updated.add(domain);
            file.replace(json(updated));
            LOG.info("Stored keyset of key domain {} in {}", domain.domain(), file);
            return domain;
        });
    }

    @Override
    public boolean replace(StoredKeyDomain expected, StoredKeyDomain updated) throws KeyringException {
        if (!expected.domain().equals(updated.domain())) {
            throw new IllegalArgumentException("replace must keep the key domain");
        }
        return underLock(domains -> {
            Optional<StoredKeyDomain> current = find(domains, expected.domain());
            if (current.isEmpty() || !current.get().keyset().equals(expected.keyset())) {
                return false;
            }
            List<StoredKeyDomain> replaced = new ArrayList<>(domains);
            // the domain's creation time stays what it was
            replaced.set(replaced.indexOf(current.get()), updated.createdAt() != null ? updated
                    : new StoredKeyDomain(updated.keyset(), updated.versions(), current.get().createdAt()));
            file.replace(json(replaced));
            LOG.info("Updated key domain {} in {}", updated.domain(), file);
            return true;
        });
    }

    /** A change to the stored domains, made while holding the locks. */
    private interface Change<T> {
        T apply(List<StoredKeyDomain> domains) throws IOException, KeyringException;
    }

    private <T> T underLock(Change<T> change) throws KeyringException {
        try {
            return file.underLock(() -> change.apply(load()));
        } catch (IOException e) {
            throw SharedFile.failure("key store file " + file + " cannot be written", e);
        }
    }

    private static Optional<StoredKeyDomain> find(List<StoredKeyDomain> domains, String domain) {
        return domains.stream().filter(k -> k.domain().equals(domain)).findFirst();
    }

    private List<StoredKeyDomain> load() throws KeyringException {
        String json;
        try {
            json = file.read();
        } catch (IOException e) {
            throw SharedFile.failure("key store file " + file + " cannot be read", e);
        }
        if (json == null) {
            return List.of();
        }
        try {
            return parse(json);
        } catch (RuntimeException e) {
            // not transient (writes replace the file atomically), and the parser's message could quote its content
            throw new KeyringException(KeyringException.Kind.INVALID,
                    "key store file " + file + " is not a valid Cloak key store (version " + FORMAT_VERSION + ")");
        }
    }

    private static List<StoredKeyDomain> parse(String json) {
        JsonObject root = JsonParser.parseString(json).getAsJsonObject();
        if (root.get("version").getAsInt() != FORMAT_VERSION) {
            throw new JsonParseException("unsupported version");
        }
        List<StoredKeyDomain> domains = new ArrayList<>();
        for (JsonElement element : root.getAsJsonArray("keysets")) {
            JsonObject entry = element.getAsJsonObject();
            WrappedKeyset keyset = new WrappedKeyset(
                    entry.get("domain").getAsString(),
                    entry.get("purpose").getAsString(),
                    Base64.getDecoder().decode(entry.get("keyset").getAsString()),
                    entry.get("master").getAsString(),
                    entry.has("generation") ? entry.get("generation").getAsLong() : 0);
            List<KeyVersion> versions = new ArrayList<>();
            if (entry.has("versions")) {
                for (JsonElement v : entry.getAsJsonArray("versions")) {
                    JsonObject version = v.getAsJsonObject();
                    KeyVersionStatus status = KeyVersionStatus.fromStoredName(version.get("status").getAsString());
                    if (status == null) {
                        throw new JsonParseException("unknown key version status");
                    }
                    versions.add(new KeyVersion(KeyVersion.parseId(version.get("id").getAsString()), status,
                            instant(version)));
                }
            }
            domains.add(new StoredKeyDomain(keyset, versions, instant(entry)));
        }
        return domains;
    }

    /** The {@code created} time of a domain or version, absent in files written before it was kept. */
    private static Instant instant(JsonObject object) {
        return object.has("created") ? Instant.parse(object.get("created").getAsString()) : null;
    }

    private static String json(List<StoredKeyDomain> domains) {
        JsonArray array = new JsonArray();
        for (StoredKeyDomain domain : domains) {
            WrappedKeyset keyset = domain.keyset();
            JsonObject entry = new JsonObject();
            entry.addProperty("domain", keyset.domain());
            entry.addProperty("purpose", keyset.purpose());
            entry.addProperty("master", keyset.masterKeyUri());
            entry.addProperty("keyset", Base64.getEncoder().encodeToString(keyset.ciphertext()));
            entry.addProperty("generation", keyset.generation());
            JsonArray versions = new JsonArray();
            for (KeyVersion version : domain.versions()) {
                JsonObject v = new JsonObject();
                v.addProperty("id", version.idText());
                v.addProperty("status", version.status().storedName());
                if (version.createdAt() != null) {
                    v.addProperty("created", version.createdAt().toString());
                }
                versions.add(v);
            }
            entry.add("versions", versions);
            if (domain.createdAt() != null) {
                entry.addProperty("created", domain.createdAt().toString());
            }
            array.add(entry);
        }
        JsonObject root = new JsonObject();
        root.addProperty("version", FORMAT_VERSION);
        root.add("keysets", array);
        return root.toString();
    }

    @Override
    public String toString() {
        return "FileKeyStore[" + file + "]";
    }
}
