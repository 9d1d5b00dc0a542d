package dev.cloak.conformance.leak;

import java.util.Objects;

/**
 * One text the capture must not contain.
 *
 * @param label what it is, safe to print: a plaintext's own (test) value, but for key material only which key
 *              and which encoding, never the bytes
 * @param text  the text searched for
 */
public record Needle(String label, String text) {

    /** Needles shorter than this match by chance; the rules in {@link Needles} never make shorter ones. */
    public static final int MIN_LENGTH = 6;

    public Needle {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(text, "text");
        if (text.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("needle shorter than " + MIN_LENGTH + " characters: " + label);
        }
    }

    @Override
    public String toString() {
        // the label is written to be printable; the text may be key material
        return label;
    }
}
