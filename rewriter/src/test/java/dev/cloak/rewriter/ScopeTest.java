package dev.cloak.rewriter;

import static dev.cloak.rewriter.Fixtures.SSN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import org.junit.jupiter.api.Test;

/** Column references resolve through the sources of a query level and the levels that enclose it. */
class ScopeTest {

    private static final ConfiguredTables TABLES = new ConfiguredTables(Fixtures.SCHEMA);

    private static Scope levelReading(Scope outer, String table, String alias) {
        Scope scope = new Scope(outer);
        scope.add(Source.table(TABLES, new Table(table), alias));
        return scope;
    }

    @Test
    void aQualifiedReferenceResolvesThroughTheAliasOfItsSource() {
        Scope scope = levelReading(null, "patients", "p");
        scope.add(Source.table(TABLES, new Table("visits"), "v"));
        assertThat(scope.encryptedOf(new Column(new Table("p"), "ssn"))).isEqualTo(SSN);
        assertThat(scope.encryptedOf(new Column(new Table("v"), "ssn"))).isNull();
    }

    @Test
    void anUnqualifiedNameTwoSourcesEncryptUnderDifferentKeysIsRefused() {
        EncryptedColumn first = new EncryptedColumn(null, "a", "code", false, true, "a.code");
        EncryptedColumn second = new EncryptedColumn(null, "b", "code", false, true, "b.code");
        ConfiguredTables tables = new ConfiguredTables(EncryptedSchema.of(List.of(first, second)));
        Scope scope = new Scope(null);
        scope.add(Source.table(tables, new Table("a"), null));
        scope.add(Source.table(tables, new Table("b"), null));
        assertThatThrownBy(() -> scope.encryptedOf(new Column("code")))
                .isInstanceOf(Rejection.class)
                .hasMessageContaining("may mean encrypted column a.code or b.code")
                .hasMessageContaining("qualify it with its table or alias");
    }

    @Test
    void anUnqualifiedNameInASubqueryThatMayBeItsOwnPlainColumnIsRefused() {
        Scope outer = levelReading(null, "patients", null);
        Scope subquery = levelReading(outer, "orders", null);
        assertThatThrownBy(() -> subquery.encryptedOf(new Column("ssn")))
                .isInstanceOf(Rejection.class)
                .hasMessageContaining("in a subquery may mean encrypted column patients.ssn of an enclosing query");
    }

    @Test
    void aSelectAliasOfAnEncryptedColumnIsSeenFromNestedLevelsAsMariaDbSeesIt() {
        Scope level = levelReading(null, "orders", null);
        level.selectAlias("tax_id", SSN);
        Scope nested = new Scope(level);
        // the select list and WHERE of the level itself read the FROM items' column tax_id, never the alias
        assertThat(level.encryptedOf(new Column("tax_id"))).isNull();
        level.ownAliasesVisible();
        assertThat(level.encryptedOf(new Column("tax_id"))).as("in GROUP BY, HAVING, ORDER BY").isEqualTo(SSN);
        // MariaDB and H2 resolve a subquery's name to the enclosing select-list alias (PostgreSQL rejects it)
        assertThat(nested.encryptedOf(new Column("tax_id"))).isEqualTo(SSN);
    }
}
