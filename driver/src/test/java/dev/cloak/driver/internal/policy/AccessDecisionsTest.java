package dev.cloak.driver.internal.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cloak.driver.config.AccessRule;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.config.ColumnType;
import dev.cloak.driver.config.DecryptAccess;
import dev.cloak.driver.config.EncryptionMode;
import dev.cloak.driver.internal.codec.CellCodec;
import dev.cloak.driver.internal.codec.CellKeys;
import dev.cloak.keyring.audit.AuditEvent;
import dev.cloak.keyring.audit.AuditOutcome;
import dev.cloak.keyring.audit.AuditTrail;
import dev.cloak.rewriter.Dialect;
import dev.cloak.rewriter.EncryptedColumn;
import dev.cloak.rewriter.SqlRewriter;
import dev.cloak.rewriter.StatementPlan;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;

/**
 * The access policy's decisions: which rule applies to a column (whatever spelling of its name the rule uses), what
 * each decision lets a principal do with a column besides reading it, and that every refusal is audited.
 */
class AccessDecisionsTest {

    private static final String SSN = "clinic_p.ssn";

    /** Denials the policy's trail received: principal and key domain. */
    private final List<String> audited = new ArrayList<>();
    private final AuditTrail trail = (principal, event, domain, version, outcome) -> {
        assertThat(event).isEqualTo(AuditEvent.ACCESS_DENIED);
        assertThat(outcome).isEqualTo(AuditOutcome.DENIED);
        audited.add(principal + " " + domain);
    };

    private static final CellKeys NO_KEYS = new CellKeys() {
        @Override
        public com.google.crypto.tink.Aead aead(String keyDomain) {
            throw new AssertionError("no key is needed to decide");
        }

        @Override
        public com.google.crypto.tink.DeterministicAead deterministicAead(String keyDomain) {
            throw new AssertionError("no key is needed to decide");
        }
    };

    private static CloakConfig.Builder policy() {
        return CloakConfig.builder().masterKey("local:file:/nowhere/master.json")
                .column("clinic_p.ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC)
                .column("clinic_p.note", ColumnType.VARCHAR, EncryptionMode.RANDOMIZED)
                .column("clinic_v.patient_ssn", ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC, 0, "clinic_p.ssn");
    }

    /** The policy's access decisions and a rewriter over the same columns, as the driver compiles them. */
    private record Compiled(AccessPolicy access, SqlRewriter rewriter, CloakConfig config) {

        StatementPlan plan(String sql) throws Exception {
            return rewriter.plan(sql);
        }
    }

    private Compiled compile(CloakConfig config) {
        return compile(config, Dialect.H2);
    }

    private Compiled compile(CloakConfig config, Dialect dialect) {
        LinkedHashMap<EncryptedColumn, CellCodec> codecs = new LinkedHashMap<>();
        for (ColumnPolicy column : config.columns()) {
            codecs.put(RewriterColumns.of(column), new CellCodec(column, NO_KEYS));
        }
        SqlRewriter rewriter = RewriterColumns.rewriter(List.copyOf(codecs.keySet()), 0, dialect);
        return new Compiled(new AccessPolicy(config, trail, new ColumnCodecs(codecs)), rewriter, config);
    }

    private static ColumnPolicy column(CloakConfig config, String name) {
        return config.columns().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Property(tries = 200)
    void aRuleAppliesToItsColumnWhateverSpellingOfTheNameMatchesIt(
            @ForAll @AlphaChars @StringLength(min = 1, max = 8) String schema, @ForAll boolean withSchema,
            @ForAll boolean upperTable, @ForAll boolean upperColumn) throws SQLException {
        String table = upperTable ? "CLINIC_P" : "Clinic_P";
        String col = upperColumn ? "SSN" : "ssn";
        String ruleName = (withSchema ? schema + "." : "") + table + "." + col;
        CloakConfig config = policy().accessRule(new AccessRule("analytics", List.of(ruleName), DecryptAccess.MASK))
                .build();

        DecryptAccess decided = compile(config).access().decide(column(config, SSN), "Analytics");

        assertThat(decided).as(ruleName).isEqualTo(DecryptAccess.MASK);
    }

    @Example
    void principalsMatchIgnoringTheCaseOfAsciiLettersOnly() throws SQLException {
        CloakConfig config = policy().defaultAccess(DecryptAccess.ALLOW)
                .accessRule(new AccessRule("Analytics_K", List.of(SSN), DecryptAccess.DENY)).build();

        for (Dialect dialect : Dialect.values()) {
            AccessPolicy access = compile(config, dialect).access();
            // a deny rule written in another case than the role an unquoted CREATE ROLE made still applies
            assertThat(access.decide(column(config, SSN), "analytics_k")).as(dialect.name())
                    .isEqualTo(DecryptAccess.DENY);
            assertThat(access.decide(column(config, SSN), "ANALYTICS_K")).isEqualTo(DecryptAccess.DENY);
            // U+212A, the Kelvin sign, lower-cases to k in Java but is another user name to every database
            assertThat(access.decide(column(config, SSN), "analytics_\u212A")).isEqualTo(DecryptAccess.ALLOW);
        }
    }

    @Example
    void aRuleThatNamesTheSchemaOfAColumnConfiguredWithoutOneIsApplied() throws SQLException {
        CloakConfig config = policy()
                .accessRule(new AccessRule("intern", List.of("public.clinic_p.ssn"), DecryptAccess.DENY)).build();

        assertThat(compile(config).access().decide(column(config, SSN), "intern")).isEqualTo(DecryptAccess.DENY);
        assertThat(compile(config).access().decide(column(config, "clinic_p.note"), "intern"))
                .isEqualTo(DecryptAccess.ALLOW);
    }

    @Example
    void aPrincipalNoRuleNamesGetsTheDefault() throws SQLException {
        CloakConfig config = policy().defaultAccess(DecryptAccess.DENY)
                .accessRule(new AccessRule("app", List.of(SSN), DecryptAccess.ALLOW)).build();

        assertThat(compile(config).access().decide(column(config, SSN), "APP")).isEqualTo(DecryptAccess.ALLOW);
        assertThat(compile(config).access().decide(column(config, SSN), "")).isEqualTo(DecryptAccess.DENY);
        assertThat(compile(config).access().decide(column(config, SSN), null)).isEqualTo(DecryptAccess.DENY);
    }

    /** A statement, and the kind of use of clinic_p.ssn or clinic_p.note it makes. */
    private enum Use {
        LOOKUP("SELECT id FROM clinic_p WHERE ssn = ?"),
        LOOKUP_IN_LITERALS("SELECT id FROM clinic_p WHERE ssn IN ('123-45-6789', '987-65-4321')"),
        LOOKUP_IN_DELETE("DELETE FROM clinic_p WHERE ssn <> ?"),
        WRITE_INSERT("INSERT INTO clinic_p (id, ssn) VALUES (?, ?)"),
        WRITE_UPDATE("UPDATE clinic_p SET ssn = ? WHERE id = ?"),
        WRITE_RANDOMIZED("INSERT INTO clinic_p (id, note) VALUES (?, 'seen twice')"),
        UPSERT_ON_CONFLICT("INSERT INTO clinic_p (id, ssn) VALUES (?, ?) ON CONFLICT (ssn) DO NOTHING"),
        JOIN("SELECT clinic_p.id FROM clinic_p JOIN clinic_v ON clinic_v.patient_ssn = clinic_p.ssn"),
        IN_SUBQUERY("SELECT id FROM clinic_p WHERE ssn IN (SELECT patient_ssn FROM clinic_v)"),
        GROUP_BY("SELECT ssn, COUNT(*) FROM clinic_p GROUP BY ssn"),
        DISTINCT("SELECT DISTINCT ssn FROM clinic_p"),
        COUNT_DISTINCT("SELECT COUNT(DISTINCT ssn) FROM clinic_p"),
        COPY("INSERT INTO clinic_v (id, patient_ssn) SELECT id, ssn FROM clinic_p"),
        COPY_IN_UPDATE("UPDATE clinic_v SET patient_ssn = clinic_p.ssn FROM clinic_p WHERE clinic_p.id = clinic_v.id"),
        NULL_TEST("SELECT id FROM clinic_p WHERE ssn IS NULL"),
        READ("SELECT ssn, note FROM clinic_p WHERE id = ?");

        final String sql;

        Use(String sql) {
            this.sql = sql;
        }
    }

    /** Whether a principal with {@code access} on every column may make {@code use}; reading is decided per cell. */
    private static boolean permitted(DecryptAccess access, Use use) {
        return switch (access) {
            case ALLOW -> true;
            case DENY -> use == Use.READ;
            case NULL, MASK -> use == Use.READ || use == Use.NULL_TEST || use == Use.WRITE_RANDOMIZED;
        };
    }

    @Example
    void eachDecisionPermitsTheUsesOfItsTableAndRefusesTheOthersWith28000BeforeSending() throws Exception {
        List<String> wrong = new ArrayList<>();
        for (DecryptAccess access : DecryptAccess.values()) {
            String principal = "p_" + access.policyName();
            CloakConfig config = policy().accessRule(new AccessRule(principal,
                    List.of(SSN, "clinic_p.note", "clinic_v.patient_ssn"), access)).build();
            Compiled compiled = compile(config);
            for (Use use : Use.values()) {
                audited.clear();
                Throwable refused = catchThrowable(() -> compiled.access().checkUses(compiled.plan(use.sql),
                        principal));
                boolean expected = permitted(access, use);
                if (expected != (refused == null)) {
                    wrong.add(access + " " + use + ": " + (refused == null ? "permitted" : refused.getMessage()));
                    continue;
                }
                if (refused != null) {
                    assertThat(refused).isInstanceOf(SQLException.class);
                    assertThat(((SQLException) refused).getSQLState()).isEqualTo("28000");
                    assertThat(refused.getMessage()).contains("Principal " + principal + " may not")
                            .contains("(access policy: " + access.policyName() + ")")
                            .doesNotContain("123-45-6789").doesNotContain("seen twice");
                    assertThat(audited).as("%s %s", access, use).hasSize(1);
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Example
    void aRefusalNamesTheUseAndTheColumn() throws Exception {
        CloakConfig config = policy().accessRule(new AccessRule("analytics", List.of(SSN), DecryptAccess.MASK))
                .build();
        Compiled compiled = compile(config);

        Throwable lookup = catchThrowable(() -> compiled.access().checkUses(compiled.plan(Use.LOOKUP.sql),
                "analytics"));
        Throwable write = catchThrowable(() -> compiled.access().checkUses(compiled.plan(Use.WRITE_INSERT.sql),
                "analytics"));

        assertThat(lookup).hasMessageStartingWith("Principal analytics may not look up by value encrypted column "
                + SSN + " (access policy: mask)");
        assertThat(write).hasMessageStartingWith("Principal analytics may not write encrypted column " + SSN)
                .hasMessageContaining("unique constraint");
        assertThat(audited).containsExactly("analytics clinic_p.ssn", "analytics clinic_p.ssn");
    }

    @Example
    void aPolicyThatRefusesNothingChecksNothing() throws Exception {
        CloakConfig config = policy().accessRule(new AccessRule("app", List.of(SSN), DecryptAccess.ALLOW)).build();
        Compiled compiled = compile(config);

        for (Use use : Use.values()) {
            assertThatCode(() -> compiled.access().checkUses(compiled.plan(use.sql), "anyone"))
                    .doesNotThrowAnyException();
        }
        assertThat(audited).isEmpty();
    }

    @Example
    void aMaskHasOneWidthWhateverTheLengthOfTheValue() {
        assertThat(AccessPolicy.mask("123-45-6789")).isEqualTo("****6789");
        assertThat(AccessPolicy.mask("4111111111111111")).isEqualTo("****1111");
        assertThat(AccessPolicy.mask("12345678")).isEqualTo("****5678");
        for (String shortValue : new String[] {"", "a", "ab1", "1234", "abcdefg", "Zoë 李 🚀"}) {
            assertThat(AccessPolicy.mask(shortValue)).as(shortValue).isEqualTo("********");
        }
        assertThat(AccessPolicy.mask("Ann Lee-Smith 🚀🚀")).as("characters, not UTF-16 units").isEqualTo("****h 🚀🚀");
        assertThat(AccessPolicy.mask(42)).isNull();
    }
}
