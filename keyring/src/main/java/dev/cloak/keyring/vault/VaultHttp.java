package dev.cloak.keyring.vault;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.KmsCallException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Vault's HTTP API as the Transit key and its token use it: JSON over HTTPS (or plain HTTP to loopback when the URI
 * allows it), the token in {@code X-Vault-Token}, the namespace in {@code X-Vault-Namespace}, and
 * {@code X-Vault-Request: true}, which Vault Agent and Vault Proxy may require. One HTTP/1.1 client per
 * master key; each request is held to the time it is given.
 */
final class VaultHttp {

    /**
     * An answer: its status, JSON body ({@code null} when it had none or none that parses), and how long its
     * {@code Retry-After} asks to wait (zero when it has none; Vault sends one with a rate limit quota's 429).
     */
    record Answer(int status, JsonObject body, Duration retryAfter) {

        /** Vault's {@code errors} array, joined, cut short; they name what failed, never a secret. */
        String errors() {
            if (body == null || !(body.get("errors") instanceof JsonArray errors)) {
                return null;
            }
            List<String> texts = new ArrayList<>();
            for (JsonElement error : errors) {
                texts.add(error.isJsonPrimitive() ? error.getAsString() : error.toString());
            }
            String joined = String.join("; ", texts);
            return joined.length() > 300 ? joined.substring(0, 300) + "…" : joined;
        }
    }

    private final VaultTransitUri uri;
    private final HttpClient client;

    VaultHttp(VaultTransitUri uri, Duration connectTimeout) throws KeyringException {
        this.uri = uri;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (uri.caFile().isPresent()) {
            builder.sslContext(trusting(uri));
        }
        this.client = builder.build();
    }

    /** An SSL context that trusts the certificates of the URI's {@code ca-file} (and no others). */
    private static SSLContext trusting(VaultTransitUri uri) throws KeyringException {
        try (InputStream in = Files.newInputStream(uri.caFile().orElseThrow())) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int index = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trusted.setCertificateEntry("ca-" + index++, certificate);
            }
            if (index == 0) {
                throw new KeyringException(KeyringException.Kind.INVALID,
                        VaultTransitUri.SCHEME + ": ca-file holds no certificate");
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new KeyringException(KeyringException.Kind.INVALID,
                    VaultTransitUri.SCHEME + ": ca-file cannot be read as PEM certificates", e);
        }
    }

    /** POSTs {@code body} to {@code /v1/PATH}. */
    Answer post(String path, JsonObject body, String token, Duration timeout, String what) throws KmsCallException {
        return send(request(path, token, timeout).POST(HttpRequest.BodyPublishers.ofString(body.toString(),
                StandardCharsets.UTF_8)), what);
    }

    /** GETs {@code /v1/PATH}. */
    Answer get(String path, String token, Duration timeout, String what) throws KmsCallException {
        return send(request(path, token, timeout).GET(), what);
    }

    private HttpRequest.Builder request(String path, String token, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri.base() + "/v1/" + path))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                // as Vault's own clients send it: a Vault Agent or Proxy with require_request_header refuses without
                .header("X-Vault-Request", "true");
        if (token != null) {
            request.header("X-Vault-Token", token);
        }
        uri.namespace().ifPresent(namespace -> request.header("X-Vault-Namespace", namespace));
        return request;
    }

    private Answer send(HttpRequest.Builder request, String what) throws KmsCallException {
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw KmsCallException.ofNetworkFailure(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KmsCallException.transientFailure(what + " was interrupted", e);
        }
        JsonObject body = null;
        try {
            JsonElement parsed = JsonParser.parseString(response.body());
            body = parsed.isJsonObject() ? parsed.getAsJsonObject() : null;
        } catch (JsonParseException e) {
            // a proxy's HTML error page: the status alone decides
        }
        return new Answer(response.statusCode(), body,
                KmsCallException.retryAfter(response.headers().firstValue("Retry-After"), Clock.systemUTC()));
    }
}
