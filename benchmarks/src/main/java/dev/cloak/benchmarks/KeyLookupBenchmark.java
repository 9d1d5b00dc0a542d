package dev.cloak.benchmarks;

import com.google.crypto.tink.Aead;
import dev.cloak.keyring.DomainKeys;
import dev.cloak.keyring.KeyringException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code Keyring.aead} of a key domain already in the key cache: no key store, no master key; and
 * {@code DomainKeys.aead}, what a codec asks on every cell (no cache lookup, a freshness check).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
public class KeyLookupBenchmark {

    private static final String DOMAIN = "patients.name";

    private LocalKeyring keys;
    private DomainKeys domain;

    @Setup(Level.Trial)
    public void open() throws Exception {
        keys = LocalKeyring.open();
        keys.keyring().aead(DOMAIN);
        domain = keys.keyring().domainKeys(DOMAIN);
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        keys.close();
    }

    @Benchmark
    public Aead warmKeyLookup() throws KeyringException {
        return keys.keyring().aead(DOMAIN);
    }

    @Benchmark
    public Aead domainKeyLookup() throws KeyringException {
        return domain.aead();
    }
}
