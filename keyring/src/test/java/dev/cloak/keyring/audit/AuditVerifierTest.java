package dev.cloak.keyring.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuditVerifierTest {

    @TempDir
    Path dir;

    private Path trail;

    @BeforeEach
    void fiveRecords() throws Exception {
        trail = dir.resolve("audit.jsonl");
        FileAuditTrail audit = FileAuditTrail.open(trail);
        audit.record("app", AuditEvent.POLICY_LOADED, null, "sha256:" + "ab".repeat(32), AuditOutcome.OK);
        audit.record("app", AuditEvent.CREATED, "patients.ssn", "1", AuditOutcome.OK);
        audit.record("app", AuditEvent.UNWRAPPED, "patients.ssn", "1", AuditOutcome.OK);
        audit.record("analytics", AuditEvent.ACCESS_DENIED, "patients.name", null, AuditOutcome.DENIED);
        audit.record("app", AuditEvent.KMS_FAILURE, "patients.name", null, AuditOutcome.FAILED);
    }

    private String verify() throws Exception {
        return AuditVerifier.verify(trail).describe();
    }

    private List<String> lines() throws Exception {
        return new ArrayList<>(Files.readAllLines(trail, StandardCharsets.UTF_8));
    }

    private void write(List<String> lines) throws Exception {
        Files.writeString(trail, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    @Test
    void anUntouchedTrailIsIntact() throws Exception {
        AuditVerifier.Result result = AuditVerifier.verify(trail);

        assertThat(result.intact()).isTrue();
        assertThat(result.records()).isEqualTo(5);
        assertThat(result.describe()).isEqualTo("OK: 5 records, chain intact");
    }

    @Test
    void changingAnyOneByteOfAnyRecordBreaksTheChainAtThatRecord() throws Exception {
        byte[] original = Files.readAllBytes(trail);
        int line = 1;
        for (int i = 0; i < original.length; i++) {
            byte[] tampered = original.clone();
            tampered[i] ^= 0x01;
            Files.write(trail, tampered);

            assertThat(verify()).as("byte %d", i).startsWith("BROKEN at line " + line + " (seq ");
            if (original[i] == '\n') {
                line++;
            }
        }
    }

    @Test
    void changingADomainIsAHashMismatch() throws Exception {
        List<String> lines = lines();
        lines.set(2, lines.get(2).replace("patients.ssn", "patients.ssx"));
        write(lines);

        assertThat(verify()).isEqualTo("BROKEN at line 3 (seq 3): hash mismatch (the record was altered)");
    }

    @Test
    void aRecordRehashedOverTheWrongPrevIsAPrevMismatch() throws Exception {
        List<String> lines = lines();
        AuditRecord honest = AuditRecord.parse(lines.get(3));
        AuditRecord forged = AuditRecord.next(Instant.now(), 4, "analytics", AuditEvent.ACCESS_DENIED, "patients.name", null,
                AuditOutcome.OK, AuditRecord.GENESIS);
        lines.set(3, forged.line());
        write(lines);

        assertThat(honest.prev()).isNotEqualTo(AuditRecord.GENESIS);
        assertThat(verify()).isEqualTo("BROKEN at line 4 (seq 4): prev mismatch (prev is not the hash of the record before)");
    }

    @ParameterizedTest(name = "deleting line {0}")
    @CsvSource(delimiter = '|', value = {
            "1|BROKEN at line 1 (seq 2): seq gap (expected seq 1)",
            "3|BROKEN at line 3 (seq 4): seq gap (expected seq 3)",
            "5|BROKEN at line 5 (seq 5): record missing at the end (the head names seq 5, the trail ends at seq 4)"})
    void deletingARecordIsNamed(int line, String expected) throws Exception {
        List<String> lines = lines();
        lines.remove(line - 1);
        write(lines);

        assertThat(verify()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "swapping lines {0} and {1}")
    @CsvSource(delimiter = '|', value = {
            "1|2|BROKEN at line 1 (seq 2): seq gap (expected seq 1)",
            "3|4|BROKEN at line 3 (seq 4): seq gap (expected seq 3)",
            "4|5|BROKEN at line 4 (seq 5): seq gap (expected seq 4)"})
    void swappingTwoRecordsIsNamed(int first, int second, String expected) throws Exception {
        List<String> lines = lines();
        Collections.swap(lines, first - 1, second - 1);
        write(lines);

        assertThat(verify()).isEqualTo(expected);
    }

    @Test
    void aNonJsonLineIsUnparsable() throws Exception {
        List<String> lines = lines();
        lines.set(1, "hello");
        write(lines);

        assertThat(verify()).startsWith("BROKEN at line 2 (seq 2): unparsable line");
    }

    @Test
    void aRecordWithSpacesIsNotCanonicalAndUnparsable() throws Exception {
        List<String> lines = lines();
        lines.set(1, lines.get(1).replace("\"seq\":2", "\"seq\": 2"));
        write(lines);

        assertThat(verify()).isEqualTo("BROKEN at line 2 (seq 2): unparsable line (not in canonical form)");
    }

    @Test
    void aMissingHeadFileMeansTheEndCannotBeTrusted() throws Exception {
        Files.delete(FileAuditTrail.headOf(trail));

        assertThat(verify()).startsWith("BROKEN at line 6 (seq 6): head file audit.jsonl.head is missing");
    }

    @Test
    void aHeadOneRecordBehindIsAWriterThatStoppedBetweenTrailAndHead() throws Exception {
        AuditRecord fourth = AuditRecord.parse(lines().get(3));
        Files.writeString(FileAuditTrail.headOf(trail), FileAuditTrail.headLine(4, fourth.hash()));

        assertThat(verify()).isEqualTo("OK: 5 records, chain intact");
    }

    @Test
    void replacingTheWholeTailBehindTheHeadIsDetected() throws Exception {
        List<String> lines = lines();
        lines.remove(4);
        AuditRecord fourth = AuditRecord.parse(lines.get(3));
        lines.add(AuditRecord.next(Instant.now(), 5, "app", AuditEvent.CREATED, "x.y", null, AuditOutcome.OK,
                fourth.hash()).line());
        write(lines);

        assertThat(verify()).isEqualTo("BROKEN at line 5 (seq 5): hash mismatch with the head file (the last record was replaced)");
    }
}
