package dev.cloak.keyring.kmsdouble;

/**
 * What a KMS double does instead of answering a KMS operation, as its real service would fail: each double answers
 * a fault in its own protocol's words (AWS's {@code ThrottlingException}, Cloud KMS's {@code RESOURCE_EXHAUSTED},
 * Vault's 429).
 */
public enum Fault {
    /** Answers as usual, but only after the double's slow delay. */
    SLOW,
    /** Throttles: HTTP 429, or AWS's 400 {@code ThrottlingException}. */
    THROTTLE,
    /** A server error: HTTP 500 or 503. */
    SERVER_ERROR,
    /** Refuses: HTTP 403, or AWS's 400 {@code AccessDeniedException}. */
    ACCESS_DENIED,
    /** Closes the connection without an answer, as a reset or a crashed node does. */
    DROP_CONNECTION
}
