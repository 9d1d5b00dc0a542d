package dev.cloak.driver.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyFileTest {

    static final String MASTER = "pkcs11:token=cloak;object=master?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=env:CLOAK_HSM_PIN";

    /** A policy with every section but audit:. */
    static final String EXAMPLE_POLICY = """
            version: 1
            keyring:
              master-key: "%s"
              # development only, warned about at every start:  master-key: "local:file:./cloak-master.json"
              store: database            # wrapped column keys in table cloak_keys of the target database
              # store: "file:./cloak-keys.json"
              cache: { ttl: 15m, max-entries: 10000 }
            columns:
              patients.ssn:        { type: varchar, mode: deterministic }
              patients.name:       { type: varchar, mode: randomized, pad: 32 }
              patients.dob:        { type: date,    mode: randomized }
              visits.patient_ssn:  { type: varchar, mode: deterministic, key: patients.ssn }   # shares a key: joinable
            access:
              default: allow             # allow | deny
              rules:
                - principal: analytics
                  columns: [patients.ssn, patients.name]
                  decrypt: mask          # allow | deny (SQLException) | null | mask
            network:
              require-tls: true
            statements:
              cache-size: 10000
            """.formatted(MASTER);

    /** A valid header that the rejection cases append to; it ends on line 3. */
    private static final String HEAD = "version: 1\nkeyring:\n  master-key: \"local:file:./m.json\"\n";

    private static AbstractThrowableAssert<?, ? extends Throwable> rejects(String yaml, int line, String setting) {
        return assertThatThrownBy(() -> PolicyFile.parse(yaml, "cloak.yaml"))
                .isInstanceOfSatisfying(PolicyException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("F0000");
                    assertThat(e.line()).isEqualTo(line);
                    assertThat(e.setting()).isEqualTo(setting);
                })
                .hasMessageStartingWith("cloak.yaml:" + line + ": " + setting + ": ");
    }

    @Test
    void specExampleLoads() throws PolicyException {
        CloakConfig config = PolicyFile.parse(EXAMPLE_POLICY, "cloak.yaml");

        assertThat(config.source()).isEqualTo("cloak.yaml");
        assertThat(config.masterKey()).isEqualTo(MASTER);
        assertThat(config.keyStore()).isEqualTo("database");
        assertThat(config.cacheTtl()).isEqualTo(Duration.ofMinutes(15));
        assertThat(config.cacheMaxEntries()).isEqualTo(10_000);
        assertThat(config.columns()).extracting(ColumnPolicy::name)
                .containsExactly("patients.ssn", "patients.name", "patients.dob", "visits.patient_ssn");
        assertThat(config.columns().get(1).pad()).isEqualTo(32);
        assertThat(config.columns().get(2).type()).isEqualTo(ColumnType.DATE);
        assertThat(config.columns().get(3).keyDomain()).isEqualTo("patients.ssn");
        assertThat(config.defaultAccess()).isEqualTo(DecryptAccess.ALLOW);
        assertThat(config.accessRules()).containsExactly(
                new AccessRule("analytics", List.of("patients.ssn", "patients.name"), DecryptAccess.MASK));
        assertThat(config.requireTls()).isTrue();
        assertThat(config.statementCacheSize()).isEqualTo(10_000);
        assertThat(config.toString()).doesNotContain("pkcs11");
    }

    @Test
    void builderAndFileGiveEqualSettings() throws PolicyException {
        CloakConfig file = PolicyFile.parse(EXAMPLE_POLICY, "cloak.yaml");
        CloakConfig built = CloakConfig.builder()
                .masterKey(MASTER)
                .keyStore("database")
                .cache(Duration.ofMinutes(15), 10_000)
                .column("patients.ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC)
                .column("patients.name", ColumnType.VARCHAR, EncryptionMode.RANDOMIZED, 32, null)
                .column("patients.dob", ColumnType.DATE, EncryptionMode.RANDOMIZED)
                .column("visits.patient_ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC, 0, "patients.ssn")
                .defaultAccess(DecryptAccess.ALLOW)
                .accessRule(new AccessRule("analytics", List.of("patients.ssn", "patients.name"), DecryptAccess.MASK))
                .requireTls(true)
                .statementCacheSize(10_000)
                .build();

        assertThat(file.masterKey()).isEqualTo(built.masterKey());
        assertThat(file.keyStore()).isEqualTo(built.keyStore());
        assertThat(file.cacheTtl()).isEqualTo(built.cacheTtl());
        assertThat(file.cacheMaxEntries()).isEqualTo(built.cacheMaxEntries());
        assertThat(file.autoCreateKeys()).isEqualTo(built.autoCreateKeys());
        assertThat(file.columns()).isEqualTo(built.columns());
        assertThat(file.defaultAccess()).isEqualTo(built.defaultAccess());
        assertThat(file.accessRules()).isEqualTo(built.accessRules());
        assertThat(file.requireTls()).isEqualTo(built.requireTls());
        assertThat(file.statementCacheSize()).isEqualTo(built.statementCacheSize());
    }

    @Test
    void omittedSettingsTakeTheBuildersDefaults() throws PolicyException {
        CloakConfig file = PolicyFile.parse(HEAD, "cloak.yaml");
        CloakConfig built = CloakConfig.builder().masterKey("local:file:./m.json").build();
        assertThat(file.keyStore()).isEqualTo(built.keyStore());
        assertThat(file.cacheTtl()).isEqualTo(built.cacheTtl());
        assertThat(file.cacheMaxEntries()).isEqualTo(built.cacheMaxEntries());
        assertThat(file.autoCreateKeys()).isEqualTo(built.autoCreateKeys()).isTrue();
        assertThat(file.kmsTimeout()).isEqualTo(built.kmsTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(file.columns()).isEmpty();
        assertThat(file.defaultAccess()).isEqualTo(built.defaultAccess());
        assertThat(file.requireTls()).isEqualTo(built.requireTls()).isTrue();
        assertThat(file.statementCacheSize()).isEqualTo(built.statementCacheSize());
    }

    @Test
    void everySettingIsRead() throws PolicyException {
        CloakConfig c = PolicyFile.parse(HEAD + """
                  store: "file:./keys.json"
                  cache: { ttl: 500ms, max-entries: 3 }
                  auto-create: false
                  kms-timeout: 3s
                columns:
                  app.users.email: { type: varchar, mode: deterministic, size: 320 }
                  users.photo: { type: bytes, mode: randomized, size: 1048576, pad: 0 }
                access:
                  default: deny
                  rules:
                    - { principal: support, columns: [app.users.email], decrypt: "null" }
                    - { principal: admin, columns: [users.photo], decrypt: allow }
                network: { require-tls: false }
                statements: { cache-size: 5 }
                """, "cloak.yaml");
        assertThat(c.keyStore()).isEqualTo("file:./keys.json");
        assertThat(c.cacheTtl()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.cacheMaxEntries()).isEqualTo(3);
        assertThat(c.autoCreateKeys()).isFalse();
        assertThat(c.kmsTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.columns().get(0).schema()).isEqualTo("app");
        assertThat(c.columns().get(0).size()).isEqualTo(320);
        assertThat(c.defaultAccess()).isEqualTo(DecryptAccess.DENY);
        assertThat(c.accessRules()).extracting(AccessRule::decrypt).containsExactly(DecryptAccess.NULL, DecryptAccess.ALLOW);
        assertThat(c.requireTls()).isFalse();
        assertThat(c.statementCacheSize()).isEqualTo(5);
    }

    @Test
    void everyDurationUnitIsAccepted() throws PolicyException {
        String[][] cases = {{"15m", "PT15M"}, {"30s", "PT30S"}, {"1h", "PT1H"}, {"500ms", "PT0.5S"}, {"2d", "PT48H"}};
        for (String[] c : cases) {
            CloakConfig config = PolicyFile.parse(HEAD + "  cache: { ttl: " + c[0] + " }\n", "cloak.yaml");
            assertThat(config.cacheTtl()).as(c[0]).isEqualTo(Duration.parse(c[1]));
        }
    }

    @Test
    void unknownTypeIsRejectedWithTheValidTypes() {
        rejects(HEAD + "columns:\n  patients.ssn: { type: varchr, mode: deterministic }\n", 5, "columns.patients.ssn.type")
                .hasMessageContaining("unknown type 'varchr' (one of varchar, int, bigint,");
    }

    @Test
    void unknownModeIsRejected() {
        rejects(HEAD + "columns:\n  patients.ssn:\n    type: varchar\n    mode: searchable\n", 7, "columns.patients.ssn.mode")
                .hasMessageContaining("unknown mode 'searchable'");
    }

    @Test
    void missingTypeIsRejected() {
        rejects(HEAD + "columns:\n  patients.ssn: { mode: deterministic }\n", 5, "columns.patients.ssn.type");
    }

    @Test
    void unknownAccessIsRejected() {
        rejects(HEAD + "columns:\n  t.c: { type: int, mode: randomized }\naccess:\n  rules:\n"
                + "    - principal: bob\n      columns: [t.c]\n      decrypt: partially\n", 10, "access.rules[0].decrypt")
                .hasMessageContaining("unknown access 'partially'");
    }

    @Test
    void accessDefaultOtherThanAllowOrDenyIsRejected() {
        rejects(HEAD + "access:\n  default: mask\n", 5, "access.default");
    }

    @Test
    void ruleNamingAColumnThatIsNotEncryptedIsRejected() {
        rejects(HEAD + "columns:\n  t.c: { type: int, mode: randomized }\naccess:\n  rules:\n"
                + "    - principal: bob\n      columns: [t.c, t.typo]\n      decrypt: deny\n", 9, "access.rules[0].columns")
                .hasMessageContaining("t.typo is not an encrypted column");
    }

    @Test
    void versionOtherThanOneIsRejected() {
        rejects("version: 2\nkeyring:\n  master-key: \"local:file:./m.json\"\n", 1, "version");
    }

    @Test
    void missingVersionIsRejected() {
        rejects("keyring:\n  master-key: \"local:file:./m.json\"\n", 1, "version");
    }

    @Test
    void unknownTopLevelKeyIsRejected() {
        rejects(HEAD + "colums:\n  t.c: { type: int, mode: randomized }\n", 4, "colums")
                .hasMessageContaining("unknown setting");
    }

    @Test
    void unknownNestedKeysAreRejectedAtEveryLevel() {
        rejects(HEAD + "  cache: { ttl: 1m, max_entries: 5 }\n", 4, "keyring.cache.max_entries");
        rejects(HEAD + "  master-key-file: x\n", 4, "keyring.master-key-file");
        rejects(HEAD + "columns:\n  t.c: { type: int, mode: randomized, padding: 16 }\n", 5, "columns.t.c.padding");
        rejects(HEAD + "network:\n  require-ssl: true\n", 5, "network.require-ssl");
        rejects(HEAD + "statements:\n  size: 1\n", 5, "statements.size");
        rejects(HEAD + "access:\n  rules:\n    - { principal: a, columns: [], decrypt: deny, when: never }\n", 6, "access.rules[0].when");
    }

    @Test
    void badDurationIsRejected() {
        rejects(HEAD + "  cache:\n    ttl: 15 minutes\n", 5, "keyring.cache.ttl").hasMessageContaining("bad duration");
        rejects(HEAD + "  cache:\n    ttl: 0s\n", 5, "keyring.cache.ttl").hasMessageContaining("positive");
        rejects(HEAD + "  cache:\n    ttl: -5m\n", 5, "keyring.cache.ttl");
    }

    @Test
    void aKmsTimeoutThatIsNotAPositiveDurationOfAtMostFiveMinutesIsRejected() {
        rejects(HEAD + "  kms-timeout: 0s\n", 4, "keyring.kms-timeout").hasMessageContaining("positive");
        rejects(HEAD + "  kms-timeout: 5 seconds\n", 4, "keyring.kms-timeout").hasMessageContaining("bad duration");
        rejects(HEAD + "  kms-timeout: 1h\n", 4, "keyring.kms-timeout").hasMessageContaining("at most 5 minutes");
    }

    @Test
    void columnListedTwiceIsRejected() {
        rejects(HEAD + "columns:\n  t.c: { type: int, mode: randomized }\n  t.c: { type: int, mode: randomized }\n",
                6, "columns.t.c").hasMessageContaining("listed twice");
    }

    @Test
    void columnListedTwiceInAnotherCaseIsRejected() {
        rejects(HEAD + "columns:\n  t.c: { type: int, mode: randomized }\n  T.C: { type: int, mode: randomized }\n",
                6, "columns.T.C").hasMessageContaining("listed twice");
    }

    @Test
    void duplicateYamlKeysAreRejected() {
        rejects(HEAD + "network:\n  require-tls: true\n  require-tls: false\n", 6, "network.require-tls")
                .hasMessageContaining("listed twice");
        rejects(HEAD + "  master-key: \"local:file:./other.json\"\n", 4, "keyring.master-key");
    }

    @Test
    void aColumnConfiguredWithASchemaHasTheSchemaInItsKeyDomain() throws PolicyException {
        CloakConfig c = PolicyFile.parse(HEAD + "columns:\n"
                + "  tenant_a.patients.ssn: { type: varchar, mode: deterministic }\n"
                + "  tenant_b.patients.ssn: { type: varchar, mode: deterministic }\n", "cloak.yaml");

        assertThat(c.columns()).extracting(ColumnPolicy::keyDomain)
                .containsExactly("tenant_a.patients.ssn", "tenant_b.patients.ssn");
    }

    @Test
    void aColumnConfiguredWithoutASchemaKeepsTableDotColumnAsItsKeyDomain() throws PolicyException {
        CloakConfig c = PolicyFile.parse(HEAD + "columns:\n  Patients.SSN: { type: varchar, mode: deterministic }\n",
                "cloak.yaml");

        assertThat(c.columns().get(0).keyDomain()).isEqualTo("patients.ssn");
    }

    @Test
    void aSharedKeyTakesItsOwnersDomainWithTheOwnersSchemaHoweverTheKeyNamesIt() throws PolicyException {
        CloakConfig c = PolicyFile.parse(HEAD + "columns:\n"
                + "  tenant_a.patients.ssn: { type: varchar, mode: deterministic }\n"
                + "  tenant_a.visits.ssn: { type: varchar, mode: deterministic, key: patients.ssn }\n"
                + "  tenant_a.claims.ssn: { type: varchar, mode: deterministic, key: tenant_a.patients.ssn }\n",
                "cloak.yaml");

        assertThat(c.columns()).extracting(ColumnPolicy::keyDomain).containsOnly("tenant_a.patients.ssn");
    }

    @Test
    void aKeyThatNamesColumnsOfTwoSchemasIsRejected() {
        rejects(HEAD + "columns:\n"
                + "  tenant_a.patients.ssn: { type: varchar, mode: deterministic }\n"
                + "  tenant_b.patients.ssn: { type: varchar, mode: deterministic }\n"
                + "  visits.ssn: { type: varchar, mode: deterministic, key: patients.ssn }\n",
                7, "columns.visits.ssn.key").hasMessageContaining("names 2 encrypted columns");
    }

    @Test
    void theLedgerIsReadAsAFilePathAndAnythingElseIsRejected() throws PolicyException {
        CloakConfig c = PolicyFile.parse(HEAD + "  ledger: \"file:/var/lib/cloak/ledger.json\"\n", "cloak.yaml");

        assertThat(c.keyLedger()).isEqualTo("file:/var/lib/cloak/ledger.json");
        assertThat(PolicyFile.parse(HEAD, "cloak.yaml").keyLedger()).isNull();
        rejects(HEAD + "  ledger: \"s3://bucket/ledger.json\"\n", 4, "keyring.ledger")
                .hasMessageContaining("file:PATH");
    }

    @Test
    void keyNamingAnUnencryptedColumnIsRejected() {
        rejects(HEAD + "columns:\n  visits.ssn: { type: varchar, mode: deterministic, key: patients.ssn }\n",
                5, "columns.visits.ssn.key").hasMessageContaining("patients.ssn is not an encrypted column");
    }

    @Test
    void keyNamingAColumnOfAnotherModeIsRejected() {
        rejects(HEAD + "columns:\n  patients.ssn: { type: varchar, mode: randomized }\n"
                + "  visits.ssn: { type: varchar, mode: deterministic, key: patients.ssn }\n",
                6, "columns.visits.ssn.key").hasMessageContaining("another mode");
    }

    @Test
    void keyNamingAColumnOfAnotherTypeIsRejected() {
        rejects(HEAD + "columns:\n  patients.ssn: { type: varchar, mode: deterministic }\n"
                + "  visits.ssn: { type: bigint, mode: deterministic, key: patients.ssn }\n",
                6, "columns.visits.ssn.key").hasMessageContaining("another type");
    }

    @Test
    void scaleIsReadForADecimalColumnAndRejectedElsewhere() throws PolicyException {
        CloakConfig c = PolicyFile.parse(HEAD + "columns:\n  t.amount: { type: decimal, mode: randomized, scale: 2 }\n"
                + "  t.ratio: { type: decimal, mode: deterministic }\n", "cloak.yaml");
        assertThat(c.columns()).extracting(ColumnPolicy::scale).containsExactly(2, ColumnPolicy.NO_SCALE);

        rejects(HEAD + "columns:\n  t.c: { type: int, mode: randomized, scale: 2 }\n", 5, "columns.t.c.scale")
                .hasMessageContaining("decimal columns only");
        rejects(HEAD + "columns:\n  t.c: { type: decimal, mode: randomized, scale: -1 }\n", 5, "columns.t.c.scale");
        rejects(HEAD + "columns:\n  t.c: { type: decimal, mode: randomized, scale: 1001 }\n", 5, "columns.t.c.scale");
        rejects(HEAD + "columns:\n  t.c: { type: decimal, mode: randomized, scale: two }\n", 5, "columns.t.c.scale");
    }

    @Test
    void keyNamingADecimalColumnOfAnotherScaleIsRejected() {
        rejects(HEAD + "columns:\n  a.amount: { type: decimal, mode: deterministic, scale: 2 }\n"
                + "  b.amount: { type: decimal, mode: deterministic, key: a.amount }\n",
                6, "columns.b.amount.key").hasMessageContaining("another scale (2, this column none)");
        assertThatThrownBy(() -> CloakConfig.builder().masterKey("local:file:./m.json")
                .column(new ColumnPolicy(null, "a", "amount", false, ColumnType.DECIMAL, EncryptionMode.DETERMINISTIC,
                        "a.amount", 0, 0, 2))
                .column(new ColumnPolicy(null, "b", "amount", false, ColumnType.DECIMAL, EncryptionMode.DETERMINISTIC,
                        "a.amount", 0, 0, 3))
                .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("another scale");
    }

    @Test
    void negativePadIsRejected() {
        rejects(HEAD + "columns:\n  t.c:\n    type: varchar\n    mode: randomized\n    pad: -1\n", 8, "columns.t.c.pad")
                .hasMessageContaining("negative");
    }

    @Test
    void sizeOnANumericColumnIsRejected() {
        rejects(HEAD + "columns:\n  t.c: { type: int, mode: randomized, size: 4 }\n", 5, "columns.t.c.size");
    }

    @Test
    void badColumnNameIsRejected() {
        rejects(HEAD + "columns:\n  justacolumn: { type: int, mode: randomized }\n", 5, "columns.justacolumn");
    }

    @Test
    void auditSinkIsReadAndThePolicyHashIsKept() throws Exception {
        String yaml = HEAD + "audit:\n  sink: \"file:./cloak-audit.jsonl\"\n";
        CloakConfig config = PolicyFile.parse(yaml, "cloak.yaml");

        assertThat(config.auditSink()).isEqualTo("file:./cloak-audit.jsonl");
        assertThat(config.policySha256()).isEqualTo(java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    }

    @Test
    void noAuditSectionMeansNoTrail() throws Exception {
        CloakConfig config = PolicyFile.parse(HEAD, "cloak.yaml");

        assertThat(config.auditSink()).isNull();
        assertThat(CloakConfig.builder().masterKey("local:file:m.json").build().policySha256()).isNull();
    }

    @Test
    void policyHashIsOverTheFileAsLoaded(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("hashed.yaml");
        Files.writeString(file, HEAD + "# é\n");

        assertThat(PolicyFile.load(file.toString()).policySha256()).isEqualTo(java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
    }

    @Test
    void auditSinkThatIsNotAFileIsRejectedNamingItsLine() {
        rejects(HEAD + "audit:\n  sink: \"syslog:local0\"\n", 5, "audit.sink").hasMessageContaining("file:PATH");
        rejects(HEAD + "audit:\n  sink: \"file:\"\n", 5, "audit.sink").hasMessageContaining("file:PATH");
        rejects(HEAD + "audit:\n  sink: [a, b]\n", 5, "audit.sink").hasMessageContaining("single value");
    }

    @Test
    void auditWithoutASinkIsRejected() {
        rejects(HEAD + "audit:\n", 4, "audit.sink").hasMessageContaining("required");
        rejects(HEAD + "audit:\n  level: all\n", 5, "audit.level").hasMessageContaining("unknown setting");
    }

    @Test
    void builderAcceptsAFileSinkAndRejectsOthers() {
        CloakConfig config = CloakConfig.builder().masterKey("local:file:m.json").auditSink("file:/var/log/cloak.jsonl").build();

        assertThat(config.auditSink()).isEqualTo("file:/var/log/cloak.jsonl");
        assertThatThrownBy(() -> CloakConfig.builder().auditSink("/var/log/cloak.jsonl"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("audit.sink must be file:PATH");
    }

    @Test
    void missingMasterKeyIsRejected() {
        rejects("version: 1\nkeyring:\n  store: database\n", 2, "keyring.master-key");
        rejects("version: 1\n", 1, "keyring.master-key");
    }

    @Test
    void masterKeyValueNeverAppearsInMessages() {
        String secretish = "pkcs11:token=cloak;object=master?pin-value=1234";
        assertThatThrownBy(() -> PolicyFile.parse("version: 1\nkeyring:\n  master-key: [\"" + secretish + "\"]\n", "cloak.yaml"))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("keyring.master-key")
                .hasMessageNotContaining("1234");
        // A YAML syntax error on the master-key line: the library's snippet of that line must not leak.
        assertThatThrownBy(() -> PolicyFile.parse("version: 1\nkeyring:\n  master-key: \"" + secretish + "\n  store: x: y\n", "cloak.yaml"))
                .isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.getSQLState()).isEqualTo("F0000"))
                .hasMessageStartingWith("cloak.yaml:")
                .hasMessageNotContaining("1234");
    }

    @Test
    void wrongKindOfValueIsRejected() {
        rejects(HEAD + "network:\n  require-tls: yes\n", 5, "network.require-tls").hasMessageContaining("true or false");
        rejects(HEAD + "statements:\n  cache-size: many\n", 5, "statements.cache-size").hasMessageContaining("whole number");
        rejects(HEAD + "statements:\n  cache-size: 0\n", 5, "statements.cache-size");
        rejects(HEAD + "columns: [t.c]\n", 4, "columns");
    }

    @Test
    void malformedYamlNamesTheLine() {
        assertThatThrownBy(() -> PolicyFile.parse(HEAD + "columns:\n  t.c: { type: int, mode: randomized\n", "cloak.yaml"))
                .isInstanceOfSatisfying(PolicyException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("F0000");
                    assertThat(e.line()).isGreaterThanOrEqualTo(5);
                })
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void emptyFileIsRejected() {
        assertThatThrownBy(() -> PolicyFile.parse("# nothing\n", "cloak.yaml"))
                .isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.getSQLState()).isEqualTo("F0000"))
                .hasMessageContaining("empty");
    }

    @Test
    void loadReadsPlainAndFilePaths(@TempDir Path dir) throws IOException, PolicyException {
        Path file = dir.resolve("cloak.yaml");
        Files.writeString(file, EXAMPLE_POLICY);
        assertThat(PolicyFile.load(file.toString()).columns()).hasSize(4);
        assertThat(PolicyFile.load("file:" + file).source()).isEqualTo(file.toString());
        assertThat(PolicyFile.load(file.toUri().toString()).columns()).hasSize(4);
    }

    @Test
    void loadReadsClasspathResources() throws PolicyException {
        assertThat(PolicyFile.load("classpath:policy/minimal.yaml").masterKey()).isEqualTo("local:file:./dev-master.json");
    }

    @Test
    void missingFileIsRejectedNamingThePath(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> PolicyFile.load("file:" + missing))
                .isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.getSQLState()).isEqualTo("F0000"))
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("not found");
        assertThatThrownBy(() -> PolicyFile.load("classpath:no/such.yaml"))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("classpath:no/such.yaml");
    }

    @Test
    void unreadableFileIsRejected(@TempDir Path dir) throws IOException {
        Path notAFile = Files.createDirectory(dir.resolve("cloak.yaml"));
        assertThatThrownBy(() -> PolicyFile.load(notAFile.toString()))
                .isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.getSQLState()).isEqualTo("F0000"))
                .hasMessageContaining(notAFile.toString());
    }

    @Test
    void errorsInALoadedFileNameThatFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, HEAD + "columns:\n  t.c: { type: varchr, mode: randomized }\n");
        assertThatThrownBy(() -> PolicyFile.load(file.toString()))
                .isInstanceOf(PolicyException.class)
                .hasMessageStartingWith(file + ":5: columns.t.c.type: ");
    }

    @Test
    void builderRejectsAKeySharedAcrossTypesAsTheFileDoes() {
        assertThatThrownBy(() -> CloakConfig.builder().masterKey("local:file:./m.json")
                .column("patients.ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC)
                .column("visits.ssn", ColumnType.BIGINT, EncryptionMode.DETERMINISTIC, 0, "patients.ssn")
                .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("another type");
    }

    @Test
    void twoRulesForOnePrincipalAndColumnAreRejected() {
        rejects(HEAD + "columns:\n  t.c: { type: int, mode: randomized }\naccess:\n  rules:\n"
                + "    - { principal: bob, columns: [t.c], decrypt: deny }\n"
                + "    - { principal: bob, columns: [T.C], decrypt: allow }\n", 9, "access.rules[1].columns")
                .hasMessageContaining("already has a rule for principal bob in access.rules[0]");
    }

    @Test
    void aRuleThatNamesTheSchemaOfAColumnConfiguredWithoutOneAppliesToIt() throws PolicyException {
        CloakConfig config = PolicyFile.parse(HEAD + "columns:\n  patients.ssn: { type: varchar, mode: deterministic }\n"
                + "access:\n  rules:\n    - { principal: intern, columns: [public.patients.ssn], decrypt: deny }\n",
                "cloak.yaml");

        assertThat(config.columnsNamedBy(config.accessRules().get(0))).extracting(ColumnPolicy::name)
                .containsExactly("patients.ssn");
    }

    @Test
    void aRuleNamesColumnsAsSqlNamesIdentifiersQuotedExactlyUnquotedInAnyCase() throws PolicyException {
        CloakConfig config = PolicyFile.parse(HEAD + "columns:\n  '\"Clinic\".\"SSN\"': { type: int, mode: randomized }\n"
                + "  clinic.name: { type: int, mode: randomized }\n"
                + "access:\n  rules:\n    - { principal: a, columns: ['\"Clinic\".SSN', CLINIC.Name], decrypt: null }\n",
                "cloak.yaml");

        assertThat(config.columnsNamedBy(config.accessRules().get(0))).extracting(ColumnPolicy::name)
                .containsExactly("Clinic.SSN", "clinic.name");
        rejects(HEAD + "columns:\n  '\"Clinic\".\"SSN\"': { type: int, mode: randomized }\n"
                + "access:\n  rules:\n    - { principal: a, columns: ['\"clinic\".\"ssn\"'], decrypt: null }\n", 8,
                "access.rules[0].columns").hasMessageContaining("is not an encrypted column of this policy");
    }

    @Test
    void aRuleNamingAColumnOfAnotherSchemaIsRejected() {
        rejects(HEAD + "columns:\n  tenant_a.patients.ssn: { type: int, mode: randomized }\naccess:\n  rules:\n"
                + "    - { principal: bob, columns: [tenant_b.patients.ssn], decrypt: deny }\n", 8,
                "access.rules[0].columns").hasMessageContaining("tenant_b.patients.ssn is not an encrypted column");
    }

    @Test
    void twoRulesForOnePrincipalAndColumnAreRejectedHoweverTheyAreSpelt() {
        rejects(HEAD + "columns:\n  t.c: { type: int, mode: randomized }\naccess:\n  rules:\n"
                + "    - { principal: bob, columns: [t.c], decrypt: deny }\n"
                + "    - { principal: BOB, columns: [public.t.c], decrypt: allow }\n", 9, "access.rules[1].columns")
                .hasMessageContaining("already has a rule for principal BOB in access.rules[0]");
    }

    @Test
    void builderRejectsARuleNamingAColumnThePolicyDoesNotEncrypt() {
        assertThatThrownBy(() -> CloakConfig.builder().masterKey("local:file:./m.json")
                .column("patients.ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC)
                .accessRule(new AccessRule("intern", List.of("patients.snn"), DecryptAccess.DENY))
                .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("patients.snn, which is not an encrypted column of this policy");
    }

    @Test
    void builderRejectsTwoRulesForOnePrincipalAndColumn() {
        assertThatThrownBy(() -> CloakConfig.builder().masterKey("local:file:./m.json")
                .column("patients.ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC)
                .accessRule(new AccessRule("intern", List.of("patients.ssn"), DecryptAccess.DENY))
                .accessRule(new AccessRule("Intern", List.of("clinic.patients.SSN"), DecryptAccess.ALLOW))
                .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two access rules for column patients.ssn");
    }

    @Test
    void builderAppliesASchemaQualifiedRuleToTheColumnConfiguredWithoutOne() {
        CloakConfig config = CloakConfig.builder().masterKey("local:file:./m.json")
                .column("patients.ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC)
                .accessRule(new AccessRule("intern", List.of("public.patients.ssn"), DecryptAccess.DENY))
                .build();

        assertThat(config.columnsNamedBy(config.accessRules().get(0))).extracting(ColumnPolicy::name)
                .containsExactly("patients.ssn");
    }

    @Test
    void thePrincipalIsTheSessionsUserUnlessThePolicySaysAsserted() throws PolicyException {
        assertThat(PolicyFile.parse(HEAD, "cloak.yaml").principalSource()).isEqualTo(PrincipalSource.SESSION);
        assertThat(CloakConfig.builder().masterKey("local:file:./m.json").build().principalSource())
                .isEqualTo(PrincipalSource.SESSION);
        assertThat(PolicyFile.parse(HEAD + "access:\n  principal: asserted\n", "cloak.yaml").principalSource())
                .isEqualTo(PrincipalSource.ASSERTED);
        assertThat(PolicyFile.parse(HEAD + "access:\n  principal: session\n", "cloak.yaml").principalSource())
                .isEqualTo(PrincipalSource.SESSION);
    }

    @Test
    void anUnknownPrincipalSourceIsRejected() {
        rejects(HEAD + "access:\n  principal: trusted\n", 5, "access.principal")
                .hasMessageContaining("must be session (the database session's user) or asserted");
    }

    @Test
    void padIsAFixedSizeOrASizeWithBuckets() throws PolicyException {
        CloakConfig config = PolicyFile.parse(HEAD + "columns:\n  t.a: { type: varchar, mode: randomized, pad: 32 }\n"
                + "  t.b: { type: varchar, mode: randomized, pad: { size: 64, buckets: true } }\n"
                + "  t.c: { type: varchar, mode: randomized, pad: { size: 16 } }\n", "cloak.yaml");

        assertThat(config.columns()).extracting(ColumnPolicy::pad).containsExactly(32, 64, 16);
        assertThat(config.columns()).extracting(ColumnPolicy::padBuckets).containsExactly(false, true, false);
    }

    @Test
    void aFixedPadTooSmallForTheColumnsTypeIsRejected() {
        rejects(HEAD + "columns:\n  t.c: { type: bigint, mode: randomized, pad: 7 }\n", 5, "columns.t.c.pad")
                .hasMessageContaining("leaves no room for a bigint value")
                .hasMessageContaining("pad: { size: 7, buckets: true }");
    }

    @Test
    void padBucketsWithoutASizeAreRejected() {
        rejects(HEAD + "columns:\n  t.c:\n    type: varchar\n    mode: randomized\n    pad: { buckets: true }\n", 8,
                "columns.t.c.pad.size");
        rejects(HEAD + "columns:\n  t.c:\n    type: varchar\n    mode: randomized\n    pad: { size: 8, round: up }\n",
                8, "columns.t.c.pad.round");
    }

    @Test
    void aDeterministicColumnMayRememberItsHotValues() throws PolicyException {
        CloakConfig config = PolicyFile.parse(HEAD + "columns:\n"
                + "  t.a: { type: varchar, mode: deterministic, cache: { entries: 10000 } }\n"
                + "  t.b: { type: varchar, mode: deterministic }\n", "cloak.yaml");

        assertThat(config.columns()).extracting(ColumnPolicy::cacheEntries).containsExactly(10_000, 0);
    }

    @Test
    void aHotValueCacheIsCheckedAsItIsRead() {
        rejects(HEAD + "columns:\n  t.c: { type: varchar, mode: randomized, cache: { entries: 10 } }\n", 5,
                "columns.t.c.cache").hasMessageContaining("deterministic columns only");
        rejects(HEAD + "columns:\n  t.c: { type: varchar, mode: deterministic, cache: { entries: 0 } }\n", 5,
                "columns.t.c.cache.entries").hasMessageContaining("between 1 and 1000000");
        rejects(HEAD + "columns:\n  t.c: { type: varchar, mode: deterministic, cache: { entries: 2000000 } }\n", 5,
                "columns.t.c.cache.entries").hasMessageContaining("between 1 and 1000000");
        rejects(HEAD + "columns:\n  t.c: { type: varchar, mode: deterministic, cache: { } }\n", 5,
                "columns.t.c.cache.entries").hasMessageContaining("required");
        rejects(HEAD + "columns:\n  t.c: { type: varchar, mode: deterministic, cache: { entries: 5, ttl: 1m } }\n",
                5, "columns.t.c.cache.ttl").hasMessageContaining("unknown setting");
    }
}
