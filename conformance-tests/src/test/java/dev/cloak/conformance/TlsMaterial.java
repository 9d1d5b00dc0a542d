package dev.cloak.conformance;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The certificates {@code .ci/run} makes ({@code .ci/tls.sh}) and the servers it turns TLS on in: read from
 * {@code CLOAK_TEST_TLS_DIR}. Without it, the tests that need a server with TLS skip with one loud line. With
 * {@code CLOAK_TEST_OVER_TLS=true} too, every conformance test reaches PostgreSQL and MariaDB over verified TLS.
 */
final class TlsMaterial {

    static final String VARIABLE = "CLOAK_TEST_TLS_DIR";
    /** The PostgreSQL role pg_hba.conf lets in only with a client certificate (its CN). */
    static final String PG_CERT_USER = "cloak_tls_client";
    /** The MariaDB account that REQUIRE X509. */
    static final String MARIADB_CERT_USER = "cloak_x509";
    static final String P12_PASSWORD = "cloak-test";

    private static volatile boolean announced;

    private TlsMaterial() {
    }

    /** The directory; aborts the calling test (one loud line per run) when the servers have no TLS here. */
    static Path dir() {
        String dir = System.getenv(VARIABLE);
        if (dir == null || dir.isBlank() || !Files.isRegularFile(Path.of(dir, "ca.crt"))) {
            if (!announced) {
                announced = true;
                System.err.println("*** SKIPPING TLS tests against the servers: set " + VARIABLE
                        + " (.ci/run does, after turning TLS on) ***");
            }
            Assumptions.abort("no TLS material: set " + VARIABLE);
        }
        return Path.of(dir);
    }

    /** {@code url} with settings that make the driver verify the server against {@code caFile} of {@link #dir()}. */
    static String verified(TestDatabase db, String url, String caFile) {
        String ca = dir().resolve(caFile).toString();
        String sep = url.contains("?") ? "&" : "?";
        return switch (db) {
            case POSTGRESQL -> url + sep + "sslmode=verify-full&sslrootcert=" + ca;
            case MARIADB -> url + sep + "sslMode=verify-full&serverSslCert=" + ca;
            case H2 -> throw new IllegalArgumentException("H2 has no TLS to verify");
        };
    }

    /** {@code db}'s URL over verified TLS. */
    static String verified(TestDatabase db) {
        return verified(db, db.rawUrl(), "ca.crt");
    }

    /** As {@link #verified(TestDatabase)}, logging in as the user that needs a client certificate, with one or not. */
    static String certificateUser(TestDatabase db, boolean giveCertificate) {
        String url = verified(db).replaceAll("([?&])user=[^&]*", "$1user="
                + (db == TestDatabase.POSTGRESQL ? PG_CERT_USER : MARIADB_CERT_USER))
                .replaceAll("([?&])password=[^&]*", "$1password=");
        if (!giveCertificate) {
            return url;
        }
        Path d = dir();
        return db == TestDatabase.POSTGRESQL
                ? url + "&sslcert=" + d.resolve("client.crt") + "&sslkey=" + d.resolve("client.pk8")
                : url + "&keyStore=" + d.resolve("client.p12") + "&keyStorePassword=" + P12_PASSWORD
                        + "&keyStoreType=PKCS12";
    }

    /** The raw URL the conformance tests use: over verified TLS when CLOAK_TEST_OVER_TLS=true. */
    static String overTlsIfAsked(TestDatabase db, String url) {
        if (url == null || db == TestDatabase.H2 || !"true".equals(System.getenv("CLOAK_TEST_OVER_TLS"))) {
            return url;
        }
        return verified(db, url, "ca.crt");
    }
}
