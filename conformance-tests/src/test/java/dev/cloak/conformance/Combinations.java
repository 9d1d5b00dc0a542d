package dev.cloak.conformance;

import java.util.stream.Stream;

import dev.cloak.driver.config.EncryptionMode;
import org.junit.jupiter.params.provider.Arguments;

/** Argument sources shared by the parameterized suites. */
final class Combinations {

    private Combinations() {
    }

    /** Every database × every logical type × both modes. */
    static Stream<Arguments> databaseTypeMode() {
        return Stream.of(TestDatabase.values()).flatMap(db -> Stream.of(TypeSample.values())
                .flatMap(s -> Stream.of(EncryptionMode.values()).map(m -> Arguments.of(db, s, m))));
    }

    /** Every database × both modes. */
    static Stream<Arguments> databaseMode() {
        return Stream.of(TestDatabase.values()).flatMap(db -> Stream.of(EncryptionMode.values()).map(m -> Arguments.of(db, m)));
    }
}
