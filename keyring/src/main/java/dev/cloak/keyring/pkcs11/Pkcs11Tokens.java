package dev.cloak.keyring.pkcs11;

import dev.cloak.keyring.KeyringException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.security.Security;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKey;
import javax.security.auth.login.FailedLoginException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SunPKCS11 providers of this process, one per (module, slot index), logged in once and reused:
 * configuring a provider loads the module and costs about 0.2 s. Finds the token of a {@code pkcs11:}
 * URI and its master key. Safe for concurrent use.
 *
 * <p>JDK 17's SunPKCS11 neither takes a token label in its configuration nor reports one. Where the JVM
 * lets {@link Pkcs11TokenLabels} read labels, the slot is the one whose token carries the URI's label.
 * Elsewhere a slot is taken to hold the URI's token when the PIN logs in and the token holds a secret
 * key labelled as the URI's {@code object}; when several slots qualify the lookup fails closed.
 */
final class Pkcs11Tokens {

    /** Process-wide: one SunPKCS11 instance per module and slot is all a JVM should hold. */
    static final Pkcs11Tokens SHARED = new Pkcs11Tokens();

    private static final Logger LOG = LoggerFactory.getLogger(Pkcs11Tokens.class);
    private static final int MAX_SLOTS = 64;

    private final Map<SlotKey, Slot> slots = new ConcurrentHashMap<>();
    /** Salted digests of the PINs that logged in, per slot: they outlive a provider dropped after a failure. */
    private final Map<SlotKey, byte[]> loggedInPins = new ConcurrentHashMap<>();
    private final byte[] salt = new byte[16];

    Pkcs11Tokens() {
        new SecureRandom().nextBytes(salt);
    }
    /** The slot where a (module, token, object) was last found, so discovery runs once. */
    private final Map<Pkcs11Uri, String> lastFound = new ConcurrentHashMap<>();

    /** The master key of the URI and the provider that holds it, logging in when needed. */
    MasterKeyHandle find(Pkcs11Uri uri) throws KeyringException {
        requireModule(uri.modulePath());
        // one native module has one login state, whatever path names it: key the providers by the real file
        Path module;
        try {
            module = uri.modulePath().toRealPath();
        } catch (IOException e) {
            throw new KeyringException(KeyringException.Kind.UNAVAILABLE,
                    "pkcs11: module " + uri.modulePath() + " cannot be resolved", e);
        }
        return find(uri, module);
    }

    private MasterKeyHandle find(Pkcs11Uri uri, Path module) throws KeyringException {
        char[] pin = uri.readPin();
        try {
            String known = lastFound.get(uri);
            if (known != null) {
                Slot slot = slots.get(new SlotKey(module.toString(), known));
                if (slot != null && slot.lookUp(pin, uri.object()) instanceof Found found) {
                    return found.handle();
                }
            }
            Optional<List<Long>> labelled = Pkcs11TokenLabels.slotsLabelled(module, uri.token());
            return labelled.isPresent() ? findLabelled(uri, module, labelled.get(), pin) : discover(uri, module, pin);
        } finally {
            Arrays.fill(pin, '\0');
        }
    }

    /** Drops a provider after a failure, so the next lookup configures a fresh one. */
    void forget(MasterKeyHandle handle) {
        slots.values().removeIf(slot -> slot.provider == handle.provider());
    }

    /** Fails UNAVAILABLE when the module file is gone: an uninstalled or unmounted HSM client. */
    static void requireModule(Path module) throws KeyringException {
        if (!Files.isRegularFile(module) || !Files.isReadable(module)) {
            throw new KeyringException(KeyringException.Kind.UNAVAILABLE,
                    "pkcs11: module " + module + " is not found or not readable");
        }
    }

    /** With token labels known: the one slot labelled as the URI's token must hold the key. */
    private MasterKeyHandle findLabelled(Pkcs11Uri uri, Path module, List<Long> labelled, char[] pin)
            throws KeyringException {
        if (labelled.isEmpty()) {
            throw invalid("pkcs11: module " + uri.modulePath() + " has no token labelled '" + uri.token()
                    + "' (unknown token)");
        }
        if (labelled.size() > 1) {
            throw invalid("pkcs11: module " + uri.modulePath() + " has " + labelled.size() + " tokens labelled '"
                    + uri.token() + "'; token labels must be unique");
        }
        String selector = "slot = " + labelled.get(0);
        Slot slot;
        try {
            slot = slot(module, selector);
        } catch (ProviderException e) {
            throw new KeyringException(KeyringException.Kind.UNAVAILABLE, "pkcs11: token '" + uri.token()
                    + "' of module " + uri.modulePath() + " cannot be opened", e);
        }
        Outcome outcome = slot.lookUp(pin, uri.object());
        if (outcome instanceof Found found) {
            lastFound.put(uri, selector);
            return found.handle();
        }
        if (outcome == Refusal.WRONG_PIN) {
            throw wrongPin(uri);
        }
        if (outcome == Refusal.NO_OBJECT) {
            throw invalid("pkcs11: token '" + uri.token() + "' holds no secret key labelled '" + uri.object()
                    + "' (unknown object)");
        }
        throw new KeyringException(KeyringException.Kind.UNAVAILABLE, "pkcs11: token '" + uri.token()
                + "' of module " + uri.modulePath() + " cannot be used");
    }

    /** Without token labels: try each slot; the one that takes the PIN and holds the key is the token. */
    private MasterKeyHandle discover(Pkcs11Uri uri, Path module, char[] pin) throws KeyringException {
        List<Integer> matches = new ArrayList<>();
        MasterKeyHandle first = null;
        int wrongPin = 0;
        int missingObject = 0;
        int unusable = 0;
        RuntimeException lastFailure = null;
        for (int index = 0; index < MAX_SLOTS; index++) {
            Slot slot;
            try {
                slot = slot(module, "slotListIndex = " + index);
            } catch (ProviderException e) {
                if (isEndOfSlotList(e)) {
                    break;
                }
                // an uninitialised or absent token in this slot: try the next one
                unusable++;
                lastFailure = e;
                continue;
            }
            Outcome outcome = slot.lookUp(pin, uri.object());
            if (outcome instanceof Found found) {
                matches.add(index);
                if (first == null) {
                    first = found.handle();
                }
            } else if (outcome == Refusal.WRONG_PIN) {
                wrongPin++;
            } else if (outcome == Refusal.NO_OBJECT) {
                missingObject++;
            } else {
                unusable++;
            }
        }
        if (matches.size() > 1) {
            throw invalid("pkcs11: " + matches.size() + " tokens of module " + uri.modulePath() + " (slot indexes "
                    + matches + ") accept the PIN and hold a secret key '" + uri.object()
                    + "'; SunPKCS11 cannot tell token labels apart, so give each token its own PIN or key label");
        }
        if (first != null) {
            lastFound.put(uri, "slotListIndex = " + matches.get(0));
            LOG.info("pkcs11: master key '{}' of token '{}' found at slot index {} of module {}",
                    uri.object(), uri.token(), matches.get(0), uri.modulePath());
            return first;
        }
        if (missingObject > 0) {
            throw invalid("pkcs11: no token of module " + uri.modulePath() + " holds a secret key labelled '"
                    + uri.object() + "' for token '" + uri.token() + "' (unknown object or token)");
        }
        if (wrongPin > 0) {
            throw wrongPin(uri);
        }
        throw new KeyringException(KeyringException.Kind.UNAVAILABLE, "pkcs11: module " + uri.modulePath()
                + " offers no usable token labelled '" + uri.token() + "' (" + unusable + " slot(s) unusable)",
                lastFailure);
    }

    private Slot slot(Path module, String selector) {
        SlotKey key = new SlotKey(module.toString(), selector);
        Slot existing = slots.get(key);
        if (existing != null) {
            return existing;
        }
        // computeIfAbsent would hold a map lock for the 0.2 s a configure takes; a rare duplicate is harmless
        Slot created = new Slot(configure(module, selector), key, loggedInPins, salt);
        Slot raced = slots.putIfAbsent(key, created);
        return raced != null ? raced : created;
    }

    /** A SunPKCS11 provider for one slot; the selector is {@code slot = ID} or {@code slotListIndex = N}. */
    private static Provider configure(Path module, String selector) {
        Provider unconfigured = Security.getProvider("SunPKCS11");
        if (unconfigured == null) {
            throw new ProviderException("the JDK's SunPKCS11 provider is not installed");
        }
        String config = "--name = Cloak-" + selector.replaceAll("[^A-Za-z0-9]", "") + "\n"
                + "library = \"" + module + "\"\n"
                + selector + "\n";
        return unconfigured.configure(config);
    }

    /** SunPKCS11 reports an index past the last slot as "slotListIndex is N but token only has N slots". */
    private static boolean isEndOfSlotList(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && message.startsWith("slotListIndex is")) {
                return true;
            }
        }
        return false;
    }

    private static boolean causedByFailedLogin(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FailedLoginException) {
                return true;
            }
        }
        return false;
    }

    /** The token answered and refused the PIN: access denied, not an outage and not a configuration error. */
    private static KeyringException wrongPin(Pkcs11Uri uri) {
        return new KeyringException(KeyringException.Kind.ACCESS_DENIED, "pkcs11: token '" + uri.token()
                + "' of module " + uri.modulePath() + " rejected the PIN from " + uri.pinSource() + " (wrong PIN)");
    }

    private static KeyringException invalid(String message) {
        return new KeyringException(KeyringException.Kind.INVALID, message);
    }

    /** A token's AES master key, a handle only: the key bytes never leave the token. */
    record MasterKeyHandle(Provider provider, SecretKey key) {
        @Override
        public String toString() {
            return "MasterKeyHandle[" + provider.getName() + "]";
        }
    }

    private record SlotKey(String module, String selector) {
    }

    /** What a slot answered to a PIN and a key label. */
    private sealed interface Outcome permits Found, Refusal {
    }

    private record Found(MasterKeyHandle handle) implements Outcome {
    }

    private enum Refusal implements Outcome {
        WRONG_PIN, NO_OBJECT, UNUSABLE
    }

    /** One configured provider; the PIN that logged its token in is remembered only as a salted digest. */
    private static final class Slot {
        final Provider provider;
        private final SlotKey key;
        private final Map<SlotKey, byte[]> loggedInPins;
        private final byte[] salt;

        Slot(Provider provider, SlotKey key, Map<SlotKey, byte[]> loggedInPins, byte[] salt) {
            this.provider = provider;
            this.key = key;
            this.loggedInPins = loggedInPins;
            this.salt = salt;
        }

        synchronized Outcome lookUp(char[] pin, String object) {
            byte[] digest = digest(pin);
            // SunPKCS11 stays logged in and then accepts any PIN: compare with the one that logged in
            byte[] pinDigest = loggedInPins.get(key);
            if (pinDigest != null && !MessageDigest.isEqual(pinDigest, digest)) {
                return Refusal.WRONG_PIN;
            }
            java.security.KeyStore keyStore;
            try {
                keyStore = java.security.KeyStore.getInstance("PKCS11", provider);
                keyStore.load(null, pin);
            } catch (IOException | GeneralSecurityException | ProviderException e) {
                return causedByFailedLogin(e) ? Refusal.WRONG_PIN : Refusal.UNUSABLE;
            }
            loggedInPins.put(key, digest);
            try {
                Key entry = keyStore.isKeyEntry(object) ? keyStore.getKey(object, null) : null;
                if (entry instanceof SecretKey secret && "AES".equalsIgnoreCase(secret.getAlgorithm())) {
                    return new Found(new MasterKeyHandle(provider, secret));
                }
                return Refusal.NO_OBJECT;
            } catch (GeneralSecurityException | ProviderException e) {
                return Refusal.UNUSABLE;
            }
        }

        private byte[] digest(char[] pin) {
            try {
                MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
                sha256.update(salt);
                java.nio.ByteBuffer encoded = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(pin));
                sha256.update(encoded.array(), 0, encoded.limit());
                Arrays.fill(encoded.array(), (byte) 0);
                return sha256.digest();
            } catch (GeneralSecurityException e) {
                throw new ProviderException("SHA-256 is not available", e);
            }
        }
    }
}
