#!/usr/bin/env bash
# The fault-injection suite (issue 5): the platform under a steady chat load through the router while each app is
# stopped and restarted in turn; per app: requests sent, failed, fallback-served, max latency, seconds to recover,
# usage events lost, checked against issue 5's targets.
#   ./faults.sh [--short] [--rate N] [--down S] [--apps auth,users,...] [--no-build] [... see --help]
# Builds in Release, runs tools/FaultBench (port offset 15000 by default), prints the Markdown table and writes
# artifacts/faults/{results.md,results.json,chart.png}. Full run: 200 req/s, 30 s down per app, about 9 minutes on
# 2 cores. Exit code 0 = every target met, 3 = a target missed, 1 = the run failed. See docs/resilience.md.
set -euo pipefail
cd "$(dirname "$0")"

bench_args=()
build=1
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    -h|--help)
      sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
      if [[ -f tools/FaultBench/bin/Release/net10.0/fault-bench.dll ]]; then dotnet tools/FaultBench/bin/Release/net10.0/fault-bench.dll --help; fi
      exit 0 ;;
    *) bench_args+=("$arg") ;;
  esac
done

if [[ $build == 1 ]]; then
  echo "faults.sh: building (Release)..."
  dotnet build DeepSeek.Dapr.sln -c Release -nologo -v q -clp:NoSummary
fi

exec dotnet tools/FaultBench/bin/Release/net10.0/fault-bench.dll "${bench_args[@]}"
