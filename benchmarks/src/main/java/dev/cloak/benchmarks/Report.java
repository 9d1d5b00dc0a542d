package dev.cloak.benchmarks;

import com.google.gson.JsonArray;
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

/**
 * Reads JMH's JSON result and prints one line per database workload with Cloak's and ShardingSphere's
 * throughput as a ratio of raw pgjdbc's ({@code point-select cloak/raw=0.97 shardingsphere/raw=0.52}), then
 * the microbenchmarks, then the bars of SPEC §3 with PASS or FAIL.
 */
public final class Report {

    /** The workloads in the order of the issue; each also runs with 8 threads as {@code NAME-8t}. */
    static final List<String> WORKLOADS = List.of("point-select", "deterministic-lookup", "insert", "batch-insert",
            "scan-100", "update", "pass-through");
    private static final double POINT_SELECT_BAR = 0.95;
    private static final double INSERT_BAR = 0.90;
    private static final double THREADS_SLACK = 0.05;
    private static final double PLAN_CACHE_HIT_MICROS = 1.0;

    private Report() {
    }

    /** {@code Report FILE}: prints the report of a JMH JSON result file. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: Report jmh-result.json");
            System.exit(2);
        }
        JsonArray results = JsonParser.parseString(Files.readString(Path.of(args[0]))).getAsJsonArray();
        Map<String, Map<String, Double>> throughput = new LinkedHashMap<>();
        List<String> micro = new ArrayList<>();
        Double planCacheHit = null;
        for (JsonElement element : results) {
            JsonObject result = element.getAsJsonObject();
            String benchmark = result.get("benchmark").getAsString();
            String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            String owner = benchmark.substring(0, benchmark.lastIndexOf('.'));
            owner = owner.substring(owner.lastIndexOf('.') + 1);
            JsonObject metric = result.getAsJsonObject("primaryMetric");
            double score = metric.get("score").getAsDouble();
            Map<String, String> params = params(result);
            switch (owner) {
                case "DatabaseBenchmark" -> throughput.computeIfAbsent(workloadName(method), k -> new LinkedHashMap<>())
                        .put(params.get("driver"), score);
                case "PlanCacheBenchmark" -> {
                    planCacheHit = score;
                    micro.add(line("plan-cache-hit", score, metric));
                }
                // planMissInsert -> plan-miss-insert, passThroughMiss -> pass-through-miss
                case "RewriterBenchmark" -> micro.add(line(workloadName(method), score, metric));
                case "KeyLookupBenchmark" -> micro.add(line("warm-key-lookup", score, metric));
                case "CellCodecBenchmark" -> micro.add(line("cell-" + method + " " + params.get("type") + "/"
                        + params.get("mode"), score, metric));
                default -> micro.add(line(owner + "." + method, score, metric));
            }
        }
        Map<String, Double> cloakRatio = new LinkedHashMap<>();
        for (String workload : WORKLOADS) {
            for (String name : List.of(workload, workload + "-8t")) {
                Map<String, Double> byDriver = throughput.get(name);
                if (byDriver == null) {
                    continue;
                }
                Double cloak = ratio(byDriver, "cloak");
                cloakRatio.put(name, cloak);
                System.out.println(name + " cloak/raw=" + format(cloak) + " shardingsphere/raw="
                        + format(ratio(byDriver, "shardingsphere")));
            }
        }
        micro.forEach(System.out::println);
        bars(cloakRatio, planCacheHit);
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
                bar(workload + "-8t cloak/raw >= " + format(single) + " - " + THREADS_SLACK, cloak.get(workload + "-8t"),
                        floor);
            }
        }
        if (planCacheHit != null) {
            String verdict = planCacheHit < PLAN_CACHE_HIT_MICROS ? "PASS" : "FAIL";
            System.out.println("bar plan-cache-hit < 1 us: " + verdict + " ("
                    + String.format(Locale.ROOT, "%.3f", planCacheHit) + " us)");
        }
    }

    private static void bar(String name, Double value, double floor) {
        String verdict = value != null && value >= floor ? "PASS" : "FAIL";
        System.out.println("bar " + name + ": " + verdict + " (" + format(value) + ")");
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

    private static Double ratio(Map<String, Double> byDriver, String driver) {
        Double raw = byDriver.get("raw");
        Double other = byDriver.get(driver);
        return raw == null || other == null || raw == 0 ? null : other / raw;
    }

    private static String format(Double ratio) {
        return ratio == null ? "n/a" : String.format(Locale.ROOT, "%.2f", ratio);
    }

    private static String line(String name, double score, JsonObject metric) {
        return name + " " + String.format(Locale.ROOT, "%.3f", score) + " " + metric.get("scoreUnit").getAsString();
    }
}
