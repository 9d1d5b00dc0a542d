package dev.cloak.driver.config;

import dev.cloak.driver.CloakSetting;
import dev.cloak.driver.internal.codec.CellFormat;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads a policy file ({@code cloak.yaml}) into a {@link CloakConfig}. Strict: unknown settings,
 * duplicate keys, bad values and unsupported security settings fail with a {@link PolicyException} that
 * names the file, the line and the setting — never with a silently corrected policy.
 */
public final class PolicyFile {

    private static final Set<String> TOP = Set.of("version", "keyring", "columns", "access", "network", "statements",
            "audit");
    private static final Set<String> KEYRING = Set.of("master-key", "store", "ledger", "cache", "auto-create",
            "kms-timeout", "rotate-after");
    private static final Set<String> CACHE = Set.of("ttl", "max-entries");
    private static final Set<String> COLUMN = Set.of("type", "mode", "pad", "key", "size", "scale", "cache");
    private static final Set<String> COLUMN_CACHE = Set.of("entries");
    private static final Set<String> PAD = Set.of("size", "buckets");
    private static final Set<String> ACCESS = Set.of("default", "principal", "rules");
    private static final Set<String> RULE = Set.of("principal", "columns", "decrypt");
    private static final Set<String> NETWORK = Set.of("require-tls", "verify-server", "min-tls",
            "require-client-cert", "allow-driver-settings");
    private static final Set<String> STATEMENTS = Set.of("cache-size");
    private static final Set<String> AUDIT = Set.of("sink");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");

    private final String source;

    private PolicyFile(String source) {
        this.source = source;
    }

    /**
     * Loads the policy at {@code location}.
     *
     * @param location {@code file:PATH}, {@code classpath:PATH} or a plain path
     * @throws PolicyException when the file is missing, unreadable or invalid
     */
    public static CloakConfig load(String location) throws PolicyException {
        if (location == null || location.isBlank()) {
            throw new PolicyException(CloakSetting.CONFIG.key(), 0, null, "no policy file location given");
        }
        if (location.startsWith("classpath:")) {
            return parse(readResource(location), location);
        }
        Path path = toPath(location);
        String name = path.toString();
        String yaml;
        try {
            yaml = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new PolicyException(name, 0, null, "policy file not found", e);
        } catch (AccessDeniedException e) {
            throw new PolicyException(name, 0, null, "policy file is not readable (access denied)", e);
        } catch (CharacterCodingException e) {
            throw new PolicyException(name, 0, null, "policy file is not valid UTF-8", e);
        } catch (IOException e) {
            throw new PolicyException(name, 0, null, "cannot read policy file (" + e.getClass().getSimpleName()
                    + ")", e);
        }
        return parse(yaml, name);
    }

    /**
     * Parses policy YAML text; for tests and tools.
     *
     * @param sourceName names the text in error messages and becomes {@link CloakConfig#source()}
     * @throws PolicyException when the policy is invalid
     */
    public static CloakConfig parse(String yaml, String sourceName) throws PolicyException {
        PolicyFile file = new PolicyFile(sourceName == null ? "policy" : sourceName);
        return file.read(file.compose(yaml), sha256(yaml == null ? "" : yaml));
    }

    /** The hash the audit trail's policy-loaded record carries: of the UTF-8 bytes, i.e. of the file as read. */
    private static String sha256(String yaml) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(yaml.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    private static Path toPath(String location) throws PolicyException {
        try {
            if (location.startsWith("file://")) {
                return Path.of(URI.create(location));
            }
            return Path.of(location.startsWith("file:") ? location.substring("file:".length()) : location);
        } catch (RuntimeException e) {
            throw new PolicyException(location, 0, null, "not a valid file path", e);
        }
    }

    private static String readResource(String location) throws PolicyException {
        String resource = location.substring("classpath:".length());
        while (resource.startsWith("/")) {
            resource = resource.substring(1);
        }
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = PolicyFile.class.getClassLoader();
        }
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new PolicyException(location, 0, null, "policy file not found on the classpath");
            }
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(in.readAllBytes())).toString();
        } catch (CharacterCodingException e) {
            throw new PolicyException(location, 0, null, "policy file is not valid UTF-8", e);
        } catch (IOException e) {
            throw new PolicyException(location, 0, null, "cannot read policy file (" + e.getClass().getSimpleName()
                    + ")", e);
        }
    }

    private Node compose(String yaml) throws PolicyException {
        LoadSettings settings = LoadSettings.builder().setLabel(source).setAllowDuplicateKeys(false)
                .setAllowRecursiveKeys(false).build();
        Optional<Node> root;
        try {
            root = new Compose(settings).composeString(yaml == null ? "" : yaml);
        } catch (MarkedYamlEngineException e) {
            // Only the problem and its line: the library's message quotes a snippet that may hold the master key URI.
            int line = e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(0);
            throw new PolicyException(source, line, null, "not valid YAML: " + e.getProblem());
        } catch (YamlEngineException e) {
            throw new PolicyException(source, 0, null, "not valid YAML");
        }
        if (root.isEmpty() || isNull(root.get())) {
            throw new PolicyException(source, 1, null, "the policy file is empty");
        }
        return root.get();
    }

    private CloakConfig read(Node root, String sha256) throws PolicyException {
        Map<String, Entry> top = mapping(root, "", TOP);
        CloakConfig.Builder builder = CloakConfig.builder().source(source).policySha256(sha256);

        Entry version = top.get("version");
        if (version == null) {
            throw error(root, "version", "required; this version of Cloak reads version: 1");
        }
        if (!"1".equals(scalar(version.value, "version"))) {
            throw error(version.value, "version", "unsupported version; this version of Cloak reads version: 1");
        }
        Entry audit = top.get("audit");
        if (audit != null) {
            readAudit(audit, builder);
        }
        readKeyring(root, top.get("keyring"), builder);
        List<ColumnPolicy> columns = readColumns(top.get("columns"), builder);
        readAccess(top.get("access"), columns, builder);

        Entry network = top.get("network");
        if (network != null && !isNull(network.value)) {
            readNetwork(network, builder);
        }
        Entry statements = top.get("statements");
        if (statements != null && !isNull(statements.value)) {
            Entry size = mapping(statements.value, "statements", STATEMENTS).get("cache-size");
            if (size != null) {
                int n = integer(size.value, "statements.cache-size");
                apply(size.value, "statements.cache-size", () -> builder.statementCacheSize(n));
            }
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            // Every rule of build() is checked above with its line; this is the backstop.
            throw new PolicyException(source, 1, null, e.getMessage(), e);
        }
    }

    private void readNetwork(Entry network, CloakConfig.Builder builder) throws PolicyException {
        Map<String, Entry> map = mapping(network.value, "network", NETWORK);
        Entry tls = map.get("require-tls");
        if (tls != null) {
            builder.requireTls(bool(tls.value, "network.require-tls"));
        }
        boolean requireTls = tls == null || bool(tls.value, "network.require-tls");
        Entry verify = map.get("verify-server");
        if (verify != null) {
            boolean v = bool(verify.value, "network.verify-server");
            if (v && !requireTls) {
                throw error(verify.value, "network.verify-server", "true needs network.require-tls: true");
            }
            builder.verifyServer(v);
        }
        Entry min = map.get("min-tls");
        if (min != null && !isNull(min.value)) {
            String text = scalar(min.value, "network.min-tls");
            TlsVersion version = TlsVersion.ofPolicy(text).orElseThrow(() -> error(min.value, "network.min-tls",
                    "must be \"1.2\" or \"1.3\", not '" + text + "'"));
            if (!requireTls) {
                throw error(min.value, "network.min-tls", "needs network.require-tls: true");
            }
            builder.minTls(version);
        }
        Entry clientCert = map.get("require-client-cert");
        if (clientCert != null) {
            boolean c = bool(clientCert.value, "network.require-client-cert");
            if (c && !requireTls) {
                throw error(clientCert.value, "network.require-client-cert", "true needs network.require-tls: true");
            }
            builder.requireClientCert(c);
        }
        Entry allow = map.get("allow-driver-settings");
        if (allow != null && !isNull(allow.value)) {
            if (!(allow.value instanceof SequenceNode seq)) {
                throw error(allow.value, "network.allow-driver-settings", "must be a list of driver setting names");
            }
            for (Node n : seq.getValue()) {
                String name = scalar(n, "network.allow-driver-settings");
                apply(n, "network.allow-driver-settings", () -> builder.allowDriverSetting(name));
            }
        }
    }

    private void readAudit(Entry audit, CloakConfig.Builder builder) throws PolicyException {
        // An audit: section without a sink would silently record nothing: refuse it instead.
        if (isNull(audit.value)) {
            throw error(audit.key, "audit.sink", "required when audit is present (file:PATH)");
        }
        Entry sink = mapping(audit.value, "audit", AUDIT).get("sink");
        if (sink == null) {
            throw error(audit.key, "audit.sink", "required when audit is present (file:PATH)");
        }
        String value = scalar(sink.value, "audit.sink");
        apply(sink.value, "audit.sink", () -> builder.auditSink(value));
    }

    private void readKeyring(Node root, Entry keyring, CloakConfig.Builder builder) throws PolicyException {
        if (keyring == null || isNull(keyring.value)) {
            throw error(keyring == null ? root : keyring.key, "keyring.master-key", "required");
        }
        Map<String, Entry> map = mapping(keyring.value, "keyring", KEYRING);
        Entry master = map.get("master-key");
        if (master == null) {
            throw error(keyring.key, "keyring.master-key", "required");
        }
        String uri = scalar(master.value, "keyring.master-key");
        if (uri.isBlank()) {
            throw error(master.value, "keyring.master-key", "must not be empty");
        }
        builder.masterKey(uri);
        Entry store = map.get("store");
        if (store != null) {
            String value = scalar(store.value, "keyring.store");
            if (!value.equals("database") && !(value.startsWith("file:") && value.length() > "file:".length())) {
                throw error(store.value, "keyring.store", "must be database or file:PATH");
            }
            builder.keyStore(value);
        }
        Entry ledger = map.get("ledger");
        if (ledger != null && !isNull(ledger.value)) {
            String value = scalar(ledger.value, "keyring.ledger");
            apply(ledger.value, "keyring.ledger", () -> builder.keyLedger(value));
        }
        Entry cache = map.get("cache");
        if (cache != null && !isNull(cache.value)) {
            Map<String, Entry> c = mapping(cache.value, "keyring.cache", CACHE);
            Duration ttl = CloakConfig.DEFAULT_CACHE_TTL;
            long max = CloakConfig.DEFAULT_CACHE_MAX_ENTRIES;
            if (c.containsKey("ttl")) {
                ttl = duration(c.get("ttl").value, "keyring.cache.ttl");
                if (ttl.isZero()) {
                    throw error(c.get("ttl").value, "keyring.cache.ttl", "must be positive");
                }
            }
            if (c.containsKey("max-entries")) {
                max = longValue(c.get("max-entries").value, "keyring.cache.max-entries");
                if (max < 1) {
                    throw error(c.get("max-entries").value, "keyring.cache.max-entries", "must be at least 1");
                }
            }
            Duration t = ttl;
            long m = max;
            apply(cache.value, "keyring.cache", () -> builder.cache(t, m));
        }
        Entry autoCreate = map.get("auto-create");
        if (autoCreate != null) {
            builder.autoCreateKeys(bool(autoCreate.value, "keyring.auto-create"));
        }
        Entry kmsTimeout = map.get("kms-timeout");
        if (kmsTimeout != null && !isNull(kmsTimeout.value)) {
            Duration timeout = duration(kmsTimeout.value, "keyring.kms-timeout");
            apply(kmsTimeout.value, "keyring.kms-timeout", () -> builder.kmsTimeout(timeout));
        }
        Entry rotateAfter = map.get("rotate-after");
        if (rotateAfter != null && !isNull(rotateAfter.value)) {
            Duration period = duration(rotateAfter.value, "keyring.rotate-after");
            apply(rotateAfter.value, "keyring.rotate-after", () -> builder.rotateAfter(period));
        }
    }

    /** A column as read, with the lines its errors point at. */
    private record ReadColumn(ColumnPolicy policy, String setting, ScalarNode name, String keyColumn, Node keyNode) {

        ReadColumn withKeyDomain(String domain) {
            ColumnPolicy p = policy;
            return new ReadColumn(new ColumnPolicy(p.schema(), p.table(), p.column(), p.quoted(), p.type(), p.mode(),
                    domain, p.pad(), p.size(), p.scale(), p.padBuckets(), p.cacheEntries()), setting, name, keyColumn,
                    keyNode);
        }
    }

    private List<ColumnPolicy> readColumns(Entry columns, CloakConfig.Builder builder) throws PolicyException {
        List<ReadColumn> read = new ArrayList<>();
        if (columns == null || isNull(columns.value)) {
            return List.of();
        }
        Map<String, Entry> map = mapping(columns.value, "columns", null);
        Map<String, ReadColumn> byName = new HashMap<>();
        for (Map.Entry<String, Entry> e : map.entrySet()) {
            String name = e.getKey();
            String setting = "columns." + name;
            ReadColumn column = readColumn(name, setting, e.getValue());
            if (byName.putIfAbsent(name.toLowerCase(Locale.ROOT), column) != null) {
                throw error(e.getValue().key, setting, "column is listed twice");
            }
            read.add(column);
        }
        for (int i = 0; i < read.size(); i++) {
            ReadColumn c = read.get(i);
            if (c.keyColumn() == null) {
                continue;
            }
            String setting = c.setting() + ".key";
            List<ReadColumn> owners = findColumns(read, c.keyColumn());
            if (owners.isEmpty()) {
                throw error(c.keyNode(), setting, c.keyColumn() + " is not an encrypted column of this policy");
            }
            if (owners.size() > 1) {
                // the key's domain would depend on the order of the policy: name the owner exactly
                throw error(c.keyNode(), setting, c.keyColumn() + " names " + owners.size()
                        + " encrypted columns of this policy; name the key's owner with its schema");
            }
            ReadColumn owner = owners.get(0);
            if (owner == c) {
                throw error(c.keyNode(), setting, "a column cannot name itself; remove key");
            }
            if (owner.keyColumn() != null) {
                throw error(c.keyNode(), setting, c.keyColumn()
                        + " shares another column's key itself; name the key's owner, "
                        + owner.policy().keyDomain());
            }
            if (owner.policy().mode() != c.policy().mode()) {
                throw error(c.keyNode(), setting, c.keyColumn() + " has another mode ("
                        + owner.policy().mode().policyName() + ", this column " + c.policy().mode().policyName() + ")");
            }
            if (owner.policy().type() != c.policy().type()) {
                throw error(c.keyNode(), setting, c.keyColumn() + " has another type ("
                        + owner.policy().type().policyName() + ", this column " + c.policy().type().policyName() + ")");
            }
            if (owner.policy().scale() != c.policy().scale()) {
                // equal numbers would encrypt differently (1.5 and 1.50) and a join on the shared key would miss them
                throw error(c.keyNode(), setting, c.keyColumn() + " has another scale (" + scaleName(owner.policy())
                        + ", this column " + scaleName(c.policy()) + ")");
            }
            // the owner's domain, with its schema, however the key: setting spells the owner
            read.set(i, c.withKeyDomain(owner.policy().ownDomain()));
        }
        for (ReadColumn c : read) {
            if (c.keyColumn() == null) {
                for (ReadColumn other : read) {
                    if (other != c && other.keyColumn() == null
                            && other.policy().ownDomain().equals(c.policy().ownDomain())) {
                        throw error(other.name(), other.setting(), "has the same key domain " + c.policy().ownDomain()
                                + " as " + c.policy().name() + "; give one of them key: to share a key deliberately");
                    }
                }
            }
            builder.column(c.policy());
        }
        return read.stream().map(ReadColumn::policy).collect(Collectors.toList());
    }

    private ReadColumn readColumn(String name, String setting, Entry entry) throws PolicyException {
        Map<String, Entry> map = mapping(entry.value, setting, COLUMN);
        Entry typeEntry = map.get("type");
        if (typeEntry == null) {
            throw error(entry.key, setting + ".type", "required (one of " + names(ColumnType.values()) + ")");
        }
        String typeName = scalar(typeEntry.value, setting + ".type");
        ColumnType type = ColumnType.fromPolicyName(typeName);
        if (type == null) {
            throw error(typeEntry.value, setting + ".type", "unknown type '" + typeName + "' (one of "
                    + names(ColumnType.values()) + ")");
        }
        Entry modeEntry = map.get("mode");
        if (modeEntry == null) {
            throw error(entry.key, setting + ".mode", "required (one of " + names(EncryptionMode.values()) + ")");
        }
        String modeName = scalar(modeEntry.value, setting + ".mode");
        EncryptionMode mode = EncryptionMode.fromPolicyName(modeName);
        if (mode == null) {
            throw error(modeEntry.value, setting + ".mode", "unknown mode '" + modeName + "' (one of "
                    + names(EncryptionMode.values()) + ")");
        }
        int pad = 0;
        boolean padBuckets = false;
        if (map.containsKey("pad")) {
            Node padNode = map.get("pad").value;
            String padSetting = setting + ".pad";
            if (padNode instanceof MappingNode) {
                // pad: { size: N, buckets: true } rounds up to a multiple of N instead of one fixed size
                Map<String, Entry> padMap = mapping(padNode, padSetting, PAD);
                Entry size = padMap.get("size");
                if (size == null) {
                    throw error(padNode, padSetting + ".size", "required (the pad in bytes)");
                }
                padNode = size.value;
                padSetting = padSetting + ".size";
                Entry buckets = padMap.get("buckets");
                padBuckets = buckets != null && bool(buckets.value, setting + ".pad.buckets");
            }
            pad = integer(padNode, padSetting);
            if (pad < 0) {
                throw error(padNode, padSetting, "must not be negative");
            }
            if (pad > ColumnPolicy.MAX_PAD) {
                throw error(padNode, padSetting, "must be at most " + ColumnPolicy.MAX_PAD);
            }
            if (padBuckets && pad == 0) {
                throw error(padNode, padSetting, "must be at least 1 with buckets");
            }
            String tooSmall = padBuckets ? null : CellFormat.fixedPadProblem(type, pad);
            if (tooSmall != null) {
                throw error(padNode, padSetting, tooSmall);
            }
        }
        int size = 0;
        if (map.containsKey("size")) {
            Node sizeNode = map.get("size").value;
            size = integer(sizeNode, setting + ".size");
            if (size < 0) {
                throw error(sizeNode, setting + ".size", "must not be negative");
            }
            if (type != ColumnType.VARCHAR && type != ColumnType.BYTES) {
                throw error(sizeNode, setting + ".size", "applies to varchar and bytes columns only");
            }
        }
        int scale = ColumnPolicy.NO_SCALE;
        if (map.containsKey("scale")) {
            Node scaleNode = map.get("scale").value;
            scale = integer(scaleNode, setting + ".scale");
            if (type != ColumnType.DECIMAL) {
                throw error(scaleNode, setting + ".scale", "applies to decimal columns only");
            }
            if (scale < 0 || scale > ColumnPolicy.MAX_SCALE) {
                throw error(scaleNode, setting + ".scale", "must be between 0 and " + ColumnPolicy.MAX_SCALE);
            }
        }
        String keyColumn = null;
        Node keyNode = null;
        if (map.containsKey("key")) {
            keyNode = map.get("key").value;
            keyColumn = scalar(keyNode, setting + ".key");
            try {
                ColumnNames.split(keyColumn);
            } catch (IllegalArgumentException e) {
                throw error(keyNode, setting + ".key", e.getMessage());
            }
        }
        int cacheEntries = map.containsKey("cache") ? cacheEntries(map.get("cache").value, setting + ".cache", mode)
                : 0;
        ColumnPolicy policy;
        try {
            policy = ColumnNames.policy(name, type, mode, pad, padBuckets, size, scale, keyColumn, cacheEntries);
        } catch (IllegalArgumentException e) {
            throw error(entry.key, setting, e.getMessage());
        }
        return new ReadColumn(policy, setting, entry.key, keyColumn, keyNode);
    }

    /** {@code cache: { entries: N }}: the hot-value memo of a deterministic column. */
    private int cacheEntries(Node node, String setting, EncryptionMode mode) throws PolicyException {
        Map<String, Entry> cache = mapping(node, setting, COLUMN_CACHE);
        Entry entries = cache.get("entries");
        if (entries == null) {
            throw error(node, setting + ".entries", "required (how many hot values to remember, e.g. 10000)");
        }
        int n = integer(entries.value, setting + ".entries");
        if (n < 1 || n > ColumnPolicy.MAX_CACHE_ENTRIES) {
            throw error(entries.value, setting + ".entries", "must be between 1 and " + ColumnPolicy.MAX_CACHE_ENTRIES);
        }
        if (mode != EncryptionMode.DETERMINISTIC) {
            throw error(node, setting, "applies to deterministic columns only (a randomized column's cells differ"
                    + " for equal values, so there is nothing to remember)");
        }
        return n;
    }

    private static String scaleName(ColumnPolicy column) {
        return column.scale() == ColumnPolicy.NO_SCALE ? "none" : String.valueOf(column.scale());
    }

    /** The columns of this policy that {@code name} denotes, matched as SQL matches identifiers. */
    private static List<ReadColumn> findColumns(List<ReadColumn> columns, String name) {
        List<ReadColumn> found = new ArrayList<>();
        for (ReadColumn c : columns) {
            if (ColumnNames.matches(name, c.policy())) {
                found.add(c);
            }
        }
        return found;
    }

    private void readAccess(Entry access, List<ColumnPolicy> columns, CloakConfig.Builder builder)
            throws PolicyException {
        if (access == null || isNull(access.value)) {
            return;
        }
        Map<String, Entry> map = mapping(access.value, "access", ACCESS);
        Entry def = map.get("default");
        if (def != null) {
            String value = scalar(def.value, "access.default");
            DecryptAccess a = DecryptAccess.fromPolicyName(value);
            if (a != DecryptAccess.ALLOW && a != DecryptAccess.DENY) {
                throw error(def.value, "access.default", "must be allow or deny, not '" + value + "'");
            }
            builder.defaultAccess(a);
        }
        Entry principalSource = map.get("principal");
        if (principalSource != null) {
            String value = scalar(principalSource.value, "access.principal");
            PrincipalSource source = PrincipalSource.fromPolicyName(value);
            if (source == null) {
                throw error(principalSource.value, "access.principal", "must be session (the database session's"
                        + " user) or asserted (the application names it), not '" + value + "'");
            }
            builder.principalSource(source);
        }
        Entry rules = map.get("rules");
        if (rules == null || isNull(rules.value)) {
            return;
        }
        if (!(rules.value instanceof SequenceNode seq)) {
            throw error(rules.value, "access.rules", "must be a list of rules");
        }
        int i = 0;
        // principal and encrypted column -> the rule that decided it
        Map<String, String> ruled = new HashMap<>();
        for (Node ruleNode : seq.getValue()) {
            String setting = "access.rules[" + i++ + "]";
            Map<String, Entry> rule = mapping(ruleNode, setting, RULE);
            Entry principal = rule.get("principal");
            Entry cols = rule.get("columns");
            Entry decrypt = rule.get("decrypt");
            if (principal == null) {
                throw error(ruleNode, setting + ".principal", "required");
            }
            if (cols == null) {
                throw error(ruleNode, setting + ".columns", "required");
            }
            if (decrypt == null) {
                throw error(ruleNode, setting + ".decrypt", "required (one of " + names(DecryptAccess.values()) + ")");
            }
            String who = scalar(principal.value, setting + ".principal");
            if (who.isBlank()) {
                throw error(principal.value, setting + ".principal", "must not be empty");
            }
            String decryptName = scalar(decrypt.value, setting + ".decrypt");
            DecryptAccess what = DecryptAccess.fromPolicyName(decryptName);
            if (what == null) {
                throw error(decrypt.value, setting + ".decrypt", "unknown access '" + decryptName + "' (one of "
                        + names(DecryptAccess.values()) + ")");
            }
            if (!(cols.value instanceof SequenceNode colSeq) || colSeq.getValue().isEmpty()) {
                throw error(cols.value, setting + ".columns", "must be a non-empty list of column names");
            }
            List<String> names = new ArrayList<>();
            for (Node c : colSeq.getValue()) {
                String name = scalar(c, setting + ".columns");
                // A typo here would hand plaintext to a principal the rule meant to restrict.
                List<ColumnPolicy> named;
                try {
                    named = columns.stream().filter(col -> ColumnNames.matches(name, col)).toList();
                } catch (IllegalArgumentException e) {
                    throw error(c, setting + ".columns", e.getMessage());
                }
                if (named.isEmpty()) {
                    throw error(c, setting + ".columns", name + " is not an encrypted column of this policy"
                            + " (names match as SQL identifiers: unquoted in any case, quoted exactly)");
                }
                // Two rules for one principal and column would leave what it gets to rule order: refuse instead.
                for (ColumnPolicy column : named) {
                    String earlier = ruled.putIfAbsent(AccessRule.principalKey(who) + "\u0000" + column.name(),
                            setting);
                    if (earlier != null && !earlier.equals(setting)) {
                        throw error(c, setting + ".columns", name + " already has a rule for principal " + who
                                + " in " + earlier);
                    }
                }
                names.add(name);
            }
            builder.accessRule(new AccessRule(who, names, what));
        }
    }

    // ---- node helpers ----

    /** A key and its value node. */
    private record Entry(ScalarNode key, Node value) {
    }

    /**
     * The entries of a mapping; rejects non-mappings, non-scalar keys, duplicate keys and (when allowed is set) unknown
     * keys.
     */
    private Map<String, Entry> mapping(Node node, String setting, Set<String> allowed) throws PolicyException {
        if (!(node instanceof MappingNode mappingNode)) {
            throw error(node, setting.isEmpty() ? "(top level)" : setting, "must be a mapping of settings");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (NodeTuple t : mappingNode.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode key)) {
                throw error(t.getKeyNode(), setting, "keys must be plain names");
            }
            String name = key.getValue();
            String child = setting.isEmpty() ? name : setting + "." + name;
            if (allowed != null && !allowed.contains(name)) {
                throw error(key, child, "unknown setting (one of " + String.join(", ", sorted(allowed)) + ")");
            }
            if (entries.putIfAbsent(name, new Entry(key, t.getValueNode())) != null) {
                throw error(key, child, "listed twice");
            }
        }
        return entries;
    }

    private String scalar(Node node, String setting) throws PolicyException {
        if (!(node instanceof ScalarNode s)) {
            throw error(node, setting, "must be a single value, not a "
                    + (node instanceof MappingNode ? "mapping" : "list"));
        }
        return s.getValue();
    }

    private int integer(Node node, String setting) throws PolicyException {
        long value = longValue(node, setting);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw error(node, setting, "out of range");
        }
        return (int) value;
    }

    private long longValue(Node node, String setting) throws PolicyException {
        String text = scalar(node, setting);
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw error(node, setting, "must be a whole number, not '" + text + "'");
        }
    }

    private boolean bool(Node node, String setting) throws PolicyException {
        String text = scalar(node, setting);
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw error(node, setting, "must be true or false, not '" + text + "'");
        };
    }

    private Duration duration(Node node, String setting) throws PolicyException {
        String text = scalar(node, setting);
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw error(node, setting, "bad duration '" + text + "' (a whole number with ms, s, m, h or d, e.g. 15m)");
        }
        long n = Long.parseLong(m.group(1));
        try {
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } catch (ArithmeticException e) {
            throw error(node, setting, "duration out of range");
        }
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode s && Tag.NULL.equals(s.getTag())
                && (s.getValue().isEmpty() || s.getValue().equals("~"));
    }

    /** Runs a builder call, turning its IllegalArgumentException into an error at {@code node}. */
    private void apply(Node node, String setting, Runnable call) throws PolicyException {
        try {
            call.run();
        } catch (IllegalArgumentException e) {
            throw error(node, setting, e.getMessage());
        }
    }

    private PolicyException error(Node node, String setting, String problem) {
        int line = node == null ? 0 : node.getStartMark().map(Mark::getLine).map(l -> l + 1).orElse(0);
        return new PolicyException(source, line, setting, problem);
    }

    private static String names(Enum<?>[] values) {
        return Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().collect(Collectors.toList());
    }
}
