package dev.cloak.conformance.leak;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.Key;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.daead.AesSivKey;
import com.google.crypto.tink.daead.DeterministicAeadConfig;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads the raw key material of a test's development keyring with Tink alone, independently of Cloak's keyring
 * code: local master keys (Tink JSON keysets in clear) and the keysets of file key stores, unwrapped with those
 * master keys and the associated data Cloak binds a wrapped keyset to
 * ({@code cloak/keyset/v2/DOMAIN/PURPOSE/GENERATION}, or {@code cloak/keyset/v1/DOMAIN/PURPOSE} for a keyset
 * stored before generations were kept).
 */
public final class KeyFiles {

    private static final String LOCAL = "local:";
    private static final String LOCAL_FILE = "local:file:";

    static {
        try {
            AeadConfig.register();
            DeterministicAeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private KeyFiles() {
    }

    /**
     * One AES key.
     *
     * @param label which key, never its bytes: the file, the key domain and the Tink key id
     * @param bytes the raw key; for AES-SIV the 64-byte key of both halves
     */
    public record RawKey(String label, byte[] bytes) {
        @Override
        public String toString() {
            return label + " (" + bytes.length + " bytes)";
        }
    }

    /** What a harvest found: the keys, and what it could not read (which the leak check reports as failures). */
    public record Harvest(List<RawKey> keys, List<String> problems) {
    }

    /** Every key in the {@code *.json} key files directly inside {@code dir} (a test's temporary folder). */
    public static Harvest harvest(Path dir) {
        List<RawKey> keys = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<Path, Aead> masters = new HashMap<>();
        List<Path> stores = new ArrayList<>();
        for (Path file : jsonFiles(dir)) {
            JsonObject json;
            try {
                JsonElement parsed = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
                if (!parsed.isJsonObject()) {
                    continue;
                }
                json = parsed.getAsJsonObject();
            } catch (IOException | RuntimeException e) {
                continue; // not a key file (or half written by a test that failed): nothing of ours
            }
            if (json.has("primaryKeyId") && json.has("key")) {
                try {
                    KeysetHandle handle = TinkJsonProtoKeysetFormat.parseKeyset(json.toString(), InsecureSecretKeyAccess.get());
                    addKeys(keys, problems, "master key " + file, handle);
                    masters.put(file.toAbsolutePath().normalize(), handle.getPrimitive(RegistryConfiguration.get(), Aead.class));
                } catch (GeneralSecurityException e) {
                    problems.add("master key file " + file + " does not parse as a Tink keyset: " + e.getClass().getSimpleName());
                }
            } else if (json.has("keysets")) {
                stores.add(file);
            }
        }
        for (Path store : stores) {
            unwrapStore(store, masters, keys, problems);
        }
        return new Harvest(keys, problems);
    }

    private static void unwrapStore(Path store, Map<Path, Aead> masters, List<RawKey> keys, List<String> problems) {
        JsonObject json;
        try {
            json = JsonParser.parseString(Files.readString(store, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            problems.add("key store " + store + " cannot be read: " + e.getClass().getSimpleName());
            return;
        }
        for (JsonElement element : json.getAsJsonArray("keysets")) {
            JsonObject entry = element.getAsJsonObject();
            String domain = entry.get("domain").getAsString();
            String purpose = entry.get("purpose").getAsString();
            String master = entry.get("master").getAsString();
            String where = "key domain " + domain + " in " + store;
            Aead aead = masterOf(master, masters, problems, where);
            if (aead == null) {
                continue;
            }
            long generation = entry.has("generation") ? entry.get("generation").getAsLong() : 0;
            // generation 0: stored before generations were kept, bound to domain and purpose only
            String bound = generation == 0 ? "cloak/keyset/v1/" + domain + "/" + purpose
                    : "cloak/keyset/v2/" + domain + "/" + purpose + "/" + generation;
            byte[] ad = bound.getBytes(StandardCharsets.UTF_8);
            try {
                KeysetHandle handle = TinkProtoKeysetFormat.parseEncryptedKeyset(
                        Base64.getDecoder().decode(entry.get("keyset").getAsString()), aead, ad);
                addKeys(keys, problems, where, handle);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                problems.add(where + " does not unwrap under its master key: " + e.getClass().getSimpleName());
            }
        }
    }

    private static Aead masterOf(String uri, Map<Path, Aead> masters, List<String> problems, String where) {
        if (!uri.startsWith(LOCAL)) {
            problems.add(where + " is wrapped by a master key outside the test (" + uri.split(":", 2)[0]
                    + ":), whose key bytes the leak check cannot know");
            return null;
        }
        Path path = Path.of(uri.startsWith(LOCAL_FILE) ? uri.substring(LOCAL_FILE.length()) : uri.substring(LOCAL.length()))
                .toAbsolutePath().normalize();
        Aead aead = masters.get(path);
        if (aead == null && Files.isRegularFile(path)) {
            try {
                KeysetHandle handle = TinkJsonProtoKeysetFormat.parseKeyset(
                        Files.readString(path, StandardCharsets.UTF_8), InsecureSecretKeyAccess.get());
                aead = handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
                masters.put(path, aead);
            } catch (IOException | GeneralSecurityException e) {
                problems.add(where + ": its master key " + path + " cannot be read: " + e.getClass().getSimpleName());
                return null;
            }
        }
        if (aead == null) {
            problems.add(where + ": its master key " + path + " is gone");
        }
        return aead;
    }

    private static void addKeys(List<RawKey> keys, List<String> problems, String where, KeysetHandle handle) {
        for (int i = 0; i < handle.size(); i++) {
            KeysetHandle.Entry entry = handle.getAt(i);
            Key key = entry.getKey();
            String label = where + ", key id " + Integer.toUnsignedString(entry.getId());
            if (key instanceof AesGcmKey gcm) {
                keys.add(new RawKey(label + " (AES-GCM)", gcm.getKeyBytes().toByteArray(InsecureSecretKeyAccess.get())));
            } else if (key instanceof AesSivKey siv) {
                byte[] both = siv.getKeyBytes().toByteArray(InsecureSecretKeyAccess.get());
                keys.add(new RawKey(label + " (AES-SIV)", both));
                // SIV is two AES keys (MAC and CTR); either half alone is a leak too
                int half = both.length / 2;
                keys.add(new RawKey(label + " (AES-SIV, first half)", Arrays.copyOfRange(both, 0, half)));
                keys.add(new RawKey(label + " (AES-SIV, second half)", Arrays.copyOfRange(both, half, both.length)));
            } else {
                problems.add(label + " is a " + key.getClass().getSimpleName() + ", whose bytes the leak check cannot read");
            }
        }
    }

    private static List<Path> jsonFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json") && Files.isRegularFile(f)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
