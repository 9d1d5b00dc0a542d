package dev.cloak.driver.network;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What the server says about a session's TLS: whether it is encrypted, with which protocol version, and whether the
 * server saw a client certificate. PostgreSQL reports all three in {@code pg_stat_ssl}; MariaDB reports the cipher and
 * version in its session status, and a client certificate through the account's {@code REQUIRE X509} (or
 * {@code ISSUER}, {@code SUBJECT}): an account that requires one cannot log in without it. An embedded H2 database
 * has no network at all.
 *
 * @param product           the database product, as the driver names it
 * @param known             whether Cloak knows how to ask this product; when false the rest says nothing
 * @param network           false for a database in the application's own process (embedded H2)
 * @param encrypted         whether the session is encrypted
 * @param version           the protocol as the server reports it ({@code TLSv1.3}), or null when it does not
 * @param clientCertificate whether the server saw a client certificate (only asked for when wanted)
 */
public record SessionTls(String product, boolean known, boolean network, boolean encrypted, String version,
                         boolean clientCertificate) {

    private static final Pattern MARIADB_CERT_REQUIRED = Pattern.compile("\\bREQUIRE\\b.*\\b(X509|ISSUER|SUBJECT)\\b",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    /**
     * Asks the server. {@code askClientCertificate}: also find out whether it saw a client certificate (one more
     * query on MariaDB).
     */
    public static SessionTls of(Connection connection, boolean askClientCertificate) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName();
        String name = product == null ? "" : product.toLowerCase(Locale.ROOT);
        if (name.contains("postgres")) {
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT CASE WHEN ssl THEN"
                    + " 't' ELSE 'f' END, version, client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
                if (!rs.next()) {
                    return new SessionTls(product, true, true, false, null, false);
                }
                String dn = rs.getString(3);
                return new SessionTls(product, true, true, "t".equals(rs.getString(1)), rs.getString(2),
                        dn != null && !dn.isBlank());
            }
        }
        if (name.contains("mariadb") || name.contains("mysql")) {
            String cipher = null;
            String version = null;
            try (Statement s = connection.createStatement();
                 ResultSet rs = s.executeQuery("SHOW SESSION STATUS WHERE Variable_name IN ('Ssl_cipher',"
                         + " 'Ssl_version')")) {
                while (rs.next()) {
                    if ("Ssl_cipher".equalsIgnoreCase(rs.getString(1))) {
                        cipher = rs.getString(2);
                    } else {
                        version = rs.getString(2);
                    }
                }
            }
            boolean encrypted = cipher != null && !cipher.isBlank();
            boolean certificate = encrypted && askClientCertificate && accountRequiresCertificate(connection);
            return new SessionTls(product, true, true, encrypted, blankToNull(version), certificate);
        }
        if (name.equals("h2")) {
            String url = connection.getMetaData().getURL();
            String u = url == null ? "" : url.toLowerCase(Locale.ROOT);
            boolean tcp = u.startsWith("jdbc:h2:tcp:");
            boolean ssl = u.startsWith("jdbc:h2:ssl:");
            return new SessionTls(product, true, tcp || ssl, !tcp, null, false);
        }
        return new SessionTls(product, false, true, false, null, false);
    }

    private static boolean accountRequiresCertificate(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SHOW GRANTS")) {
            while (rs.next()) {
                if (MARIADB_CERT_REQUIRED.matcher(rs.getString(1)).find()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
