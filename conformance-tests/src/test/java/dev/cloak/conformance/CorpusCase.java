package dev.cloak.conformance;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One case of the rewriter's corpus ({@code rewriter/src/test/resources/corpus/*.cases}, copied onto this module's
 * test class path as {@code corpus/}; format in its README.md): where it is, its dialect word, its SQL and its
 * expectations by key.
 */
record CorpusCase(String file, int line, String dialect, String sql, Map<String, String> expect, String knownBug) {

    private static final String KNOWN_BUG = "# KNOWN-BUG:";

    /** Every case of every {@code *.cases} file, files in name order, cases in file order. */
    static List<CorpusCase> readAll() throws IOException {
        URL folder = CorpusCase.class.getResource("/corpus");
        if (folder == null) {
            throw new IllegalStateException("corpus/ is not on the test class path (see conformance-tests/pom.xml)");
        }
        List<CorpusCase> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of(folder.toURI()))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".cases")).sorted().toList()) {
                all.addAll(parse(file.getFileName().toString(), Files.readAllLines(file, StandardCharsets.UTF_8)));
            }
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return all;
    }

    /** A case line sits at the left margin ({@code dialect: SQL}); its indented {@code key: value} lines follow. */
    static List<CorpusCase> parse(String file, List<String> lines) {
        List<CorpusCase> cases = new ArrayList<>();
        String pendingBug = null;
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i);
            String body = text.strip();
            if (body.startsWith(KNOWN_BUG)) {
                pendingBug = body.substring(KNOWN_BUG.length()).strip();
            } else if (!body.isEmpty() && !body.startsWith("#")) {
                int colon = body.indexOf(':');
                if (colon < 0) {
                    throw new IllegalStateException(file + ":" + (i + 1) + ": expected 'key: value'");
                }
                String key = body.substring(0, colon).strip();
                String value = body.substring(colon + 1).strip();
                if (!Character.isWhitespace(text.charAt(0))) {
                    // one line per case: ⏎ stands for a line break and ␀ for a NUL character (corpus README)
                    String sql = value.replace('\u23ce', '\n').replace('\u2400', '\0');
                    cases.add(new CorpusCase(file, i + 1, key.toLowerCase(Locale.ROOT), sql, new HashMap<>(),
                            pendingBug));
                    pendingBug = null;
                } else if (cases.isEmpty()) {
                    throw new IllegalStateException(file + ":" + (i + 1) + ": expectation before any case");
                } else {
                    cases.get(cases.size() - 1).expect().put(key, value);
                }
            }
        }
        return cases;
    }

    /** Whether the case is written for {@code db}: its own dialect or {@code any}. */
    boolean appliesTo(TestDatabase db) {
        return dialect.equals("any") || dialect.equals(db.slug());
    }

    /** The statement must be refused: the differential test has nothing to compare. */
    boolean isRejection() {
        return expect.containsKey("reject");
    }

    /** DDL by plan kind or by its first word (the corpus calls {@code CREATE SEQUENCE} a pass-through). */
    boolean isDdl() {
        return "DDL".equals(expect.get("kind")) || firstWordIs("create", "alter", "drop", "truncate");
    }

    /**
     * A statement that changes rows (EXPLAIN ANALYZE runs the statement it explains) or needs a transaction (LOCK):
     * its effect is compared inside a rolled-back transaction.
     */
    boolean isWrite() {
        return firstWordIs("insert", "update", "delete", "merge", "replace", "explain", "lock");
    }

    /** A SET, which may change the session's schema ({@code SET search_path}) for every case after it. */
    boolean setsTheSession() {
        return firstWordIs("set");
    }

    /**
     * A statement whose result describes the database rather than the data (EXPLAIN, DESCRIBE, ANALYZE TABLE):
     * the two copies' results legitimately differ (column types, plans), so only their shape is compared.
     */
    boolean describesTheDatabase() {
        return "UTILITY".equals(expect.get("kind")) || "EXPLAIN".equals(expect.get("kind"))
                || firstWordIs("explain", "describe", "show", "analyze", "optimize", "check", "vacuum");
    }

    /** The encrypted column named for each {@code ?} by the {@code params} line, {@code -} for a plain one. */
    List<String> paramWords() {
        String params = expect.get("params");
        return params == null || params.isBlank() ? List.of() : List.of(params.strip().split("\\s+"));
    }

    /** {@code file:line [db]}, as the rewriter's CorpusTest names its cases. */
    String name(TestDatabase db) {
        return file + ":" + line + " [" + db.slug() + "]";
    }

    private boolean firstWordIs(String... words) {
        String start = sql.stripLeading().toLowerCase(Locale.ROOT);
        for (String word : words) {
            if (start.startsWith(word + " ")) {
                return true;
            }
        }
        return false;
    }
}
