package dev.cloak.driver;

import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.ColumnPolicy;
import dev.cloak.driver.internal.policy.CompiledPolicy;
import dev.cloak.keyring.KeyringException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a {@link CloakDataSource} found when it checked that it can encrypt ({@link CloakDataSource#checkHealth}):
 * where its policy came from and the policy's SHA-256, the master key's scheme (a {@code local:} master key is a
 * development key), the key store it names, and whether the policy compiled against the database, the key store
 * answered and the master key answered. It holds no key material and no part of the master-key URI but its scheme.
 *
 * @param checkedAt       when the check finished
 * @param policySource    where the policy came from (a file, a classpath resource, {@code builder}), or null when
 *                        the policy could not be loaded
 * @param policySha256    the lower-case hex SHA-256 of the policy text, or null (a policy built in code)
 * @param masterKeyScheme the scheme of {@code keyring.master-key} ({@code local}, {@code pkcs11}, …), or null
 * @param keyStore        {@code keyring.store}: {@code database} or {@code file:PATH}, or null
 * @param policy          whether the policy loaded and compiled against the target (one connection was opened)
 * @param keyStoreCheck   whether the key store answered a read of one of the policy's key domains
 * @param masterKeyCheck  whether the master key unwrapped the stored keyset of the policy's first key domain (a
 *                        decrypt: all an application's KMS role needs), or, when the store holds none, encrypted
 *                        and decrypted a throwaway value
 */
public record CloakHealth(Instant checkedAt, String policySource, String policySha256, String masterKeyScheme,
                          String keyStore, Check policy, Check keyStoreCheck, Check masterKeyCheck) {

    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]{0,31}");

    /** The outcome of one check. */
    public enum Status {
        /** The check passed. */
        UP,
        /** The check failed; {@link Check#problem()} says why. */
        DOWN,
        /** An earlier check failed, so this one could not run. */
        NOT_CHECKED
    }

    /**
     * One check's outcome.
     *
     * @param problem why it failed or was not run, or null when it passed; never a value or key material
     */
    public record Check(Status status, String problem) {

        public Check {
            Objects.requireNonNull(status, "status");
        }

        static Check up() {
            return new Check(Status.UP, null);
        }

        static Check down(String problem) {
            return new Check(Status.DOWN, problem);
        }

        static Check notChecked(String why) {
            return new Check(Status.NOT_CHECKED, why);
        }
    }

    /** Whether the master key is a development key ({@code local:}: kept in clear in a file). */
    public boolean developmentKey() {
        return "local".equalsIgnoreCase(masterKeyScheme);
    }

    /** Whether every check passed. */
    public boolean isUp() {
        return policy.status() == Status.UP && keyStoreCheck.status() == Status.UP
                && masterKeyCheck.status() == Status.UP;
    }

    /** Runs the checks of {@link CloakDataSource#checkHealth}; never throws. */
    static CloakHealth check(CloakDataSource dataSource) {
        CompiledPolicy compiled;
        try {
            compiled = dataSource.compiledPolicy();
        } catch (SQLException | RuntimeException e) {
            String why = "not checked: the policy did not compile";
            return of(dataSource.getConfig(), Check.down(describe(e)), Check.notChecked(why), Check.notChecked(why));
        }
        CloakConfig config = compiled.config();
        Check keyStore;
        boolean stored = false;
        String domain = config.columns().stream().map(ColumnPolicy::keyDomain).sorted().findFirst().orElse(null);
        if (domain == null) {
            keyStore = Check.notChecked("the policy has no encrypted column, so no key domain to read");
        } else {
            try {
                stored = compiled.keyring().checkKeyStore(domain);
                keyStore = Check.up();
            } catch (KeyringException | RuntimeException e) {
                keyStore = Check.down(describe(e));
            }
        }
        Check masterKey;
        try {
            if (stored) {
                compiled.keyring().checkMasterKey(domain);
            } else {
                compiled.keyring().checkMasterKey();
            }
            masterKey = Check.up();
        } catch (KeyringException | RuntimeException e) {
            masterKey = Check.down(describe(e));
        }
        return of(config, Check.up(), keyStore, masterKey);
    }

    private static CloakHealth of(CloakConfig config, Check policy, Check keyStore, Check masterKey) {
        if (config == null) {
            return new CloakHealth(Instant.now(), null, null, null, null, policy, keyStore, masterKey);
        }
        return new CloakHealth(Instant.now(), config.source(), config.policySha256(), scheme(config.masterKey()),
                config.keyStore(), policy, keyStore, masterKey);
    }

    /** The URI's scheme; the rest of a master-key URI (module path, PIN source) is not repeated. */
    private static String scheme(String uri) {
        int colon = uri.indexOf(':');
        String candidate = colon < 0 ? uri : uri.substring(0, colon);
        return SCHEME.matcher(candidate).matches() ? candidate.toLowerCase(Locale.ROOT) : "(unrecognised)";
    }

    /** The failure and its root cause (a refused connection, a timeout), in their own words: they carry no values. */
    private static String describe(Exception e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        if (e instanceof SQLException sql && sql.getSQLState() != null) {
            text.append(" (SQLState ").append(sql.getSQLState()).append(')');
        }
        Throwable cause = e.getCause();
        while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        if (cause != null && cause.getMessage() != null && !text.toString().contains(cause.getMessage())) {
            text.append(": ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
        }
        return text.toString();
    }
}
