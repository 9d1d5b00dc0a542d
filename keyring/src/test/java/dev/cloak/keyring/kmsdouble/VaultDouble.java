package dev.cloak.keyring.kmsdouble;

import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;

/**
 * Vault's HTTP API as a Transit key's client uses it: {@code POST /v1/MOUNT/encrypt/NAME} and {@code decrypt/NAME}
 * ({@code aes256-gcm96} keys, {@code vault:v1:} ciphertexts; {@code associated_data} authenticated, or, for a derived
 * key, {@code context} required and the key derived from it), tokens in {@code X-Vault-Token} checked for expiry,
 * for the operations their policy grants and for their namespace (a token serves its namespace and those below it),
 * namespaces in {@code X-Vault-Namespace} or at the start of the path (as Vault reads both),
 * {@code auth/token/lookup-self} and {@code renew-self}, and AppRole login. A decrypt under another binding fails with
 * 400, as Vault's does.
 */
public final class VaultDouble extends KmsDouble {

    private static final String JSON = "application/json";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A token: what it may do, how long it lives, and whether renew-self extends it. */
    private static final class Token {
        final String namespace;
        final Set<String> operations;
        final Duration ttl;
        final boolean renewable;
        volatile Instant expiresAt;

        Token(String namespace, Set<String> operations, Duration ttl, boolean renewable) {
            this.namespace = namespace;
            this.operations = operations;
            this.ttl = ttl;
            this.renewable = renewable;
            this.expiresAt = ttl.isZero() ? Instant.MAX : Instant.now().plus(ttl);
        }
    }

    /** A Transit key: its material and whether it is derived. */
    private record Key(byte[] material, boolean derived) {
    }

    private record Role(String secretId, Set<String> operations, Duration ttl) {
    }

    private final Map<String, Key> keys = new ConcurrentHashMap<>();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final Map<String, Role> roles = new ConcurrentHashMap<>();
    private final Set<String> loginTokens = ConcurrentHashMap.newKeySet();
    private final Set<String> namespaces = ConcurrentHashMap.newKeySet();
    private final AtomicInteger failingLookups = new AtomicInteger();
    private volatile boolean beforeAssociatedData;
    private volatile boolean echoLogins;
    private volatile Duration retryAfter = Duration.ZERO;
    private final AtomicInteger renewals = new AtomicInteger();
    private final AtomicInteger logins = new AtomicInteger();
    private final AtomicInteger lookups = new AtomicInteger();

    /** A double over plain HTTP. */
    public VaultDouble() {
        super(null);
    }

    /** A double over HTTPS with {@code tls}. */
    public VaultDouble(SSLContext tls) {
        super(tls);
    }

    /** Adds an aes256-gcm96 key at {@code MOUNT/keys/NAME} in {@code namespace} ({@code ""} for the root). */
    public void createKey(String namespace, String mount, String name, boolean derived) {
        addNamespace(namespace);
        byte[] material = new byte[32];
        RANDOM.nextBytes(material);
        keys.put(namespace + "|" + mount + "|" + name, new Key(material, derived));
    }

    /** Issues a token that may call {@code operations} ({@code encrypt}, {@code decrypt}); a zero TTL never ends. */
    public String issueToken(Duration ttl, boolean renewable, String... operations) {
        return issueToken("", ttl, renewable, operations);
    }

    /** As {@link #issueToken(Duration, boolean, String...)}, a token of {@code namespace}, valid there and below. */
    public String issueToken(String namespace, Duration ttl, boolean renewable, String... operations) {
        addNamespace(namespace);
        String token = "hvs.cloak-double-" + UUID.randomUUID();
        tokens.put(token, new Token(namespace, Set.of(operations), ttl, renewable));
        return token;
    }

    private void addNamespace(String namespace) {
        for (int slash = namespace.indexOf('/'); slash > 0; slash = namespace.indexOf('/', slash + 1)) {
            namespaces.add(namespace.substring(0, slash));
        }
        namespaces.add(namespace);
    }

    /** The next {@code times} token lookups answer 503, as a sealed Vault or one behind a failing balancer does. */
    public void failNextLookups(int times) {
        failingLookups.set(times);
    }

    /** A failed AppRole login quotes the request in its error, as a proxy that echoes requests would. */
    public void echoLogins(boolean echo) {
        echoLogins = echo;
    }

    /** A throttled operation's 429 carries {@code Retry-After} (whole seconds; zero: none), as a rate limit quota's. */
    public void retryAfter(Duration wait) {
        retryAfter = wait;
    }

    /** Registers an AppRole whose login issues renewable tokens that live {@code ttl} and may call {@code operations}. */
    public void role(String roleId, String secretId, Duration ttl, String... operations) {
        roles.put(roleId, new Role(secretId, Set.of(operations), ttl));
    }

    /** Clears every fault, the failing lookups and the echo and Retry-After of the tests that set them. */
    @Override
    public synchronized KmsDouble recover() {
        failingLookups.set(0);
        echoLogins = false;
        retryAfter = Duration.ZERO;
        return super.recover();
    }

    /** Ends {@code token} now, as its TTL would. */
    public void expire(String token) {
        Token t = tokens.get(token);
        if (t != null) {
            t.expiresAt = Instant.now().minusSeconds(1);
        }
    }

    /**
     * Answers as a Vault older than 1.13 does: it ignores {@code associated_data}, and says so in a warning.
     */
    public void beforeAssociatedData(boolean older) {
        beforeAssociatedData = older;
    }

    /** Ends every token an AppRole login issued, as their TTL would. */
    public void expireLoginTokens() {
        loginTokens.forEach(this::expire);
    }

    public int renewals() {
        return renewals.get();
    }

    public int logins() {
        return logins.get();
    }

    public int lookups() {
        return lookups.get();
    }

    @Override
    protected void handle(HttpExchange exchange, byte[] body) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (!path.startsWith("/v1/")) {
            errors(exchange, 404, "unsupported path");
            return;
        }
        if (!"true".equals(exchange.getRequestHeaders().getFirst("X-Vault-Request"))) {
            // as a Vault Agent or Vault Proxy listener with require_request_header answers
            errors(exchange, 412, "missing 'X-Vault-Request' header");
            return;
        }
        String route = path.substring("/v1/".length());
        String header = String.valueOf(exchange.getRequestHeaders().getFirst("X-Vault-Namespace"));
        String namespace = header.equals("null") ? "" : header.replaceAll("^/+|/+$", "");
        // a namespace at the start of the path adds to the header's: the longest one that exists, as Vault reads it
        for (int slash = route.lastIndexOf('/'); slash > 0; slash = route.lastIndexOf('/', slash - 1)) {
            String candidate = (namespace.isEmpty() ? "" : namespace + "/") + route.substring(0, slash);
            if (namespaces.contains(candidate)) {
                namespace = candidate;
                route = route.substring(slash + 1);
                break;
            }
        }
        if (route.equals("auth/token/lookup-self") && "GET".equals(exchange.getRequestMethod())) {
            lookupSelf(exchange, namespace);
        } else if (route.equals("auth/token/renew-self") && "POST".equals(exchange.getRequestMethod())) {
            renewSelf(exchange, namespace);
        } else if (route.endsWith("/login") && route.startsWith("auth/")) {
            login(exchange, json(body));
        } else {
            transit(exchange, route, namespace, json(body));
        }
    }

    private void transit(HttpExchange exchange, String route, String namespace, JsonObject request)
            throws IOException {
        int encrypt = route.lastIndexOf("/encrypt/");
        int decrypt = route.lastIndexOf("/decrypt/");
        int at = Math.max(encrypt, decrypt);
        if (at < 0 || !"POST".equals(exchange.getRequestMethod())) {
            errors(exchange, 404, "no handler for route \"" + route + "\"");
            return;
        }
        String operation = encrypt > decrypt ? "encrypt" : "decrypt";
        String mount = route.substring(0, at);
        String name = route.substring(at + operation.length() + 2);
        operation(exchange, operation, bindingOf(request));
        Fault fault = faultFor();
        if (fault != null) {
            fault(exchange, fault, route);
            return;
        }
        Token token = token(exchange, namespace);
        if (token == null || !token.operations.contains(operation)) {
            errors(exchange, 403, "permission denied");
            return;
        }
        Key key = keys.get(namespace + "|" + mount + "|" + name);
        if (key == null) {
            errors(exchange, 400, "encryption key not found");
            return;
        }
        if (request == null) {
            errors(exchange, 400, "failed to parse JSON input");
            return;
        }
        if (operation.equals("encrypt")) {
            encrypt(exchange, key, request);
        } else {
            decrypt(exchange, key, request);
        }
    }

    private int encrypt(HttpExchange exchange, Key key, JsonObject request) throws IOException {
        byte[] material = material(key, request);
        if (material == null) {
            return errors(exchange, 400, "missing 'context' for key derivation; the key was created using a derived "
                    + "key, which means additional, per-request information must be included in order to perform "
                    + "operations with the key");
        }
        byte[] plaintext = Base64.getDecoder().decode(String.valueOf(text(request, "plaintext")));
        byte[] sealed;
        try {
            sealed = new AesGcmJce(material).encrypt(plaintext,
                    beforeAssociatedData ? new byte[0] : base64(request, "associated_data"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        JsonObject data = new JsonObject();
        data.addProperty("ciphertext", "vault:v1:" + Base64.getEncoder().encodeToString(sealed));
        data.addProperty("key_version", 1);
        JsonObject answer = answer("data", data);
        if (beforeAssociatedData && request.has("associated_data")) {
            JsonArray warnings = new JsonArray();
            warnings.add("Endpoint ignored these unrecognized parameters: [associated_data]");
            answer.add("warnings", warnings);
        }
        send(exchange, 200, JSON, answer, Map.of());
        return 200;
    }

    private int decrypt(HttpExchange exchange, Key key, JsonObject request) throws IOException {
        byte[] material = material(key, request);
        if (material == null) {
            return errors(exchange, 400, "missing 'context' for key derivation");
        }
        String ciphertext = String.valueOf(text(request, "ciphertext"));
        if (!ciphertext.startsWith("vault:v1:")) {
            return errors(exchange, 400, "invalid ciphertext: no prefix");
        }
        byte[] plaintext;
        try {
            plaintext = new AesGcmJce(material).decrypt(
                    Base64.getDecoder().decode(ciphertext.substring("vault:v1:".length())),
                    base64(request, "associated_data"));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return errors(exchange, 400, "cipher: message authentication failed");
        }
        JsonObject data = new JsonObject();
        data.addProperty("plaintext", Base64.getEncoder().encodeToString(plaintext));
        send(exchange, 200, JSON, answer("data", data), Map.of());
        return 200;
    }

    /** The key's material, derived from the request's context for a derived key ({@code null}: context missing). */
    private static byte[] material(Key key, JsonObject request) {
        if (!key.derived()) {
            return key.material();
        }
        byte[] context = base64(request, "context");
        if (context.length == 0) {
            return null;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.material(), "HmacSHA256"));
            return mac.doFinal(context);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private void lookupSelf(HttpExchange exchange, String namespace) throws IOException {
        lookups.incrementAndGet();
        if (failingLookups.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            errors(exchange, 503, "Vault is sealed");
            return;
        }
        Token token = token(exchange, namespace);
        if (token == null) {
            errors(exchange, 403, "permission denied");
            return;
        }
        JsonObject data = new JsonObject();
        data.addProperty("ttl", token.ttl.isZero() ? 0 : Duration.between(Instant.now(), token.expiresAt).toSeconds());
        data.addProperty("renewable", token.renewable);
        send(exchange, 200, JSON, answer("data", data), Map.of());
    }

    private void renewSelf(HttpExchange exchange, String namespace) throws IOException {
        Token token = token(exchange, namespace);
        if (token == null) {
            errors(exchange, 403, "permission denied");
            return;
        }
        if (!token.renewable) {
            errors(exchange, 400, "lease is not renewable");
            return;
        }
        renewals.incrementAndGet();
        token.expiresAt = Instant.now().plus(token.ttl);
        JsonObject auth = new JsonObject();
        auth.addProperty("client_token", exchange.getRequestHeaders().getFirst("X-Vault-Token"));
        auth.addProperty("lease_duration", token.ttl.toSeconds());
        auth.addProperty("renewable", true);
        send(exchange, 200, JSON, answer("auth", auth), Map.of());
    }

    private void login(HttpExchange exchange, JsonObject request) throws IOException {
        Role role = request == null ? null : roles.get(String.valueOf(text(request, "role_id")));
        if (role == null || !role.secretId().equals(text(request, "secret_id"))) {
            errors(exchange, 400, "invalid role or secret ID" + (echoLogins ? " in request " + request : ""));
            return;
        }
        logins.incrementAndGet();
        String token = issueToken(role.ttl(), true, role.operations().toArray(new String[0]));
        loginTokens.add(token);
        JsonObject auth = new JsonObject();
        auth.addProperty("client_token", token);
        auth.addProperty("lease_duration", role.ttl().toSeconds());
        auth.addProperty("renewable", true);
        send(exchange, 200, JSON, answer("auth", auth), Map.of());
    }

    /** The request's token when it is known, unexpired and of {@code namespace} or one above it. */
    private Token token(HttpExchange exchange, String namespace) {
        String sent = exchange.getRequestHeaders().getFirst("X-Vault-Token");
        Token token = sent == null ? null : tokens.get(sent);
        if (token == null || token.expiresAt.isBefore(Instant.now())) {
            return null;
        }
        boolean serves = token.namespace.isEmpty() || namespace.equals(token.namespace)
                || namespace.startsWith(token.namespace + "/");
        return serves ? token : null;
    }

    private int fault(HttpExchange exchange, Fault fault, String route) throws IOException {
        return switch (fault) {
            case THROTTLE -> errors(exchange, 429, "request path \"" + route + "\": rate limit quota exceeded",
                    retryAfter.isZero() ? Map.of() : Map.of("Retry-After", Long.toString(retryAfter.toSeconds())));
            case SERVER_ERROR -> errors(exchange, 503, "Vault is sealed");
            case ACCESS_DENIED -> errors(exchange, 403, "permission denied");
            case DROP_CONNECTION -> {
                drop(exchange);
                yield 0;
            }
            case SLOW -> throw new IllegalStateException("waited out by faultFor");
        };
    }

    /** What a Vault audit device would show of the binding (before its HMAC): associated data or context, decoded. */
    private static String bindingOf(JsonObject request) {
        byte[] bound = base64(request, "context");
        if (bound.length == 0) {
            bound = base64(request, "associated_data");
        }
        return new String(bound, StandardCharsets.UTF_8);
    }

    private static byte[] base64(JsonObject request, String field) {
        String value = text(request, field);
        try {
            return value == null ? new byte[0] : Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private static JsonObject answer(String section, JsonObject content) {
        JsonObject answer = new JsonObject();
        answer.addProperty("request_id", UUID.randomUUID().toString());
        answer.addProperty("lease_id", "");
        answer.addProperty("renewable", false);
        answer.addProperty("lease_duration", 0);
        answer.add(section, content);
        return answer;
    }

    private int errors(HttpExchange exchange, int status, String message) throws IOException {
        return errors(exchange, status, message, Map.of());
    }

    private int errors(HttpExchange exchange, int status, String message, Map<String, String> headers)
            throws IOException {
        JsonArray errors = new JsonArray();
        errors.add(message);
        JsonObject body = new JsonObject();
        body.add("errors", errors);
        send(exchange, status, JSON, body, headers);
        return status;
    }
}
