#!/usr/bin/env bash
# The webhook against the bare stack, in one run (BENCHMARKS.md "Webhook"):
#   cmake --build build --target connaisseur bare_server && tests/benchmarks/webhook/compare_bare.sh build
#
# `connaisseur serve` (static validators, the default Lua policy, the default log level: one JSON
# line per review, to a file) and bare_server (civetweb + TLS + JSON parse + a fixed answer) both
# run pinned to CPU 0; wrk runs pinned to CPU 1 with one thread. For each load (the ~1 KB Pod review
# at 64, 8 and 1 keep-alive TLS connections, a 3-container Deployment review at 64) it alternates
# bare, ours, bare, ours (CN_ROUNDS rounds of CN_WRK_DURATION each) so load drifts hit both, and
# prints per run and per load: requests/s, p50, p99, and the server's CPU time per request
# (utime + stime of /proc/PID/stat around the run, divided by the requests wrk counted: the figure
# that holds when other processes share the cores). Ratios are ours / bare (requests/s: bare /
# ours, so every ratio reads "ours costs N x").
#
# Memory: VmRSS of each server at rest after start, its largest VmRSS sampled during the runs, and
# at rest after them. /ready: CN_READY_TRIES times, the time from starting `connaisseur serve` to
# its first 200 on /ready (a Python client retrying every millisecond, a fresh TLS connection per
# attempt; the min and the median are printed).
# Takes about 3.5 minutes with the defaults. Env: CN_SERVE_BIN (default BUILD/runtime/cli/
# connaisseur), CN_WRK_DURATION (8s), CN_ROUNDS (2), CN_READY_TRIES (7), CN_SERVE_ARGS (added to
# serve's command line), CN_BASE_BIN: another `connaisseur` (e.g. main's, before a change) run as a
# third server "base" in the same rotation, for before/after figures from one run.
set -euo pipefail
build=${1:?usage: compare_bare.sh BUILD_DIR}
serve=${CN_SERVE_BIN:-$build/runtime/cli/connaisseur}
bare=$build/tests/benchmarks/webhook/bare_server
duration=${CN_WRK_DURATION:-8s}
rounds=${CN_ROUNDS:-2}
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT
bare_port=15444
ours_port=15443

# shellcheck source=tests/benchmarks/webhook/static_serve_files.sh
source "$here/static_serve_files.sh"
write_static_serve_files "$dir"
serve_args=(serve --config "$dir/values.yaml" --tls-cert "$dir/tls.crt" --tls-key "$dir/tls.key")
# shellcheck disable=SC2206  # CN_SERVE_ARGS is split into words on purpose
ours_cmd=(taskset -c 0 "$serve" "${serve_args[@]}" --listen "127.0.0.1:$ours_port" ${CN_SERVE_ARGS:-})
base_cmd=(taskset -c 0 "${CN_BASE_BIN:-}" "${serve_args[@]}")

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== /ready: start to first 200 (ms), ${CN_READY_TRIES:-7} starts"
python3 "$here/ready_probe.py" "${CN_READY_TRIES:-7}" "$ours_port" "$dir/ready.log" "${ours_cmd[@]}"

if [ -n "${CN_BASE_BIN:-}" ]; then
  echo "== /ready of base (${CN_BASE_BIN}): start to first 200 (ms)"
  python3 "$here/ready_probe.py" "${CN_READY_TRIES:-7}" "$ours_port" "$dir/ready.log" \
    "${base_cmd[@]}" --listen "127.0.0.1:$ours_port"
fi

# start NAME PORT COMMAND...: starts a server in the background, waits for its first answer.
declare -A pid_of port_of
start() {
  local name=$1 port=$2
  shift 2
  "$@" >"$dir/$name.log" &
  pids+=($!)
  pid_of[$name]=$!
  port_of[$name]=$port
  for _ in $(seq 200); do
    curl -ksf -o /dev/null -H 'Content-Type: application/json' --data-binary @"$dir/pod.json" \
      "https://127.0.0.1:$port/mutate" && return 0
    sleep 0.05
  done
  echo "compare_bare: $name did not start" >&2
  exit 1
}
servers=(bare)
start bare "$bare_port" taskset -c 0 "$bare" "$dir/tls.crt" "$dir/tls.key" "$bare_port"
if [ -n "${CN_BASE_BIN:-}" ]; then
  servers+=(base)
  start base 15445 "${base_cmd[@]}" --listen 127.0.0.1:15445
fi
servers+=(ours)
start ours "$ours_port" "${ours_cmd[@]}"
sleep 1
rss() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/${pid_of[$1]}/status"; }
echo "== RSS at rest after start and one review (MiB):" \
  "$(for s in "${servers[@]}"; do printf '%s %s  ' "$s" "$(rss "$s")"; done)"

# run SERVER LOAD BODY CONNECTIONS: one wrk run against one server; appends a result row.
run() {
  local name="$1 $2" pid=${pid_of[$1]} port=${port_of[$1]} body=$3 conns=$4 ticks_before \
    ticks_after out peak=0 now
  ticks_before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  REVIEW_FILE=$body taskset -c 1 wrk -t1 -c"$conns" -d"$duration" -s "$here/mutate.lua" \
    "https://127.0.0.1:$port/mutate" >"$dir/wrk.out" &
  local wrk_pid=$!
  while kill -0 "$wrk_pid" 2>/dev/null; do
    now=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
    ((now > peak)) && peak=$now
    sleep 0.5
  done
  wait "$wrk_pid"
  ticks_after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  out=$(grep '^CN_RESULT' "$dir/wrk.out")
  echo "$out" | awk -v n="$name" -v t=$((ticks_after - ticks_before)) -v hz="$(getconf CLK_TCK)" \
    -v peak="$peak" -v load="$(cut -d' ' -f1 /proc/loadavg)" '{
      for (i = 2; i <= NF; ++i) { split($i, kv, "="); v[kv[1]] = kv[2] }
      printf "%s %.0f %.2f %.2f %.1f %.1f %s %d\n", n, v["requests"] / v["seconds"],
        v["p50_us"] / 1000, v["p99_us"] / 1000, t / hz * 1e6 / v["requests"], peak / 1024, load,
        v["errors"]
    }' | tee -a "$dir/results"
}

echo "== runs: server load req/s p50_ms p99_ms cpu_us/req rss_peak_MiB loadavg errors"
for load in "pod 64" "pod 8" "pod 1" "deployment 64"; do
  read -r kind conns <<<"$load"
  for _ in $(seq "$rounds"); do
    for server in "${servers[@]}"; do run "$server" "$kind/c$conns" "$dir/$kind.json" "$conns"; done
  done
done
sleep 2
echo "== RSS at rest after the runs (MiB):" \
  "$(for s in "${servers[@]}"; do printf '%s %s  ' "$s" "$(rss "$s")"; done)"
echo "== VmHWM of ours: $(awk '/^VmHWM/ {printf "%.1f MiB", $2 / 1024}' "/proc/${pid_of[ours]}/status")"
echo "== log lines written by ours: $(wc -l <"$dir/ours.log")"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== means per load; x: against bare (req/s: bare / server, p99 and CPU: server / bare)"
awk '{ key = $2; n[$1, key]++; rps[$1, key] += $3; p50[$1, key] += $4; p99[$1, key] += $5
       cpu[$1, key] += $6; rss[$1, key] = ($7 > rss[$1, key] ? $7 : rss[$1, key])
       if (!(key in seen)) { seen[key] = 1; order[++k] = key }
       if (!($1 in known)) { known[$1] = 1; names[++m] = $1 } }
  END {
    printf "%-16s %-5s %8s %6s %9s %9s %6s %9s %6s %9s\n", "load", "", "req/s", "x", "p50",
      "p99", "x", "cpu/req", "x", "rss_peak"
    for (i = 1; i <= k; ++i) {
      key = order[i]
      br = rps["bare", key] / n["bare", key]; bp = p99["bare", key] / n["bare", key]
      bc = cpu["bare", key] / n["bare", key]
      for (j = 1; j <= m; ++j) {
        s = names[j]; c = n[s, key]
        printf "%-16s %-5s %8.0f %6.2f %7.2fms %7.2fms %6.2f %7.1fus %6.2f %6.1fMiB\n", key, s,
          rps[s, key] / c, br / (rps[s, key] / c), p50[s, key] / c, p99[s, key] / c,
          (p99[s, key] / c) / bp, cpu[s, key] / c, (cpu[s, key] / c) / bc, rss[s, key]
      }
    }
  }' "$dir/results"
