package dev.cloak.keyring.audit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Recomputes the hash chain of an audit trail written by {@link FileAuditTrail}: every line must be a
 * canonical {@link AuditRecord} whose {@code seq} follows the one before, whose {@code prev} is the hash
 * of the one before and whose {@code hash} matches its content; the head file must name the last record
 * (or the one before it, when a writer stopped between the two). Reports the first broken record.
 */
public final class AuditVerifier {

    private static final int MAX_LINE = 1 << 20;

    private AuditVerifier() {
    }

    /**
     * What a verification found.
     *
     * @param records the number of records checked and found intact
     * @param line    the 1-based line of the first broken record, 0 when the chain is intact
     * @param seq     the seq that line has (or should have had), 0 when the chain is intact
     * @param reason  why the record is broken, {@code null} when the chain is intact
     */
    public record Result(long records, long line, long seq, String reason) {

        /** Whether every record and the head check out. */
        public boolean intact() {
            return reason == null;
        }

        /** {@code OK: N records, chain intact} or {@code BROKEN at line L (seq S): reason}. */
        public String describe() {
            return intact() ? "OK: " + records + " records, chain intact"
                    : "BROKEN at line " + line + " (seq " + seq + "): " + reason;
        }
    }

    /**
     * Verifies the trail at {@code trail} and its head file.
     *
     * @throws IOException when the trail cannot be read at all
     */
    public static Result verify(Path trail) throws IOException {
        Objects.requireNonNull(trail, "trail");
        long line = 0;
        long seq = 0;
        String prev = AuditRecord.GENESIS;
        String beforeLast = AuditRecord.GENESIS;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(trail))) {
            ByteArrayOutputStream current = new ByteArrayOutputStream(512);
            int b;
            boolean open = false;
            while ((b = in.read()) >= 0) {
                if (b != '\n') {
                    open = true;
                    if (current.size() >= MAX_LINE) {
                        return broken(seq, line + 1, "unparsable line (longer than any record)");
                    }
                    current.write(b);
                    continue;
                }
                line++;
                open = false;
                String text;
                try {
                    text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(current.toByteArray()))
                            .toString();
                } catch (CharacterCodingException e) {
                    return broken(seq, line, "unparsable line (not UTF-8)");
                }
                current.reset();
                AuditRecord record;
                try {
                    record = AuditRecord.parse(text);
                } catch (IllegalArgumentException e) {
                    return broken(seq, line, "unparsable line (" + e.getMessage() + ")");
                }
                if (record.seq() != seq + 1) {
                    return new Result(seq, line, record.seq(), "seq gap (expected seq " + (seq + 1) + ")");
                }
                if (!record.prev().equals(prev)) {
                    return new Result(seq, line, record.seq(),
                            "prev mismatch (prev is not the hash of the record before)");
                }
                if (!record.hashIsValid()) {
                    return new Result(seq, line, record.seq(), "hash mismatch (the record was altered)");
                }
                seq = record.seq();
                beforeLast = prev;
                prev = record.hash();
            }
            if (open) {
                return broken(seq, line + 1, "unparsable line (incomplete last record, no line feed)");
            }
        }
        return checkHead(trail, line, seq, prev, beforeLast);
    }

    private static Result checkHead(Path trail, long lines, long seq, String lastHash, String beforeLastHash)
            throws IOException {
        Path headFile = FileAuditTrail.headOf(trail);
        if (!Files.exists(headFile)) {
            return seq == 0 ? new Result(0, 0, 0, null)
                    : broken(seq, lines + 1, "head file " + headFile.getFileName()
                            + " is missing, so records removed from the end cannot be ruled out");
        }
        String content;
        try {
            content = Files.readString(headFile, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            content = "";
        }
        FileAuditTrail.Tail head = FileAuditTrail.parseHead(content);
        if (head == null) {
            return broken(seq, lines + 1, "head file " + headFile.getFileName() + " is unparsable");
        }
        if (head.seq() > seq) {
            return broken(seq, lines + 1, "record missing at the end (the head names seq " + head.seq()
                    + ", the trail ends at seq " + seq + ")");
        }
        if (head.seq() == seq && !head.hash().equals(lastHash)) {
            return new Result(seq - 1, lines, seq, "hash mismatch with the head file (the last record was replaced)");
        }
        if (head.seq() == seq - 1 && !head.hash().equals(beforeLastHash)) {
            return new Result(seq - 2, lines - 1, seq - 1, "hash mismatch with the head file");
        }
        if (head.seq() < seq - 1) {
            return new Result(head.seq(), head.seq() + 1, head.seq() + 1,
                    "records after the head (the head names seq " + head.seq() + ")");
        }
        return new Result(seq, 0, 0, null);
    }

    /** A broken record at {@code line}, which should have had the seq after {@code intact}. */
    private static Result broken(long intact, long line, String reason) {
        return new Result(intact, line, intact + 1, reason);
    }
}
