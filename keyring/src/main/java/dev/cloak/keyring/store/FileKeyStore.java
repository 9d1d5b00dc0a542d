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
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps wrapped keysets in one JSON file,
 * {@code {"version":1,"keysets":[{"domain":…,"purpose":…,"master":…,"keyset":base64,
 * "versions":[{"id":"1234","status":"active"}]}]}}; {@code versions} is absent in files written before
 * key versions were kept, which stay readable.
 * Writes replace the file atomically (temp file + atomic move) while holding a lock on a sibling
 * {@code .lock} file, so several threads and processes can share it; reads need no lock.
 */
public final class FileKeyStore implements KeyStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileKeyStore.class);
    private static final int FORMAT_VERSION = 1;

    // a JVM may hold one FileLock per file, so threads and instances in one process queue here first
    private static final ConcurrentMap<Path, ReentrantLock> PROCESS_LOCKS = new ConcurrentHashMap<>();

    private final Path path;
    private final Path lockPath;

    /** A store kept in the file at {@code path}; the file is created on the first insert. */
    public FileKeyStore(Path path) {
        this.path = Objects.requireNonNull(path, "path").toAbsolutePath().normalize();
        this.lockPath = this.path.resolveSibling(this.path.getFileName() + ".lock");
    }

    @Override
    public Optional<WrappedKeyset> read(String domain) throws KeyringException {
        return readDomain(domain).map(StoredKeyDomain::keyset);
    }

    @Override
    public WrappedKeyset insertIfAbsent(WrappedKeyset keyset) throws KeyringException {
        return create(new StoredKeyDomain(keyset, List.of())).keyset();
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
            write(updated);
            LOG.info("Stored keyset of key domain {} in {}", domain.domain(), path);
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
            replaced.set(replaced.indexOf(current.get()), updated);
            write(replaced);
            LOG.info("Updated key domain {} in {}", updated.domain(), path);
            return true;
        });
    }

    /** A change to the stored domains, made while holding the locks. */
    private interface Change<T> {
        T apply(List<StoredKeyDomain> domains) throws IOException, KeyringException;
    }

    private <T> T underLock(Change<T> change) throws KeyringException {
        ReentrantLock processLock = PROCESS_LOCKS.computeIfAbsent(path, p -> new ReentrantLock());
        processLock.lock();
        try {
            Files.createDirectories(path.getParent());
            try (FileChannel channel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                return change.apply(load());
            }
        } catch (IOException e) {
            throw failure("key store file " + path + " cannot be written", e);
        } finally {
            processLock.unlock();
        }
    }

    /** A file the process may not read or write is refused access; any other I/O failure is an outage. */
    private static KeyringException failure(String message, IOException e) {
        KeyringException.Kind kind = e instanceof AccessDeniedException
                ? KeyringException.Kind.ACCESS_DENIED : KeyringException.Kind.UNAVAILABLE;
        return new KeyringException(kind, message, e);
    }

    private static Optional<StoredKeyDomain> find(List<StoredKeyDomain> domains, String domain) {
        return domains.stream().filter(k -> k.domain().equals(domain)).findFirst();
    }

    private List<StoredKeyDomain> load() throws KeyringException {
        String json;
        try {
            json = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException missing) {
            return List.of();
        } catch (IOException e) {
            throw failure("key store file " + path + " cannot be read", e);
        }
        try {
            return parse(json);
        } catch (RuntimeException e) {
            // not transient (writes replace the file atomically), and the parser's message could quote its content
            throw new KeyringException(KeyringException.Kind.INVALID,
                    "key store file " + path + " is not a valid Cloak key store (version " + FORMAT_VERSION + ")");
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
                    entry.get("master").getAsString());
            List<KeyVersion> versions = new ArrayList<>();
            if (entry.has("versions")) {
                for (JsonElement v : entry.getAsJsonArray("versions")) {
                    JsonObject version = v.getAsJsonObject();
                    KeyVersionStatus status = KeyVersionStatus.fromStoredName(version.get("status").getAsString());
                    if (status == null) {
                        throw new JsonParseException("unknown key version status");
                    }
                    versions.add(new KeyVersion(KeyVersion.parseId(version.get("id").getAsString()), status));
                }
            }
            domains.add(new StoredKeyDomain(keyset, versions));
        }
        return domains;
    }

    private void write(List<StoredKeyDomain> domains) throws IOException {
        JsonArray array = new JsonArray();
        for (StoredKeyDomain domain : domains) {
            WrappedKeyset keyset = domain.keyset();
            JsonObject entry = new JsonObject();
            entry.addProperty("domain", keyset.domain());
            entry.addProperty("purpose", keyset.purpose());
            entry.addProperty("master", keyset.masterKeyUri());
            entry.addProperty("keyset", Base64.getEncoder().encodeToString(keyset.ciphertext()));
            JsonArray versions = new JsonArray();
            for (KeyVersion version : domain.versions()) {
                JsonObject v = new JsonObject();
                v.addProperty("id", version.idText());
                v.addProperty("status", version.status().storedName());
                versions.add(v);
            }
            entry.add("versions", versions);
            array.add(entry);
        }
        JsonObject root = new JsonObject();
        root.addProperty("version", FORMAT_VERSION);
        root.add("keysets", array);

        Path temp = createOwnerOnlyTempFile(path.getParent());
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write(StandardCharsets.UTF_8.encode(root.toString()));
                out.force(true);
            }
            Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static Path createOwnerOnlyTempFile(Path dir) throws IOException {
        try {
            return Files.createTempFile(dir, ".cloak-keys", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            return Files.createTempFile(dir, ".cloak-keys", ".tmp");
        }
    }

    @Override
    public String toString() {
        return "FileKeyStore[" + path + "]";
    }
}
