#!/usr/bin/env bash
# Benchmarks the platform beside a direct upstream and beside Portkey's open-source gateway, in one run (issue 7).
#   ./bench.sh [--seconds N] [--quick] [--no-portkey] [--no-build]
# Builds in Release, installs Portkey's gateway once into .bench/portkey (outside git; needs node and npm), runs
# tools/PlatformBench, prints the Markdown table and writes artifacts/bench/{results.json,results.md,chart.png,chart.svg}.
# Default: 120 measured seconds, about 4 minutes in all on 2 cores (platform start-up included). See docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")"

bench_args=()
build=1
portkey=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) bench_args+=(--seconds "${2:?--seconds needs a value}"); shift 2 ;;
    --quick) bench_args+=(--quick); shift ;;
    --no-portkey) portkey=0; bench_args+=(--no-portkey); shift ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done

if [[ $build == 1 ]]; then
  echo "bench.sh: building (Release)..."
  dotnet build DeepSeek.Dapr.sln -c Release -nologo -v q -clp:NoSummary
fi

portkey_version=1.15.2
portkey_dir=.bench/portkey
if [[ $portkey == 1 ]]; then
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "bench.sh: node/npm not found: Portkey is skipped" >&2
    bench_args+=(--no-portkey)
  elif [[ ! -f $portkey_dir/node_modules/@portkey-ai/gateway/build/start-server.js ]]; then
    echo "bench.sh: installing @portkey-ai/gateway@$portkey_version into $portkey_dir (once)"
    mkdir -p "$portkey_dir"
    npm install --prefix "$portkey_dir" --no-audit --no-fund "@portkey-ai/gateway@$portkey_version" >/dev/null
  fi
fi

exec dotnet tools/PlatformBench/bin/Release/net10.0/platform-bench.dll "${bench_args[@]}"
