package dev.cloak.cli;

import dev.cloak.cli.DoctorCommand.Finding;
import dev.cloak.cli.DoctorCommand.Severity;
import dev.cloak.driver.config.CloakConfig;
import dev.cloak.driver.config.TlsVersion;
import dev.cloak.driver.network.DelegateSettings;
import dev.cloak.driver.network.NetworkCheck;
import dev.cloak.driver.network.NetworkFinding;
import dev.cloak.driver.network.SessionTls;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The network checks of {@code cloak doctor --url URL}: each rule the driver holds a connection to, on the URL as
 * given, then (unless offline, and only when the URL passed) what the server reports for a session. Checks that pass
 * are printed as {@code OK} lines; those that fail become error findings.
 */
final class NetworkReport {

    private static final String OK = "OK";

    private NetworkReport() {
    }

    /** The findings about {@code url} under {@code policy}; passed checks go to {@code out}. */
    static List<Finding> examine(CloakConfig policy, String url, boolean offline, PrintWriter out) {
        String delegate = url.regionMatches(true, 0, "jdbc:cloak:", 0, "jdbc:cloak:".length())
                ? "jdbc:" + url.substring("jdbc:cloak:".length()) : url;
        List<Finding> findings = new ArrayList<>();
        List<NetworkFinding> before = NetworkCheck.beforeConnect(policy, DelegateSettings.of(delegate, null));
        for (NetworkFinding f : before) {
            findings.add(new Finding(Severity.ERROR, f.setting(), f.problem()));
        }
        passed(out, before, "network.allow-driver-settings", "no delegate setting of the URL loads code, runs a"
                + " script or reads a local file");
        if (policy.verifyServer()) {
            passed(out, before, "network.verify-server", "the URL makes the driver verify the server's certificate"
                    + " and host name");
        }
        if (!before.isEmpty() || offline || !policy.requireTls()) {
            return findings;
        }
        try (Connection c = DriverManager.getConnection(delegate)) {
            session(policy, SessionTls.of(c, policy.requireClientCert()), findings, out);
        } catch (SQLException e) {
            findings.add(new Finding(Severity.ERROR, "network.require-tls", "cannot open a session to check it ("
                    + e.getSQLState() + "): " + e.getMessage()));
        }
        return findings;
    }

    private static void session(CloakConfig policy, SessionTls tls, List<Finding> findings, PrintWriter out) {
        if (!tls.known() || !tls.encrypted()) {
            findings.add(new Finding(Severity.ERROR, "network.require-tls", tls.known()
                    ? "the " + tls.product() + " session is not encrypted (TLS)"
                    : "Cloak cannot tell whether a " + tls.product() + " session is encrypted"));
            return;
        }
        if (!tls.network()) {
            ok(out, "network.require-tls", "an embedded " + tls.product() + " database: nothing crosses a network");
            return;
        }
        ok(out, "network.require-tls", "the server reports the session encrypted ("
                + (tls.version() == null ? "version not reported" : tls.version()) + ")");
        TlsVersion min = policy.minTls();
        if (min != null) {
            Optional<Integer> vs = min.compareReported(tls.version());
            if (vs.isEmpty() || vs.get() < 0) {
                findings.add(new Finding(Severity.ERROR, "network.min-tls", "the session uses "
                        + (tls.version() == null ? "a version the server does not report" : tls.version())
                        + ", below " + min.number()));
            } else {
                ok(out, "network.min-tls", tls.version() + " is at least " + min.number());
            }
        }
        if (policy.requireClientCert()) {
            if (tls.clientCertificate()) {
                ok(out, "network.require-client-cert", "the server saw a client certificate");
            } else {
                findings.add(new Finding(Severity.ERROR, "network.require-client-cert",
                        "the server saw no client certificate"));
            }
        }
    }

    private static void passed(PrintWriter out, List<NetworkFinding> found, String setting, String what) {
        if (found.stream().noneMatch(f -> f.setting().equals(setting))) {
            ok(out, setting, what);
        }
    }

    private static void ok(PrintWriter out, String setting, String what) {
        out.printf("%-7s %-22s %s%n", OK, setting, what);
    }
}
