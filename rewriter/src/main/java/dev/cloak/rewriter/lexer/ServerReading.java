package dev.cloak.rewriter.lexer;

import dev.cloak.rewriter.Dialect;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
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

    private ServerReading(String sql, Dialect dialect, Reading reading, String disagreement) {
        this.sql = sql;
        this.dialect = dialect;
        this.reading = reading;
        this.disagreement = disagreement;
    }

    /**
     * Reads {@code sql} under every setting combination of {@code dialect}, or of every known dialect when it is
     * {@code null}.
     */
    public static ServerReading of(String sql, Dialect dialect) {
        List<Dialect> dialects = dialect == null ? List.of(Dialect.values()) : List.of(dialect);
        Reading reference = null;
        List<SqlToken> referenceStructure = null;
        String referenceLabel = null;
        for (Dialect each : dialects) {
            List<Set<LexicalSetting>> combinations = new ArrayList<>(LexicalSetting.combinations(each));
            combinations.sort(Comparator.comparingInt(Set::size));
            for (Set<LexicalSetting> settings : combinations) {
                Reading reading = SqlLexer.read(sql, each, settings);
                String label = label(dialect == null ? each : null, settings);
                if (reference == null) {
                    reference = reading;
                    referenceStructure = structure(reading);
                    referenceLabel = label;
                    continue;
                }
                if (reference.failure() != null) {
                    if (reading.failure() == null) {
                        return new ServerReading(sql, dialect, reference, failure(sql, reference.failure())
                                + " under " + referenceLabel + ", but not under " + label);
                    }
                    continue;
                }
                String difference = difference(sql, referenceStructure, reading, label, referenceLabel);
                if (difference != null) {
                    return new ServerReading(sql, dialect, reference, difference);
                }
            }
        }
        String failed = reference.failure() == null ? null : failure(sql, reference.failure());
        return new ServerReading(sql, dialect, reference, failed);
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
