package dev.cloak.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import dev.cloak.driver.config.ColumnType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The test values themselves: every logical type is covered, and the plaintext search is not vacuous. */
class TypeSampleTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(ColumnType.class)
    void everyLogicalTypeHasSamples(ColumnType type) {
        TypeSample s = TypeSample.of(type);
        assertThat(s.extremes()).isNotEmpty();
        assertThat(s.typedValues()).isNotEmpty();
        assertThat(s.policyName()).isEqualTo(type.policyName());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TypeSample.class)
    void samplesAreValuesOfTheirJavaClassAndEqualThemselves(TypeSample s) {
        List<Object> all = new ArrayList<>(s.extremes());
        all.addAll(s.typedValues());
        all.add(s.typical());
        assertThat(all).allSatisfy(v -> {
            assertThat(v).isInstanceOf(s.javaClass());
            assertThat(s.sameValue(v, v)).isTrue();
            assertThat(s.sameValue(v, null)).isFalse();
        });
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TypeSample.class)
    void someExtremeValueHasAPlaintextPatternLongEnoughToSearchFor(TypeSample s) {
        assertThat(s.extremes()).anySatisfy(v -> assertThat(s.needles(v)).anyMatch(n -> n.length >= 4));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TypeSample.class)
    void typicalValueReadsAsItsOwnString(TypeSample s) {
        assertThat(s.readsAsString(String.valueOf(s.typical()))).isTrue();
        assertThat(s.readsAsString(null)).isFalse();
    }

    @Test
    void differentValuesAreNotTheSame() {
        assertThat(TypeSample.DECIMAL.sameValue(new java.math.BigDecimal("1.0"), new java.math.BigDecimal("1.00"))).isTrue();
        assertThat(TypeSample.DECIMAL.sameValue(new java.math.BigDecimal("1.0"), new java.math.BigDecimal("1.01"))).isFalse();
        assertThat(TypeSample.BYTES.sameValue(new byte[] {1}, new byte[] {2})).isFalse();
        assertThat(TypeSample.DOUBLE.sameValue(Double.NaN, Double.NaN)).isTrue();
    }
}
