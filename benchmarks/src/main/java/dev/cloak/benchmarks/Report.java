package dev.cloak.benchmarks;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads JMH's JSON results (the rounds, ShardingSphere's run, the microbenchmarks) and prints one line per
 * database workload with Cloak's and ShardingSphere's throughput as a ratio of raw pgjdbc's
 * ({@code point-select cloak/raw=0.97 shardingsphere/raw=0.52}), then the microbenchmarks, then Cloak's
 * performance bars (the constants below) with PASS or FAIL, then every workload's Cloak ratio round by round.
 *
 * <p>A {@link DatabaseBenchmark} fork's drivers take turns by iteration, so its per-iteration scores
 * ({@code primaryMetric.rawData}) are split by driver: measured iteration {@code i} belongs to driver
 * {@code i % n} of its {@code drivers} parameter. A driver's throughput is the mean of its iterations (all of the
 * same length, so its operations over its time), over every round; a round's ratio uses that round's alone.
 * ShardingSphere, run once in forks of its own, is compared with raw's mean over all rounds. The cells of
 * {@link CellCodecBenchmark} take turns the same way; a cell's time is the median of its iterations.
 */
public final class Report {

    /** The workloads in the order of the issue; each also runs with 8 threads as {@code NAME-8t}. */
    static final List<String> WORKLOADS = List.of("point-select", "deterministic-lookup", "insert", "batch-insert",
            "scan-100", "update", "pass-through");
    private static final double POINT_SELECT_BAR = 0.95;
    private static final double INSERT_BAR = 0.90;
    private static final double THREADS_SLACK = 0.05;
    private static final double PLAN_CACHE_HIT_MICROS = 1.0;
    private static final String PLAN_CACHE_HIT = "plan-cache-hit";

    private Report() {
    }

    /**
     * {@code Report FILE...}: prints the report of JMH JSON result files (the rounds, ShardingSphere's run, the
     * microbenchmarks). A microbenchmark measured in several files counts with the median of its scores; each
     * database workload's Cloak ratio per round follows.
     */
    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: Report jmh-result.json...");
            System.exit(2);
        }
        // workload -> driver -> round (file index) -> the driver's iteration scores
        Map<String, Map<String, Map<Integer, List<Double>>>> throughput = new LinkedHashMap<>();
        Map<String, List<Double>> micro = new LinkedHashMap<>();
        Map<String, String> microUnit = new LinkedHashMap<>();
        for (int round = 0; round < args.length; round++) {
            String json = Files.readString(Path.of(args[round]));
            for (JsonElement element : JsonParser.parseString(json).getAsJsonArray()) {
                JsonObject result = element.getAsJsonObject();
                String benchmark = result.get("benchmark").getAsString();
                String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
                String owner = benchmark.substring(0, benchmark.lastIndexOf('.'));
                owner = owner.substring(owner.lastIndexOf('.') + 1);
                JsonObject metric = result.getAsJsonObject("primaryMetric");
                double score = metric.get("score").getAsDouble();
                Map<String, String> params = params(result);
                if (owner.equals("DatabaseBenchmark")) {
                    Map<String, Map<Integer, List<Double>>> byDriver =
                            throughput.computeIfAbsent(workloadName(method), k -> new LinkedHashMap<>());
                    String[] drivers = params.get("drivers").split("\\+");
                    for (JsonElement fork : metric.getAsJsonArray("rawData")) {
                        int turn = 0;
                        for (JsonElement iteration : fork.getAsJsonArray()) {
                            String driver = drivers[turn++ % drivers.length].trim();
                            byDriver.computeIfAbsent(driver, k -> new TreeMap<>())
                                    .computeIfAbsent(round, k -> new ArrayList<>()).add(iteration.getAsDouble());
                        }
                    }
                    continue;
                }
                if (owner.equals("CellCodecBenchmark")) {
                    // the cells take turns: measured iteration i is cell i % 26, each scored on its own
                    for (JsonElement fork : metric.getAsJsonArray("rawData")) {
                        int turn = 0;
                        for (JsonElement iteration : fork.getAsJsonArray()) {
                            String name = "cell-" + method + " " + CellCodecBenchmark.cellName(turn++);
                            micro.computeIfAbsent(name, k -> new ArrayList<>()).add(iteration.getAsDouble());
                            microUnit.put(name, metric.get("scoreUnit").getAsString());
                        }
                    }
                    continue;
                }
                String name = switch (owner) {
                    case "PlanCacheBenchmark" -> PLAN_CACHE_HIT;
                    // planMissInsert -> plan-miss-insert, passThroughMiss -> pass-through-miss
                    case "RewriterBenchmark" -> workloadName(method);
                    case "KeyLookupBenchmark" -> "warm-key-lookup";
                    default -> owner + "." + method;
                };
                micro.computeIfAbsent(name, k -> new ArrayList<>()).add(score);
                microUnit.put(name, metric.get("scoreUnit").getAsString());
            }
        }
        Map<String, Double> cloakRatio = new LinkedHashMap<>();
        List<String> byRound = new ArrayList<>();
        for (String workload : WORKLOADS) {
            for (String name : List.of(workload, workload + "-8t")) {
                Map<String, Map<Integer, List<Double>>> byDriver = throughput.get(name);
                if (byDriver == null) {
                    continue;
                }
                Double cloak = ratio(byDriver, "cloak");
                cloakRatio.put(name, cloak);
                System.out.println(name + " cloak/raw=" + format(cloak) + " shardingsphere/raw="
                        + format(ratio(byDriver, "shardingsphere")));
                byRound.add(name + " cloak/raw by round: " + roundRatios(byDriver, "cloak"));
            }
        }
        micro.forEach((name, scores) -> System.out.println(name + " "
                + String.format(Locale.ROOT, "%.3f", median(scores)) + " " + microUnit.get(name)));
        List<Double> planCacheHit = micro.get(PLAN_CACHE_HIT);
        bars(cloakRatio, planCacheHit == null ? null : median(planCacheHit));
        byRound.forEach(System.out::println);
    }

    /** The ratio of the driver's mean to raw's in each round, e.g. {@code 0.96 0.94 0.97}. */
    private static String roundRatios(Map<String, Map<Integer, List<Double>>> byDriver, String driver) {
        Map<Integer, List<Double>> raw = byDriver.get("raw");
        Map<Integer, List<Double>> other = byDriver.get(driver);
        if (raw == null || other == null) {
            return "n/a";
        }
        StringBuilder line = new StringBuilder();
        other.forEach((round, scores) -> {
            if (raw.containsKey(round)) {
                line.append(line.length() == 0 ? "" : " ").append(format(mean(scores) / mean(raw.get(round))));
            }
        });
        return line.length() == 0 ? "n/a" : line.toString();
    }

    static double mean(List<Double> scores) {
        double sum = 0;
        for (double score : scores) {
            sum += score;
        }
        return sum / scores.size();
    }

    static double median(List<Double> scores) {
        List<Double> sorted = new ArrayList<>(scores);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static void bars(Map<String, Double> cloak, Double planCacheHit) {
        if (cloak.containsKey("point-select")) {
            bar("point-select cloak/raw >= " + POINT_SELECT_BAR, cloak.get("point-select"), POINT_SELECT_BAR);
        }
        if (cloak.containsKey("insert")) {
            bar("insert cloak/raw >= " + INSERT_BAR, cloak.get("insert"), INSERT_BAR);
        }
        for (String workload : WORKLOADS) {
            Double single = cloak.get(workload);
            if (single != null && cloak.containsKey(workload + "-8t")) {
                double floor = single - THREADS_SLACK;
                bar(workload + "-8t cloak/raw >= " + format(single) + " - " + THREADS_SLACK,
                        cloak.get(workload + "-8t"),
                        floor);
            }
        }
        if (planCacheHit != null) {
            String verdict = planCacheHit < PLAN_CACHE_HIT_MICROS ? "PASS" : "FAIL";
            System.out.println("bar plan-cache-hit < 1 us: " + verdict + " ("
                    + String.format(Locale.ROOT, "%.3f", planCacheHit) + " us)");
        }
    }

    /** Three decimals: a ratio of 0.9496 against a bar of 0.95 must not read as 0.95 and FAIL. */
    private static void bar(String name, Double value, double floor) {
        String verdict = value != null && value >= floor ? "PASS" : "FAIL";
        System.out.println("bar " + name + ": " + verdict + " ("
                + (value == null ? "n/a" : String.format(Locale.ROOT, "%.3f", value)) + ")");
    }

    private static Map<String, String> params(JsonObject result) {
        Map<String, String> params = new LinkedHashMap<>();
        JsonObject json = result.getAsJsonObject("params");
        if (json != null) {
            json.entrySet().forEach(e -> params.put(e.getKey(), e.getValue().getAsString()));
        }
        return params;
    }

    /** {@code pointSelect_8t} -> {@code point-select-8t}, {@code scan100} -> {@code scan-100}. */
    static String workloadName(String method) {
        String suffix = "";
        int underscore = method.indexOf('_');
        if (underscore >= 0) {
            suffix = "-" + method.substring(underscore + 1);
            method = method.substring(0, underscore);
        }
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            boolean digitAfterLetter = Character.isDigit(c) && i > 0 && Character.isLetter(method.charAt(i - 1));
            if (Character.isUpperCase(c) || digitAfterLetter) {
                name.append('-');
            }
            name.append(Character.toLowerCase(c));
        }
        return name + suffix;
    }

    /** The driver's mean over all its iterations in every round, over raw's. */
    private static Double ratio(Map<String, Map<Integer, List<Double>>> byDriver, String driver) {
        Map<Integer, List<Double>> raw = byDriver.get("raw");
        Map<Integer, List<Double>> other = byDriver.get(driver);
        if (raw == null || other == null) {
            return null;
        }
        double rawMean = mean(all(raw));
        return rawMean == 0 ? null : mean(all(other)) / rawMean;
    }

    private static List<Double> all(Map<Integer, List<Double>> byRound) {
        List<Double> scores = new ArrayList<>();
        byRound.values().forEach(scores::addAll);
        return scores;
    }

    private static String format(Double ratio) {
        return ratio == null ? "n/a" : String.format(Locale.ROOT, "%.2f", ratio);
    }

}
