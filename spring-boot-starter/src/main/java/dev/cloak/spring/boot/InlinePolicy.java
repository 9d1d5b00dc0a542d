package dev.cloak.spring.boot;

import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.PolicyException;
import dev.cloak.driver.config.PolicyFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;

/**
 * The policy given under {@code cloak.*} instead of in a policy file. It is written out as the policy file it
 * stands for (every value a quoted string, so nothing in a value can change the file's structure) and read by the
 * driver's own {@link PolicyFile}: the same checks, the same defaults, and the SHA-256 of that text as the policy's
 * hash. An error names the {@code cloak.*} property and where it was set ({@link PropertyOrigins}).
 */
final class InlinePolicy {

    /** How the policy names its source in messages, in {@link CloakConfig#source()} and on the audit trail. */
    static final String SOURCE = "application properties (cloak.*)";

    private InlinePolicy() {
    }

    /** Whether any setting of the policy file's layout is given under {@code cloak.*}. */
    static boolean isPresent(CloakProperties properties) {
        return !policyTree(properties).isEmpty();
    }

    /**
     * Reads the inline policy.
     *
     * @throws PolicyException naming the {@code cloak.*} property in error and, where known, where it was set
     */
    static CloakConfig load(CloakProperties properties, PropertyOrigins origins) throws PolicyException {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("version", "1"); // an inline policy is of the version this starter's driver reads, unless it says
        tree.putAll(policyTree(properties));
        if (tree.containsKey("columns")) {
            tree.put("columns", columns(properties.getColumns(), origins));
        }
        try {
            return PolicyFile.parse(yaml(tree), SOURCE);
        } catch (PolicyException e) {
            throw origins.relocate(e);
        }
    }

    /** The policy file text that {@code tree} stands for; every key and value a double-quoted YAML string. */
    static String yaml(Map<String, Object> tree) {
        DumpSettings settings = DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK)
                .setDefaultScalarStyle(ScalarStyle.DOUBLE_QUOTED).setWidth(Integer.MAX_VALUE).build();
        return new Dump(settings).dumpToString(tree);
    }

    /** The sections given, in the policy file's layout, without columns (read apart: their names hold dots). */
    private static Map<String, Object> policyTree(CloakProperties p) {
        Map<String, Object> tree = new LinkedHashMap<>();
        if (p.getVersion() != null) {
            tree.put("version", p.getVersion());
        }
        CloakProperties.Keyring k = p.getKeyring();
        Map<String, Object> cache = section();
        put(cache, "ttl", k.getCache().getTtl());
        put(cache, "max-entries", k.getCache().getMaxEntries());
        Map<String, Object> keyring = section();
        put(keyring, "master-key", k.getMasterKey());
        put(keyring, "store", k.getStore());
        put(keyring, "ledger", k.getLedger());
        put(keyring, "auto-create", k.getAutoCreate());
        put(keyring, "kms-timeout", k.getKmsTimeout());
        put(keyring, "rotate-after", k.getRotateAfter());
        put(keyring, "cache", cache);
        put(tree, "keyring", keyring);
        if (!p.getColumns().isEmpty()) {
            tree.put("columns", p.getColumns());
        }
        Map<String, Object> access = section();
        put(access, "default", p.getAccess().getDefault());
        put(access, "principal", p.getAccess().getPrincipal());
        if (!p.getAccess().getRules().isEmpty()) {
            List<Object> rules = new ArrayList<>();
            for (CloakProperties.Rule r : p.getAccess().getRules()) {
                Map<String, Object> rule = section();
                put(rule, "principal", r.getPrincipal());
                rule.put("columns", List.copyOf(r.getColumns()));
                put(rule, "decrypt", r.getDecrypt());
                rules.add(rule);
            }
            access.put("rules", rules);
        }
        put(tree, "access", access);
        Map<String, Object> audit = section();
        put(audit, "sink", p.getAudit().getSink());
        put(tree, "audit", audit);
        Map<String, Object> network = section();
        put(network, "require-tls", p.getNetwork().getRequireTls());
        put(network, "verify-server", p.getNetwork().getVerifyServer());
        put(network, "min-tls", p.getNetwork().getMinTls());
        put(network, "require-client-cert", p.getNetwork().getRequireClientCert());
        if (!p.getNetwork().getAllowDriverSettings().isEmpty()) {
            network.put("allow-driver-settings", List.copyOf(p.getNetwork().getAllowDriverSettings()));
        }
        put(tree, "network", network);
        Map<String, Object> statements = section();
        put(statements, "cache-size", p.getStatements().getCacheSize());
        put(tree, "statements", statements);
        return tree;
    }

    /**
     * The columns by policy name. Spring splits {@code cloak.columns.patients.ssn.type} at every dot, so the bound
     * map nests table under column under schema: a map whose values are all plain values is one column's settings,
     * and the path to it is the column's name.
     */
    private static Map<String, Object> columns(Map<String, Object> bound, PropertyOrigins origins)
            throws PolicyException {
        Map<String, Object> columns = new LinkedHashMap<>();
        collect("", bound, columns, origins);
        return columns;
    }

    private static void collect(String prefix, Map<?, ?> level, Map<String, Object> columns, PropertyOrigins origins)
            throws PolicyException {
        for (Map.Entry<?, ?> e : level.entrySet()) {
            String name = prefix + e.getKey();
            if (!(e.getValue() instanceof Map<?, ?> settings)) {
                columns.put(name, text(e.getValue())); // the driver says: must be a mapping of settings
                continue;
            }
            long nested = settings.values().stream().filter(v -> v instanceof Map).count();
            if (nested == 0) {
                Map<String, Object> column = new LinkedHashMap<>();
                settings.forEach((key, value) -> column.put(String.valueOf(key), text(value)));
                columns.put(name, column);
            } else if (nested == settings.size()) {
                collect(name + ".", settings, columns, origins);
            } else {
                throw origins.error("columns." + name, "mixes a column's settings with further names under it; "
                        + "give each column as table.column (or schema.table.column) with its settings");
            }
        }
    }

    /** A bound value as the policy file would hold it: text, or a list of texts. */
    private static Object text(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().map(InlinePolicy::text).toList();
        }
        return value == null ? "" : String.valueOf(value);
    }

    private static Map<String, Object> section() {
        return new LinkedHashMap<>();
    }

    /** Puts a setting that was given: a value that is not null, or a section that is not empty. */
    private static void put(Map<String, Object> section, String key, Object value) {
        if (value == null || value instanceof Map<?, ?> m && m.isEmpty()) {
            return;
        }
        section.put(key, value);
    }
}
