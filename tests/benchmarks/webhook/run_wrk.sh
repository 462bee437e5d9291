#!/usr/bin/env bash
# Benchmark of `connaisseur serve` /mutate over TLS with wrk: a ~900-byte Pod review, static
# validators, keep-alive, c=64 on 2 threads for 10 s. Prints wrk's figures, the server's RSS
# and the number of /metrics series before and after; they go in BENCHMARKS.md.
# Usage: run_wrk.sh BUILD_DIR
#   CN_WRK_CONNECTIONS (64), CN_WRK_DURATION (10s): the soak is CN_WRK_CONNECTIONS=32
#   CN_WRK_DURATION=3m; CN_WRK_MADE_UP_KINDS=1 names a new made-up kind in every 8th review
#   (the /metrics series must stay bounded).
set -euo pipefail
build=${1:?build dir}
bin=${CN_SERVE_BIN:-$build/tests/integration/webhook/cn_webhook_driver}
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
# shellcheck source=tests/benchmarks/webhook/static_serve_files.sh
source "$here/static_serve_files.sh"
write_static_serve_files "$dir" warning
echo "review body: $(wc -c <"$dir/pod.json") bytes" >&2
"$bin" serve --config "$dir/values.yaml" --tls-cert "$dir/tls.crt" --tls-key "$dir/tls.key" \
  --listen 127.0.0.1:15443 >"$dir/serve.log" &
pid=$!
for _ in $(seq 100); do
  curl -ksf https://127.0.0.1:15443/ready >/dev/null && break
  sleep 0.1
done
state() {
  echo "$1: $(grep -E 'VmRSS|VmHWM' /proc/$pid/status | tr -s ' \t\n' ' ')," \
    "/metrics series: $(curl -ksf https://127.0.0.1:15443/metrics | grep -vc '^#')"
}
state "before"
REVIEW_FILE="$dir/pod.json" MADE_UP_KINDS="${CN_WRK_MADE_UP_KINDS:-}" \
  wrk -t2 -c"${CN_WRK_CONNECTIONS:-64}" -d"${CN_WRK_DURATION:-10s}" --latency \
  -s "$here/mutate.lua" https://127.0.0.1:15443/mutate
state "after"
grep -c '"admission request admitted"' "$dir/serve.log" >/dev/null || true
