package dev.cloak.rewriter.lexer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloak.rewriter.Dialect;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.h2.api.JavaObjectSerializer;
import org.h2.engine.CastDataProvider;
import org.h2.engine.Mode;
import org.h2.util.TimeZoneProvider;
import org.h2.value.ValueTimestampTimeZone;
import org.mariadb.jdbc.util.ClientParser;
import org.postgresql.core.NativeQuery;
import org.postgresql.core.Parser;

/**
 * Random texts built from quote, comment and escape fragments, read by Cloak and by an independent reader that
 * is the real thing: H2's own tokenizer, pgjdbc's parser and Connector/J's parser. (PostgreSQL's and MariaDB's
 * servers are the independent readers of the statement-log test in conformance-tests.)
 */
class IndependentReadingProperties {

    private static final List<String> FRAGMENTS = List.of("'", "''", "'a'", "\"", "\"x\"", "`", "`y`", "--", "-- ",
            "//", "/*", "*/", "/*!", "/*+", "\n", "\r", " ", "\t", "$", "$$", "$q$", "$1", "?", "??", "?1", "??(", ";",
            "\\", "\\'", "U&", "X", "N", "E", "a", "1", "[", "]", "#", "(", ")", "-", "/", "*", "\u00e9", "\u4e2d",
            "\uD83D\uDE00", "\u00a0", ".5", ":", "@", "b'0'");

    /** Fragments H2 accepts on their own, so that most texts reach the comparison instead of a syntax error. */
    private static final List<String> H2_FRAGMENTS = List.of("'", "''", "'a'", "\"", "\"x\"", "`", "`y`", "--",
            "//", "/*", "*/", "/*+", "\n", "\r", " ", "\t", "$", "$$", "$1", "?", "?1", "??(", "??)", ";", "U&", "X",
            "N", "a", "1", "[", "]", "(", ")", "-", "/", "*", "\u00e9", "\u4e2d", "\u00a0", ".5", ",", "=");

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.of(FRAGMENTS).list().ofMinSize(1).ofMaxSize(14).map(parts -> String.join("", parts));
    }

    @Provide
    Arbitrary<String> h2Texts() {
        return Arbitraries.of(H2_FRAGMENTS).list().ofMinSize(1).ofMaxSize(12).map(parts -> String.join("", parts));
    }

    @Property(tries = 3000)
    void whatH2TokenizesCloakReadsWithTheSameStringsIdentifiersParametersAndBoundaries(@ForAll("h2Texts") String sql)
            throws Exception {
        for (String mode : List.of("REGULAR", "MSSQLServer", "Oracle")) {
            List<String> h2 = h2Structure(sql, mode);
            if (h2 == null) {
                continue;
            }
            Set<LexicalSetting> settings = switch (mode) {
                case "MSSQLServer" -> Set.of(LexicalSetting.H2_SQUARE_BRACKETS, LexicalSetting.H2_POUND_IDENTIFIERS);
                case "Oracle" -> Set.of(LexicalSetting.H2_POUND_IDENTIFIERS);
                default -> Set.of();
            };
            Reading reading = SqlLexer.read(sql, Dialect.H2, settings);
            assertThat(reading.failure()).as("Cloak fails where H2 (%s) reads %s", mode, sql).isNull();
            assertThat(structure(reading)).as("%s in mode %s", sql, mode).isEqualTo(h2);
        }
    }

    @Property(tries = 3000)
    void connectorJFindsItsParametersWhereCloaksPortSaysItDoes(@ForAll("texts") String sql) {
        for (boolean noBackslashEscapes : new boolean[] {false, true}) {
            List<Integer> real = ClientParser.parameterParts(sql, noBackslashEscapes).getParamPositions();
            List<Integer> port = new ArrayList<>();
            for (int at : DriverReading.connectorJ(sql, noBackslashEscapes).placeholders()) {
                port.add(sql.substring(0, at).getBytes(StandardCharsets.UTF_8).length);
            }
            assertThat(port).as(sql).isEqualTo(real);
        }
    }

    @Property(tries = 3000)
    void pgjdbcSendsTheStatementsAndParametersCloaksPortSaysItDoes(@ForAll("texts") String sql) throws Exception {
        for (boolean conforming : new boolean[] {true, false}) {
            List<String> real = new ArrayList<>();
            for (NativeQuery query : Parser.parseJdbcSql(sql, conforming, true, true, false, false)) {
                real.add(query.nativeSql);
            }
            assertThat(nativeSql(sql, DriverReading.pgjdbc(sql, conforming))).as(sql).isEqualTo(real);
        }
    }

    /** pgjdbc's native text as Cloak's port predicts it: split at its splits, ? numbered per statement. */
    private static List<String> nativeSql(String sql, DriverReading reading) {
        List<String> out = new ArrayList<>();
        int start = 0;
        List<Integer> ends = new ArrayList<>(reading.splits());
        ends.add(sql.length());
        for (int end : ends) {
            String piece = sql.substring(start, end);
            if (!piece.isBlank()) {
                StringBuilder text = new StringBuilder();
                int bind = 0;
                for (int i = start; i < end; i++) {
                    if (reading.placeholders().contains(i)) {
                        text.append('$').append(++bind);
                    } else if (reading.escapes().contains(i)) {
                        text.append('?');
                        i++;
                    } else {
                        text.append(sql.charAt(i));
                    }
                }
                out.add(text.toString());
            }
            start = end + 1;
        }
        return out;
    }

    private static List<String> structure(Reading reading) {
        List<String> out = new ArrayList<>();
        for (SqlToken token : reading.tokens()) {
            switch (token.kind()) {
                case STRING -> {
                    if (!token.joined()) {
                        out.add("S@" + token.start());
                    }
                }
                case QUOTED_IDENTIFIER -> out.add("Q@" + token.start());
                case PLACEHOLDER, NUMBERED_PLACEHOLDER -> out.add("P@" + token.start());
                case SEMICOLON -> out.add(";@" + token.start());
                case OTHER -> out.add("OTHER@" + token.start());
                default -> {
                }
            }
        }
        return out;
    }

    /** H2's own tokens (through reflection: its tokenizer is package-private), or null when it rejects the text. */
    private static List<String> h2Structure(String sql, String mode) throws Exception {
        Class<?> tokenizer = Class.forName("org.h2.command.Tokenizer");
        Constructor<?> create = tokenizer.getDeclaredConstructor(CastDataProvider.class, boolean.class, boolean.class,
                BitSet.class);
        create.setAccessible(true);
        Method tokenize = tokenizer.getDeclaredMethod("tokenize", String.class, boolean.class, BitSet.class);
        tokenize.setAccessible(true);
        Class<?> tokenClass = Class.forName("org.h2.command.Token");
        Method start = tokenClass.getDeclaredMethod("start");
        start.setAccessible(true);
        Class<?> identifier = Class.forName("org.h2.command.Token$IdentifierToken");
        Method quoted = identifier.getDeclaredMethod("isQuoted");
        quoted.setAccessible(true);
        List<?> tokens;
        try {
            tokens = (List<?>) tokenize.invoke(create.newInstance(provider(Mode.getInstance(mode)), true, false, null),
                    sql, false, new BitSet());
        } catch (java.lang.reflect.InvocationTargetException rejected) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (Object token : tokens) {
            int at = (int) start.invoke(token);
            String name = token.getClass().getSimpleName();
            if (name.equals("CharacterStringToken") || name.equals("BinaryStringToken")) {
                out.add("S@" + at);
            } else if (name.equals("IdentifierToken") && (boolean) quoted.invoke(token)) {
                out.add("Q@" + at);
            } else if (name.equals("ParameterToken")) {
                out.add("P@" + at);
            } else if (name.equals("KeywordToken") && at < sql.length() && sql.charAt(at) == ';') {
                out.add(";@" + at);
            }
        }
        return out;
    }

    private static CastDataProvider provider(Mode mode) {
        return new CastDataProvider() {
            @Override
            public ValueTimestampTimeZone currentTimestamp() {
                return null;
            }

            @Override
            public TimeZoneProvider currentTimeZone() {
                return null;
            }

            @Override
            public Mode getMode() {
                return mode;
            }

            @Override
            public JavaObjectSerializer getJavaObjectSerializer() {
                return null;
            }

            @Override
            public boolean zeroBasedEnums() {
                return false;
            }
        };
    }
}
