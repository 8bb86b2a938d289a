#!/usr/bin/env bash
# Runs the whole test suite: installs and starts what the tests need (Redis), builds in Release, runs every test
# project, and ends with one line "N passed, N failed[, N skipped]" counted from the TRX results.
set -euo pipefail
cd "$(dirname "$0")"

launcher_pidfiles="$PWD/artifacts/platform-tests"
redis_port=6379
started_redis=false

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

cleanup() {
  # Safety net: a test host killed by --blame-hang-timeout cannot dispose the platform it started.
  # Every platform fixture writes its launcher's pid to a launcher*.pid file there.
  for pidfile in "$launcher_pidfiles"/launcher*.pid; do
    [[ -s "$pidfile" ]] || continue
    pid=$(<"$pidfile")
    if kill -0 "$pid" 2>/dev/null && grep -q local-dapr "/proc/$pid/cmdline" 2>/dev/null; then
      echo "test.sh: stopping the platform left running by the tests (pid $pid, $(basename "$pidfile"))"
      kill -TERM "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done
  if [[ "$started_redis" == true ]]; then
    redis-cli -h 127.0.0.1 -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

if ! command -v redis-server >/dev/null 2>&1; then
  echo "test.sh: installing redis-server (apt-get)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi

export REDIS_CONNECTION="${REDIS_CONNECTION:-127.0.0.1:$redis_port}"
if ! redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1; then
  echo "test.sh: starting redis-server on 127.0.0.1:$redis_port"
  redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no --daemonize yes \
    --pidfile "/tmp/deepseek-dapr-test-redis-$redis_port.pid" --logfile "/tmp/deepseek-dapr-test-redis-$redis_port.log"
  started_redis=true
  for _ in $(seq 1 50); do
    redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null
fi

echo "test.sh: building (Release)"
dotnet build DeepSeek.Dapr.sln -c Release -nologo -v q -clp:NoSummary

# Each project writes its TRX into its own TestResults folder under a fixed name (default names only carry the
# second, so two projects finishing together could overwrite each other in a shared folder).
rm -rf tests/*/TestResults
echo "test.sh: running tests"
test_status=0
# A test that hangs fails after 5 minutes instead of stalling CI (no dump: only the failure matters here).
run_tests() {
  dotnet test "$@" -c Release --no-build --nologo \
    --blame-hang-timeout 5m --blame-hang-dump-type none || test_status=$?
}
run_tests DeepSeek.Dapr.sln --filter "Category!=Measurement" --logger "trx;LogFileName=tests.trx"
# Measurements run alone afterwards, so the other test assemblies do not share the 2 cores with the load.
run_tests tests/Platform.Tests/Platform.Tests.csproj --filter "Category=Measurement" --logger "trx;LogFileName=measurement.trx"

# Count outcomes of every test result (each theory row counts) across all TRX files.
count_outcome() {
  local outcome=$1
  cat tests/*/TestResults/*.trx 2>/dev/null | grep -o "<UnitTestResult [^>]*outcome=\"$outcome\"" | wc -l || true
}
passed=$(count_outcome Passed)
failed=$(( $(count_outcome Failed) + $(count_outcome Error) + $(count_outcome Timeout) + $(count_outcome Aborted) ))
skipped=$(count_outcome NotExecuted)

if [[ $test_status -ne 0 && $failed -eq 0 ]]; then
  # A crashed or hung test host leaves no failed result behind; the run still failed.
  echo "test.sh: dotnet test exited with $test_status without a failed test result (crashed or hung test host?)"
  failed=1
fi

summary="$passed passed, $failed failed"
if [[ $skipped -gt 0 ]]; then
  summary+=", $skipped skipped"
fi
trap - EXIT
cleanup
echo "$summary"
[[ $failed -eq 0 ]]
