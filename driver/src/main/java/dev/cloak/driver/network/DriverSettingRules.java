package dev.cloak.driver.network;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The delegate settings that make a JDBC driver load a class, run a script or statements Cloak never sees, or read
 * local files for the server, per driver: a URL that can name them is a way to run code in the application
 * (CVE-2022-21724 in pgjdbc, CVE-2022-23221 in H2). Cloak refuses each unless the policy lists it in
 * {@code network.allow-driver-settings}. Files that hold the connection's own key material ({@code sslcert},
 * {@code sslkey}, {@code sslrootcert}, {@code keyStore}, {@code trustStore}, {@code serverSslCert}) are allowed:
 * mutual TLS and server verification need them, and the driver only reads them as keys and certificates. An empty
 * value, and a class setting naming the driver's own default, load nothing of the URL's choosing and pass.
 */
final class DriverSettingRules {

    /** A refused setting: its name as the driver documents it, what it does, and whether only a true value does it. */
    record Rule(String name, String does, boolean onlyWhenTrue) {
    }

    /** The name {@code network.allow-driver-settings} takes to allow an H2 URL over the network to another host. */
    static final String H2_REMOTE = "h2:tcp";

    private static final String LOADS_CLASS = "makes the driver load a Java class it names";
    private static final String PLUGIN = "makes the driver choose a plug-in by name";

    private static final List<Rule> POSTGRESQL = List.of(
            new Rule("socketFactory", LOADS_CLASS, false),
            new Rule("socketFactoryArg", "is handed to a class the URL names (socketFactory)", false),
            new Rule("sslfactory", LOADS_CLASS, false),
            new Rule("sslfactoryarg", "is handed to a class the URL names (sslfactory)", false),
            new Rule("sslhostnameverifier", LOADS_CLASS, false),
            new Rule("sslpasswordcallback", LOADS_CLASS, false),
            new Rule("authenticationPluginClassName", LOADS_CLASS, false),
            new Rule("xmlFactoryFactory", LOADS_CLASS, false),
            new Rule("loggerFile", "makes the driver write a local file", false),
            new Rule("service", "makes the driver read connection settings from a local file (pg_service.conf)",
                    false));

    private static final List<Rule> MARIADB = List.of(
            new Rule("socketFactory", LOADS_CLASS, false),
            new Rule("tlsSocketType", PLUGIN, false),
            new Rule("credentialType", PLUGIN + " that reads credentials from elsewhere", false),
            new Rule("allowLocalInfile", "lets the server read local files (LOAD DATA LOCAL INFILE)", true),
            new Rule("allowLoadLocalInfile", "lets the server read local files (LOAD DATA LOCAL INFILE)", true),
            new Rule("allowUrlInLocalInfile", "lets the server make the driver fetch URLs", true),
            new Rule("autoDeserialize", "makes the driver deserialize Java objects the server sends", true),
            new Rule("initSql", "runs statements Cloak never sees", false),
            new Rule("sessionVariables", "changes session variables (how the server reads SQL) where Cloak never sees"
                    + " it", false));

    /** MySQL Connector/J, which also answers {@code jdbc:mysql:} URLs. */
    private static final List<Rule> MYSQL = List.of(
            new Rule("queryInterceptors", LOADS_CLASS, false),
            new Rule("statementInterceptors", LOADS_CLASS, false),
            new Rule("exceptionInterceptors", LOADS_CLASS, false),
            new Rule("connectionLifecycleInterceptors", LOADS_CLASS, false),
            new Rule("authenticationPlugins", LOADS_CLASS, false),
            new Rule("defaultAuthenticationPlugin", LOADS_CLASS, false),
            new Rule("clientInfoProvider", LOADS_CLASS, false),
            new Rule("propertiesTransform", LOADS_CLASS, false),
            new Rule("loadBalanceStrategy", LOADS_CLASS, false),
            new Rule("loadBalanceExceptionChecker", LOADS_CLASS, false),
            new Rule("serverConfigCacheFactory", LOADS_CLASS, false),
            new Rule("logger", LOADS_CLASS, false),
            new Rule("profilerEventHandler", LOADS_CLASS, false),
            new Rule("allowLoadLocalInfileInPath", "lets the server read local files under a path", false));

    private static final List<Rule> H2 = List.of(
            new Rule("INIT", "runs SQL when the database opens (RUNSCRIPT, CREATE ALIAS with Java code)", false),
            new Rule("JAVA_OBJECT_SERIALIZER", LOADS_CLASS, false),
            new Rule("DATABASE_EVENT_LISTENER", LOADS_CLASS, false),
            new Rule("DEFAULT_TABLE_ENGINE", LOADS_CLASS, false),
            new Rule("AUTHENTICATOR", "makes the database load an authenticator", false));

    private static final Map<String, List<Rule>> BY_SCHEME = Map.of(
            "postgresql", POSTGRESQL,
            "pgsql", POSTGRESQL,
            "mariadb", MARIADB,
            "mysql", concat(MARIADB, MYSQL),
            "h2", H2);

    /** For a driver Cloak has no table of: names that, by the usual naming, load classes or run code. */
    private static final List<String> UNKNOWN_DRIVER_SUFFIXES = List.of("factory", "factoryarg", "class",
            "classname", "plugin", "plugins", "interceptor", "interceptors", "callback", "verifier", "listener",
            "serializer", "initsql", "init", "deserialize", "infile");

    private static final Set<String> FALSE = Set.of("false", "0", "off", "no");
    /**
     * Values of a refused setting that are the driver's own (pgjdbc's data source spells out its defaults in its URL):
     * the default SSL factory, which verifies as sslmode says, and the one over the JVM's trust store.
     */
    private static final Set<String> SAFE_VALUES = Set.of("org.postgresql.ssl.LibPQFactory",
            "org.postgresql.ssl.DefaultJavaSSLFactory");

    private DriverSettingRules() {
    }

    /** A refusal: the setting as given, and why. */
    record Refusal(String setting, String why) {
    }

    /** Every setting of {@code settings} that is refused and not in {@code allowed} (lower-case names). */
    static List<Refusal> refusals(DelegateSettings settings, Set<String> allowed) {
        List<Refusal> refused = new ArrayList<>();
        List<Rule> rules = BY_SCHEME.get(settings.scheme());
        for (DelegateSettings.Setting s : settings.all()) {
            if (allowed.contains(s.name().toLowerCase(Locale.ROOT))) {
                continue;
            }
            String why = rules == null ? unknownDriver(s.name()) : known(rules, s);
            if (why != null) {
                refused.add(new Refusal(s.name(), why));
            }
        }
        if (settings.scheme().equals("h2") && !allowed.contains(H2_REMOTE)) {
            String host = h2RemoteHost(settings.url());
            if (host != null) {
                refused.add(new Refusal(H2_REMOTE, "connects to the H2 server on " + host
                        + ", another machine, whose answers the client deserializes"));
            }
        }
        return refused;
    }

    private static String known(List<Rule> rules, DelegateSettings.Setting s) {
        String value = s.value().trim();
        for (Rule rule : rules) {
            if (!rule.name().equalsIgnoreCase(s.name())) {
                continue;
            }
            boolean harmless = rule.onlyWhenTrue() ? FALSE.contains(value.toLowerCase(Locale.ROOT))
                    : value.isEmpty() || SAFE_VALUES.contains(value);
            return harmless ? null : rule.does();
        }
        return null;
    }

    private static String unknownDriver(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (String suffix : UNKNOWN_DRIVER_SUFFIXES) {
            if (n.endsWith(suffix)) {
                return "may make a driver Cloak has no list of settings for load a class or run code (its name ends"
                        + " in '" + suffix + "')";
            }
        }
        return null;
    }

    /**
     * The host of {@code jdbc:h2:tcp://host…} or {@code jdbc:h2:ssl://host…} when it is not this machine's loopback,
     * else null.
     */
    static String h2RemoteHost(String url) {
        String u = url.toLowerCase(Locale.ROOT);
        String rest;
        if (u.startsWith("jdbc:h2:tcp://")) {
            rest = url.substring("jdbc:h2:tcp://".length());
        } else if (u.startsWith("jdbc:h2:ssl://")) {
            rest = url.substring("jdbc:h2:ssl://".length());
        } else {
            return null;
        }
        int end = 0;
        while (end < rest.length() && "/;".indexOf(rest.charAt(end)) < 0) {
            end++;
        }
        // tcp://a:9092,b:9092/… names cluster members: every one must be loopback
        for (String member : rest.substring(0, end).split(",", -1)) {
            String host = hostOf(member);
            if (!isLoopback(host)) {
                return host;
            }
        }
        return null;
    }

    private static String hostOf(String hostPort) {
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            return close < 0 ? hostPort : hostPort.substring(1, close);
        }
        int colon = hostPort.indexOf(':');
        return colon < 0 ? hostPort : hostPort.substring(0, colon);
    }

    private static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false; // a name: what it resolves to can change; only literal loopback addresses count
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static List<Rule> concat(List<Rule> a, List<Rule> b) {
        List<Rule> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }
}
