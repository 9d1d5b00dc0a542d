package dev.cloak.keyring.kmsdouble;

import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;

/**
 * Google Cloud KMS's REST API ({@code POST /v1/NAME:encrypt}, {@code :decrypt}) and the OAuth 2.0 token endpoint
 * that a service account's JWT assertion is exchanged at, enough for google-auth-library and Cloak's client pointed
 * at it: {@link #writeCredentials} writes a service-account key file whose {@code token_uri} is this double. The
 * token endpoint checks the assertion's RS256 signature with the account's public key, its issuer, audience, scope
 * and expiry; KMS calls must carry a token it issued, may use only the operations the account was granted, and have
 * their CRC32C checksums checked. A ciphertext names its key and is sealed under the additional authenticated data,
 * so a decrypt with other data fails with 400 {@code INVALID_ARGUMENT}, as Cloud KMS's does.
 */
public final class GcpKmsDouble extends KmsDouble {

    public static final String PROJECT = "cloak-test";
    public static final String CLIENT_EMAIL = "cloak-app@cloak-test.iam.gserviceaccount.com";
    private static final String JSON = "application/json; charset=UTF-8";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyPair account;
    private final Map<String, byte[]> keys = new ConcurrentHashMap<>();
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private volatile Set<String> granted = Set.of("encrypt", "decrypt");
    private volatile int tokensIssued;
    private final AtomicInteger corrupted = new AtomicInteger();

    public GcpKmsDouble() {
        super(null);
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            account = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds a symmetric crypto key; returns its resource name. */
    public String createKey(String location, String keyRing, String key) {
        String name = "projects/" + PROJECT + "/locations/" + location + "/keyRings/" + keyRing + "/cryptoKeys/" + key;
        byte[] material = new byte[32];
        RANDOM.nextBytes(material);
        keys.put(name, material);
        return name;
    }

    /** The operations the service account may call ({@code encrypt}, {@code decrypt}), as its IAM roles grant. */
    public void grant(String... operations) {
        granted = Set.of(operations);
    }

    /** The next {@code requests} KMS calls arrive corrupted: their ciphertext's checksum does not match. */
    public void corruptNext(int requests) {
        corrupted.set(requests);
    }

    /** Revokes every access token issued so far, as a rotated or revoked credential does before its expiry. */
    public void revokeTokens() {
        tokens.clear();
    }

    /** How many access tokens the token endpoint issued. */
    public int tokensIssued() {
        return tokensIssued;
    }

    /** Writes the service account's key file, whose {@code token_uri} is this double's token endpoint. */
    public Path writeCredentials(Path file) throws IOException {
        return writeCredentials(file, account);
    }

    /** Writes a key file of the same account and token endpoint but another private key, which the double rejects. */
    public Path writeForeignCredentials(Path file) throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return writeCredentials(file, generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path writeCredentials(Path file, KeyPair key) throws IOException {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(key.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        JsonObject json = new JsonObject();
        json.addProperty("type", "service_account");
        json.addProperty("project_id", PROJECT);
        json.addProperty("private_key_id", "cloak-test-key");
        json.addProperty("private_key", pem);
        json.addProperty("client_email", CLIENT_EMAIL);
        json.addProperty("client_id", "100000000000000000001");
        json.addProperty("token_uri", address() + "/token");
        json.addProperty("universe_domain", "googleapis.com");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, json.toString(), StandardCharsets.UTF_8);
        return file;
    }

    @Override
    protected void handle(HttpExchange exchange, byte[] body) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (path.equals("/token")) {
            token(exchange, body);
            return;
        }
        int colon = path.lastIndexOf(':');
        if (!"POST".equals(exchange.getRequestMethod()) || !path.startsWith("/v1/") || colon < 0) {
            error(exchange, 404, "NOT_FOUND", "not a Cloud KMS method");
            return;
        }
        String name = path.substring("/v1/".length(), colon);
        String operation = path.substring(colon + 1);
        JsonObject request = json(body);
        String aad = request == null || text(request, "additionalAuthenticatedData") == null ? ""
                : new String(Base64.getDecoder().decode(text(request, "additionalAuthenticatedData")),
                        StandardCharsets.UTF_8);
        operation(exchange, operation, aad);
        Fault fault = faultFor();
        if (fault != null) {
            fault(exchange, fault, operation, name);
            return;
        }
        serve(exchange, name, operation, request);
    }

    private int serve(HttpExchange exchange, String name, String operation, JsonObject request) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        Instant expiry = authorization == null || !authorization.startsWith("Bearer ") ? null
                : tokens.get(authorization.substring("Bearer ".length()));
        if (expiry == null || expiry.isBefore(Instant.now())) {
            return error(exchange, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials. "
                    + "Expected OAuth 2 access token, login cookie or other valid authentication credential.");
        }
        if (!granted.contains(operation) || !keys.containsKey(name)) {
            return denied(exchange, operation, name);
        }
        if (request == null) {
            return error(exchange, 400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
        }
        if (corrupted.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return error(exchange, 400, "INVALID_ARGUMENT",
                    "The checksum in field ciphertext_crc32c did not match the data in field ciphertext.");
        }
        byte[] aad = decode(request, "additionalAuthenticatedData");
        if (!checksum(request, "additionalAuthenticatedDataCrc32c", aad)) {
            return error(exchange, 400, "INVALID_ARGUMENT", "The checksum in field "
                    + "additional_authenticated_data_crc32c did not match the data in field "
                    + "additional_authenticated_data.");
        }
        return operation.equals("encrypt") ? encrypt(exchange, name, request, aad)
                : operation.equals("decrypt") ? decrypt(exchange, name, request, aad)
                : error(exchange, 400, "INVALID_ARGUMENT", "the double serves encrypt and decrypt");
    }

    private int encrypt(HttpExchange exchange, String name, JsonObject request, byte[] aad) throws IOException {
        byte[] plaintext = decode(request, "plaintext");
        if (!checksum(request, "plaintextCrc32c", plaintext)) {
            return error(exchange, 400, "INVALID_ARGUMENT",
                    "The checksum in field plaintext_crc32c did not match the data in field plaintext.");
        }
        byte[] sealed;
        try {
            sealed = new AesGcmJce(keys.get(name)).encrypt(plaintext, aad);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        byte[] keyName = name.getBytes(StandardCharsets.UTF_8);
        byte[] ciphertext = ByteBuffer.allocate(2 + keyName.length + sealed.length)
                .putShort((short) keyName.length).put(keyName).put(sealed).array();
        JsonObject answer = new JsonObject();
        answer.addProperty("name", name + "/cryptoKeyVersions/1");
        answer.addProperty("ciphertext", Base64.getEncoder().encodeToString(ciphertext));
        answer.addProperty("ciphertextCrc32c", Long.toString(crc32c(ciphertext)));
        answer.addProperty("verifiedPlaintextCrc32c", request.has("plaintextCrc32c"));
        answer.addProperty("verifiedAdditionalAuthenticatedDataCrc32c",
                request.has("additionalAuthenticatedDataCrc32c"));
        answer.addProperty("protectionLevel", "SOFTWARE");
        send(exchange, 200, JSON, answer, Map.of());
        return 200;
    }

    private int decrypt(HttpExchange exchange, String name, JsonObject request, byte[] aad) throws IOException {
        byte[] ciphertext = decode(request, "ciphertext");
        if (!checksum(request, "ciphertextCrc32c", ciphertext)) {
            return error(exchange, 400, "INVALID_ARGUMENT",
                    "The checksum in field ciphertext_crc32c did not match the data in field ciphertext.");
        }
        int nameLength = ciphertext.length < 2 ? -1 : ((ciphertext[0] & 0xFF) << 8) | (ciphertext[1] & 0xFF);
        if (nameLength < 0 || 2 + nameLength > ciphertext.length
                || !new String(ciphertext, 2, nameLength, StandardCharsets.UTF_8).equals(name)) {
            return error(exchange, 400, "INVALID_ARGUMENT", "Decryption failed: the ciphertext is invalid.");
        }
        byte[] plaintext;
        try {
            plaintext = new AesGcmJce(keys.get(name)).decrypt(
                    Arrays.copyOfRange(ciphertext, 2 + nameLength, ciphertext.length), aad);
        } catch (GeneralSecurityException e) {
            return error(exchange, 400, "INVALID_ARGUMENT", "Decryption failed: the ciphertext is invalid.");
        }
        JsonObject answer = new JsonObject();
        answer.addProperty("plaintext", Base64.getEncoder().encodeToString(plaintext));
        answer.addProperty("plaintextCrc32c", Long.toString(crc32c(plaintext)));
        answer.addProperty("usedPrimary", true);
        answer.addProperty("protectionLevel", "SOFTWARE");
        send(exchange, 200, JSON, answer, Map.of());
        return 200;
    }

    /** The JWT-bearer grant: checks the assertion as Google's token endpoint does and issues a bearer token. */
    private void token(HttpExchange exchange, byte[] body) throws IOException {
        Map<String, String> form = new HashMap<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                form.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        String refusal = refusal(form);
        if (refusal != null) {
            JsonObject error = new JsonObject();
            error.addProperty("error", "invalid_grant");
            error.addProperty("error_description", refusal);
            send(exchange, 400, JSON, error, Map.of());
            return;
        }
        String token = "ya29.cloak-double-" + UUID.randomUUID();
        tokens.put(token, Instant.now().plusSeconds(3600));
        tokensIssued++;
        JsonObject answer = new JsonObject();
        answer.addProperty("access_token", token);
        answer.addProperty("expires_in", 3599);
        answer.addProperty("token_type", "Bearer");
        send(exchange, 200, JSON, answer, Map.of());
    }

    private String refusal(Map<String, String> form) {
        if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type"))) {
            return "unsupported grant_type";
        }
        String[] jwt = String.valueOf(form.get("assertion")).split("\\.");
        if (jwt.length != 3) {
            return "assertion is not a JWT";
        }
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initVerify(account.getPublic());
            rs256.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rs256.verify(Base64.getUrlDecoder().decode(jwt[2]))) {
                return "Invalid JWT Signature.";
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return "Invalid JWT Signature.";
        }
        JsonObject header = json(Base64.getUrlDecoder().decode(jwt[0]));
        JsonObject claims = json(Base64.getUrlDecoder().decode(jwt[1]));
        if (header == null || claims == null || !"RS256".equals(text(header, "alg"))) {
            return "Invalid JWT header.";
        }
        // Google's token endpoint wants its own URL as the audience, wherever the request is sent
        if (!CLIENT_EMAIL.equals(text(claims, "iss"))
                || !"https://oauth2.googleapis.com/token".equals(text(claims, "aud"))) {
            return "Invalid JWT: issuer or audience (" + text(claims, "aud") + ").";
        }
        String scope = String.valueOf(text(claims, "scope"));
        if (!scope.contains("https://www.googleapis.com/auth/cloudkms")
                && !scope.contains("https://www.googleapis.com/auth/cloud-platform")) {
            return "Invalid JWT: no Cloud KMS scope.";
        }
        long exp = claims.has("exp") ? claims.get("exp").getAsLong() : 0;
        if (exp < Instant.now().getEpochSecond()) {
            return "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe.";
        }
        return null;
    }

    private int fault(HttpExchange exchange, Fault fault, String operation, String name) throws IOException {
        return switch (fault) {
            case THROTTLE -> error(exchange, 429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric "
                    + "'Cryptographic requests'");
            case SERVER_ERROR -> error(exchange, 503, "UNAVAILABLE", "The service is currently unavailable.");
            case ACCESS_DENIED -> denied(exchange, operation, name);
            case DROP_CONNECTION -> {
                drop(exchange);
                yield 0;
            }
            case SLOW -> throw new IllegalStateException("waited out by faultFor");
        };
    }

    private int denied(HttpExchange exchange, String operation, String name) throws IOException {
        String permission = operation.equals("decrypt") ? "useToDecrypt" : "useToEncrypt";
        return error(exchange, 403, "PERMISSION_DENIED", "Permission 'cloudkms.cryptoKeyVersions." + permission
                + "' denied on resource '" + name + "' (or it may not exist).");
    }

    private static boolean checksum(JsonObject request, String field, byte[] data) {
        String given = text(request, field);
        return given == null || given.equals(Long.toString(crc32c(data)));
    }

    private static byte[] decode(JsonObject request, String field) {
        String value = text(request, field);
        return value == null ? new byte[0] : Base64.getDecoder().decode(value);
    }

    private static long crc32c(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        return crc.getValue();
    }

    private int error(HttpExchange exchange, int status, String code, String message) throws IOException {
        JsonObject error = new JsonObject();
        error.addProperty("code", status);
        error.addProperty("message", message);
        error.addProperty("status", code);
        JsonObject body = new JsonObject();
        body.add("error", error);
        send(exchange, status, JSON, body, Map.of());
        return status;
    }
}
