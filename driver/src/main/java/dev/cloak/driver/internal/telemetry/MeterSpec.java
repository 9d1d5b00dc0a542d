package dev.cloak.driver.internal.telemetry;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.DoubleSupplier;

/**
 * One meter Cloak publishes: its name, what it counts, its tags and where its value is read. A counter's value only
 * grows; a gauge's is read as it is. Tags name columns, key domains, key versions (Tink key ids, which every cell
 * carries anyway), providers, principals and reasons: never a value, never key material.
 *
 * @param name        dotted, as Micrometer names meters ({@code cloak.cells.decrypted})
 * @param description one line for the registry
 * @param counter     true for a counter, false for a gauge
 * @param tags        sorted by tag name
 * @param value       read on every scrape; never blocks for long
 */
public record MeterSpec(String name, String description, boolean counter, Map<String, String> tags,
                        DoubleSupplier value) {

    public MeterSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        tags = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(tags));
    }

    /** The meter as one line: {@code name{tag=value,…}}, for the JMX view and logs. */
    public String key() {
        StringBuilder text = new StringBuilder(name);
        if (!tags.isEmpty()) {
            text.append('{');
            tags.forEach((k, v) -> text.append(k).append('=').append(v).append(','));
            text.setCharAt(text.length() - 1, '}');
        }
        return text.toString();
    }
}
