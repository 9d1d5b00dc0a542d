package dev.cloak.driver.config;

import java.util.Locale;
import java.util.Optional;

/** A TLS protocol version that {@code network.min-tls} can require; older ones are never accepted as a minimum. */
public enum TlsVersion {
    TLS_1_2("1.2"),
    TLS_1_3("1.3");

    private final String number;

    TlsVersion(String number) {
        this.number = number;
    }

    /** As the policy writes it: {@code 1.2}, {@code 1.3}. */
    public String number() {
        return number;
    }

    /** {@code "1.3"} of the policy. */
    public static Optional<TlsVersion> ofPolicy(String text) {
        for (TlsVersion v : values()) {
            if (v.number.equals(text)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /**
     * Compares a protocol name as servers and JSSE report it ({@code TLSv1.3}, {@code TLSv1.2}, {@code TLSv1},
     * {@code SSLv3}) with this version: negative when older, zero when equal, positive when newer; empty when the
     * name is not one of those.
     */
    public Optional<Integer> compareReported(String reported) {
        if (reported == null) {
            return Optional.empty();
        }
        String r = reported.trim().toUpperCase(Locale.ROOT);
        int minor;
        if (r.startsWith("SSL")) {
            minor = -1;
        } else if (r.matches("TLSV1(\\.0)?")) {
            minor = 0;
        } else if (r.matches("TLSV1\\.[1-9]")) {
            minor = r.charAt(r.length() - 1) - '0';
        } else {
            return Optional.empty();
        }
        int mine = number.charAt(number.length() - 1) - '0';
        return Optional.of(Integer.compare(minor, mine));
    }
}
