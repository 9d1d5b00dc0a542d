package dev.cloak.driver.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The one matcher of policy column names (access rules, {@code key:}), over quoting, case and schemas: names match
 * as SQL matches identifiers.
 */
class ColumnNamesTest {

    /** A policy column name: an optional schema, a table and a column, each with its spelling and quoting. */
    record Name(String schema, String table, String column, boolean quoted) {

        String text() {
            String t = part(table) + "." + part(column);
            return schema == null ? t : part(schema) + "." + t;
        }

        private String part(String identifier) {
            return quoted ? "\"" + identifier.replace("\"", "\"\"") + "\"" : identifier;
        }

        ColumnPolicy policy() {
            return ColumnNames.policy(text(), ColumnType.VARCHAR, EncryptionMode.DETERMINISTIC, 0, false, 0,
                    ColumnPolicy.NO_SCALE, null);
        }

        Name withSchema(String s) {
            return new Name(s, table, column, quoted);
        }

        Name quoted(boolean q) {
            return new Name(schema, table, column, q);
        }
    }

    @Provide
    Arbitrary<String> identifiers() {
        return Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withChars('_')
                .ofMinLength(1).ofMaxLength(8);
    }

    /** Identifiers quoting allows: with dots, blanks and quotes inside. */
    @Provide
    Arbitrary<String> quotedIdentifiers() {
        return Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withChars('.', ' ', '"', '_')
                .ofMinLength(1).ofMaxLength(8).filter(s -> !s.isBlank());
    }

    @Provide
    Arbitrary<Name> names() {
        Arbitrary<String> schema = identifiers().injectNull(0.4);
        return Combinators.combine(schema, identifiers(), identifiers(), Arbitraries.of(true, false)).as(Name::new);
    }

    @Provide
    Arbitrary<Name> quotedNames() {
        return Combinators.combine(quotedIdentifiers().injectNull(0.4), quotedIdentifiers(), quotedIdentifiers())
                .as((s, t, c) -> new Name(s, t, c, true));
    }

    /** Each letter of {@code identifier} in upper or lower case as {@code flips} says. */
    private static String recase(String identifier, long flips) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < identifier.length(); i++) {
            char ch = identifier.charAt(i);
            out.append((flips >> (i % 63) & 1) == 1 ? Character.toUpperCase(ch) : Character.toLowerCase(ch));
        }
        return out.toString();
    }

    @Property
    void aColumnMatchesItsOwnName(@ForAll("names") Name name) {
        assertThat(ColumnNames.matches(name.text(), name.policy())).isTrue();
    }

    @Property
    void aQuotedNameWithDotsBlanksAndQuotesSplitsIntoItsParts(@ForAll("quotedNames") Name name) {
        List<String> expected = new ArrayList<>();
        if (name.schema() != null) {
            expected.add(name.schema());
        }
        expected.add(name.table());
        expected.add(name.column());

        assertThat(ColumnNames.split(name.text())).isEqualTo(expected);
        assertThat(ColumnNames.matches(name.text(), name.policy())).isTrue();
    }

    @Property
    void anUnquotedNameMatchesAnUnquotedColumnInAnyCase(@ForAll("names") Name name, @ForAll long flips) {
        Name column = name.quoted(false);
        Name rule = new Name(name.schema() == null ? null : recase(name.schema(), flips),
                recase(name.table(), flips >>> 7), recase(name.column(), flips >>> 15), false);

        assertThat(ColumnNames.matches(rule.text(), column.policy())).isTrue();
    }

    @Property
    void aQuotedNameMatchesAQuotedColumnOnlyInItsExactCase(@ForAll("names") Name name, @ForAll long flips) {
        Name column = name.quoted(true);
        Name rule = new Name(name.schema() == null ? null : recase(name.schema(), flips),
                recase(name.table(), flips >>> 7), recase(name.column(), flips >>> 15), true);

        boolean sameCase = rule.text().equals(column.text());
        assertThat(ColumnNames.matches(rule.text(), column.policy())).isEqualTo(sameCase);
    }

    @Property
    void aQuotedPartMatchesAnUnquotedOneWhenADatabaseFoldsItSo(@ForAll("identifiers") String table,
                                                               @ForAll("identifiers") String column) {
        Name unquoted = new Name(null, table, column, false);
        for (Name quoted : List.of(new Name(null, table, column, true),
                new Name(null, table.toLowerCase(Locale.ROOT), column.toLowerCase(Locale.ROOT), true),
                new Name(null, table.toUpperCase(Locale.ROOT), column.toUpperCase(Locale.ROOT), true))) {
            assertThat(ColumnNames.matches(quoted.text(), unquoted.policy())).as(quoted.text()).isTrue();
            assertThat(ColumnNames.matches(unquoted.text(), quoted.policy())).as(quoted.text()).isTrue();
        }
    }

    @Property
    void aQuotedPartInAMixedCaseNoDatabaseFoldsToDoesNotMatch(@ForAll("identifiers") String table) {
        String mixed = "x" + table.toLowerCase(Locale.ROOT) + "Y";
        Name unquoted = new Name(null, mixed.toLowerCase(Locale.ROOT), "c", false);
        Name quoted = new Name(null, mixed, "c", true);

        assertThat(ColumnNames.matches(quoted.text(), unquoted.policy())).isFalse();
        assertThat(ColumnNames.matches(unquoted.text(), quoted.policy())).isFalse();
    }

    @Property
    void aNameWithoutASchemaMatchesTheColumnInEverySchema(@ForAll("names") Name name,
                                                          @ForAll("identifiers") String schema) {
        Name column = name.withSchema(schema);

        assertThat(ColumnNames.matches(name.withSchema(null).text(), column.policy())).isTrue();
    }

    @Property
    void aColumnConfiguredWithoutASchemaIsMatchedByANameInAnySchema(@ForAll("names") Name name,
                                                                     @ForAll("identifiers") String schema) {
        Name column = name.withSchema(null);

        assertThat(ColumnNames.matches(name.withSchema(schema).text(), column.policy())).isTrue();
    }

    @Property
    void aNameOfAnotherSchemaDoesNotMatch(@ForAll("names") Name name, @ForAll("identifiers") String schema,
                                          @ForAll("identifiers") String other) {
        Assume.that(!schema.equalsIgnoreCase(other));
        Name column = name.withSchema(schema);

        assertThat(ColumnNames.matches(name.withSchema(other).text(), column.policy())).isFalse();
    }

    @Property
    void aNameOfAnotherTableOrColumnNeverMatches(@ForAll("names") Name name, @ForAll("identifiers") String other,
                                                 @ForAll boolean tableDiffers, @ForAll boolean quoted) {
        Assume.that(!other.equalsIgnoreCase(tableDiffers ? name.table() : name.column()));
        Name rule = tableDiffers ? new Name(name.schema(), other, name.column(), quoted)
                : new Name(name.schema(), name.table(), other, quoted);

        assertThat(ColumnNames.matches(rule.text(), name.policy())).isFalse();
    }

    @Property
    void matchingIsSymmetric(@ForAll("names") Name a, @ForAll("names") Name b) {
        assertThat(ColumnNames.matches(a.text(), b.policy())).isEqualTo(ColumnNames.matches(b.text(), a.policy()));
    }

    @Example
    void theSchemaQualifiedRuleOfTheIssueMatchesTheColumnConfiguredWithoutOne() {
        ColumnPolicy ssn = new Name(null, "patients", "ssn", false).policy();

        assertThat(ColumnNames.matches("public.patients.ssn", ssn)).isTrue();
        assertThat(ColumnNames.matches("PUBLIC.Patients.SSN", ssn)).isTrue();
        assertThat(ColumnNames.matches("\"public\".\"patients\".\"ssn\"", ssn)).isTrue();
        assertThat(ColumnNames.matches("public.patients.name", ssn)).isFalse();
    }
}
