package dev.cloak.keyring.local;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.MasterKeyProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The development master key: a Tink JSON keyset file holding an AES256_GCM key in clear, named by
 * {@code local:file:PATH} or {@code local:PATH}. A missing file is created with owner-only
 * permissions. Every open logs a warning, because anyone who can read the file can read the data.
 */
public final class LocalMasterKeyProvider implements MasterKeyProvider {

    private static final Logger LOG = LoggerFactory.getLogger(LocalMasterKeyProvider.class);
    private static final String SCHEME = "local";
    private static final String PREFIX = SCHEME + ":";
    private static final String FILE_PREFIX = "local:file:";

    /** Creates the provider; it holds no state. */
    public LocalMasterKeyProvider() {
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    /**
     * Opens (or creates) the key file.
     *
     * @throws KeyringException {@link KeyringException.Kind#INVALID} when the URI names no usable path or the file
     *     is not a Tink AEAD keyset; {@link KeyringException.Kind#UNAVAILABLE} when it cannot be read or created
     */
    @Override
    public Aead open(String uri) throws KeyringException {
        Path path = pathOf(uri);
        try {
            AeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new KeyringException(KeyringException.Kind.UNAVAILABLE, "Tink could not be initialised", e);
        }
        LOG.warn("Master key {} is a local development key kept in clear; use a KMS or HSM in production", path);
        String json;
        try {
            json = readOrCreate(path);
        } catch (IOException | GeneralSecurityException e) {
            throw new KeyringException(KeyringException.Kind.UNAVAILABLE,
                    "local master key file " + path + " cannot be read or created", e);
        }
        try {
            KeysetHandle handle = TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
            return handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
        } catch (GeneralSecurityException | RuntimeException e) {
            // the parser's message could quote the file, which holds the key in clear: name the file only
            throw new KeyringException(KeyringException.Kind.INVALID,
                    "local master key file " + path + " is not a Tink AEAD keyset");
        }
    }

    /** The file named by the URI; the prefix is stripped once, at the start. */
    static Path pathOf(String uri) throws KeyringException {
        if (!uri.startsWith(PREFIX)) {
            throw new KeyringException(KeyringException.Kind.INVALID, "not a local: master-key URI");
        }
        String location = uri.startsWith(FILE_PREFIX)
                ? uri.substring(FILE_PREFIX.length())
                : uri.substring(PREFIX.length());
        if (location.isEmpty()) {
            throw new KeyringException(KeyringException.Kind.INVALID, "local: master-key URI names no file");
        }
        try {
            return Path.of(location);
        } catch (InvalidPathException e) {
            throw new KeyringException(KeyringException.Kind.INVALID, "local: master-key URI names an invalid path",
                    e);
        }
    }

    private static String readOrCreate(Path path) throws IOException, GeneralSecurityException {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException missing) {
            create(path);
            return Files.readString(path, StandardCharsets.UTF_8);
        }
    }

    /** Writes a new key to a temp file and links it into place, so a racing process never sees half a file. */
    private static void create(Path path) throws IOException, GeneralSecurityException {
        KeysetHandle handle = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
        String json = TinkJsonProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get());
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = createOwnerOnlyTempFile(dir);
        try {
            Files.writeString(temp, json, StandardCharsets.UTF_8);
            try {
                Files.createLink(path, temp);
                LOG.warn("Created local development master key {}", path);
            } catch (FileAlreadyExistsException raced) {
                // another process created it first: use theirs
            } catch (UnsupportedOperationException noLinks) {
                Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE);
                LOG.warn("Created local development master key {}", path);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static Path createOwnerOnlyTempFile(Path dir) throws IOException {
        try {
            return Files.createTempFile(dir, ".cloak-master", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            return Files.createTempFile(dir, ".cloak-master", ".tmp");
        }
    }
}
