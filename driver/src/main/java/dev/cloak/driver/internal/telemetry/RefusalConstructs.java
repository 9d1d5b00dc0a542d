package dev.cloak.driver.internal.telemetry;

import java.util.List;
import java.util.Map;

/**
 * The construct a refusal is about, as the {@code construct} tag of {@code cloak.statements.refused}: one of a fixed
 * set of names, read from the refusal's message (which names the construct first and never quotes a value), so
 * that the tag has a bounded set of values whatever the statements are. Runs only when a statement is refused.
 */
final class RefusalConstructs {

    /** Checked in order: the first phrase the message contains names its construct. */
    private static final List<Map.Entry<String, String>> PHRASES = List.of(
            Map.entry("statement text over", "too_long"),
            Map.entry("nests parentheses", "too_deep"),
            Map.entry("values of encrypted", "too_many_values"),
            Map.entry("built from a string", "dynamic_sql"),
            Map.entry("several statements", "multiple_statements"),
            Map.entry("is not sent: ", "server_reading"),
            Map.entry("could not be parsed", "unanalysable"),
            Map.entry("analys", "unanalysable"),
            Map.entry("literal", "literal"),
            Map.entry("parameter", "parameter"),
            Map.entry("ORDER BY", "order_by"),
            Map.entry("GROUP", "group_by"),
            Map.entry("LIKE", "like"),
            Map.entry("UNION/INTERSECT/EXCEPT", "set_operation"),
            Map.entry("WITH", "with"),
            Map.entry("JOIN", "join"),
            Map.entry("index", "index"),
            Map.entry("DDL", "ddl"),
            Map.entry("CHECK", "ddl"),
            Map.entry("DEFAULT", "ddl"),
            Map.entry("CREATE", "ddl"),
            Map.entry("INSERT", "insert"),
            Map.entry("UPDATE", "update"),
            Map.entry("assign", "update"),
            Map.entry("DELETE", "delete"),
            Map.entry("randomized column", "randomized_column"),
            Map.entry("plain", "plain_and_encrypted"),
            Map.entry("subquery", "subquery"),
            Map.entry("view", "view"),
            Map.entry("*", "star"));

    private RefusalConstructs() {
    }

    static String of(String message) {
        if (message != null) {
            for (Map.Entry<String, String> phrase : PHRASES) {
                if (message.contains(phrase.getKey())) {
                    return phrase.getValue();
                }
            }
        }
        return "other";
    }

    /** Every value {@link #of} can give, for documentation and tests. */
    static List<String> all() {
        List<String> names = new java.util.ArrayList<>(PHRASES.stream().map(Map.Entry::getValue).distinct().toList());
        names.add("other");
        return names;
    }
}
