package dev.cloak.driver.internal.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No main code of any module spells out an SQLState but two files: {@link SqlState}, the states Cloak gives its own
 * failures, so "which SQLState does this failure get" has one answer, and the keyring's {@code DatabaseStates}, the
 * databases' own states Cloak reads (a missing table, a denied role). A five-character literal counts as an
 * SQLState when it has a digit ({@code 0A000}, {@code 58030}) or starts with a class of letters only
 * ({@code XX000}); SQL words such as {@code CHECK}, {@code FETCH} or {@code IMAGE} do not.
 */
class SqlStateLiteralsTest {

    private static final Pattern FIVE_CHARACTER_LITERAL = Pattern.compile("\"([0-9A-Z]{5})\"");
    /** SQLState classes made of letters: PostgreSQL's internal error, ODBC's and SQL/CLI's, foreign data. */
    private static final Set<String> LETTER_CLASSES = Set.of("XX", "HY", "HZ", "HV");
    private static final Path FUNNEL = Path.of("driver", "src", "main", "java", "dev", "cloak", "driver", "internal",
            "error", "SqlState.java");
    private static final Path DATABASE_STATES = Path.of("keyring", "src", "main", "java", "dev", "cloak", "keyring",
            "store", "DatabaseStates.java");

    static boolean looksLikeSqlState(String literal) {
        return literal.chars().anyMatch(Character::isDigit) || LETTER_CLASSES.contains(literal.substring(0, 2));
    }

    /** The project's root: the folder above this module that holds the parent POM and the driver module. */
    private static Path projectRoot() {
        Path root = Path.of("").toAbsolutePath().getParent();
        assertThat(root.resolve("pom.xml")).as("parent POM").exists();
        assertThat(root.resolve(FUNNEL)).as("the funnel, seen from the project root").exists();
        assertThat(root.resolve(DATABASE_STATES)).as("the databases' states Cloak reads").exists();
        return root;
    }

    private static List<Path> mainSourceFolders(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root, 5)) {
            return paths.filter(Files::isDirectory)
                    .filter(p -> p.endsWith(Path.of("src", "main", "java")))
                    .filter(p -> !root.relativize(p).toString().contains("target"))
                    .sorted().toList();
        }
    }

    private static List<String> sqlStateLiterals(Path root, Path folder) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                if (root.relativize(file).equals(FUNNEL) || root.relativize(file).equals(DATABASE_STATES)) {
                    continue;
                }
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    Matcher literal = FIVE_CHARACTER_LITERAL.matcher(lines.get(i));
                    while (literal.find()) {
                        if (looksLikeSqlState(literal.group(1))) {
                            found.add(root.relativize(file) + ":" + (i + 1) + ": \"" + literal.group(1) + "\"");
                        }
                    }
                }
            }
        }
        return found;
    }

    @Test
    void noMainSourceOfAnyModuleWritesAnSqlStateOutsideTheFunnel() throws IOException {
        Path root = projectRoot();
        List<Path> folders = mainSourceFolders(root);
        List<String> literals = new ArrayList<>();
        for (Path folder : folders) {
            literals.addAll(sqlStateLiterals(root, folder));
        }

        assertThat(folders).as("main source folders scanned").extracting(f -> root.relativize(f).getName(0).toString())
                .contains("rewriter", "keyring", "driver", "cli", "benchmarks", "samples");
        assertThat(literals).as("SQLState literals outside SqlState.java and DatabaseStates.java: name Cloak's own"
                        + " states in SqlState, the databases' states Cloak reads in DatabaseStates")
                .isEmpty();
    }

    @Test
    void statesWithADigitOrALetterClassCountAndSqlWordsDoNot() {
        assertThat(List.of("0A000", "58030", "22018", "F0000", "42P01", "XX000", "HY000"))
                .allMatch(SqlStateLiteralsTest::looksLikeSqlState);
        assertThat(List.of("CHECK", "FETCH", "LIMIT", "MERGE", "BYTEA", "IMAGE"))
                .noneMatch(SqlStateLiteralsTest::looksLikeSqlState);
    }

    @Test
    void everyStateOfTheFunnelIsFiveCharactersOfAClass() {
        for (SqlState state : SqlState.values()) {
            assertThat(state.code()).as(state.name()).matches("[0-9A-Z]{5}").satisfies(code ->
                    assertThat(looksLikeSqlState(code)).isTrue());
        }
    }
}
