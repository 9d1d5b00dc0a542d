#!/usr/bin/env bash
# Builds the benchmarks, runs the JMH database benchmarks in rounds (raw pgjdbc and Cloak taking turns in one JVM,
# ShardingSphere-JDBC beside them) and the microbenchmarks once, and prints one line per workload (throughput ratios,
# Cloak's cost per cell against the bare primitives' floor), then the floors and microbenchmarks, the performance bars
# (README "Performance") and each workload's ratio round by round. The machine's load (uptime) is printed at the
# start, before each round and at the end: on a shared machine, read the figures with it.
#
#   CLOAK_TEST_POSTGRES_URL='jdbc:postgresql://127.0.0.1:5432/test?user=root' benchmarks/run.sh
#
# Settings: CLOAK_BENCH_ROUNDS rounds (default 2), each a JMH run with one fork per workload in which raw and Cloak
# take turns every 250 ms, 12 turns each (benchmarks/README.md, "Taking turns"). The first round runs every workload,
# single-threaded and with 8 threads; the later ones only the single-threaded workloads a bar is set on (point-select,
# insert, batch-insert, scan-100, deterministic-lookup, lookup-hot-memo, wide-row), so that the run stays under 15
# minutes, with a third driver taking turns: "bare", raw pgjdbc with the bare primitives called around it on cells
# of Cloak's layout and length, the floor in the application (the primitives where the cells are read and written,
# and the server storing ciphertext); Cloak's cost beyond it is its own code. Such a round measures 48 turns of
# 250 ms, 16 per driver. ShardingSphere, a reference and not a bar, runs once after the first round, single-threaded workloads
# only (not export nor lookup-hot-memo), in forks of its own, 8 x 250 ms. A database fork pre-touches its heap, and
# for each driver binds 20,000 unsent statements (write workloads, at most 2 s) and puts 5,000 rows through the
# workload (at most 2 s); then it runs every driver until the JIT compiler threads are idle (at most 3 s; for 8
# threads, then 8 threads for 1 s, one thread and 8 threads until idle again) and checkpoints PostgreSQL
# (benchmarks/README.md, "Warm-up"). Plan-cache hit, rewriter misses and key lookup: 1 fork, 2 x 1 s + 3 x 1 s; cell
# codec: 1 fork per operation in which the 26 cells take turns, run until the JIT is idle (at most 3 s), then
# 26 x 0.1 s warmup and 52 x 0.1 s measured; the floor (bare AES-GCM and AES-SIV), after every round so that it meets
# the machine the workloads met: 1 fork in which its 10 operations take turns the same way, each operation's floor
# the median over the rounds. About 14 minutes on a quiet 2-core machine; 23 on one with a load average of 20.
# Extra arguments replace the benchmark list and go to JMH in every round, ShardingSphere and the microbenchmarks
# are then skipped (e.g. 'DatabaseBenchmark.pointSelect$' -p drivers=raw+cloak).
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
rounds=${CLOAK_BENCH_ROUNDS:-2}
if [[ $# -gt 0 ]]; then
  database=("$@")
  later=("$@")
  reference=()
  micro=()
  floor=()
else
  database=(DatabaseBenchmark -p drivers=raw+cloak)
  # after the first round, the single-threaded workloads a bar is set on
  # with the bare driver (raw pgjdbc, the bare primitives called around it) taking turns too
  later=('DatabaseBenchmark\.(pointSelect|insert|batchInsert|scan100|deterministicLookup|lookupHotMemo|wideRow)$'
         -p drivers=raw+cloak+bare -i 48)
  # ShardingSphere is a reference, not a bar: once, in forks of its own, single-threaded, with fewer iterations; not
  # export (100,000 rows took it 17 s, and a fork measures at least 9 of them) nor lookup-hot-memo (it has no memo)
  reference=('DatabaseBenchmark\.(pointSelect|deterministicLookup|insert|batchInsert|scan100|update|passThrough|scan1000|lookupHot|wideRow)$'
             -p drivers=shardingsphere -wi 1 -i 8)
  micro=(PlanCacheBenchmark RewriterBenchmark KeyLookupBenchmark CellCodecBenchmark)
  # the bare primitives after every round, so that the floor meets the machine the workloads met
  floor=(FloorBenchmark)
fi
started=$(date +%s)
load() {
  echo "load: $(uptime)"
}

# jmh NAME ARGS...: one JMH run writing $target/jmh-NAME.json, its log appended to $target/jmh.log
jmh() {
  local name=$1
  shift
  set +e
  java -cp "$classpath" org.openjdk.jmh.Main -rf json -rff "$target/jmh-$name.json" "$@" \
    2>&1 | tee -a "$target/jmh.log" | grep --line-buffered -E '^# (Benchmark|Parameters):' \
    | sed -u 's/^# Benchmark: dev.cloak.benchmarks./  /; s/^# Parameters:/    /'
  local status=${PIPESTATUS[0]}
  set -e
  if [[ $status -ne 0 || ! -s "$target/jmh-$name.json" ]]; then
    echo "run.sh: JMH failed, see $target/jmh.log" >&2
    exit 1
  fi
}

echo "Running JMH: $rounds rounds, the first of ${database[*]}, the others of ${later[*]}${floor:+, each followed by ${floor[*]}}${reference:+; ${reference[*]} after the first}${micro:+; then ${micro[*]}} (log: $target/jmh.log) ..."
rm -f "$target"/jmh-*.json "$target/jmh.log"
results=()
load
for ((round = 1; round <= rounds; round++)); do
  echo "round $round of $rounds"
  load
  if [[ $round -eq 1 ]]; then
    jmh "round-$round" "${database[@]}"
  else
    jmh "round-$round" "${later[@]}"
  fi
  results+=("$target/jmh-round-$round.json")
  if [[ ${#floor[@]} -gt 0 ]]; then
    jmh "floor-$round" "${floor[@]}"
    results+=("$target/jmh-floor-$round.json")
  fi
  if [[ $round -eq 1 && ${#reference[@]} -gt 0 ]]; then
    echo "ShardingSphere"
    load
    jmh shardingsphere "${reference[@]}"
    results+=("$target/jmh-shardingsphere.json")
  fi
done
if [[ ${#micro[@]} -gt 0 ]]; then
  jmh micro "${micro[@]}"
  results+=("$target/jmh-micro.json")
fi

echo
java -cp "$classpath" dev.cloak.benchmarks.Report "${results[@]}"
load
echo "run.sh: $(( ($(date +%s) - started) / 60 )) min $(( ($(date +%s) - started) % 60 )) s in all, $(nproc) cores," \
  "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), $(date -u '+%Y-%m-%d %H:%M UTC')"
