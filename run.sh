#!/usr/bin/env bash
# Builds DeepSeek.Dapr and runs every app under the local Dapr runtime in the foreground (Ctrl-C stops them all).
#   ./run.sh [--profile local|redis] [-- <more local-dapr run options, e.g. --port-offset 1000>]
# Env: DEEPSEEK_PORT (router port, default 8080), DEEPSEEK_BOOTSTRAP_KEY (admin API key; generated once and kept in
# .data/bootstrap-key when unset).
set -euo pipefail
cd "$(dirname "$0")"

profile=local
extra_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --profile) profile="${2:-}"; shift 2 ;;
    --profile=*) profile="${1#*=}"; shift ;;
    -h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; extra_args=("$@"); break ;;
    *) echo "run.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done

launcher_args=(run -f dapr.yaml)
case "$profile" in
  local) ;;
  # The redis profile expects a Redis on the address in components/redis (what `dapr init` gives); run.sh starts none.
  redis) launcher_args+=(--resources-path components/redis --resources-path dapr-config) ;;
  *) echo "run.sh: --profile must be local or redis, not '$profile'" >&2; exit 2 ;;
esac

port="${DEEPSEEK_PORT:-8080}"
if [[ -n "${DEEPSEEK_PORT:-}" ]]; then
  launcher_args+=(--app-port "router=$DEEPSEEK_PORT")
fi

echo "run.sh: building (Release)..."
dotnet build DeepSeek.Dapr.sln -c Release -nologo -v q -clp:NoSummary

# The same key on every run, so clients configured once keep working; it lives only on this machine.
if [[ -z "${DEEPSEEK_BOOTSTRAP_KEY:-}" ]]; then
  mkdir -p .data
  if [[ ! -s .data/bootstrap-key ]]; then
    # Whole-input filters only (no `tr </dev/urandom | head`), so no SIGPIPE trips pipefail.
    lower=$(head -c 256 /dev/urandom | base64 -w0 | LC_ALL=C tr -dc 'a-z0-9')
    alnum=$(head -c 256 /dev/urandom | base64 -w0 | LC_ALL=C tr -dc 'A-Za-z0-9')
    (umask 077 && printf 'sk-%s_%s\n' "${lower:0:8}" "${alnum:0:32}" > .data/bootstrap-key)
  fi
  DEEPSEEK_BOOTSTRAP_KEY=$(<.data/bootstrap-key)
fi
export DEEPSEEK_BOOTSTRAP_KEY

# Announce the base URL and key once the whole path answers. The watcher is detached (double fork) so the launcher,
# which replaces this shell below, does not count it among its apps' leftovers; it ends by itself once the platform
# answers, or when the launcher is gone (Ctrl-C).
launcher_pid=$$
( (
  for _ in $(seq 1 300); do
    kill -0 "$launcher_pid" 2>/dev/null || exit 0
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $DEEPSEEK_BOOTSTRAP_KEY" \
      "http://127.0.0.1:$port/v1/models" 2>/dev/null || true)
    if [[ "$code" == "200" ]]; then
      printf '\n============================================================\n'
      printf ' DeepSeek.Dapr is ready (profile: %s)\n' "$profile"
      printf '   Base URL: http://127.0.0.1:%s/v1\n' "$port"
      printf '   API key:  %s\n' "$DEEPSEEK_BOOTSTRAP_KEY"
      printf ' Stop everything with Ctrl-C.\n'
      printf '============================================================\n\n'
      exit 0
    fi
    sleep 1
  done
  echo "run.sh: the platform did not answer on http://127.0.0.1:$port/v1/models within 300 s; see the output above" >&2
) & )

exec dotnet tools/LocalDapr/bin/Release/net10.0/local-dapr.dll "${launcher_args[@]}" "${extra_args[@]}"
