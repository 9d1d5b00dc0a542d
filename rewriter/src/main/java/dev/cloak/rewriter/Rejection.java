package dev.cloak.rewriter;

/** Internal unchecked carrier of a rejection message, so visitors can abort; never leaves the package. */
final class Rejection extends RuntimeException {

    private static final long serialVersionUID = 1L;

    Rejection(String message) {
        super(message, null, false, false);
    }
}
