package dev.cloak.keyring.kmsdouble;

import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS KMS's JSON protocol as the AWS SDK v2 speaks it ({@code POST /}, {@code X-Amz-Target:
 * TrentService.Encrypt|Decrypt}, {@code application/x-amz-json-1.1}), enough for the real {@code KmsClient} pointed
 * at it with {@code aws.endpointUrlKms}. It checks each request's SigV4 {@code Authorization} header in full (the
 * signature recomputed with the caller's secret key, the scope's region and service), and that the caller may use
 * the operation. Ciphertext blobs name the key and are sealed under the encryption context, so a decrypt with another
 * context fails with {@code InvalidCiphertextException}, a blob of another key with {@code IncorrectKeyException};
 * plaintexts over 4096 bytes are refused as KMS refuses them.
 */
public final class AwsKmsDouble extends KmsDouble {

    public static final String REGION = "eu-west-1";
    public static final String ACCOUNT = "111122223333";
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    private static final Pattern AUTHORIZATION = Pattern.compile("AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/"
            + "([^/]+)/([^/]+)/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Credentials the double knows, with the operations they may call ({@code Encrypt}, {@code Decrypt}). */
    private record Principal(String secret, Set<String> operations) {
    }

    private final Map<String, byte[]> keys = new ConcurrentHashMap<>();
    private final Map<String, String> aliases = new ConcurrentHashMap<>();
    private final Map<String, Principal> principals = new ConcurrentHashMap<>();
    private final List<String> signedHeaders = new ArrayList<>();

    public AwsKmsDouble() {
        super(null);
    }

    /** Adds a symmetric key; returns its ARN. */
    public String createKey(String keyId) {
        String arn = "arn:aws:kms:" + REGION + ":" + ACCOUNT + ":key/" + keyId;
        byte[] material = new byte[32];
        RANDOM.nextBytes(material);
        keys.put(arn, material);
        return arn;
    }

    /** Points {@code alias/NAME} at the key {@code keyArn}; returns the alias ARN. */
    public String alias(String name, String keyArn) {
        String arn = "arn:aws:kms:" + REGION + ":" + ACCOUNT + ":alias/" + name;
        aliases.put(arn, keyArn);
        return arn;
    }

    /** Lets {@code accessKeyId}, signing with {@code secret}, call {@code operations}. */
    public void allow(String accessKeyId, String secret, String... operations) {
        principals.put(accessKeyId, new Principal(secret, Set.of(operations)));
    }

    /** The headers the last request signed (SigV4's SignedHeaders). */
    public synchronized List<String> lastSignedHeaders() {
        return List.copyOf(signedHeaders);
    }

    @Override
    protected void handle(HttpExchange exchange, byte[] body) throws IOException {
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        if (!"POST".equals(exchange.getRequestMethod()) || !"/".equals(exchange.getRequestURI().getPath())
                || target == null || !target.startsWith("TrentService.")) {
            error(exchange, 400, "UnknownOperationException", "not a KMS request");
            return;
        }
        String operation = target.substring("TrentService.".length());
        if (!String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")).startsWith(CONTENT_TYPE)) {
            error(exchange, 400, "SerializationException", "Content-Type must be " + CONTENT_TYPE);
            return;
        }
        JsonObject request = json(body);
        String binding = request != null && request.get("EncryptionContext") instanceof JsonObject context
                ? new TreeMap<>(contextOf(context)).toString() : "{}";
        operation(exchange, operation, binding);
        Fault fault = faultFor();
        if (fault != null) {
            fault(exchange, fault, operation);
            return;
        }
        if (authenticate(exchange, body, operation) != null) {
            return;
        }
        if (request == null) {
            error(exchange, 400, "SerializationException", "body is not JSON");
            return;
        }
        switch (operation) {
            case "Encrypt" -> encrypt(exchange, request);
            case "Decrypt" -> decrypt(exchange, request);
            default -> error(exchange, 400, "UnknownOperationException", "the double serves Encrypt and Decrypt");
        }
    }

    private int fault(HttpExchange exchange, Fault fault, String operation) throws IOException {
        return switch (fault) {
            case THROTTLE -> error(exchange, 400, "ThrottlingException", "Rate exceeded");
            case SERVER_ERROR -> error(exchange, 500, "KMSInternalException", "internal error");
            case ACCESS_DENIED -> error(exchange, 400, "AccessDeniedException", "User: arn:aws:iam::" + ACCOUNT
                    + ":user/test is not authorized to perform: kms:" + operation);
            case DROP_CONNECTION -> {
                drop(exchange);
                yield 0;
            }
            case SLOW -> throw new IllegalStateException("waited out by faultFor");
        };
    }

    /** Recomputes the SigV4 signature; answers and returns a reason when the request is not signed as AWS wants. */
    private String authenticate(HttpExchange exchange, byte[] body, String operation) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String amzDate = exchange.getRequestHeaders().getFirst("X-Amz-Date");
        Matcher m = authorization == null ? null : AUTHORIZATION.matcher(authorization);
        if (m == null || !m.matches() || amzDate == null || !amzDate.startsWith(m.group(2))) {
            error(exchange, 400, "IncompleteSignatureException", "Authorization header is not SigV4");
            return "unsigned";
        }
        Principal principal = principals.get(m.group(1));
        if (principal == null) {
            error(exchange, 400, "UnrecognizedClientException", "The security token included in the request is invalid.");
            return "unknown access key";
        }
        if (!m.group(3).equals(REGION) || !m.group(4).equals("kms")) {
            error(exchange, 400, "InvalidSignatureException", "Credential should be scoped to a valid region and kms");
            return "wrong scope";
        }
        List<String> signed = List.of(m.group(5).split(";"));
        synchronized (this) {
            signedHeaders.clear();
            signedHeaders.addAll(signed);
        }
        if (!signed.contains("host") || !signed.contains("x-amz-date")) {
            error(exchange, 400, "InvalidSignatureException", "host and x-amz-date must be signed");
            return "host not signed";
        }
        StringBuilder canonical = new StringBuilder("POST\n/\n\n");
        for (String header : signed) {
            List<String> values = exchange.getRequestHeaders().get(header);
            if (values == null) {
                error(exchange, 400, "InvalidSignatureException", "signed header " + header + " is missing");
                return "missing signed header";
            }
            canonical.append(header).append(':')
                    .append(String.join(",", values.stream().map(v -> v.trim().replaceAll(" +", " ")).toList()))
                    .append('\n');
        }
        canonical.append('\n').append(m.group(5)).append('\n').append(hex(sha256(body)));
        String scope = m.group(2) + "/" + m.group(3) + "/" + m.group(4) + "/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + principal.secret()).getBytes(StandardCharsets.UTF_8), m.group(2));
        key = hmac(key, m.group(3));
        key = hmac(key, m.group(4));
        key = hmac(key, "aws4_request");
        if (!MessageDigest.isEqual(hex(hmac(key, toSign)).getBytes(StandardCharsets.US_ASCII),
                m.group(6).getBytes(StandardCharsets.US_ASCII))) {
            error(exchange, 400, "InvalidSignatureException", "The request signature we calculated does not match "
                    + "the signature you provided.");
            return "bad signature";
        }
        if (!principal.operations().contains(operation)) {
            error(exchange, 400, "AccessDeniedException", "User: arn:aws:iam::" + ACCOUNT + ":user/" + m.group(1)
                    + " is not authorized to perform: kms:" + operation);
            return "not allowed";
        }
        return null;
    }

    private int encrypt(HttpExchange exchange, JsonObject request) throws IOException {
        String arn = resolve(text(request, "KeyId"));
        if (arn == null) {
            return error(exchange, 400, "NotFoundException", "Key '" + text(request, "KeyId") + "' does not exist");
        }
        byte[] plaintext = Base64.getDecoder().decode(String.valueOf(text(request, "Plaintext")));
        if (plaintext.length == 0 || plaintext.length > 4096) {
            return error(exchange, 400, "ValidationException",
                    "1 validation error detected: Value at 'plaintext' failed to satisfy constraint");
        }
        byte[] sealed;
        try {
            sealed = new AesGcmJce(keys.get(arn)).encrypt(plaintext, contextBytes(request));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        byte[] name = arn.getBytes(StandardCharsets.UTF_8);
        byte[] blob = ByteBuffer.allocate(3 + name.length + sealed.length).put((byte) 1)
                .putShort((short) name.length).put(name).put(sealed).array();
        JsonObject answer = new JsonObject();
        answer.addProperty("CiphertextBlob", Base64.getEncoder().encodeToString(blob));
        answer.addProperty("KeyId", arn);
        answer.addProperty("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
        send(exchange, 200, CONTENT_TYPE, answer, Map.of());
        return 200;
    }

    private int decrypt(HttpExchange exchange, JsonObject request) throws IOException {
        byte[] blob = Base64.getDecoder().decode(String.valueOf(text(request, "CiphertextBlob")));
        if (blob.length < 3 || blob[0] != 1) {
            return error(exchange, 400, "InvalidCiphertextException", null);
        }
        int nameLength = ((blob[1] & 0xFF) << 8) | (blob[2] & 0xFF);
        if (3 + nameLength > blob.length) {
            return error(exchange, 400, "InvalidCiphertextException", null);
        }
        String arn = new String(blob, 3, nameLength, StandardCharsets.UTF_8);
        String asked = text(request, "KeyId");
        if (asked != null && !arn.equals(resolve(asked))) {
            return error(exchange, 400, "IncorrectKeyException", "The key ID in the request does not identify a KMS "
                    + "key that can perform this operation.");
        }
        byte[] material = keys.get(arn);
        if (material == null) {
            return error(exchange, 400, "InvalidCiphertextException", null);
        }
        byte[] plaintext;
        try {
            plaintext = new AesGcmJce(material).decrypt(Arrays.copyOfRange(blob, 3 + nameLength, blob.length),
                    contextBytes(request));
        } catch (GeneralSecurityException e) {
            return error(exchange, 400, "InvalidCiphertextException", null);
        }
        JsonObject answer = new JsonObject();
        answer.addProperty("Plaintext", Base64.getEncoder().encodeToString(plaintext));
        answer.addProperty("KeyId", arn);
        answer.addProperty("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
        send(exchange, 200, CONTENT_TYPE, answer, Map.of());
        return 200;
    }

    private String resolve(String keyId) {
        if (keyId == null) {
            return null;
        }
        String arn = aliases.getOrDefault(keyId, keyId);
        return keys.containsKey(arn) ? arn : null;
    }

    /** The encryption context in a canonical order, as the blob is sealed under it. */
    private static byte[] contextBytes(JsonObject request) {
        if (!(request.get("EncryptionContext") instanceof JsonObject context)) {
            return new byte[0];
        }
        return new TreeMap<>(contextOf(context)).toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> contextOf(JsonObject context) {
        Map<String, String> pairs = new TreeMap<>();
        for (Map.Entry<String, JsonElement> entry : context.entrySet()) {
            pairs.put(entry.getKey(), entry.getValue().getAsString());
        }
        return pairs;
    }

    private int error(HttpExchange exchange, int status, String type, String message) throws IOException {
        JsonObject error = new JsonObject();
        error.addProperty("__type", type);
        if (message != null) {
            error.addProperty("message", message);
        }
        send(exchange, status, CONTENT_TYPE, error, Map.of("x-amzn-ErrorType", type));
        return status;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes).toLowerCase(Locale.ROOT);
    }
}
