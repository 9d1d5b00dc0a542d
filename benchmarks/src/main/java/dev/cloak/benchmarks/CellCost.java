package dev.cloak.benchmarks;

import java.util.List;
import java.util.Map;

/**
 * What each database workload asks of the primitives, and Cloak's cost per cell against their floor: from the two
 * drivers' throughputs, {@code per-cell = (1/cloak - 1/raw) / cells}, the time Cloak adds to an operation spread
 * over the cells it encrypts or decrypts; the floor is the same cells through the bare primitives
 * ({@link FloorBenchmark}); and the ratio the workload would have if Cloak cost exactly the floor,
 * {@code (1/raw) / (1/raw + floor per operation)}.
 *
 * <p>With 8 threads, {@code 1/throughput} is the machine's time per operation with every core busy, not one
 * operation's latency: the per-cell figure of an {@code -8t} workload is what a cell costs the whole machine.
 */
final class CellCost {

    /** What one operation of a workload does: {@code rows} times the operations of {@code perRow}. */
    record Mix(int rows, List<String> perRow) {
        int cells() {
            return rows * perRow.size();
        }
    }

    private static final List<String> READ_PATIENT = List.of("siv-decrypt-ssn", "gcm-decrypt-name",
            "gcm-decrypt-email");
    private static final List<String> WRITE_PATIENT = List.of("siv-encrypt-ssn", "gcm-encrypt-name",
            "gcm-encrypt-email");

    /** Each workload's cells, named by {@link FloorBenchmark#OPS}; pass-through has none. */
    static final Map<String, Mix> MIXES = Map.ofEntries(
            Map.entry("point-select", new Mix(1, List.of("gcm-decrypt-name", "gcm-decrypt-email"))),
            Map.entry("deterministic-lookup", new Mix(1, List.of("siv-encrypt-ssn", "gcm-decrypt-name"))),
            Map.entry("insert", new Mix(1, WRITE_PATIENT)),
            Map.entry("batch-insert", new Mix(1_000, WRITE_PATIENT)),
            Map.entry("scan-100", new Mix(100, READ_PATIENT)),
            Map.entry("update", new Mix(1, List.of("gcm-encrypt-renamed"))),
            Map.entry("pass-through", new Mix(1, List.of())),
            Map.entry("scan-1000", new Mix(1_000, List.of("gcm-decrypt-wide", "gcm-decrypt-wide", "gcm-decrypt-wide",
                    "gcm-decrypt-wide", "gcm-decrypt-wide"))),
            Map.entry("export", new Mix(BenchDatabase.EXPORT_ROWS, READ_PATIENT)),
            Map.entry("lookup-hot", new Mix(1, List.of("siv-encrypt-hot", "siv-decrypt-hot"))),
            Map.entry("lookup-hot-memo", new Mix(1, List.of("siv-encrypt-hot", "siv-decrypt-hot"))),
            Map.entry("wide-row", new Mix(1, List.of("gcm-decrypt-wide", "gcm-decrypt-wide"))));

    private CellCost() {
    }

    /** The mix of a workload, {@code -8t} or not; null for a workload without one. */
    static Mix mix(String workload) {
        return MIXES.get(workload.replace("-8t", ""));
    }

    /** Microseconds Cloak adds per operation, from throughputs in operations per second. */
    static double addedMicros(double raw, double cloak) {
        return 1e6 / cloak - 1e6 / raw;
    }

    /** The floor of one operation in microseconds, or null when a primitive's floor is missing. */
    static Double floorMicros(Mix mix, Map<String, Double> floors) {
        double sum = 0;
        for (String op : mix.perRow()) {
            Double floor = floors.get(op);
            if (floor == null) {
                return null;
            }
            sum += floor;
        }
        return sum * mix.rows();
    }

    /** The ratio to raw the workload would have if Cloak added exactly {@code floorMicros} per operation. */
    static double ratioAtFloor(double raw, double floorMicros) {
        double rawMicros = 1e6 / raw;
        return rawMicros / (rawMicros + floorMicros);
    }
}
