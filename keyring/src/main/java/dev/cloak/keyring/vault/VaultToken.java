package dev.cloak.keyring.vault;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.cloak.keyring.KeyringException;
import dev.cloak.keyring.KmsCallException;
import dev.cloak.keyring.SecretSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Vault token a Transit key's calls carry, and its life: read from {@code token-source} (a file is read again
 * at each call, so a token that Vault Agent rewrites is picked up), or obtained by AppRole login with
 * {@code role-id-source} and {@code secret-id-source}, again whenever the last one expired or was refused. A
 * renewable token is renewed ({@code auth/token/renew-self}) in the background at two thirds of its time to live,
 * so a key cache that stays warm longer than the token's TTL does not find it expired. Nothing here logs or
 * reports a token.
 */
final class VaultToken implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VaultToken.class);
    /** Renewals of every Vault key of the process: one daemon thread, which never keeps the JVM alive. */
    private static final ScheduledExecutorService RENEWALS = Executors.newSingleThreadScheduledExecutor(work -> {
        Thread thread = new Thread(work, "cloak-vault-token-renewal");
        thread.setDaemon(true);
        return thread;
    });
    /** Retried this soon after a renewal failed (but never later than the token's last third). */
    private static final Duration RENEWAL_RETRY = Duration.ofSeconds(30);
    /** A lookup that failed transiently is tried again after this, then twice as long each time, up to the most. */
    private static final Duration LOOKUP_RETRY = Duration.ofSeconds(5);
    private static final Duration LOOKUP_RETRY_MOST = Duration.ofMinutes(5);
    /** A UTF-8 byte-order mark, as a Windows editor starts a file with: never part of a token. */
    private static final char BYTE_ORDER_MARK = '\uFEFF';

    /** A token and what Vault said of it; {@code expiresAt} is a {@link System#nanoTime()}, 0 when unknown. */
    private record Lease(String token, long expiresAt, boolean renewable) {
    }

    private final VaultTransitUri uri;
    private final VaultHttp http;
    private final Duration timeout;
    private final Duration firstLookupRetry;
    private Lease lease;
    /** Where the token's own calls go: {@code ""} (the URI's namespace), or a namespace at the mount path's start. */
    private String tokenPath = "";
    private Duration lookupRetry;
    private ScheduledFuture<?> renewal;
    private boolean closed;

    VaultToken(VaultTransitUri uri, VaultHttp http, Duration timeout) {
        this(uri, http, timeout, LOOKUP_RETRY);
    }

    /** As the other constructor, a failed lookup first tried again after {@code firstLookupRetry} (tests). */
    VaultToken(VaultTransitUri uri, VaultHttp http, Duration timeout, Duration firstLookupRetry) {
        this.uri = uri;
        this.http = http;
        this.timeout = timeout;
        this.firstLookupRetry = firstLookupRetry;
        this.lookupRetry = firstLookupRetry;
    }

    private boolean appRole() {
        return uri.roleIdSource().isPresent();
    }

    /** The token to send now: logs in first when AppRole has none that is still valid. */
    synchronized String current(Duration left) throws KmsCallException {
        if (appRole()) {
            if (lease == null || expired(lease)) {
                lease = login(left);
                scheduleRenewal(lease);
            }
            return lease.token();
        }
        String token = headerValue(uri.tokenSource().orElseThrow());
        if (lease == null || !lease.token().equals(token)) {
            // a new token (the first, or rewritten by an agent): learn whether it is renewable, off this call's path
            lease = new Lease(token, 0, false);
            tokenPath = "";
            lookupRetry = firstLookupRetry;
            schedule(this::lookUp, Duration.ZERO);
        }
        return token;
    }

    /** Vault refused {@code token}: an AppRole token is dropped, so the next call logs in again. */
    synchronized boolean refused(String token) {
        if (appRole() && lease != null && lease.token().equals(token)) {
            lease = null;
            return true;
        }
        return false;
    }

    private static boolean expired(Lease lease) {
        // a token that would expire within a second is as good as gone for a call that starts now
        return lease.expiresAt() != 0 && lease.expiresAt() - System.nanoTime() < TimeUnit.SECONDS.toNanos(1);
    }

    private Lease login(Duration left) throws KmsCallException {
        JsonObject body = new JsonObject();
        char[] roleId = readChars(uri.roleIdSource().orElseThrow());
        char[] secretId = readChars(uri.secretIdSource().orElseThrow());
        try {
            body.addProperty("role_id", new String(roleId));
            body.addProperty("secret_id", new String(secretId));
        } finally {
            Arrays.fill(roleId, '\0');
            Arrays.fill(secretId, '\0');
        }
        String what = VaultTransitUri.SCHEME + ": AppRole login at auth/" + uri.approleMount();
        VaultHttp.Answer answer = http.post("auth/" + uri.approleMount() + "/login", body, null, left, what);
        if (answer.status() != 200) {
            // a proxy, or Vault, that quotes the request in its error would put the role or secret id in a message
            String errors = KmsCallException.withoutEcho(KmsCallException.withoutEcho(answer.errors(),
                    text(body, "secret_id")), text(body, "role_id"));
            if (answer.status() == 400) {
                // Vault's answer to a role id or secret id it does not know: a refusal all the same (58K03)
                throw KmsCallException.permanent(KeyringException.Kind.ACCESS_DENIED, what + " answered HTTP 400"
                        + (errors == null ? "" : ": " + errors) + " (access denied: check the role id and secret id)",
                        null);
            }
            throw KmsCallException.ofHttpStatus(answer.status(), what, errors);
        }
        Lease fresh = leaseOf(answer.body(), "auth", "client_token", "lease_duration");
        if (fresh == null || !headerSafe(fresh.token())) {
            throw KmsCallException.transientFailure(what + " answered without a client token", null);
        }
        LOG.info("Logged in to Vault at {} with AppRole ({})", uri.base(), uri.approleMount());
        return fresh;
    }

    /**
     * Learns the static token's time to live and whether it renews. A lookup that failed transiently (Vault sealed,
     * throttling, the network) is tried again later, each time after twice the wait, so a renewable token is still
     * renewed once Vault answers; a refusal only means no renewal. A token the URI's namespace refuses is looked up
     * in a namespace at the start of the mount path, where the Transit calls find their key, and renewed there.
     */
    private void lookUp() {
        String token;
        synchronized (this) {
            if (closed || lease == null) {
                return;
            }
            token = lease.token();
        }
        String what = VaultTransitUri.SCHEME + ": token lookup";
        List<String> paths = new ArrayList<>();
        paths.add("");
        paths.addAll(uri.mountPathPrefixes());
        try {
            for (int i = 0; i < paths.size(); i++) {
                String path = paths.get(i);
                VaultHttp.Answer answer = http.get(path + "auth/token/lookup-self", token, timeout, what);
                if (answer.status() == 403 && i + 1 < paths.size()) {
                    continue; // a token of another namespace, or no namespace at all: the next path may be its own
                }
                Lease learned = answer.status() == 200 ? leaseOf(answer.body(), "data", null, "ttl") : null;
                if (learned == null) {
                    throw KmsCallException.ofHttpStatus(answer.status(), what, null);
                }
                synchronized (this) {
                    if (lease != null && lease.token().equals(token)) {
                        tokenPath = path;
                        lease = new Lease(token, learned.expiresAt(), learned.renewable());
                        scheduleRenewal(lease);
                    }
                }
                return;
            }
        } catch (KmsCallException e) {
            lookUpFailed(token, e);
        }
    }

    private synchronized void lookUpFailed(String token, KmsCallException failure) {
        if (!failure.retryable() || lease == null || !lease.token().equals(token)) {
            LOG.warn("Vault token lookup at {} failed; the token is not renewed by Cloak: {}", uri.base(),
                    failure.getMessage());
            return;
        }
        Duration wait = lookupRetry;
        lookupRetry = wait.multipliedBy(2).compareTo(LOOKUP_RETRY_MOST) > 0 ? LOOKUP_RETRY_MOST : wait.multipliedBy(2);
        LOG.warn("Vault token lookup at {} failed, tried again in {} ms: {}", uri.base(), wait.toMillis(),
                failure.getMessage());
        schedule(this::lookUp, wait);
    }

    private void renew() {
        Lease renewing;
        synchronized (this) {
            if (closed || lease == null) {
                return;
            }
            renewing = lease;
        }
        try {
            String path;
            synchronized (this) {
                path = tokenPath;
            }
            VaultHttp.Answer answer = http.post(path + "auth/token/renew-self", new JsonObject(), renewing.token(),
                    timeout, VaultTransitUri.SCHEME + ": token renewal");
            Lease renewed = answer.status() == 200 ? leaseOf(answer.body(), "auth", null, "lease_duration") : null;
            if (renewed == null) {
                throw KmsCallException.ofHttpStatus(answer.status(), VaultTransitUri.SCHEME + ": token renewal",
                        answer.errors());
            }
            synchronized (this) {
                if (lease == renewing) {
                    lease = new Lease(renewing.token(), renewed.expiresAt(), renewed.renewable());
                    scheduleRenewal(lease);
                }
            }
            LOG.debug("Renewed the Vault token of {}", uri.describe());
        } catch (KmsCallException e) {
            LOG.warn("Vault token renewal at {} failed: {}", uri.base(), e.getMessage());
            synchronized (this) {
                if (lease == renewing && renewing.expiresAt() != 0) {
                    long left = renewing.expiresAt() - System.nanoTime();
                    if (left > 0) {
                        schedule(this::renew, Duration.ofNanos(Math.min(RENEWAL_RETRY.toNanos(), left / 3)));
                    }
                }
            }
        }
    }

    /** Renews {@code renewable} tokens at two thirds of their time to live; others are left to expire. */
    private void scheduleRenewal(Lease renewable) {
        if (!renewable.renewable() || renewable.expiresAt() == 0) {
            return;
        }
        long left = renewable.expiresAt() - System.nanoTime();
        schedule(this::renew, Duration.ofNanos(Math.max(0, left * 2 / 3)));
    }

    private synchronized void schedule(Runnable work, Duration delay) {
        if (closed) {
            return;
        }
        if (renewal != null) {
            renewal.cancel(false);
        }
        renewal = RENEWALS.schedule(work, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * The lease in {@code section} of a Vault answer: the token under {@code tokenField} (or the current one when
     * {@code null}), its seconds to live under {@code ttlField} (0: it does not expire) and {@code renewable}.
     */
    private Lease leaseOf(JsonObject body, String section, String tokenField, String ttlField) {
        if (body == null || !(body.get(section) instanceof JsonObject fields)) {
            return null;
        }
        String token = tokenField == null ? "" : string(fields.get(tokenField));
        JsonElement ttl = fields.get(ttlField);
        if (token == null || token.isEmpty() && tokenField != null || ttl == null || !ttl.isJsonPrimitive()) {
            return null;
        }
        long seconds;
        try {
            seconds = ttl.getAsLong();
        } catch (NumberFormatException | UnsupportedOperationException e) {
            return null;
        }
        boolean renewable = fields.get("renewable") != null && fields.get("renewable").isJsonPrimitive()
                && fields.get("renewable").getAsBoolean();
        long expiresAt = seconds <= 0 ? 0 : System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        return new Lease(token, expiresAt, renewable);
    }

    private static String string(JsonElement element) {
        return element != null && element.isJsonPrimitive() ? element.getAsString() : null;
    }

    private static String text(JsonObject object, String field) {
        return string(object.get(field));
    }

    /**
     * The token of {@code source} as an {@code X-Vault-Token} header carries it. A byte-order mark before it and
     * white space around it are dropped, as Vault's CLI trims a token file (an editor's BOM, a variable set with a
     * newline); what is left must be visible ASCII, as every Vault token is, else the HTTP client would refuse the
     * header with a message that quotes it. The refusal names the source, never the value.
     */
    private static String headerValue(SecretSource source) throws KmsCallException {
        char[] secret = readChars(source);
        try {
            int start = 0;
            int end = secret.length;
            if (start < end && secret[start] == BYTE_ORDER_MARK) {
                start++;
            }
            while (start < end && Character.isWhitespace(secret[start])) {
                start++;
            }
            while (end > start && Character.isWhitespace(secret[end - 1])) {
                end--;
            }
            String token = new String(secret, start, end - start);
            if (token.isEmpty() || !headerSafe(token)) {
                throw KmsCallException.permanent(KeyringException.Kind.INVALID, VaultTransitUri.SCHEME
                        + ": token-source " + source + " does not hold a Vault token (visible ASCII only, once a"
                        + " byte-order mark and the white space around it are dropped); write the token alone", null);
            }
            return token;
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    /** Whether {@code token} is visible ASCII only, as a header value may be and every Vault token is. */
    private static boolean headerSafe(String token) {
        return !token.isEmpty() && token.chars().allMatch(c -> c > 0x20 && c < 0x7F);
    }

    private static char[] readChars(SecretSource source) throws KmsCallException {
        try {
            return source.read();
        } catch (KeyringException e) {
            throw KmsCallException.permanent(e.kind(), e.getMessage(), null);
        }
    }

    /** Stops renewing; the token itself is left to expire (another process may share it). */
    @Override
    public synchronized void close() {
        closed = true;
        if (renewal != null) {
            renewal.cancel(false);
        }
        lease = null;
    }
}
