package dev.cloak.rewriter.lexer;

import dev.cloak.rewriter.Dialect;
import java.util.Objects;
import java.util.Set;

/** Scans SQL text as one server dialect does under one combination of its {@link LexicalSetting}s. */
public final class SqlLexer {

    private SqlLexer() {
    }

    /**
     * Reads {@code sql} as {@code dialect} does with {@code settings} (settings of other dialects are ignored).
     *
     * @return the tokens, and the failure that stopped the scan if it did not reach the end
     */
    public static Reading read(String sql, Dialect dialect, Set<LexicalSetting> settings) {
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(dialect, "dialect");
        Scanner scanner = switch (dialect) {
            case POSTGRESQL -> new PostgresScanner(sql, settings.contains(LexicalSetting.POSTGRESQL_BACKSLASH_STRINGS));
            case MARIADB -> new MariaDbScanner(sql, settings.contains(LexicalSetting.MARIADB_NO_BACKSLASH_ESCAPES),
                    settings.contains(LexicalSetting.MARIADB_ANSI_QUOTES),
                    settings.contains(LexicalSetting.MARIADB_ORACLE));
            case H2 -> new H2Scanner(sql, settings.contains(LexicalSetting.H2_SQUARE_BRACKETS),
                    settings.contains(LexicalSetting.H2_POUND_IDENTIFIERS));
        };
        return scanner.run();
    }

    /** Reads {@code sql} as {@code dialect} does with its default settings. */
    public static Reading read(String sql, Dialect dialect) {
        return read(sql, dialect, Set.of());
    }
}
