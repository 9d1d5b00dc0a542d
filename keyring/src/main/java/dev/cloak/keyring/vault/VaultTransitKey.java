package dev.cloak.keyring.vault;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.KmsBinding;
import dev.cloak.keyring.KmsCallException;
import dev.cloak.keyring.KmsKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * A key of Vault's Transit engine: {@code POST /v1/MOUNT/encrypt/NAME} and {@code /decrypt/NAME} with base64
 * bodies, {@code vault:vN:} ciphertexts, each bound to its {@link KmsBinding} by {@code associated_data} (an AEAD key
 * such as {@code aes256-gcm96}) or, for a key created with {@code derived=true}, by {@code context}. Vault then
 * refuses to decrypt under another binding, and its audit device records the binding of each call. Vault ignores
 * {@code context} for a key that is not derived, without a warning: so before its first wrap, a URI with
 * {@code derived=true} checks that the key is derived (a probe encrypted under one context must not decrypt under
 * another), else no new wrap would be bound to its key domain.
 */
final class VaultTransitKey implements KmsKey {

    private static final String PREFIX = "vault:v";

    private final VaultTransitUri uri;
    private final VaultHttp http;
    private final VaultToken token;
    /** Whether a {@code derived=true} key was found to be derived ({@link #requireDerived}). */
    private volatile boolean derivationChecked;

    VaultTransitKey(VaultTransitUri uri, Duration timeout) throws KeyringException {
        this.uri = uri;
        this.http = new VaultHttp(uri, timeout);
        this.token = new VaultToken(uri, http, timeout);
    }

    @Override
    public String describe() {
        return uri.describe();
    }

    @Override
    public byte[] encrypt(byte[] plaintext, KmsBinding binding, Duration timeout) throws KmsCallException {
        long deadline = System.nanoTime() + timeout.toNanos();
        requireDerived(timeout);
        return sealed(plaintext, bound(binding), left(deadline));
    }

    private byte[] sealed(byte[] plaintext, JsonObject body, Duration timeout) throws KmsCallException {
        body.addProperty("plaintext", Base64.getEncoder().encodeToString(plaintext));
        JsonObject data = call("encrypt", body, timeout);
        String ciphertext = text(data, "ciphertext");
        if (ciphertext == null || !ciphertext.startsWith(PREFIX)) {
            throw KmsCallException.transientFailure(describe() + " answered an encrypt without a vault:v ciphertext",
                    null);
        }
        return ciphertext.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public byte[] decrypt(byte[] ciphertext, KmsBinding binding, Duration timeout) throws KmsCallException {
        String text = new String(ciphertext, StandardCharsets.US_ASCII);
        if (!text.startsWith(PREFIX)) {
            throw KmsCallException.permanent(KeyringException.Kind.UNWRAP_FAILED, describe()
                    + ": the wrapped keyset holds no vault:v ciphertext (another master key wrapped it)", null);
        }
        // no derivation check here: its probe needs encrypt, which the application's policy does not grant, and an
        // unwrap needs no KMS binding to be safe, since the keyset is sealed under the same binding in this process
        // (RemoteMasterKey), so a keyset moved to another domain fails there whatever Vault does with the context
        JsonObject body = bound(binding);
        body.addProperty("ciphertext", text);
        JsonObject data = call("decrypt", body, timeout);
        String plaintext = text(data, "plaintext");
        try {
            return Base64.getDecoder().decode(plaintext == null ? "" : plaintext);
        } catch (IllegalArgumentException e) {
            throw KmsCallException.transientFailure(describe() + " answered a decrypt with no base64 plaintext", null);
        }
    }

    /** The request's binding: {@code context} for a derived key, {@code associated_data} otherwise. */
    private JsonObject bound(KmsBinding binding) {
        return bound(binding.associatedData());
    }

    private JsonObject bound(byte[] associatedData) {
        JsonObject body = new JsonObject();
        body.addProperty(uri.derived() ? "context" : "associated_data",
                Base64.getEncoder().encodeToString(associatedData));
        return body;
    }

    /**
     * For a URI with {@code derived=true}, once, before the first wrap: a probe sealed under one context must fail
     * to open under another. A key that is not derived opens it, since Vault then ignores {@code context}: it is
     * refused, for no wrap under it would be bound to its key domain at the KMS (nor show it in Vault's audit log).
     */
    private void requireDerived(Duration timeout) throws KmsCallException {
        if (!uri.derived() || derivationChecked) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] probe = "cloak derivation probe".getBytes(StandardCharsets.US_ASCII);
        byte[] sealed = sealed(probe, bound("cloak/derivation-probe/1".getBytes(StandardCharsets.US_ASCII)),
                timeout);
        JsonObject body = bound("cloak/derivation-probe/2".getBytes(StandardCharsets.US_ASCII));
        body.addProperty("ciphertext", new String(sealed, StandardCharsets.US_ASCII));
        try {
            call("decrypt", body, left(deadline));
        } catch (KmsCallException refused) {
            if (refused.kind() != KeyringException.Kind.UNWRAP_FAILED) {
                throw refused;
            }
            derivationChecked = true; // refused under another context: the key is derived
            return;
        }
        throw KmsCallException.permanent(KeyringException.Kind.INVALID, describe() + " is not a derived key: Vault"
                + " ignores the context it is given, so no wrap would be bound to its key domain; create the key"
                + " with derived=true, or drop derived=true from the URI (Vault 1.13 or later binds by"
                + " associated_data)", null);
    }

    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
    }

    /**
     * POSTs to {@code MOUNT/OPERATION/NAME} and returns the answer's {@code data}. An AppRole token that Vault
     * refuses may have expired: the call logs in again and is made once more.
     */
    private JsonObject call(String operation, JsonObject body, Duration timeout) throws KmsCallException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String what = describe() + " (" + operation + ")";
        String path = uri.mount() + "/" + operation + "/" + uri.key();
        String sent = token.current(timeout);
        VaultHttp.Answer answer = http.post(path, body, sent, timeout, what);
        if (answer.status() == 403 && token.refused(sent)) {
            Duration left = left(deadline);
            answer = http.post(path, body, token.current(left), left, what);
        }
        String errors = KmsCallException.withoutEcho(answer.errors(), text(body, "plaintext"));
        if (answer.status() == 200 && answer.body() != null && answer.body().get("data") instanceof JsonObject data) {
            String ignored = ignoredParameters(answer.body());
            if (ignored != null) {
                // a Vault older than 1.13 ignores associated_data: the wrap would not be bound to its key domain
                throw KmsCallException.permanent(KeyringException.Kind.INVALID, what + " ignored the binding ("
                        + ignored + "): associated_data needs Vault 1.13 or later; or use a key created with "
                        + "derived=true and add derived=true to the URI", null);
            }
            return data;
        }
        if (answer.status() == 200) {
            throw KmsCallException.transientFailure(what + " answered without data", null);
        }
        if (answer.status() == 400 && operation.equals("decrypt")) {
            // Vault's answer to a ciphertext that does not authenticate under this key and binding
            throw KmsCallException.permanent(KeyringException.Kind.UNWRAP_FAILED, what + " refused the ciphertext: "
                    + errors, null);
        }
        if (answer.status() == 412) {
            // a performance standby that has not yet seen the key's latest version: another node or a retry will
            throw KmsCallException.transientFailure(what + " answered HTTP 412: " + errors, null);
        }
        throw KmsCallException.ofHttpStatus(answer.status(), what, errors, answer.retryAfter());
    }

    /** Vault's warning that it ignored request fields, when it gave one. */
    private static String ignoredParameters(JsonObject body) {
        if (body.get("warnings") instanceof JsonArray warnings) {
            for (JsonElement warning : warnings) {
                if (warning.isJsonPrimitive() && warning.getAsString().contains("unrecognized parameters")) {
                    return warning.getAsString();
                }
            }
        }
        return null;
    }

    private static String text(JsonObject data, String field) {
        JsonElement value = data.get(field);
        return value != null && value.isJsonPrimitive() ? value.getAsString() : null;
    }

    @Override
    public void close() {
        token.close();
    }

    @Override
    public String toString() {
        return "VaultTransitKey[" + describe() + "]";
    }
}
