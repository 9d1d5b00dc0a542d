package dev.cloak.conformance.leak;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.daead.DeterministicAeadConfig;
import com.google.crypto.tink.daead.PredefinedDeterministicAeadParameters;
import dev.cloak.conformance.leak.KeyFiles.RawKey;
import dev.cloak.conformance.leak.LeakChecker.Finding;
import dev.cloak.conformance.leak.LeakChecker.Haystack;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The leak check itself: a planted plaintext or key is found, in every form it can take; ordinary text is not. */
class LeakCheckerTest {

    private static final String SSN = "123-45-6789";

    @TempDir
    Path dir;

    @BeforeAll
    static void registerTink() throws Exception {
        AeadConfig.register();
        DeterministicAeadConfig.register();
    }

    private static List<Finding> search(List<Needle> needles, String text) {
        return new LeakChecker(needles).search(new Haystack("planted.txt", text));
    }

    @Test
    void aPlantedPlaintextInALogLineIsFoundWithItsLine() {
        String log = "INFO dev.cloak.keyring.Keyring [main] - Created keyset\n"
                + "WARN dev.cloak.driver.X [main] - value " + SSN + " does not fit column patients.ssn\n";

        List<Finding> findings = search(Needles.ofPlaintext(SSN), log);

        assertThat(findings).hasSize(1);
        assertThat(findings.get(0).where()).isEqualTo("planted.txt:2");
        assertThat(findings.get(0).needle().label()).contains(SSN);
    }

    @Test
    void aPlantedPlaintextIsFoundEscapedQuotedAndEncoded() {
        String value = "O'Brien \"Zoë\"\tline";
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        List<Needle> needles = Needles.ofPlaintext(value);

        assertThat(search(needles, "{\"value\":\"O'Brien \\\"Zoë\\\"\\tline\"}")).as("JSON-escaped").isNotEmpty();
        assertThat(search(needles, "WHERE name = 'O''Brien \"Zoë\"\tline'")).as("SQL-quoted").isNotEmpty();
        assertThat(search(needles, "bytes=" + HexFormat.of().formatHex(utf8))).as("UTF-8 as hex").isNotEmpty();
        assertThat(search(needles, "cell=" + Base64.getEncoder().encodeToString(concat(new byte[] {0x07}, utf8))))
                .as("UTF-8 as base64 after a type tag byte").isNotEmpty();
    }

    @Test
    void plantedNumbersDatesUuidsAndBytesAreFoundInTheirTextForms() {
        assertThat(search(Needles.ofPlaintext(Integer.MIN_VALUE), "bad int -2147483648")).isNotEmpty();
        assertThat(search(Needles.ofPlaintext(new BigDecimal("-98765.4321")), "amount=-98765.4321;")).isNotEmpty();
        assertThat(search(Needles.ofPlaintext(LocalDate.of(2024, 2, 29)), "dob 2024-02-29")).isNotEmpty();
        assertThat(search(Needles.ofPlaintext(java.sql.Timestamp.valueOf(LocalDateTime.of(2024, 2, 29, 12, 34, 56))),
                "at 2024-02-29 12:34:56.0")).isNotEmpty();
        UUID u = UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e");
        assertThat(search(Needles.ofPlaintext(u), "id=0f8fad5bd9cb469fa16570867728950e")).isNotEmpty();
        byte[] bytes = new byte[40];
        new Random(1).nextBytes(bytes);
        assertThat(search(Needles.ofPlaintext(bytes), "x" + HexFormat.of().formatHex(bytes, 0, 16) + "…")).as("a truncated hex echo").isNotEmpty();
    }

    @Test
    void valuesTooShortOrTooUniformToTellApartAreIgnoredAsTheRuleSays() {
        assertThat(Needles.ofPlaintext("Ann")).isEmpty();
        assertThat(Needles.ofPlaintext("Zoë 李")).isEmpty();
        assertThat(Needles.ofPlaintext(42)).isEmpty();
        assertThat(Needles.ofPlaintext((short) -32768)).isEmpty();
        assertThat(Needles.ofPlaintext(true)).isEmpty();
        assertThat(Needles.ofPlaintext(new UUID(0, 0))).extracting(Needle::text)
                .containsExactly("00000000-0000-0000-0000-000000000000");
        assertThat(Needles.ofPlaintext("x".repeat(2000))).isEmpty();
        assertThat(Needles.ofPlaintext("111-11-1111")).isNotEmpty();
        assertThat(Needles.ofPlaintext(Double.MIN_VALUE)).isEmpty();
        assertThat(Needles.ofPlaintext(123_456)).isNotEmpty();
        assertThat(Needles.ofPlaintext("Zoë 李 🚀")).isNotEmpty();
    }

    @Test
    void ordinaryCapturedTextMatchesNothing() throws Exception {
        List<Needle> needles = new ArrayList<>();
        needles.addAll(Needles.ofPlaintext(SSN));
        needles.addAll(Needles.ofPlaintext(LocalDate.of(2024, 2, 29)));
        needles.addAll(Needles.ofKey("key", randomKey(32, 5)));
        String text = Files.readString(writeAudit(dir.resolve("trail.jsonl")))
                + "INFO dev.cloak.keyring.Keyring [main] - Created keyset of key domain patients.ssn (aead)\n"
                + "java.sql.SQLException: ORDER BY on randomized column patients.name is not supported\n";

        assertThat(search(needles, text)).isEmpty();
    }

    @Test
    void aPlantedKeyIsFoundAsHexBase64AndRawBytesButNeverPrinted() {
        byte[] key = randomKey(32, 7);
        List<Needle> needles = Needles.ofKey("planted key 7", key);
        String hex = HexFormat.of().formatHex(key);

        for (int prefix = 0; prefix < 6; prefix++) {
            byte[] blob = concat(randomKey(prefix, prefix), concat(key, randomKey(5 - prefix, 11)));
            assertThat(search(needles, Base64.getEncoder().encodeToString(blob))).as("base64 with %d bytes before", prefix).isNotEmpty();
            assertThat(search(needles, Base64.getUrlEncoder().encodeToString(blob))).as("URL-safe base64, %d before", prefix).isNotEmpty();
        }
        assertThat(search(needles, "k=" + hex.toUpperCase())).isNotEmpty();
        assertThat(search(needles, "raw " + new String(key, StandardCharsets.ISO_8859_1) + " end")).isNotEmpty();
        List<Finding> found = search(needles, "key " + hex + " logged");
        assertThat(found).hasSize(1);
        assertThat(found.get(0).toString()).contains("planted key 7").doesNotContain(hex);
    }

    @Test
    void keysOfATestKeyringAreHarvestedAndFoundInTheirOwnKeysetFiles() throws Exception {
        KeysetHandle master = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
        Path masterFile = dir.resolve("master.json");
        String masterJson = TinkJsonProtoKeysetFormat.serializeKeyset(master, InsecureSecretKeyAccess.get());
        Files.writeString(masterFile, masterJson);
        KeysetHandle data = KeysetHandle.generateNew(PredefinedDeterministicAeadParameters.AES256_SIV);
        byte[] wrapped = TinkProtoKeysetFormat.serializeEncryptedKeyset(data,
                master.getPrimitive(RegistryConfiguration.get(), Aead.class),
                "cloak/keyset/v1/patients.ssn/deterministic-aead".getBytes(StandardCharsets.UTF_8));
        Files.writeString(dir.resolve("keys.json"), "{\"version\":1,\"keysets\":[{\"domain\":\"patients.ssn\","
                + "\"purpose\":\"deterministic-aead\",\"master\":\"local:file:" + masterFile + "\",\"keyset\":\""
                + Base64.getEncoder().encodeToString(wrapped) + "\"}]}");

        KeyFiles.Harvest harvest = KeyFiles.harvest(dir);

        assertThat(harvest.problems()).isEmpty();
        assertThat(harvest.keys()).extracting(k -> k.bytes().length).containsExactlyInAnyOrder(32, 64, 32, 32);
        List<Needle> needles = new ArrayList<>();
        for (RawKey k : harvest.keys()) {
            needles.addAll(Needles.ofKey(k.label(), k.bytes()));
        }
        // a keyset that reached a log would carry its keys base64-encoded inside the serialized key
        assertThat(search(needles, "loaded " + masterJson)).extracting(f -> f.needle().label()).anyMatch(l -> l.startsWith("master key"));
        String clearData = TinkJsonProtoKeysetFormat.serializeKeyset(data, InsecureSecretKeyAccess.get());
        assertThat(search(needles, clearData)).extracting(f -> f.needle().label()).anyMatch(l -> l.contains("patients.ssn"));
        assertThat(search(needles, Files.readString(dir.resolve("keys.json")))).as("wrapped keysets are ciphertext").isEmpty();
    }

    @Test
    void aKeysetWrappedByAMasterKeyTheTestCannotReadIsAProblemNotASilentPass() throws Exception {
        Files.writeString(dir.resolve("keys.json"), "{\"version\":1,\"keysets\":[{\"domain\":\"patients.ssn\","
                + "\"purpose\":\"aead\",\"master\":\"pkcs11:token=cloak;object=master\",\"keyset\":\"AAAA\"}]}");

        assertThat(KeyFiles.harvest(dir).problems()).singleElement().asString().contains("patients.ssn").contains("pkcs11");
    }

    @Test
    void aCaptureWithAPlantedPlaintextAndAPlantedKeyFailsTheCheckWithoutPrintingTheKey() {
        byte[] key = randomKey(32, 9);
        String hex = HexFormat.of().formatHex(key);
        LeakCapture.Snapshot planted = new LeakCapture.Snapshot(dir, List.of(
                new Haystack("logs.txt", "INFO dev.cloak.keyring.Keyring [main] - Created keyset of key domain p.ssn (aead)\n"),
                new Haystack("exceptions.txt", "== expected by a test\n  java.sql.SQLException: cannot convert " + SSN + "\n"),
                new Haystack("audit/fixture-1-h2.jsonl", "{\"event\":\"created\",\"version\":\"" + hex + "\"}\n")),
                List.of(new Haystack("thrown-under-cloak-internal.txt", "java.lang.NumberFormatException: For input string: \"" + SSN + "\"")),
                java.util.Map.of(), List.of(SSN), List.of(new RawKey("planted master key", key)), List.of());

        LeakReport report = LeakReport.of(planted, List.of());

        assertThat(report.findings()).extracting(Finding::where).containsExactlyInAnyOrder("exceptions.txt:2", "audit/fixture-1-h2.jsonl:1");
        assertThat(report.advisories()).extracting(Finding::where).containsExactly("thrown-under-cloak-internal.txt:1");
        assertThat(report.summary()).contains("advisories").contains("NumberFormatException");
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(report::assertClean);
        assertThat(failure).isInstanceOf(AssertionError.class)
                .hasMessageContaining("2 leaks").hasMessageContaining(SSN).hasMessageContaining("planted master key as hex")
                .hasMessageNotContaining(hex);
        LeakCapture.Snapshot clean = new LeakCapture.Snapshot(dir, planted.haystacks().subList(0, 1), planted.advisory(), java.util.Map.of(),
                List.of(SSN), List.of(new RawKey("planted master key", key)), List.of());
        LeakReport.of(clean, List.of()).assertClean();
    }

    @Test
    void aKeyTheCaptureCouldNotReadFailsTheCheck() {
        LeakCapture.Snapshot unreadable = new LeakCapture.Snapshot(dir, List.of(), List.of(), java.util.Map.of(), List.of(), List.of(),
                List.of("key domain p.ssn in keys.json does not unwrap under its master key"));

        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> LeakReport.of(unreadable, List.of()).assertClean());
        assertThat(failure).isInstanceOf(AssertionError.class).hasMessageContaining("does not unwrap");
    }

    @Test
    void cloakAndSqlExceptionsAreCheckedWhereverTheyWereThrownOthersOnlyWhenTheyLeaveCloak() {
        assertThat(ThrownUnderCloak.checkedWherever("dev.cloak.rewriter.RejectedStatementException")).isTrue();
        assertThat(ThrownUnderCloak.checkedWherever("java.sql.SQLDataException")).isTrue();
        assertThat(ThrownUnderCloak.checkedWherever("org.postgresql.util.PSQLException")).isTrue();
        assertThat(ThrownUnderCloak.checkedWherever("org.h2.jdbc.JdbcSQLIntegrityConstraintViolationException")).isTrue();
        assertThat(ThrownUnderCloak.checkedWherever("java.lang.NumberFormatException")).isFalse();
        assertThat(ThrownUnderCloak.checkedWherever("net.sf.jsqlparser.parser.ParseException")).isFalse();
    }

    @Test
    void logLinesOfOtherLibrariesAreCheckedWhenTheirExceptionComesFromCloak() {
        java.sql.SQLException fromCloak = new java.sql.SQLException("refused");
        fromCloak.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("dev.cloak.driver.internal.jdbc.EncryptingConnection", "prepareStatement", "EncryptingConnection.java", 1)});
        RuntimeException wrapped = new RuntimeException("pool failure", fromCloak);

        assertThat(CloakFrames.madeBy(wrapped)).isTrue();
        assertThat(CloakFrames.madeBy(new java.sql.SQLException("raw driver's own"))).isFalse();
        assertThat(CloakFrames.onStack()).as("test code is not Cloak code").isFalse();
        assertThat(CloakFrames.isProduction("dev.cloak.conformance.Fixture")).isFalse();
        assertThat(CloakFrames.isProduction("dev.cloak.keyring.Keyring")).isTrue();
    }

    @Test
    void exceptionTextsIncludeCausesSuppressedAndNextExceptions() {
        java.sql.SQLException top = new java.sql.SQLException("top", "22000");
        top.setNextException(new java.sql.SQLException("next " + SSN));
        RuntimeException cause = new RuntimeException("cause");
        cause.addSuppressed(new IllegalStateException("suppressed"));
        top.initCause(cause);
        String text = ThrowableText.of(top, false);

        assertThat(text).contains("top", "SQLState: 22000", "next " + SSN, "cause", "suppressed");
        assertThat(ThrowableText.of(new AssertionError("expected " + SSN, cause), true))
                .doesNotContain(SSN).contains("cause", "suppressed");
    }

    private static Path writeAudit(Path file) throws Exception {
        StringBuilder b = new StringBuilder();
        Random r = new Random(3);
        for (int i = 1; i <= 200; i++) {
            byte[] h = new byte[32];
            r.nextBytes(h);
            b.append("{\"ts\":\"2026-11-28T19:23:00.000Z\",\"seq\":").append(i)
                    .append(",\"principal\":\"root\",\"event\":\"created\",\"domain\":\"patients.ssn\",\"version\":\"")
                    .append(Integer.toUnsignedString(r.nextInt())).append("\",\"outcome\":\"ok\",\"prev\":\"0\",\"hash\":\"")
                    .append(HexFormat.of().formatHex(h)).append("\"}\n");
        }
        Files.writeString(file, b);
        return file;
    }

    private static byte[] randomKey(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
