package dev.cloak.driver.network;

import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.TlsVersion;
import dev.cloak.driver.internal.error.SqlErrors;
import dev.cloak.driver.internal.error.SqlState;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

/**
 * The network rules Cloak checks on a delegate URL and its connection properties before the delegate driver sees
 * them: no setting that loads code ({@code network.allow-driver-settings}), settings that verify the server
 * ({@code network.verify-server}), no protocol below {@code network.min-tls} where the driver takes a list. What the
 * server reports once connected is {@link SessionTls}'s.
 */
public final class NetworkCheck {

    private static final String ALLOW = "network.allow-driver-settings";
    private static final String VERIFY = "network.verify-server";
    private static final Set<String> FALSE = Set.of("false", "0", "off", "no");
    /** MariaDB Connector/J's names of its verify-full mode (SslMode and its aliases). */
    private static final Set<String> MARIADB_VERIFY_FULL = Set.of("verify-full", "verify_full", "verify_identity",
            "1", "true");

    private NetworkCheck() {
    }

    /**
     * Throws the first rule {@code url} and {@code info} break under {@code config}: 08001 for a refused driver
     * setting, 08004 for one that does not verify the server or allows too old a protocol.
     */
    public static void requireBeforeConnect(CloakConfig config, String url, Properties info) throws SQLException {
        requireBeforeConnect(config, DelegateSettings.of(url, info));
    }

    /** As {@link #requireBeforeConnect(CloakConfig, String, Properties)}, for settings already read. */
    public static void requireBeforeConnect(CloakConfig config, DelegateSettings settings) throws SQLException {
        List<NetworkFinding> findings = beforeConnect(config, settings);
        if (!findings.isEmpty()) {
            NetworkFinding first = findings.get(0);
            throw SqlErrors.of(first.state(), first.problem());
        }
    }

    /** Every rule {@code settings} break under {@code config}, refused driver settings first. */
    public static List<NetworkFinding> beforeConnect(CloakConfig config, DelegateSettings settings) {
        List<NetworkFinding> findings = new ArrayList<>();
        for (DriverSettingRules.Refusal r : DriverSettingRules.refusals(settings, config.allowedDriverSettings())) {
            findings.add(new NetworkFinding(ALLOW, "The delegate setting " + r.setting() + " " + r.why()
                    + "; Cloak refuses it before the driver sees the URL. Remove it, or list " + r.setting()
                    + " in network.allow-driver-settings if whoever can change this URL may run code in the"
                    + " application.", SqlState.DRIVER_SETTING_REFUSED));
        }
        if (config.verifyServer()) {
            String missing = serverVerificationMissing(settings);
            if (missing != null) {
                findings.add(new NetworkFinding(VERIFY, missing + " and network.verify-server is true (the default"
                        + " with require-tls): an encrypted session with a server nobody checked hands every query to"
                        + " whoever answers. Change the URL, or set network.verify-server: false in the policy.",
                        SqlState.SERVER_NOT_VERIFIED));
            }
        }
        if (config.minTls() != null) {
            String old = protocolBelowMinimum(settings, config.minTls());
            if (old != null) {
                findings.add(new NetworkFinding("network.min-tls", "The delegate setting enabledSslProtocolSuites"
                        + " allows " + old + ", older than network.min-tls " + config.minTls().number()
                        + "; remove it from the list.", SqlState.TLS_REQUIRED));
            }
        }
        return findings;
    }

    /** Why the settings do not make the driver verify the server, or null when they do. */
    static String serverVerificationMissing(DelegateSettings settings) {
        switch (settings.scheme()) {
            case "postgresql", "pgsql" -> {
                List<String> modes = settings.values("sslmode");
                if (modes.isEmpty() || !modes.stream().allMatch(m -> m.trim().equalsIgnoreCase("verify-full"))) {
                    return "The PostgreSQL URL does not set sslmode=verify-full, so pgjdbc does not check the"
                            + " server's certificate and host name (add sslmode=verify-full, and sslrootcert=PATH for"
                            + " a private CA)";
                }
                return null;
            }
            case "mariadb", "mysql" -> {
                List<String> modes = settings.values("sslMode");
                boolean verifies = !modes.isEmpty() && modes.stream()
                        .allMatch(m -> MARIADB_VERIFY_FULL.contains(m.trim().toLowerCase(Locale.ROOT)));
                if (!verifies) {
                    return "The " + settings.scheme() + " URL does not set sslMode=verify-full, so the driver does"
                            + " not check the server's certificate and host name (add sslMode=verify-full, and"
                            + " serverSslCert=PATH or trustStore=PATH for a private CA)";
                }
                for (String name : List.of("trustServerCertificate", "disableSslHostnameVerification")) {
                    if (settings.values(name).stream().anyMatch(v -> !FALSE.contains(v.trim().toLowerCase(
                            Locale.ROOT)))) {
                        return "The " + settings.scheme() + " URL sets " + name + ", which turns the check of the"
                                + " server off (remove it)";
                    }
                }
                return null;
            }
            case "h2" -> {
                String u = settings.url().toLowerCase(Locale.ROOT);
                if (u.startsWith("jdbc:h2:tcp:") || u.startsWith("jdbc:h2:ssl:")) {
                    return "H2 over the network cannot verify the server's certificate and host name (use an"
                            + " embedded H2 database)";
                }
                return null; // embedded: no network
            }
            default -> {
                return "Cloak cannot tell whether a " + settings.scheme() + " URL makes its driver verify the"
                        + " server's certificate and host name";
            }
        }
    }

    /** A protocol the driver's own list allows below {@code min}, or null (MariaDB's enabledSslProtocolSuites). */
    private static String protocolBelowMinimum(DelegateSettings settings, TlsVersion min) {
        if (!settings.scheme().equals("mariadb") && !settings.scheme().equals("mysql")) {
            return null;
        }
        for (String list : settings.values("enabledSslProtocolSuites")) {
            for (String protocol : list.split(",")) {
                if (min.compareReported(protocol).map(c -> c < 0).orElse(false)) {
                    return protocol.trim();
                }
            }
        }
        return null;
    }
}
