#!/usr/bin/env bash
# Builds the benchmarks, runs every JMH benchmark once (raw pgjdbc, Cloak and ShardingSphere-JDBC side by side)
# and prints one line of throughput ratios per workload, then the microbenchmarks and the bars of SPEC §3.
#
#   CLOAK_TEST_POSTGRES_URL='jdbc:postgresql://127.0.0.1:5432/test?user=root' benchmarks/run.sh
#
# Settings: database workloads 1 fork with a pre-touched heap, 20,000 rows of the fork's own workload and a
# CHECKPOINT before 3 x 1.5 s warmup and 3 x 2 s measurement (benchmarks/README.md, "Warm-up": without them a
# fork measured the JIT compiler and fresh heap pages, and charged both to the driver that runs more code per row);
# plan-cache hit, rewriter misses and key lookup 1 fork, 2 x 1 s + 3 x 1 s; cell codec 1 fork, 1 x 0.5 s +
# 2 x 0.5 s. That is 7.5 minutes of measurement in 101 JVM forks: about 16 to 18 minutes in all on a quiet 2-core machine.
# Extra arguments replace the benchmark list and go to JMH (e.g. a regex, or -p driver=raw,cloak).
set -euo pipefail

if [[ -z "${CLOAK_TEST_POSTGRES_URL:-}" ]]; then
  echo "run.sh: CLOAK_TEST_POSTGRES_URL is not set; name a PostgreSQL database, e.g." \
       "CLOAK_TEST_POSTGRES_URL='jdbc:postgresql://127.0.0.1:5432/test?user=root' benchmarks/run.sh" >&2
  exit 2
fi

cd "$(dirname "$0")/.."
target=benchmarks/target

echo "Building rewriter, keyring, driver and benchmarks ..."
build_log=$(mktemp)
if ! mvn -B -q -o -pl benchmarks -am package -DskipTests >"$build_log" 2>&1; then
  # offline failed: a dependency (ShardingSphere) is not in the local repository yet
  mvn -B -q -pl benchmarks -am package -DskipTests >"$build_log" 2>&1 \
    || { cat "$build_log" >&2; echo "run.sh: the build failed (log above)" >&2; exit 1; }
fi
rm -f "$build_log"

classpath="$target/classes:$(cat "$target/classpath.txt")"
benchmarks=(DatabaseBenchmark PlanCacheBenchmark RewriterBenchmark KeyLookupBenchmark CellCodecBenchmark)
if [[ $# -gt 0 ]]; then
  benchmarks=("$@")
fi

echo "Running JMH (log: $target/jmh.log) ..."
rm -f "$target/jmh-result.json"
set +e
java -cp "$classpath" org.openjdk.jmh.Main -rf json -rff "$target/jmh-result.json" "${benchmarks[@]}" \
  2>&1 | tee "$target/jmh.log" | grep --line-buffered -E '^# (Benchmark|Parameters):' \
  | sed -u 's/^# Benchmark: dev.cloak.benchmarks./  /; s/^# Parameters:/    /'
jmh_status=${PIPESTATUS[0]}
set -e
if [[ $jmh_status -ne 0 || ! -s "$target/jmh-result.json" ]]; then
  echo "run.sh: JMH failed, see $target/jmh.log" >&2
  exit 1
fi

echo
java -cp "$classpath" dev.cloak.benchmarks.Report "$target/jmh-result.json"
