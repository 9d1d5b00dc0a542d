package dev.cloak.keyring.store;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.cloak.keyring.KeyringException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link GenerationLedger} in one JSON file, {@code {"version":1,"domains":{"patients.ssn":{"generation":3,
 * "sha256":"…"}}}}, named by the policy's {@code keyring.ledger: file:PATH}. Changes replace the file atomically under
 * a lock, so the processes of one host (or of a shared volume) can share it. It holds domain names, generations and
 * digests of wrapped keysets: nothing secret, but whoever may write it may make Cloak accept a rolled-back key store,
 * so it is created owner-only, and it belongs where the database's administrators cannot write.
 */
public final class FileGenerationLedger implements GenerationLedger {

    private static final Logger LOG = LoggerFactory.getLogger(FileGenerationLedger.class);
    private static final int FORMAT_VERSION = 1;

    private final SharedFile file;

    /** A ledger kept in the file at {@code path}; the file is created when the first keyset is admitted. */
    public FileGenerationLedger(Path path) {
        this.file = new SharedFile(Objects.requireNonNull(path, "path"), ".cloak-ledger");
    }

    @Override
    public Optional<Entry> seen(String domain) throws KeyringException {
        return Optional.ofNullable(load().get(domain));
    }

    @Override
    public Optional<Entry> admit(String domain, Entry entry) throws KeyringException {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(entry, "entry");
        if (entry.equals(load().get(domain))) {
            // the common case, a cache miss on an unchanged keyset: no lock, no write
            return Optional.empty();
        }
        try {
            return file.underLock(() -> {
                Map<String, Entry> entries = load();
                Entry current = entries.get(domain);
                if (current != null && (current.generation() > entry.generation()
                        || current.generation() == entry.generation() && !current.equals(entry))) {
                    return Optional.of(current);
                }
                if (!entry.equals(current)) {
                    entries.put(domain, entry);
                    file.replace(json(entries));
                    LOG.debug("Ledger {} records generation {} of key domain {}", file, entry.generation(), domain);
                }
                return Optional.<Entry>empty();
            });
        } catch (IOException e) {
            throw SharedFile.failure("key generation ledger " + file + " cannot be written", e);
        }
    }

    private Map<String, Entry> load() throws KeyringException {
        String json;
        try {
            json = file.read();
        } catch (IOException e) {
            throw SharedFile.failure("key generation ledger " + file + " cannot be read", e);
        }
        if (json == null) {
            return new TreeMap<>();
        }
        try {
            return parse(json);
        } catch (RuntimeException e) {
            // writes replace the file atomically: a malformed ledger was edited or is not Cloak's
            throw new KeyringException(KeyringException.Kind.INVALID, "key generation ledger " + file
                    + " is not a valid Cloak ledger (version " + FORMAT_VERSION + ")");
        }
    }

    private static Map<String, Entry> parse(String json) {
        JsonObject root = JsonParser.parseString(json).getAsJsonObject();
        if (root.get("version").getAsInt() != FORMAT_VERSION) {
            throw new JsonParseException("unsupported version");
        }
        Map<String, Entry> entries = new TreeMap<>();
        for (Map.Entry<String, JsonElement> domain : root.getAsJsonObject("domains").entrySet()) {
            JsonObject entry = domain.getValue().getAsJsonObject();
            entries.put(domain.getKey(), new Entry(entry.get("generation").getAsLong(),
                    entry.get("sha256").getAsString()));
        }
        return entries;
    }

    private static String json(Map<String, Entry> entries) {
        JsonObject domains = new JsonObject();
        entries.forEach((domain, entry) -> {
            JsonObject e = new JsonObject();
            e.addProperty("generation", entry.generation());
            e.addProperty("sha256", entry.sha256());
            domains.add(domain, e);
        });
        JsonObject root = new JsonObject();
        root.addProperty("version", FORMAT_VERSION);
        root.add("domains", domains);
        return root.toString();
    }

    @Override
    public String toString() {
        return "FileGenerationLedger[" + file + "]";
    }
}
