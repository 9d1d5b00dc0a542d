package dev.cloak.keyring;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * One call to a remote KMS failed, as a {@link KmsKey} classifies it: of which {@link KeyringException.Kind}, and
 * whether the same call may succeed if made again (throttling, a server error, a network failure). Only what is
 * retryable is retried by {@link RemoteMasterKey}; a refusal never is. The message names the key and the operation,
 * never a token, a credential or key material.
 */
public final class KmsCallException extends Exception {

    private static final long serialVersionUID = 1L;
    /** How long a piece of a secret in an error text gives the echo away (an error text may be cut short). */
    private static final int ECHO_WINDOW = 12;

    private final KeyringException.Kind kind;
    private final boolean retryable;
    private final Duration retryAfter;

    private KmsCallException(KeyringException.Kind kind, boolean retryable, Duration retryAfter, String message,
                             Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.retryable = retryable;
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    /** The KMS is throttling, failing or cannot be reached: {@link KeyringException.Kind#UNAVAILABLE}, retried. */
    public static KmsCallException transientFailure(String message, Throwable cause) {
        return new KmsCallException(KeyringException.Kind.UNAVAILABLE, true, Duration.ZERO, message, cause);
    }

    /**
     * The KMS is throttling or briefly unavailable, as {@link #transientFailure}, the next attempt no sooner than
     * {@code retryAfter}: what the KMS asked for ({@code Retry-After}), or what its documentation asks of a client it
     * throttles.
     */
    public static KmsCallException throttled(String message, Duration retryAfter) {
        return new KmsCallException(KeyringException.Kind.UNAVAILABLE, true, retryAfter, message, null);
    }

    /** A failure that the same call cannot get past: of {@code kind}, never retried. */
    public static KmsCallException permanent(KeyringException.Kind kind, String message, Throwable cause) {
        return new KmsCallException(kind, false, Duration.ZERO, message, cause);
    }

    /**
     * How long an HTTP answer's {@code Retry-After} asks to wait (delta-seconds or an HTTP date), zero when it has
     * none or one that does not parse.
     */
    public static Duration retryAfter(Optional<String> header, Clock clock) {
        if (header.isEmpty()) {
            return Duration.ZERO;
        }
        String value = header.get().trim();
        try {
            return !value.isEmpty() && value.chars().allMatch(Character::isDigit)
                    ? Duration.ofSeconds(Long.parseLong(value))
                    : positive(Duration.between(clock.instant(),
                            ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant()));
        } catch (NumberFormatException | DateTimeParseException e) {
            return Duration.ZERO;
        }
    }

    private static Duration positive(Duration duration) {
        return duration.isNegative() ? Duration.ZERO : duration;
    }

    /**
     * What an HTTP status of a KMS's answer means when the protocol says no more: 401 and 403 are a refusal
     * ({@link KeyringException.Kind#ACCESS_DENIED}); 408, 429 and 5xx are transient, and so is a redirect (3xx), which
     * Cloak does not follow, since the credentials would go to another host (a standby node sends one to the active
     * node); anything else is a request the KMS will not serve ({@link KeyringException.Kind#INVALID}).
     *
     * @param what   the key and operation, e.g. {@code "vault-transit key transit/keys/cloak (decrypt)"}
     * @param detail the KMS's own words, free of secrets, or {@code null}
     */
    public static KmsCallException ofHttpStatus(int status, String what, String detail) {
        return ofHttpStatus(status, what, detail, Duration.ZERO);
    }

    /**
     * As {@link #ofHttpStatus(int, String, String)}, a throttled or unavailable KMS (429, 503) retried no sooner
     * than its {@code Retry-After} asked ({@link #retryAfter(Optional, Clock)}).
     */
    public static KmsCallException ofHttpStatus(int status, String what, String detail, Duration retryAfter) {
        String message = what + " answered HTTP " + status + (detail == null || detail.isBlank() ? "" : ": " + detail);
        if (status == 401 || status == 403) {
            return permanent(KeyringException.Kind.ACCESS_DENIED, message + " (access denied)", null);
        }
        if (status == 429 || status == 503) {
            return throttled(retryAfter.isZero() ? message : message + " (Retry-After: " + retryAfter.toMillis()
                    + " ms)", retryAfter);
        }
        if (status == 408 || status >= 500) {
            return transientFailure(message, null);
        }
        if (status >= 300 && status < 400) {
            return transientFailure(message + " (a redirect, which Cloak does not follow: the credentials would go to"
                    + " another host; point the URI at the active node or at a load balancer)", null);
        }
        return permanent(KeyringException.Kind.INVALID, message, null);
    }

    /**
     * The KMS's own words, unless they quote {@code secret} (the base64 data key of the request): a proxy, or a KMS,
     * that echoes the request in its error would otherwise put key material into a message and a log.
     *
     * @return {@code detail}, or a note that it was left out
     */
    public static String withoutEcho(String detail, String secret) {
        if (detail == null || secret == null) {
            return detail;
        }
        int window = Math.min(ECHO_WINDOW, secret.length());
        for (int i = 0; window > 0 && i + window <= secret.length(); i++) {
            if (detail.contains(secret.substring(i, i + window))) {
                return "(its error text quoted the request, so it is left out)";
            }
        }
        return detail;
    }

    /**
     * What a failure to reach a KMS means: a TLS handshake that failed (an untrusted certificate, a host name that
     * does not match) is not retried, since it fails the same way again; any other network failure is transient.
     */
    public static KmsCallException ofNetworkFailure(String what, Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLHandshakeException || t instanceof SSLPeerUnverifiedException) {
                return permanent(KeyringException.Kind.UNAVAILABLE, what + " failed: the TLS handshake failed ("
                        + t.getMessage() + "); check the server's certificate, or trust its CA", failure);
            }
        }
        return transientFailure(what + " failed: " + failure, failure);
    }

    /** What went wrong. */
    public KeyringException.Kind kind() {
        return kind;
    }

    /** Whether the same call may succeed when made again. */
    public boolean retryable() {
        return retryable;
    }

    /** How long to wait at least before the call is made again (zero: as the backoff decides). */
    public Duration retryAfter() {
        return retryAfter;
    }
}
