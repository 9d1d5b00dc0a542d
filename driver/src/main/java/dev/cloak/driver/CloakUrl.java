package dev.cloak.driver;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A {@code jdbc:cloak:} URL split into the delegate's URL and Cloak's own settings. The prefix is removed
 * exactly once, at the start; {@code cloak.*} settings are taken from the query ({@code ?a=b&c=d}) and from
 * {@code ;key=value} segments (H2 style), and removed from what the delegate sees.
 */
final class CloakUrl {

    static final String PREFIX = "jdbc:cloak:";

    private final String delegateUrl;
    private final Map<String, String> settings;

    private CloakUrl(String delegateUrl, Map<String, String> settings) {
        this.delegateUrl = delegateUrl;
        this.settings = settings;
    }

    static boolean accepts(String url) {
        return url != null && url.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    static CloakUrl parse(String url) {
        String rest = "jdbc:" + url.substring(PREFIX.length());
        Map<String, String> settings = new LinkedHashMap<>();
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        StringBuilder base = new StringBuilder();
        String[] segments = rest.split(";", -1);
        base.append(segments[0]);
        for (int i = 1; i < segments.length; i++) {
            String segment = segments[i];
            if (isSetting(segment)) {
                put(settings, segment, false);
            } else {
                base.append(';').append(segment);
            }
        }
        if (query != null) {
            StringJoiner kept = new StringJoiner("&");
            for (String pair : query.split("&", -1)) {
                if (isSetting(pair)) {
                    put(settings, pair, true);
                } else if (!pair.isEmpty()) {
                    kept.add(pair);
                }
            }
            if (kept.length() > 0) {
                base.append('?').append(kept);
            }
        }
        return new CloakUrl(base.toString(), Map.copyOf(settings));
    }

    private static boolean isSetting(String pair) {
        return CloakSetting.isCloakName(pair);
    }

    private static void put(Map<String, String> settings, String pair, boolean urlEncoded) {
        int eq = pair.indexOf('=');
        String key = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        if (urlEncoded) {
            key = URLDecoder.decode(key, StandardCharsets.UTF_8);
            value = URLDecoder.decode(value, StandardCharsets.UTF_8);
        }
        settings.put(key.toLowerCase(java.util.Locale.ROOT), value);
    }

    /** The URL handed to the delegate driver, without Cloak's settings. */
    String delegateUrl() {
        return delegateUrl;
    }

    /** Cloak's settings from the URL, names with their {@code cloak.} prefix. */
    Map<String, String> settings() {
        return settings;
    }
}
