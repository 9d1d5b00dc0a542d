package dev.cloak.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.PolicyException;
import dev.cloak.driver.config.PolicyFile;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * The policy given under {@code cloak.*}: read by the driver's own policy reader, so it means what the same policy
 * file means and its errors name the property, and where it was set, as a policy file's name the line.
 */
class InlinePolicyTest {

    private final StandardEnvironment environment = new StandardEnvironment();

    /** Loads the policy the environment's {@code cloak.*} properties give, as the starter does at start-up. */
    private CloakConfig load(Map<String, Object> properties) throws PolicyException {
        environment.getPropertySources().addFirst(new MapPropertySource("application properties", properties));
        return load();
    }

    private CloakConfig load() throws PolicyException {
        ConfigurationPropertySources.attach(environment);
        CloakProperties bound = Binder.get(environment).bindOrCreate(CloakProperties.PREFIX, CloakProperties.class);
        return ApplicationPolicy.load(bound, environment);
    }

    private static Map<String, Object> policy(String... keysAndValues) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("cloak.keyring.master-key", "local:file:/tmp/cloak-never-created.json");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return properties;
    }

    @Test
    void inlinePolicyMeansWhatTheSamePolicyFileMeans() throws Exception {
        CloakConfig inline = load(policy(
                "cloak.keyring.store", "file:/tmp/cloak-keys.json",
                "cloak.keyring.auto-create", "false",
                "cloak.keyring.kms-timeout", "2s",
                "cloak.keyring.cache.ttl", "5m",
                "cloak.keyring.cache.max-entries", "50",
                "cloak.columns.patients.ssn.type", "varchar",
                "cloak.columns.patients.ssn.mode", "deterministic",
                "cloak.columns.patients.name.type", "varchar",
                "cloak.columns.patients.name.mode", "randomized",
                "cloak.columns.patients.name.pad", "32",
                "cloak.columns.visits.patient_ssn.type", "varchar",
                "cloak.columns.visits.patient_ssn.mode", "deterministic",
                "cloak.columns.visits.patient_ssn.key", "patients.ssn",
                "cloak.access.default", "deny",
                "cloak.access.rules[0].principal", "analytics",
                "cloak.access.rules[0].columns", "patients.ssn,patients.name",
                "cloak.access.rules[0].decrypt", "mask",
                "cloak.audit.sink", "file:/tmp/cloak-audit.jsonl",
                "cloak.network.require-tls", "false",
                "cloak.statements.cache-size", "77"));
        CloakConfig file = PolicyFile.parse(String.join("\n",
                "version: 1",
                "keyring:",
                "  master-key: \"local:file:/tmp/cloak-never-created.json\"",
                "  store: \"file:/tmp/cloak-keys.json\"",
                "  auto-create: false",
                "  kms-timeout: 2s",
                "  cache: { ttl: 5m, max-entries: 50 }",
                "columns:",
                "  patients.ssn: { type: varchar, mode: deterministic }",
                "  patients.name: { type: varchar, mode: randomized, pad: 32 }",
                "  visits.patient_ssn: { type: varchar, mode: deterministic, key: patients.ssn }",
                "access:",
                "  default: deny",
                "  rules:",
                "    - { principal: analytics, columns: [patients.ssn, patients.name], decrypt: mask }",
                "audit: { sink: \"file:/tmp/cloak-audit.jsonl\" }",
                "network: { require-tls: false }",
                "statements: { cache-size: 77 }"), "cloak.yaml");

        assertThat(inline.columns()).isEqualTo(file.columns());
        assertThat(inline.accessRules()).isEqualTo(file.accessRules());
        assertThat(inline.defaultAccess()).isEqualTo(file.defaultAccess());
        assertThat(inline.masterKey()).isEqualTo(file.masterKey());
        assertThat(inline.keyStore()).isEqualTo(file.keyStore());
        assertThat(inline.autoCreateKeys()).isEqualTo(file.autoCreateKeys()).isFalse();
        assertThat(inline.cacheTtl()).isEqualTo(file.cacheTtl());
        assertThat(inline.kmsTimeout()).isEqualTo(file.kmsTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(inline.cacheMaxEntries()).isEqualTo(file.cacheMaxEntries());
        assertThat(inline.auditSink()).isEqualTo(file.auditSink());
        assertThat(inline.requireTls()).isEqualTo(file.requireTls()).isFalse();
        assertThat(inline.statementCacheSize()).isEqualTo(file.statementCacheSize());
        assertThat(inline.source()).isEqualTo("application properties (cloak.*)");
        assertThat(inline.policySha256()).matches("[0-9a-f]{64}");
    }

    @Test
    void inlineNetworkSettingsReadAsThePolicyFiles() throws Exception {
        CloakConfig inline = load(policy("cloak.columns.patients.ssn.type", "varchar",
                "cloak.columns.patients.ssn.mode", "deterministic",
                "cloak.network.verify-server", "false",
                "cloak.network.min-tls", "1.3",
                "cloak.network.require-client-cert", "true",
                "cloak.network.allow-driver-settings", "socketFactory,INIT"));
        assertThat(inline.verifyServer()).isFalse();
        assertThat(inline.minTls()).isEqualTo(dev.cloak.driver.config.TlsVersion.TLS_1_3);
        assertThat(inline.requireClientCert()).isTrue();
        assertThat(inline.allowedDriverSettings()).containsExactlyInAnyOrder("socketfactory", "init");
    }

    @Test
    void inlinePolicyKeepsThePolicyFilesDefaults() throws Exception {
        CloakConfig inline = load(policy("cloak.columns.patients.ssn.type", "varchar",
                "cloak.columns.patients.ssn.mode", "deterministic"));

        assertThat(inline.keyStore()).isEqualTo("database");
        assertThat(inline.requireTls()).isTrue();
        assertThat(inline.autoCreateKeys()).isTrue();
        assertThat(inline.cacheTtl()).isEqualTo(CloakConfig.DEFAULT_CACHE_TTL);
        assertThat(inline.kmsTimeout()).isEqualTo(CloakConfig.DEFAULT_KMS_TIMEOUT);
    }

    @Test
    void columnNamesMayBeSchemaQualifiedOrBracketed() throws Exception {
        CloakConfig inline = load(policy(
                "cloak.columns.clinic.patients.ssn.type", "varchar",
                "cloak.columns.clinic.patients.ssn.mode", "deterministic",
                "cloak.columns[visits.note].type", "varchar",
                "cloak.columns[visits.note].mode", "randomized"));

        assertThat(inline.columns()).extracting(c -> c.schema() + "|" + c.table() + "|" + c.column())
                .containsExactlyInAnyOrder("clinic|patients|ssn", "null|visits|note");
    }

    @Test
    void samePropertiesGiveTheSamePolicyHash() throws Exception {
        Map<String, Object> properties = policy("cloak.columns.patients.ssn.type", "varchar",
                "cloak.columns.patients.ssn.mode", "deterministic");
        String first = load(properties).policySha256();
        String second = new InlinePolicyTest().load(properties).policySha256();
        String other = new InlinePolicyTest().load(policy("cloak.columns.patients.ssn.type", "varchar",
                "cloak.columns.patients.ssn.mode", "randomized")).policySha256();

        assertThat(first).isEqualTo(second).isNotEqualTo(other);
    }

    @Test
    void wrongValueIsNamedByItsPropertyAndItsPropertySource() {
        assertThatThrownBy(() -> load(policy("cloak.columns.patients.ssn.type", "varchr",
                "cloak.columns.patients.ssn.mode", "deterministic")))
                .isInstanceOf(PolicyException.class)
                .hasMessage("application properties: cloak.columns.patients.ssn.type: unknown type 'varchr' (one of "
                        + "varchar, int, bigint, smallint, decimal, double, boolean, date, time, timestamp, "
                        + "timestamptz, uuid, bytes)");
    }

    @Test
    void wrongValueInApplicationYamlIsNamedByFileLineAndProperty() throws IOException {
        List<PropertySource<?>> yaml = new YamlPropertySourceLoader()
                .load("application.yml", new ClassPathResource("inline-policy-error.yml"));
        yaml.forEach(environment.getPropertySources()::addFirst);

        assertThatThrownBy(this::load)
                .isInstanceOf(PolicyException.class)
                .hasMessage("class path resource [inline-policy-error.yml]:9: cloak.columns.patients.ssn.mode: "
                        + "unknown mode 'determinstic' (one of randomized, deterministic)");
    }

    @Test
    void missingMasterKeyIsNamedAsAPolicyFileWouldName() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("cloak.columns.patients.ssn.type", "varchar");
        properties.put("cloak.columns.patients.ssn.mode", "deterministic");

        assertThatThrownBy(() -> load(properties)).isInstanceOf(PolicyException.class)
                .hasMessage("application properties: cloak.keyring.master-key: required");
    }

    @Test
    void securitySettingIsNeverCorrected() {
        assertThatThrownBy(() -> load(policy("cloak.network.require-tls", "yes")))
                .isInstanceOf(PolicyException.class)
                .hasMessageEndingWith("cloak.network.require-tls: must be true or false, not 'yes'");
    }

    @Test
    void ruleForAColumnThePolicyDoesNotEncryptIsRefused() {
        assertThatThrownBy(() -> load(policy(
                "cloak.columns.patients.ssn.type", "varchar",
                "cloak.columns.patients.ssn.mode", "deterministic",
                "cloak.access.rules[0].principal", "analytics",
                "cloak.access.rules[0].columns", "patients.snn",
                "cloak.access.rules[0].decrypt", "deny")))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("cloak.access.rules[0].columns: patients.snn is not an encrypted column of this policy");
    }

    @Test
    void misspeltPolicySettingStopsTheApplication() {
        assertThatThrownBy(() -> load(policy("cloak.access.defualt", "deny")))
                .isInstanceOf(BindException.class)
                .hasStackTraceContaining("cloak.access.defualt");
    }

    @Test
    void environmentVariablesThatLookLikeCloakSettingsAreNotHeldToTheirNames() throws Exception {
        environment.getPropertySources().addFirst(new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of("CLOAK_HSM_PIN", "1234")));

        assertThat(load(policy("cloak.columns.patients.ssn.type", "varchar",
                "cloak.columns.patients.ssn.mode", "deterministic")).columns()).hasSize(1);
    }

    @Test
    void columnThatMixesSettingsAndFurtherNamesIsRefused() {
        assertThatThrownBy(() -> load(policy(
                "cloak.columns.patients.ssn.type", "varchar",
                "cloak.columns.patients.mode", "deterministic")))
                .isInstanceOf(PolicyException.class)
                .hasMessageStartingWith("application properties: cloak.columns.patients: mixes a column's settings");
    }

    @Test
    void valueCannotChangeThePolicysStructure() throws Exception {
        String hostile = "local:file:/tmp/k.json\"\ncolumns:\n  patients.ssn: { type: varchar, mode: randomized }\n#";
        CloakConfig inline = load(policy("cloak.keyring.master-key", hostile,
                "cloak.columns.patients.name.type", "varchar",
                "cloak.columns.patients.name.mode", "randomized"));

        assertThat(inline.masterKey()).isEqualTo(hostile);
        assertThat(inline.columns()).extracting(c -> c.column()).containsExactly("name");
    }

    @Test
    void policyFileAndInlinePolicyTogetherAreRefused() {
        assertThatThrownBy(() -> load(policy("cloak.config", "classpath:cloak.yaml")))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("keep one of them");
    }

    @Test
    void noPolicyAtAllIsRefusedSayingWhereToPutOne() {
        assertThatThrownBy(() -> load(Map.of("cloak.principal", "app")))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("no Cloak policy").hasMessageContaining("cloak.enabled=false");
    }

    @Test
    void policyFileIsReadFromCloakConfig() throws Exception {
        String location = StarterDatabase.H2.policyFile("patients", null);

        CloakConfig config = load(Map.of("cloak.config", location));

        assertThat(config.source()).isEqualTo(location.substring("file:".length()));
        assertThat(config.policySha256()).isEqualTo(StarterDatabase.sha256Of(location));
    }
}
