package dev.cloak.keyring.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cloak.keyring.KeyringException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileGenerationLedgerTest {

    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);

    @TempDir
    Path dir;

    private FileGenerationLedger ledger() {
        return new FileGenerationLedger(dir.resolve("ledger.json"));
    }

    private static GenerationLedger.Entry entry(long generation, String sha256) {
        return new GenerationLedger.Entry(generation, sha256);
    }

    @Test
    void aNewerGenerationIsRecordedAndSurvivesTheProcess() throws Exception {
        assertThat(ledger().admit("patients.ssn", entry(1, A))).isEmpty();
        assertThat(ledger().admit("patients.ssn", entry(2, B))).isEmpty();

        assertThat(ledger().seen("patients.ssn")).contains(entry(2, B));
        assertThat(ledger().seen("patients.name")).isEmpty();
    }

    @Test
    void anOlderGenerationIsRefusedWithTheRecordedOne() throws Exception {
        ledger().admit("patients.ssn", entry(3, A));

        assertThat(ledger().admit("patients.ssn", entry(2, B))).contains(entry(3, A));
        assertThat(ledger().seen("patients.ssn")).contains(entry(3, A));
    }

    @Test
    void anotherKeysetUnderTheRecordedGenerationIsRefused() throws Exception {
        ledger().admit("patients.ssn", entry(3, A));

        assertThat(ledger().admit("patients.ssn", entry(3, B))).contains(entry(3, A));
    }

    @Test
    void theRecordedKeysetIsAdmittedAgainWithoutWriting() throws Exception {
        ledger().admit("patients.ssn", entry(3, A));
        Path file = dir.resolve("ledger.json");
        long written = Files.getLastModifiedTime(file).toMillis();
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(written - 60_000));

        assertThat(ledger().admit("patients.ssn", entry(3, A))).isEmpty();
        assertThat(Files.getLastModifiedTime(file).toMillis()).isEqualTo(written - 60_000);
    }

    @Test
    void domainsAreRecordedApart() throws Exception {
        ledger().admit("tenant_a.patients.ssn", entry(5, A));

        assertThat(ledger().admit("tenant_b.patients.ssn", entry(1, B))).isEmpty();
        assertThat(ledger().seen("tenant_a.patients.ssn")).contains(entry(5, A));
    }

    @Test
    void theLedgerFileIsOwnerOnly() throws Exception {
        ledger().admit("patients.ssn", entry(1, A));

        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ledger.json"))))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void aMalformedLedgerIsInvalidWithoutQuotingIt() throws Exception {
        Files.writeString(dir.resolve("ledger.json"), "{\"version\":1,\"domains\":{\"x\":{\"generation\":\"c2VjcmV0\"");

        KeyringException e = catchThrowableOfType(KeyringException.class, () -> ledger().seen("x"));

        assertThat(e.kind()).isEqualTo(KeyringException.Kind.INVALID);
        assertThat(e.getMessage()).contains("ledger.json").doesNotContain("c2VjcmV0");
    }

    @Test
    void aLedgerThatCannotBeWrittenIsUnavailable() throws Exception {
        Path blocker = Files.writeString(dir.resolve("not-a-directory"), "");

        KeyringException e = catchThrowableOfType(KeyringException.class,
                () -> new FileGenerationLedger(blocker.resolve("ledger.json")).admit("x", entry(1, A)));

        assertThat(e.kind()).isEqualTo(KeyringException.Kind.UNAVAILABLE);
    }

    @Test
    void threadsAdmittingGenerationsConcurrentlyLeaveTheNewest() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 1; i <= threads; i++) {
                long generation = i;
                done.add(pool.submit(() -> {
                    start.await();
                    return new FileGenerationLedger(dir.resolve("ledger.json"))
                            .admit("patients.ssn", entry(generation, String.format("%064d", generation)));
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(ledger().seen("patients.ssn")).contains(entry(threads, String.format("%064d", threads)));
    }
}
