package dev.cloak.rewriter.lexer;

import dev.cloak.rewriter.Dialect;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How the server reads one text under every combination of the session settings that change scanning (and,
 * for an unknown dialect, under every known dialect), and whether those readings agree on every string,
 * quoted identifier, comment, parameter and statement boundary. When they agree, one plan is right whatever
 * the session's settings are, so a plan cached by text cannot be fooled by {@code SET sql_mode}.
 */
public final class ServerReading {

    private final String sql;
    private final Dialect dialect;
    private final Reading reading;
    private final String disagreement;
    private final Set<Set<LexicalSetting>> readable;
    private final String setAside;

    private ServerReading(String sql, Dialect dialect, Reading reading, String disagreement,
                          Set<Set<LexicalSetting>> readable, String setAside) {
        this.sql = sql;
        this.dialect = dialect;
        this.reading = reading;
        this.disagreement = disagreement;
        this.readable = Set.copyOf(readable);
        this.setAside = setAside;
    }

    /**
     * Reads {@code sql} under every setting combination of {@code dialect}, or of every known dialect when it is
     * {@code null}. A combination under which the server cannot scan the text (a string left open because a
     * backslash escapes its quote there) runs none of it, so it is set aside, as long as no statement boundary
     * comes before the point where scanning fails (the statements before it would run); the readings that
     * remain must agree.
     */
    public static ServerReading of(String sql, Dialect dialect) {
        List<Dialect> dialects = dialect == null ? List.of(Dialect.values()) : List.of(dialect);
        Reading reference = null;
        List<SqlToken> referenceStructure = null;
        String referenceLabel = null;
        Reading firstFailed = null;
        String setAside = null;
        Set<Set<LexicalSetting>> readable = new HashSet<>();
        for (Dialect each : dialects) {
            List<Set<LexicalSetting>> combinations = new ArrayList<>(LexicalSetting.combinations(each, sql));
            combinations.sort(Comparator.comparingInt(Set::size));
            for (Set<LexicalSetting> settings : combinations) {
                Reading reading = SqlLexer.read(sql, each, settings);
                String label = label(dialect == null ? each : null, settings);
                if (reading.failure() != null) {
                    if (reading.tokens().stream().anyMatch(t -> t.kind() == TokenKind.SEMICOLON)) {
                        return new ServerReading(sql, dialect, reading, "the server cannot read "
                                + failure(sql, reading.failure()) + " under " + label
                                + ", and would run the statements before it", readable, null);
                    }
                    if (firstFailed == null) {
                        firstFailed = reading;
                        setAside = failure(sql, reading.failure()) + " under " + label;
                    }
                    continue;
                }
                readable.add(settings);
                if (reference == null) {
                    reference = reading;
                    referenceStructure = structure(reading);
                    referenceLabel = label;
                    continue;
                }
                String difference = difference(sql, referenceStructure, reading, label, referenceLabel);
                if (difference != null) {
                    return new ServerReading(sql, dialect, reference, difference, readable, setAside);
                }
            }
        }
        if (reference == null) {
            return new ServerReading(sql, dialect, firstFailed, failure(sql, firstFailed.failure()), readable, null);
        }
        return new ServerReading(sql, dialect, reference, null, readable, setAside);
    }

    /**
     * What the server cannot read under some setting (those readings were set aside), or {@code null} when it
     * reads the text under every setting. A plan for such a text must send it as written: a literal replaced by
     * ciphertext would change the text the set-aside readings fail on.
     */
    public String setAside() {
        return setAside;
    }

    /**
     * Whether the server can scan the text under some combination of settings that includes ({@code with}) or
     * leaves out {@code setting}: a JDBC driver's reading under that setting matters only then.
     */
    public boolean readable(LexicalSetting setting, boolean with) {
        if (!setting.mayChange(sql)) {
            // the setting does not touch this text: it reads as under the default
            return !readable.isEmpty();
        }
        return readable.stream().anyMatch(settings -> settings.contains(setting) == with);
    }

    private static String failure(String sql, LexFailure failure) {
        boolean backslash = sql.indexOf('\\', Math.min(failure.at(), sql.length())) >= 0;
        return failure.describe() + (backslash ? " (a backslash in it)" : "");
    }

    /** The reading under the default settings (of the first known dialect when the dialect is unknown). */
    public Reading reading() {
        return reading;
    }

    /** The tokens of {@link #reading()}. */
    public List<SqlToken> tokens() {
        return reading.tokens();
    }

    /** The dialect read for, or {@code null} when every known dialect was. */
    public Dialect dialect() {
        return dialect;
    }

    /**
     * What reads differently between settings or dialects (or cannot be read at all), in words for a refusal that
     * quote nothing of the text; {@code null} when every reading agrees.
     */
    public String disagreement() {
        return disagreement;
    }

    /** The text of a token (for decoding; never for messages). */
    String text(SqlToken token) {
        return sql.substring(token.start(), token.end());
    }

    private static String label(Dialect dialect, Set<LexicalSetting> settings) {
        String names = settings.isEmpty() ? "the default settings"
                : settings.stream().map(LexicalSetting::description).collect(Collectors.joining(" and "));
        return dialect == null ? names : dialectName(dialect) + " with " + names;
    }

    static String dialectName(Dialect dialect) {
        return switch (dialect) {
            case POSTGRESQL -> "PostgreSQL";
            case MARIADB -> "MariaDB/MySQL";
            case H2 -> "H2";
        };
    }

    /** Whether the kind is one two readings must agree on. */
    static boolean structural(TokenKind kind) {
        return STRUCTURAL.contains(kind);
    }

    private static final Set<TokenKind> STRUCTURAL = EnumSet.of(TokenKind.STRING, TokenKind.QUOTED_IDENTIFIER,
            TokenKind.COMMENT, TokenKind.EXECUTABLE, TokenKind.SEMICOLON, TokenKind.PLACEHOLDER,
            TokenKind.NUMBERED_PLACEHOLDER);

    private static List<SqlToken> structure(Reading reading) {
        List<SqlToken> tokens = new ArrayList<>();
        for (SqlToken token : reading.tokens()) {
            if (structural(token.kind())) {
                tokens.add(token);
            }
        }
        return tokens;
    }

    private static String difference(String sql, List<SqlToken> a, Reading other, String label,
                                     String referenceLabel) {
        List<SqlToken> b = structure(other);
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            SqlToken x = a.get(i);
            SqlToken y = b.get(i);
            if (x.kind() != y.kind() || x.start() != y.start() || x.end() != y.end() || x.joined() != y.joined()) {
                SqlToken first = x.start() <= y.start() ? x : y;
                return describe(sql, first, label, referenceLabel);
            }
        }
        if (other.failure() != null) {
            return "the server cannot read " + failure(sql, other.failure()) + " under " + label
                    + ", though it can under " + referenceLabel;
        }
        if (a.size() != b.size()) {
            SqlToken first = a.size() > b.size() ? a.get(n) : b.get(n);
            return describe(sql, first, label, referenceLabel);
        }
        return null;
    }

    private static String describe(String sql, SqlToken token, String label, String referenceLabel) {
        String text = sql.substring(token.start(), token.end());
        String what = token.kind() == TokenKind.STRING && text.indexOf('\\') >= 0
                ? "a backslash in a " + token.form().description()
                : "a " + token.form().description();
        return what + " reads differently under " + label + " than under " + referenceLabel;
    }
}
