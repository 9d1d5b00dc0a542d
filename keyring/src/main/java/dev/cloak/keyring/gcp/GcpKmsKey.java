package dev.cloak.keyring.gcp;

import com.google.api.client.http.HttpResponseException;
import com.google.auth.Retryable;
import com.google.auth.oauth2.ComputeEngineCredentials;
import com.google.auth.oauth2.ExternalAccountAuthorizedUserCredentials;
import com.google.auth.oauth2.ExternalAccountCredentials;
import com.google.auth.oauth2.GdchCredentials;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ImpersonatedCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.auth.oauth2.UserCredentials;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.KmsBinding;
import dev.cloak.keyring.KmsCallException;
import dev.cloak.keyring.KmsKey;
import dev.cloak.keyring.UriParameters;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * A symmetric crypto key of Google Cloud KMS, through its REST API ({@code v1/NAME:encrypt}, {@code :decrypt}) with
 * the JDK's HTTP client, authorised with Application Default Credentials or the URI's service-account key file
 * (google-auth-library). Each call carries the
 * {@link KmsBinding} as {@code additionalAuthenticatedData}, which Cloud KMS requires again on decrypt, and CRC32C
 * checksums of what it sends, as Google asks: an answer that does not confirm them, or whose own checksum does not
 * match, was corrupted in transit and is retried.
 */
final class GcpKmsKey implements KmsKey {

    private static final String SCOPE = "https://www.googleapis.com/auth/cloudkms";
    /**
     * The least wait before a call that Cloud KMS refused with {@code RESOURCE_EXHAUSTED} is made again, so that
     * {@link dev.cloak.keyring.RemoteMasterKey}'s three retries span more than a second.
     */
    static final Duration THROTTLED_WAIT = Duration.ofMillis(350);

    private final GcpKmsUri uri;
    private final HttpClient client;
    private GoogleCredentials credentials;

    GcpKmsKey(GcpKmsUri uri, Duration timeout) {
        this.uri = uri;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public String describe() {
        return uri.describe();
    }

    @Override
    public byte[] encrypt(byte[] plaintext, KmsBinding binding, Duration timeout) throws KmsCallException {
        byte[] aad = binding.associatedData();
        JsonObject body = new JsonObject();
        body.addProperty("plaintext", Base64.getEncoder().encodeToString(plaintext));
        body.addProperty("plaintextCrc32c", Long.toString(crc32c(plaintext)));
        body.addProperty("additionalAuthenticatedData", Base64.getEncoder().encodeToString(aad));
        body.addProperty("additionalAuthenticatedDataCrc32c", Long.toString(crc32c(aad)));
        JsonObject answer = call("encrypt", body, timeout);
        String what = describe() + " (encrypt)";
        if (!isTrue(answer, "verifiedPlaintextCrc32c")
                || !isTrue(answer, "verifiedAdditionalAuthenticatedDataCrc32c")) {
            throw KmsCallException.transientFailure(what + " did not confirm the request's checksums", null);
        }
        String version = text(answer, "name");
        if (version == null || !version.startsWith(uri.keyName() + "/cryptoKeyVersions/")) {
            throw KmsCallException.transientFailure(what + " answered for another key than it was asked", null);
        }
        byte[] ciphertext = bytes(answer, "ciphertext", what);
        if (!String.valueOf(crc32c(ciphertext)).equals(text(answer, "ciphertextCrc32c"))) {
            throw KmsCallException.transientFailure(what + " answered a ciphertext whose checksum does not match",
                    null);
        }
        return ciphertext;
    }

    @Override
    public byte[] decrypt(byte[] ciphertext, KmsBinding binding, Duration timeout) throws KmsCallException {
        byte[] aad = binding.associatedData();
        JsonObject body = new JsonObject();
        body.addProperty("ciphertext", Base64.getEncoder().encodeToString(ciphertext));
        body.addProperty("ciphertextCrc32c", Long.toString(crc32c(ciphertext)));
        body.addProperty("additionalAuthenticatedData", Base64.getEncoder().encodeToString(aad));
        body.addProperty("additionalAuthenticatedDataCrc32c", Long.toString(crc32c(aad)));
        JsonObject answer = call("decrypt", body, timeout);
        String what = describe() + " (decrypt)";
        byte[] plaintext = bytes(answer, "plaintext", what);
        if (!String.valueOf(crc32c(plaintext)).equals(text(answer, "plaintextCrc32c"))) {
            throw KmsCallException.transientFailure(what + " answered a plaintext whose checksum does not match", null);
        }
        return plaintext;
    }

    /**
     * POSTs to {@code v1/NAME:OPERATION}. A token the server refuses (401) before it expires, revoked or rotated, is
     * refreshed and the call made once more, as Google's own HTTP adapter does.
     */
    private JsonObject call(String operation, JsonObject body, Duration timeout) throws KmsCallException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String what = describe() + " (" + operation + ")";
        HttpResponse<String> response = send(operation, body, timeout, what);
        if (response.statusCode() == 401) {
            refreshCredentials(what);
            response = send(operation, body, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())), what);
        }
        JsonObject json = parse(response.body());
        if (response.statusCode() == 200 && json != null) {
            return json;
        }
        Duration retryAfter = KmsCallException.retryAfter(response.headers().firstValue("Retry-After"),
                Clock.systemUTC());
        throw failure(response.statusCode(), json, operation, what, text(body, "plaintext"), retryAfter);
    }

    private HttpResponse<String> send(String operation, JsonObject body, Duration timeout, String what)
            throws KmsCallException {
        URI target = URI.create(uri.endpoint() + "/v1/" + uri.keyName() + ":" + operation);
        HttpRequest.Builder request = HttpRequest.newBuilder(target)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        for (Map.Entry<String, List<String>> header : authorization(what).entrySet()) {
            for (String value : header.getValue()) {
                request.header(header.getKey(), value);
            }
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw KmsCallException.ofNetworkFailure(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KmsCallException.transientFailure(what + " was interrupted", e);
        }
    }

    private void refreshCredentials(String what) throws KmsCallException {
        GoogleCredentials loaded;
        synchronized (this) {
            loaded = credentials;
        }
        try {
            loaded.refresh();
        } catch (IOException e) {
            throw credentialFailure(e, what);
        }
    }

    /** What Cloud KMS's error means: its canonical status where the HTTP status alone would mislead. */
    private static KmsCallException failure(int status, JsonObject json, String operation, String what,
                                            String secret, Duration retryAfter) {
        JsonObject error = json != null && json.get("error") instanceof JsonObject e ? e : null;
        String code = error == null ? null : text(error, "status");
        String message = error == null ? null : KmsCallException.withoutEcho(text(error, "message"), secret);
        String detail = (code == null ? "" : code) + (message == null ? "" : (code == null ? "" : ": ")
                + (message.length() > 300 ? message.substring(0, 300) + "…" : message));
        if (status == 400 && "FAILED_PRECONDITION".equals(code)) {
            // a disabled or destroyed key version: an operator can enable it again
            return KmsCallException.permanent(KeyringException.Kind.UNAVAILABLE,
                    what + " failed: the key version is not enabled (" + detail + ")", null);
        }
        if (status == 400 && message != null && message.toLowerCase(Locale.ROOT).contains("crc32c")) {
            // a checksum of the request that did not match what arrived: corrupted in transit, retried as Google asks
            return KmsCallException.transientFailure(what + " found the request corrupted in transit: " + detail,
                    null);
        }
        if (status == 400 && operation.equals("decrypt")) {
            // Cloud KMS's answer to a ciphertext of another key, altered, or asked with other associated data
            return KmsCallException.permanent(KeyringException.Kind.UNWRAP_FAILED,
                    what + " refused the ciphertext: " + detail, null);
        }
        if (status == 404) {
            return KmsCallException.permanent(KeyringException.Kind.INVALID, what + " answered HTTP 404 (check the "
                    + "key's resource name): " + detail, null);
        }
        if (status == 429 && "RESOURCE_EXHAUSTED".equals(code) && retryAfter.compareTo(THROTTLED_WAIT) < 0) {
            // a quota ran out: retries a few milliseconds apart would only spend more of it
            return KmsCallException.throttled(what + " answered HTTP 429: " + detail, THROTTLED_WAIT);
        }
        return KmsCallException.ofHttpStatus(status, what, detail, retryAfter);
    }

    /** The request headers of the credentials (a bearer token), loaded and refreshed as google-auth sees fit. */
    private Map<String, List<String>> authorization(String what) throws KmsCallException {
        GoogleCredentials loaded;
        synchronized (this) {
            if (credentials == null) {
                credentials = load(what).createScoped(List.of(SCOPE));
            }
            loaded = credentials;
        }
        try {
            return loaded.getRequestMetadata(uri.endpoint());
        } catch (IOException e) {
            throw credentialFailure(e, what);
        }
    }

    /** The service-account key file the URI names, or Application Default Credentials. */
    private GoogleCredentials load(String what) throws KmsCallException {
        if (uri.credentials().isPresent()) {
            try (InputStream in = Files.newInputStream(uri.credentials().get())) {
                return requireHttpsEndpoints(ServiceAccountCredentials.fromStream(in), what);
            } catch (IOException | RuntimeException e) {
                // the parser's message could quote the file, which holds a private key: name the file only
                throw KmsCallException.permanent(KeyringException.Kind.INVALID, what + ": credentials file "
                        + uri.credentials().get() + " cannot be read as a service-account key", null);
            }
        }
        GoogleCredentials adc;
        try {
            adc = GoogleCredentials.getApplicationDefault();
        } catch (IOException e) {
            throw KmsCallException.permanent(KeyringException.Kind.UNAVAILABLE, what + " has no Application "
                    + "Default Credentials: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // google-auth refuses a malformed file (an external_account without its source) with an unchecked
            // exception, whose message may quote the file: the same file fails again, so it is not retried
            throw KmsCallException.permanent(KeyringException.Kind.INVALID, what + ": google-auth cannot use the "
                    + "Application Default Credentials file (" + e.getClass().getSimpleName() + "); check the file "
                    + "GOOGLE_APPLICATION_CREDENTIALS names, or name a service-account key file with credentials=",
                    null);
        }
        return requireHttpsEndpoints(adc, what);
    }

    /**
     * The credentials, unless an endpoint they send a credential to (the token endpoint, which gets a signed assertion
     * or a refresh token and answers an access token; the IAM or STS endpoint of impersonation and workload
     * identity federation) is not HTTPS: those would cross the network in clear. Plain HTTP only to a loopback
     * literal, and only where the URI asks for it ({@code http=loopback}), as for the KMS endpoint. Impersonation's
     * source credentials are checked likewise. Credentials of the platform (the metadata server of Compute Engine,
     * App Engine, Cloud Shell) are the platform's own; any other kind, whose endpoints Cloak cannot see, is refused.
     */
    GoogleCredentials requireHttpsEndpoints(GoogleCredentials loaded, String what) throws KmsCallException {
        String type = loaded.getClass().getSimpleName();
        if (loaded instanceof ServiceAccountCredentials serviceAccount) {
            requireHttps(serviceAccount.getTokenServerUri(), "token_uri", what);
        } else if (loaded instanceof UserCredentials user) {
            requireHttps(user.toBuilder().getTokenServerUri(), "token_uri", what);
        } else if (loaded instanceof GdchCredentials gdch) {
            requireHttps(gdch.getTokenServerUri(), "token_uri", what);
        } else if (loaded instanceof ImpersonatedCredentials impersonated) {
            requireHttps(impersonationEndpoint(impersonated, what), "service_account_impersonation_url", what);
            requireHttpsEndpoints(impersonated.getSourceCredentials(), what);
        } else if (loaded instanceof ExternalAccountCredentials external) {
            // credential_source (a file, an executable, a URL of the platform's metadata server) only hands a token
            // to Cloak; the token endpoint and the impersonation URL are where one is sent
            requireHttps(uriOf(external.getTokenUrl(), "token_url", what), "token_url", what);
            requireHttps(uriOf(external.getServiceAccountImpersonationUrl(), "service_account_impersonation_url",
                    what), "service_account_impersonation_url", what);
        } else if (loaded instanceof ExternalAccountAuthorizedUserCredentials external) {
            requireHttps(uriOf(external.getTokenUrl(), "token_url", what), "token_url", what);
        } else if (!(loaded instanceof ComputeEngineCredentials || type.equals("AppEngineCredentials")
                || type.equals("CloudShellCredentials"))) {
            throw KmsCallException.permanent(KeyringException.Kind.INVALID, what + ": credentials of type " + type
                    + ", whose endpoints Cloak cannot check for https://, are refused; use a service-account key "
                    + "file (credentials=file:PATH), impersonation, workload identity federation or the attached "
                    + "service account", null);
        }
        return loaded;
    }

    /**
     * Where impersonated credentials ask IAM for a token ({@code service_account_impersonation_url}), or
     * {@code null} for IAM's own endpoint. google-auth keeps it package-private: if its accessor cannot be read
     * (another version of the library), the credentials are refused rather than left unchecked.
     */
    private static URI impersonationEndpoint(ImpersonatedCredentials impersonated, String what)
            throws KmsCallException {
        Object endpoint;
        try {
            Method accessor = ImpersonatedCredentials.class.getDeclaredMethod("getIamEndpointOverride");
            accessor.setAccessible(true);
            endpoint = accessor.invoke(impersonated);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw KmsCallException.permanent(KeyringException.Kind.INVALID, what + ": this google-auth-library "
                    + "does not show the impersonation URL of impersonated credentials, so Cloak cannot check it for "
                    + "https://; use " + GcpKmsMasterKeyProvider.ARTIFACT + " or a service-account key file", null);
        }
        return endpoint == null ? null : uriOf(endpoint.toString(), "service_account_impersonation_url", what);
    }

    private static URI uriOf(String endpoint, String field, String what) throws KmsCallException {
        if (endpoint == null) {
            return null;
        }
        try {
            return new URI(endpoint);
        } catch (URISyntaxException e) {
            throw KmsCallException.permanent(KeyringException.Kind.INVALID, what + ": the credentials' " + field
                    + " is not a URL", null);
        }
    }

    /** Refuses {@code endpoint} unless it is https://, or http:// to loopback with http=loopback in the URI. */
    private void requireHttps(URI endpoint, String field, String what) throws KmsCallException {
        if (endpoint == null || "https".equalsIgnoreCase(endpoint.getScheme())) {
            return;
        }
        boolean loopbackAllowed = "http".equals(uri.endpoint().getScheme());
        if ("http".equalsIgnoreCase(endpoint.getScheme()) && loopbackAllowed
                && UriParameters.isLoopbackLiteral(endpoint.getHost())) {
            return;
        }
        throw KmsCallException.permanent(KeyringException.Kind.INVALID, what + ": the credentials' " + field
                + " (host " + endpoint.getHost() + ") is not https://; plain http:// only to 127.0.0.1 or [::1] with"
                + " http=loopback in the URI", null);
    }

    /** A token that could not be had: refused by the token endpoint, or not reached. */
    private static KmsCallException credentialFailure(IOException e, String what) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpResponseException http) {
                int status = http.getStatusCode();
                if (status == 400 || status == 401 || status == 403) {
                    return KmsCallException.permanent(KeyringException.Kind.ACCESS_DENIED, what + ": the token "
                            + "endpoint refused the credentials (HTTP " + status + ", access denied)", e);
                }
                return KmsCallException.transientFailure(what + ": the token endpoint answered HTTP " + status, e);
            }
            if (t instanceof Retryable auth && !auth.isRetryable()) {
                return KmsCallException.permanent(KeyringException.Kind.ACCESS_DENIED,
                        what + ": the credentials were refused: " + t.getMessage(), e);
            }
        }
        return KmsCallException.transientFailure(what + ": no access token: " + e.getMessage(), e);
    }

    private static JsonObject parse(String body) {
        try {
            JsonElement parsed = JsonParser.parseString(body);
            return parsed.isJsonObject() ? parsed.getAsJsonObject() : null;
        } catch (JsonParseException e) {
            return null;
        }
    }

    private static byte[] bytes(JsonObject answer, String field, String what) throws KmsCallException {
        String value = text(answer, field);
        try {
            return Base64.getDecoder().decode(value == null ? "" : value);
        } catch (IllegalArgumentException e) {
            throw KmsCallException.transientFailure(what + " answered a " + field + " that is not base64", null);
        }
    }

    private static boolean isTrue(JsonObject answer, String field) {
        JsonElement value = answer.get(field);
        return value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isBoolean()
                && value.getAsBoolean();
    }

    private static String text(JsonObject object, String field) {
        JsonElement value = object.get(field);
        return value != null && value.isJsonPrimitive() ? value.getAsString() : null;
    }

    private static long crc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return crc.getValue();
    }

    @Override
    public String toString() {
        return "GcpKmsKey[" + describe() + "]";
    }
}
