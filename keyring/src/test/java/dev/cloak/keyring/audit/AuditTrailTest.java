package dev.cloak.keyring.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditTrailTest {

    @TempDir
    Path dir;

    private Path trailFile() {
        return dir.resolve("audit.jsonl");
    }

    private List<String> lines() throws Exception {
        return Files.readAllLines(trailFile(), StandardCharsets.UTF_8);
    }

    @Test
    void recordsAreCanonicalJsonLinesChainedFromSixtyFourZeros() throws Exception {
        FileAuditTrail trail = FileAuditTrail.open(trailFile());
        trail.record("alice", AuditEvent.CREATED, "patients.ssn", "7", AuditOutcome.OK);
        trail.record(null, AuditEvent.KMS_FAILURE, null, null, AuditOutcome.FAILED);

        List<String> lines = lines();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches("\\{\"ts\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\",\"seq\":1,"
                + "\"principal\":\"alice\",\"event\":\"created\",\"domain\":\"patients.ssn\",\"version\":\"7\","
                + "\"outcome\":\"ok\",\"prev\":\"0{64}\",\"hash\":\"[0-9a-f]{64}\"}");
        AuditRecord first = AuditRecord.parse(lines.get(0));
        AuditRecord second = AuditRecord.parse(lines.get(1));
        assertThat(second.seq()).isEqualTo(2);
        assertThat(second.prev()).isEqualTo(first.hash());
        assertThat(lines.get(1)).contains("\"principal\":null,\"event\":\"kms-failure\",\"domain\":null,\"version\":null,"
                + "\"outcome\":\"failed\"");
    }

    @Test
    void hashIsSha256OfPrevFollowedByTheCanonicalJsonWithoutHash() throws Exception {
        AuditRecord record = AuditRecord.next(Instant.parse("2026-01-02T03:04:05.678Z"), 1, "app", AuditEvent.POLICY_LOADED,
                null, "sha256:ab", AuditOutcome.OK, AuditRecord.GENESIS);
        String canonical = "{\"ts\":\"2026-01-02T03:04:05.678Z\",\"seq\":1,\"principal\":\"app\",\"event\":\"policy-loaded\","
                + "\"domain\":null,\"version\":\"sha256:ab\",\"outcome\":\"ok\",\"prev\":\"" + AuditRecord.GENESIS + "\"}";
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                .digest((AuditRecord.GENESIS + canonical).getBytes(StandardCharsets.UTF_8));

        assertThat(record.canonicalWithoutHash()).isEqualTo(canonical);
        assertThat(record.hash()).isEqualTo(java.util.HexFormat.of().formatHex(digest));
        assertThat(AuditRecord.parse(record.line())).isEqualTo(record);
    }

    @Test
    void awkwardPrincipalsAreEscapedAndStillVerify() throws Exception {
        FileAuditTrail trail = FileAuditTrail.open(trailFile());
        trail.record("a\"b\\c\nd\u0001\ud800é", AuditEvent.ACCESS_DENIED, "patients.ssn", null, AuditOutcome.DENIED);

        assertThat(lines()).hasSize(1);
        assertThat(AuditVerifier.verify(trailFile()).describe()).isEqualTo("OK: 1 records, chain intact");
    }

    @Test
    void eightThreadsAndASecondProcessKeepOneValidChain() throws Exception {
        FileAuditTrail trail = FileAuditTrail.open(trailFile());
        Path stop = dir.resolve("stop");
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), AppendingProcess.class.getName(),
                trailFile().toString(), stop.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("other.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (Files.size(trailFile()) == 0 && other.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(10); // the threads start once the other process is appending, so the two overlap
        }
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            String principal = "thread-" + t;
            done.add(threads.submit(() -> {
                for (int i = 0; i < 50; i++) {
                    trail.record(principal, AuditEvent.UNWRAPPED, "patients.name", String.valueOf(i), AuditOutcome.OK);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(2, TimeUnit.MINUTES);
        }
        threads.shutdown();
        Files.createFile(stop);
        assertThat(other.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(other.exitValue()).as(Files.readString(dir.resolve("other.log"))).isZero();

        List<String> lines = lines();
        long fromOther = lines.stream().filter(l -> l.contains("\"principal\":\"other-process\"")).count();
        assertThat(fromOther).isPositive();
        assertThat(lines).hasSize(400 + (int) fromOther);
        assertThat(AuditVerifier.verify(trailFile()).describe())
                .isEqualTo("OK: " + (400 + fromOther) + " records, chain intact");
        int firstOther = indexOf(lines, "other-process", true);
        int lastOther = indexOf(lines, "other-process", false);
        assertThat(lines.subList(firstOther, lastOther)).as("the process's appends interleave with the threads'")
                .anyMatch(l -> l.contains("\"principal\":\"thread-"));
    }

    private static int indexOf(List<String> lines, String principal, boolean first) {
        int found = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("\"principal\":\"" + principal + "\"")) {
                found = i;
                if (first) {
                    break;
                }
            }
        }
        return found;
    }

    @Test
    void aTrailWhoseLastRecordWasRemovedIsNotAppendedTo() throws Exception {
        FileAuditTrail trail = FileAuditTrail.open(trailFile());
        trail.record("app", AuditEvent.CREATED, "a.b", null, AuditOutcome.OK);
        trail.record("app", AuditEvent.CREATED, "a.c", null, AuditOutcome.OK);
        List<String> lines = lines();
        Files.writeString(trailFile(), lines.get(0) + "\n");

        assertThatThrownBy(() -> trail.record("app", AuditEvent.CREATED, "a.d", null, AuditOutcome.OK))
                .isInstanceOf(AuditException.class)
                .hasMessageContaining("ends at seq 1 but its head file names seq 2")
                .hasMessageContaining("cloak audit verify");
        assertThat(lines()).hasSize(1);
    }

    @Test
    void aTrailEndingInAPartialRecordIsNotAppendedTo() throws Exception {
        FileAuditTrail trail = FileAuditTrail.open(trailFile());
        trail.record("app", AuditEvent.CREATED, "a.b", null, AuditOutcome.OK);
        Files.writeString(trailFile(), "{\"ts\":", java.nio.file.StandardOpenOption.APPEND);

        assertThatThrownBy(() -> trail.record("app", AuditEvent.CREATED, "a.d", null, AuditOutcome.OK))
                .isInstanceOf(AuditException.class).hasMessageContaining("incomplete record");
        assertThatThrownBy(() -> FileAuditTrail.open(trailFile())).isInstanceOf(AuditException.class);
    }

    @Test
    void aTrailThatCannotBeCreatedFailsToOpen() {
        Path inMissingDirectory = dir.resolve("no-such-dir").resolve("audit.jsonl");

        assertThatThrownBy(() -> FileAuditTrail.open(inMissingDirectory))
                .isInstanceOf(AuditException.class).hasMessageContaining("cannot be created");
    }

    @Test
    void sinkMustBeAFileUri() throws Exception {
        assertThatThrownBy(() -> FileAuditTrail.sinkPath("syslog:local0")).isInstanceOf(AuditException.class)
                .hasMessage("audit sink must be file:PATH");
        assertThatThrownBy(() -> FileAuditTrail.sinkPath("file:")).isInstanceOf(AuditException.class);
        assertThat(FileAuditTrail.sinkPath("file:./a/audit.jsonl")).isEqualTo(Path.of("./a/audit.jsonl"));
    }

    @Test
    void aFreshTrailVerifiesAsEmpty() throws Exception {
        FileAuditTrail.open(trailFile());

        assertThat(new File(trailFile().toString())).exists();
        assertThat(AuditVerifier.verify(trailFile()).describe()).isEqualTo("OK: 0 records, chain intact");
    }
}
