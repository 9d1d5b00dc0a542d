package dev.cloak.driver.network;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The settings a delegate driver would read from its URL and its connection properties, as Cloak reads them before
 * the driver sees either: the query of a PostgreSQL or MariaDB URL ({@code ?a=b&c=d}, URL-decoded), the
 * {@code ;KEY=VALUE} segments of an H2 URL, and every connection property. Names are compared without regard to
 * case (pgjdbc's are case-sensitive, MariaDB's and H2's are not: reading all of them that way refuses more, never
 * less).
 */
public final class DelegateSettings {

    /** One setting, under the name it was given. */
    public record Setting(String name, String value) {
    }

    private final String url;
    private final String scheme;
    private final List<Setting> settings;

    private DelegateSettings(String url, String scheme, List<Setting> settings) {
        this.url = url;
        this.scheme = scheme;
        this.settings = Collections.unmodifiableList(settings);
    }

    /** The settings of {@code url} (a delegate URL, {@code jdbc:postgresql:…}) and of {@code info} (may be null). */
    public static DelegateSettings of(String url, Properties info) {
        String u = url == null ? "" : url;
        String scheme = schemeOf(u);
        List<Setting> settings = new ArrayList<>();
        if (scheme.equals("h2")) {
            String[] segments = u.split(";", -1);
            for (int i = 1; i < segments.length; i++) {
                add(settings, segments[i], false);
            }
        } else {
            int q = u.indexOf('?');
            if (q >= 0) {
                for (String pair : u.substring(q + 1).split("&", -1)) {
                    add(settings, pair, true);
                }
            }
        }
        if (info != null) {
            for (String name : info.stringPropertyNames()) {
                settings.add(new Setting(name, info.getProperty(name)));
            }
        }
        return new DelegateSettings(u, scheme, settings);
    }

    private static void add(List<Setting> settings, String pair, boolean urlEncoded) {
        if (pair.isEmpty()) {
            return;
        }
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        if (urlEncoded) {
            name = decode(name);
            value = decode(value);
        }
        settings.add(new Setting(name.trim(), value));
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            // the driver would refuse it too; keep the text as given so a name still matches
            return text;
        }
    }

    /** The driver's name in the URL, lower case: {@code postgresql} of {@code jdbc:postgresql://…}. */
    static String schemeOf(String url) {
        if (!url.regionMatches(true, 0, "jdbc:", 0, "jdbc:".length())) {
            return "";
        }
        int end = url.indexOf(':', "jdbc:".length());
        return (end < 0 ? url.substring("jdbc:".length()) : url.substring("jdbc:".length(), end))
                .toLowerCase(Locale.ROOT);
    }

    /** The delegate URL as given. */
    public String url() {
        return url;
    }

    /** The driver's name in the URL, lower case ({@code postgresql}, {@code mariadb}, {@code mysql}, {@code h2}). */
    public String scheme() {
        return scheme;
    }

    /** Every setting, URL first, then the connection properties, each under the name it was given. */
    public List<Setting> all() {
        return settings;
    }

    /**
     * Every value given for {@code name} (any case), URL first: which one a driver uses differs between drivers,
     * so a check must hold for each.
     */
    public List<String> values(String name) {
        List<String> found = new ArrayList<>();
        for (Setting s : settings) {
            if (s.name().equalsIgnoreCase(name)) {
                found.add(s.value());
            }
        }
        return found;
    }
}
