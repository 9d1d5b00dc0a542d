package dev.cloak.keyring.audit;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One line of the audit trail. Its canonical JSON has the fields in this fixed order and no spaces:
 * {@code {"ts":"2026-01-02T03:04:05.678Z","seq":1,"principal":"app","event":"created","domain":"patients.ssn",
 * "version":null,"outcome":"ok","prev":"00…00"}}; strings are JSON-escaped ({@code "}, {@code \} and
 * control characters only), absent values are {@code null}. {@code hash} is the lower-case hex SHA-256 of the
 * UTF-8 bytes of {@code prev} followed by that canonical JSON, and the line is the canonical JSON with
 * {@code ,"hash":"…"} added before the closing brace.
 *
 * @param ts        when the event happened, UTC, millisecond precision
 * @param seq       the record's position in the trail, from 1
 * @param principal who caused the event, or {@code null}
 * @param event     what happened
 * @param domain    the key domain, or {@code null}
 * @param version   the key version, the policy's {@code sha256:HEX}, or {@code null}
 * @param outcome   how it ended
 * @param prev      the previous record's hash; {@link #GENESIS} for the first
 * @param hash      this record's hash
 */
public record AuditRecord(String ts, long seq, String principal, AuditEvent event, String domain, String version,
                          AuditOutcome outcome, String prev, String hash) {

    /** The {@code prev} of the first record: 64 zeros. */
    public static final String GENESIS = "0".repeat(64);

    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final Set<String> FIELDS = Set.of("ts", "seq", "principal", "event", "domain", "version",
            "outcome", "prev", "hash");

    /** Checks the fields; {@code hash} is not checked against the content here (see {@link #hashIsValid()}). */
    public AuditRecord {
        Objects.requireNonNull(ts, "ts");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(prev, "prev");
        Objects.requireNonNull(hash, "hash");
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be at least 1");
        }
        if (!HEX64.matcher(prev).matches() || !HEX64.matcher(hash).matches()) {
            throw new IllegalArgumentException("prev and hash must be 64 lower-case hex digits");
        }
    }

    /** A new record following {@code prev}, with its hash computed. */
    public static AuditRecord next(Instant when, long seq, String principal, AuditEvent event, String domain,
                                   String version, AuditOutcome outcome, String prev) {
        String ts = TS.format(when);
        String canonical = canonical(ts, seq, principal, event, domain, version, outcome, prev);
        return new AuditRecord(ts, seq, principal, event, domain, version, outcome, prev, hashOf(prev, canonical));
    }

    /** The canonical JSON of this record without {@code hash}: what the hash covers, after {@code prev}. */
    public String canonicalWithoutHash() {
        return canonical(ts, seq, principal, event, domain, version, outcome, prev);
    }

    /** The line written to the trail, without its line feed. */
    public String line() {
        String canonical = canonicalWithoutHash();
        return canonical.substring(0, canonical.length() - 1) + ",\"hash\":\"" + hash + "\"}";
    }

    /** Whether {@code hash} is the SHA-256 of {@code prev} and this record's canonical JSON. */
    public boolean hashIsValid() {
        return hash.equals(hashOf(prev, canonicalWithoutHash()));
    }

    /**
     * Reads one trail line; it must be exactly the canonical form {@link #line()} writes.
     *
     * @throws IllegalArgumentException naming what is wrong, without echoing the line
     */
    public static AuditRecord parse(String line) {
        JsonObject json;
        try {
            JsonElement element = JsonParser.parseString(line);
            if (!element.isJsonObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            json = element.getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException("not valid JSON");
        }
        if (!json.keySet().equals(FIELDS)) {
            throw new IllegalArgumentException("fields are not exactly " + String.join(", ", ordered()));
        }
        String ts = string(json, "ts", false);
        try {
            TS.parse(ts);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("ts is not an ISO-8601 UTC time");
        }
        JsonElement seqElement = json.get("seq");
        if (!seqElement.isJsonPrimitive() || !seqElement.getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException("seq is not a number");
        }
        long seq;
        try {
            seq = Long.parseLong(seqElement.getAsJsonPrimitive().getAsString());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("seq is not a whole number");
        }
        AuditEvent event = AuditEvent.fromWireName(string(json, "event", false));
        if (event == null) {
            throw new IllegalArgumentException("unknown event");
        }
        AuditOutcome outcome = AuditOutcome.fromWireName(string(json, "outcome", false));
        if (outcome == null) {
            throw new IllegalArgumentException("unknown outcome");
        }
        // the constructor's IllegalArgumentException (seq below 1, bad hex) names the field, not the line
        AuditRecord record = new AuditRecord(ts, seq, string(json, "principal", true), event,
                string(json, "domain", true), string(json, "version", true), outcome, string(json, "prev", false),
                string(json, "hash", false));
        if (!record.line().equals(line)) {
            throw new IllegalArgumentException("not in canonical form");
        }
        return record;
    }

    private static String[] ordered() {
        return new String[] {"ts", "seq", "principal", "event", "domain", "version", "outcome", "prev", "hash"};
    }

    private static String string(JsonObject json, String field, boolean nullable) {
        JsonElement e = json.get(field);
        if (e.isJsonNull() && nullable) {
            return null;
        }
        if (e.isJsonPrimitive() && ((JsonPrimitive) e).isString()) {
            return e.getAsString();
        }
        throw new IllegalArgumentException(field + " is not a string");
    }

    private static String canonical(String ts, long seq, String principal, AuditEvent event, String domain,
                                    String version, AuditOutcome outcome, String prev) {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"ts\":");
        quote(b, ts);
        b.append(",\"seq\":").append(seq);
        b.append(",\"principal\":");
        quote(b, principal);
        b.append(",\"event\":");
        quote(b, event.wireName());
        b.append(",\"domain\":");
        quote(b, domain);
        b.append(",\"version\":");
        quote(b, version);
        b.append(",\"outcome\":");
        quote(b, outcome.wireName());
        b.append(",\"prev\":");
        quote(b, prev);
        return b.append('}').toString();
    }

    private static void quote(StringBuilder b, String value) {
        if (value == null) {
            b.append("null");
            return;
        }
        b.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c) && !pairedSurrogate(value, i)) {
                // a lone surrogate has no UTF-8 form: escaped, it round-trips and hashes the same everywhere
                b.append(String.format("\\u%04x", (int) c));
            } else if (Character.isHighSurrogate(c)) {
                b.append(c).append(value.charAt(++i));
            } else {
                b.append(c);
            }
        }
        b.append('"');
    }

    private static boolean pairedSurrogate(String value, int i) {
        char c = value.charAt(i);
        return Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1));
    }

    static String hashOf(String prev, String canonical) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(prev.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha256.digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
