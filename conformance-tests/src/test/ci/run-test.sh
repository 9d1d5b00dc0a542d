#!/usr/bin/env bash
# Tests the start/wait part of .ci/run without touching the shared databases: pg_isready, pg_ctlcluster,
# mariadb-admin, start-stop-daemon, psql, mariadb and mvn are stubs on PATH that record their calls and
# bring a "database" up a few seconds after it is started. Usage: bash conformance-tests/src/test/ci/run-test.sh
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0

make_stubs() {
    local bin="$1/bin" state="$1/state"
    mkdir -p "$bin" "$state"
    cat >"$bin/pg_isready" <<STUB
#!/usr/bin/env bash
echo "pg_isready \$*" >>"$state/calls"; [[ -e "$state/pg_up" ]]
STUB
    cat >"$bin/pg_ctlcluster" <<STUB
#!/usr/bin/env bash
echo "pg_ctlcluster \$*" >>"$state/calls"; [[ -e "$state/pg_never" ]] || (sleep 3; touch "$state/pg_up") >/dev/null 2>&1 &
STUB
    cat >"$bin/mariadb-admin" <<STUB
#!/usr/bin/env bash
echo "mariadb-admin \$*" >>"$state/calls"; [[ -e "$state/maria_up" ]]
STUB
    cat >"$bin/start-stop-daemon" <<STUB
#!/usr/bin/env bash
echo "start-stop-daemon \$*" >>"$state/calls"; (sleep 2; touch "$state/maria_up") >/dev/null 2>&1 &
STUB
    cat >"$bin/psql" <<STUB
#!/usr/bin/env bash
echo "psql \$*" >>"$state/calls"
STUB
    cat >"$bin/mariadb" <<STUB
#!/usr/bin/env bash
echo "mariadb \$*" >>"$state/calls"
STUB
    cat >"$bin/mvn" <<STUB
#!/usr/bin/env bash
echo "mvn \$* PG=\$CLOAK_TEST_POSTGRES_URL MARIA=\$CLOAK_TEST_MARIADB_URL" >>"$state/calls"
STUB
    chmod +x "$bin"/*
}

check() {
    local name="$1" ok="$2"
    if [[ "$ok" == yes ]]; then
        echo "PASS $name"
    else
        echo "FAIL $name"
        failures=$((failures + 1))
    fi
}

has() { grep -qF -- "$2" "$1" && echo yes || echo no; }

# 1. Both databases down: each is started once, waited for, and mvn -B verify runs with both URLs.
dir="$work/cold"; make_stubs "$dir"
out="$dir/out"
PATH="$dir/bin:$PATH" CI=true bash "$repo/.ci/run" >"$out" 2>&1 && rc=0 || rc=$?
cat "$out"
check "cold start exits 0" "$([[ $rc == 0 ]] && echo yes || echo no)"
check "starts PostgreSQL with pg_ctlcluster" "$(has "$dir/state/calls" "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql | sort -V | tail -n 1) main start")"
check "starts MariaDB with start-stop-daemon" "$(has "$dir/state/calls" "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd")"
check "waits for PostgreSQL" "$(has "$out" "PostgreSQL ready after")"
check "waits for MariaDB" "$(has "$out" "MariaDB ready after")"
check "creates role root" "$(has "$dir/state/calls" "CREATE ROLE root LOGIN SUPERUSER")"
check "creates database test" "$(has "$dir/state/calls" "CREATE DATABASE test OWNER root")"
check "runs mvn -B verify with both URLs" "$(has "$dir/state/calls" "mvn -B verify PG=jdbc:postgresql://127.0.0.1:5432/test?user=root MARIA=jdbc:mariadb://127.0.0.1:3306/test?user=root&password=")"
check "mvn runs after both databases are up" "$([[ $(grep -n '^mvn' "$dir/state/calls" | cut -d: -f1) -gt $(grep -n '^start-stop-daemon' "$dir/state/calls" | cut -d: -f1) ]] && echo yes || echo no)"

# 2. Both databases already up: nothing is started.
dir="$work/warm"; make_stubs "$dir"; touch "$dir/state/pg_up" "$dir/state/maria_up"
PATH="$dir/bin:$PATH" bash "$repo/.ci/run" >"$dir/out" 2>&1 && rc=0 || rc=$?
check "warm start exits 0" "$([[ $rc == 0 ]] && echo yes || echo no)"
check "warm start starts nothing" "$(grep -qE '^(pg_ctlcluster|start-stop-daemon)' "$dir/state/calls" && echo no || echo yes)"

# 3. PostgreSQL never comes up: the script gives up after the wait limit, fails, and never runs mvn.
dir="$work/never"; make_stubs "$dir"; touch "$dir/state/pg_never"
start=$(date +%s)
PATH="$dir/bin:$PATH" CLOAK_CI_DB_WAIT_SECONDS=3 bash "$repo/.ci/run" >"$dir/out" 2>&1 && rc=0 || rc=$?
took=$(( $(date +%s) - start ))
check "database that never starts fails the run" "$([[ $rc != 0 ]] && echo yes || echo no)"
check "failure names PostgreSQL and the limit" "$(has "$dir/out" "FAILED: PostgreSQL not ready after 3 s")"
check "gives up within the limit (${took} s)" "$([[ $took -le 6 ]] && echo yes || echo no)"
check "mvn not run after a failed start" "$(grep -q '^mvn' "$dir/state/calls" && echo no || echo yes)"

echo "failures: $failures"
exit "$failures"
