package dev.cloak.conformance.leak;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The texts a plaintext value or a key turns into when something prints it. The rule for plaintexts: a value is
 * searched for when one of its text forms has at least {@value #MIN_CHARS} characters and at least
 * {@value #MIN_DISTINCT} distinct characters, and, for numbers, at least {@value #MIN_DIGITS} significant
 * digits. Shorter values ({@code "Ann"}, {@code 42}, {@code true}, {@code "00:00"}) and runs of one character
 * (the all-zero UUID without dashes, which every audit trail's first {@code prev} contains) occur in ordinary
 * text by chance and are ignored.
 */
public final class Needles {

    public static final int MIN_CHARS = Needle.MIN_LENGTH;
    public static final int MIN_DISTINCT = 2;
    public static final int MIN_DIGITS = 6;
    /** Encoded forms (base64 runs) shorter than this are dropped: too likely in random text. */
    static final int MIN_ENCODED = 8;
    /** Long values are also searched for by their start alone, which is what a truncated echo shows. */
    static final int PREFIX_CHARS = 32;
    static final int PREFIX_BYTES = 16;

    private static final HexFormat HEX = HexFormat.of();
    private static final HexFormat HEX_UPPER = HexFormat.of().withUpperCase();

    private Needles() {
    }

    /** The needles of one plaintext written to an encrypted column; empty when the rule ignores it. */
    public static List<Needle> ofPlaintext(Object value) {
        Object v = normalised(value);
        List<Needle> needles = new ArrayList<>();
        if (v == null || v instanceof Boolean) {
            return needles;
        }
        if (v instanceof byte[] bytes) {
            if (bytes.length >= MIN_CHARS && distinct(bytes) >= MIN_DISTINCT) {
                String label = "plaintext byte[" + bytes.length + "] " + HEX.formatHex(bytes, 0, Math.min(bytes.length, 8))
                        + (bytes.length > 8 ? "..." : "");
                addBytes(needles, label, bytes, true);
                if (bytes.length > PREFIX_BYTES * 2) {
                    addBytes(needles, label + " (its first " + PREFIX_BYTES + " bytes)",
                            java.util.Arrays.copyOf(bytes, PREFIX_BYTES), true);
                }
            }
            return needles;
        }
        if (v instanceof String s) {
            String label = "plaintext '" + printable(s) + "'";
            addText(needles, label, s);
            addText(needles, label + " JSON-escaped", jsonEscaped(s));
            addText(needles, label + " SQL-quoted", s.replace("'", "''"));
            if (s.length() > PREFIX_CHARS * 2) {
                addText(needles, label + " (its first " + PREFIX_CHARS + " characters)", s.substring(0, PREFIX_CHARS));
            }
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            if (admits(s)) {
                addBytes(needles, label + " as UTF-8", utf8, false);
            }
            return needles;
        }
        if (v instanceof Number n) {
            for (String form : numberForms(n)) {
                if (significantDigits(form) >= MIN_DIGITS) {
                    addText(needles, "plaintext " + n.getClass().getSimpleName() + " " + form, form);
                }
            }
            return needles;
        }
        String label = "plaintext " + v.getClass().getSimpleName() + " " + v;
        for (String form : forms(v)) {
            addText(needles, label, form);
        }
        return needles;
    }

    /**
     * The needles of one key: hex (both cases), the raw bytes read as ISO-8859-1, and standard and URL-safe
     * base64 at each of the three byte alignments the key can have inside a longer encoded blob (a serialized
     * keyset), keeping only the characters that the key's bytes alone decide.
     *
     * @param label names the key without showing it, e.g. {@code master key 1234 of test 17}
     */
    public static List<Needle> ofKey(String label, byte[] key) {
        List<Needle> needles = new ArrayList<>();
        addBytes(needles, label, key, true);
        return needles;
    }

    /** Date, time and timestamp types of JDBC become their java.time counterparts. */
    private static Object normalised(Object value) {
        if (value instanceof Timestamp t) {
            return t.toLocalDateTime();
        }
        if (value instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        if (value instanceof java.sql.Time t) {
            return t.toLocalTime();
        }
        return value;
    }

    private static List<String> numberForms(Number n) {
        Set<String> forms = new LinkedHashSet<>();
        if (n instanceof BigDecimal d) {
            forms.add(d.toPlainString());
            forms.add(d.toString());
            if (d.signum() != 0) {
                forms.add(d.stripTrailingZeros().toPlainString());
            }
        } else if (!(n instanceof Double d && (d.isNaN() || d.isInfinite()))
                && !(n instanceof Float f && (f.isNaN() || f.isInfinite()))) {
            forms.add(n.toString());
        }
        return List.copyOf(forms);
    }

    /** Text forms of temporal values, UUIDs and anything else. */
    private static List<String> forms(Object v) {
        Set<String> forms = new LinkedHashSet<>();
        forms.add(v.toString());
        if (v instanceof LocalDateTime t) {
            forms.add(t.toString().replace('T', ' '));
            forms.add(Timestamp.valueOf(t).toString());
        } else if (v instanceof OffsetDateTime t) {
            forms.add(t.toInstant().toString());
            forms.add(t.toLocalDateTime().toString());
        } else if (v instanceof UUID u) {
            forms.add(u.toString().replace("-", ""));
        }
        // LocalDate, LocalTime and the rest: toString is their ISO-8601 form already
        return List.copyOf(forms);
    }

    private static void addText(List<Needle> needles, String label, String text) {
        if (admits(text) && needles.stream().noneMatch(n -> n.text().equals(text))) {
            needles.add(new Needle(label, text));
        }
    }

    private static void addBytes(List<Needle> needles, String label, byte[] bytes, boolean asLatin1) {
        addEncoded(needles, label + " as hex", HEX.formatHex(bytes));
        addEncoded(needles, label + " as HEX", HEX_UPPER.formatHex(bytes));
        if (asLatin1) {
            addEncoded(needles, label + " as ISO-8859-1 text", new String(bytes, StandardCharsets.ISO_8859_1));
        }
        for (int shift = 0; shift < 3; shift++) {
            addEncoded(needles, label + " as base64 (offset " + shift + ")", base64Inner(bytes, shift, Base64.getEncoder()));
            addEncoded(needles, label + " as URL-safe base64 (offset " + shift + ")",
                    base64Inner(bytes, shift, Base64.getUrlEncoder()));
        }
    }

    private static void addEncoded(List<Needle> needles, String label, String text) {
        if (text.length() >= MIN_ENCODED && needles.stream().noneMatch(n -> n.text().equals(text))) {
            needles.add(new Needle(label, text));
        }
    }

    /**
     * The base64 characters that {@code bytes} alone decide when they start {@code shift} bytes into a 3-byte
     * group of a longer blob: whole groups only, so the result appears in any encoding of such a blob.
     */
    static String base64Inner(byte[] bytes, int shift, Base64.Encoder encoder) {
        byte[] shifted = new byte[shift + bytes.length];
        System.arraycopy(bytes, 0, shifted, shift, bytes.length);
        String encoded = encoder.withoutPadding().encodeToString(shifted);
        int firstGroup = (shift + 2) / 3;
        int endGroup = (shift + bytes.length) / 3;
        return endGroup <= firstGroup ? "" : encoded.substring(firstGroup * 4, endGroup * 4);
    }

    static boolean admits(String text) {
        return text.length() >= MIN_CHARS && text.chars().distinct().count() >= MIN_DISTINCT;
    }

    private static long distinct(byte[] bytes) {
        boolean[] seen = new boolean[256];
        long n = 0;
        for (byte b : bytes) {
            if (!seen[b & 0xff]) {
                seen[b & 0xff] = true;
                n++;
            }
        }
        return n;
    }

    /** Digits of a number's text, without sign, point, exponent and leading zeros. */
    static int significantDigits(String number) {
        String mantissa = number.split("[eE]", 2)[0];
        String digits = mantissa.replaceAll("[^0-9]", "").replaceFirst("^0+", "");
        return digits.length();
    }

    private static String jsonEscaped(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /** A one-line, bounded, ASCII form of a test value for labels (build logs may not be UTF-8). */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : jsonEscaped(s).toCharArray()) {
            b.append(c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.length() > 40 ? b.substring(0, 40) + "...(" + s.length() + " chars)" : b.toString();
    }
}
