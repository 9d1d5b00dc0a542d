package dev.cloak.rewriter.lexer;

import dev.cloak.rewriter.Dialect;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A session or database setting that changes how the server scans SQL text. A session can change each of them
 * at any time ({@code SET sql_mode = ...}, {@code SET STATEMENT ... FOR}, a dump's {@code /*!40101 SET ... *}{@code /},
 * {@code SET standard_conforming_strings}, H2's {@code SET MODE}) without Cloak noticing, so Cloak reads every
 * text under every combination and accepts only what reads the same under all of them.
 */
public enum LexicalSetting {
    /** PostgreSQL {@code standard_conforming_strings = off}: backslashes escape in {@code '...'} strings. */
    POSTGRESQL_BACKSLASH_STRINGS(Dialect.POSTGRESQL, "standard_conforming_strings = off", "\\&"),
    /** MariaDB {@code sql_mode NO_BACKSLASH_ESCAPES}: a backslash is an ordinary character in strings. */
    MARIADB_NO_BACKSLASH_ESCAPES(Dialect.MARIADB, "sql_mode NO_BACKSLASH_ESCAPES", "\\"),
    /** MariaDB {@code sql_mode ANSI_QUOTES}: {@code "..."} is an identifier, not a string. */
    MARIADB_ANSI_QUOTES(Dialect.MARIADB, "sql_mode ANSI_QUOTES", "\""),
    /** MariaDB {@code sql_mode ORACLE}: {@code :name} and {@code :1} are parameters of prepared statements. */
    MARIADB_ORACLE(Dialect.MARIADB, "sql_mode ORACLE", ":"),
    /** H2 {@code MODE=MSSQLServer}: {@code [name]} is a quoted identifier. */
    H2_SQUARE_BRACKETS(Dialect.H2, "H2 MODE=MSSQLServer", "["),
    /** H2 {@code MODE=MSSQLServer} or {@code MODE=Oracle}: {@code #} is an identifier character. */
    H2_POUND_IDENTIFIERS(Dialect.H2, "H2 MODE=Oracle or MODE=MSSQLServer", "#");

    private final Dialect dialect;
    private final String description;
    /** The characters without which the setting cannot change how a text is scanned. */
    private final String triggers;

    LexicalSetting(Dialect dialect, String description, String triggers) {
        this.dialect = dialect;
        this.description = description;
        this.triggers = triggers;
    }

    /** Whether the setting could change how {@code sql} is scanned (it holds one of the characters it acts on). */
    public boolean mayChange(String sql) {
        for (int i = 0; i < triggers.length(); i++) {
            if (sql.indexOf(triggers.charAt(i)) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** The dialect whose sessions have this setting. */
    public Dialect dialect() {
        return dialect;
    }

    /** How a message names the setting. */
    public String description() {
        return description;
    }

    /** Every combination of the dialect's settings, the server's default (none set) first. */
    public static List<Set<LexicalSetting>> combinations(Dialect dialect) {
        return combinations(dialect, null);
    }

    /**
     * Every combination of those of the dialect's settings that could change how {@code sql} is scanned (all of
     * them when {@code sql} is null), the server's default first: the others read it as the default does.
     */
    public static List<Set<LexicalSetting>> combinations(Dialect dialect, String sql) {
        List<LexicalSetting> own = new ArrayList<>();
        for (LexicalSetting setting : values()) {
            if (setting.dialect == dialect && (sql == null || setting.mayChange(sql))) {
                own.add(setting);
            }
        }
        List<Set<LexicalSetting>> all = new ArrayList<>();
        for (int mask = 0; mask < 1 << own.size(); mask++) {
            Set<LexicalSetting> combination = EnumSet.noneOf(LexicalSetting.class);
            for (int bit = 0; bit < own.size(); bit++) {
                if ((mask & 1 << bit) != 0) {
                    combination.add(own.get(bit));
                }
            }
            all.add(Set.copyOf(combination));
        }
        return List.copyOf(all);
    }
}
