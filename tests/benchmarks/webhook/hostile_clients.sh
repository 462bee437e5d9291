#!/usr/bin/env bash
# Benchmark of `connaisseur serve` against hostile clients (issue 12). Prints, for BENCHMARKS.md:
#   1. /mutate latency of a client on 127.0.0.2 while another address (127.0.0.1) holds 1,000
#      idle TCP connections, and while it holds 1,000 slowloris TLS connections;
#   2. peak RSS (VmHWM) after the largest accepted body of the costliest shape ([0,0,…]), alone
#      and N at once, under the default memory budget.
# Usage: hostile_clients.sh BUILD_DIR   (CN_SERVE_BIN overrides the binary)
set -euo pipefail
build=${1:?build dir}
bin=${CN_SERVE_BIN:-$build/tests/integration/webhook/cn_webhook_driver}
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }; rm -rf "$dir"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
  -addext subjectAltName=IP:127.0.0.1 -days 1 -keyout "$dir/tls.key" -out "$dir/tls.crt" 2>/dev/null
cat >"$dir/values.yaml" <<'YAML'
application:
  validators:
    - name: allow
      type: static
      approve: true
  policy:
    - pattern: "*:*"
      validator: allow
  logLevel: warning
YAML
port=15447
start_serve() {
  "$bin" serve --config "$dir/values.yaml" --tls-cert "$dir/tls.crt" --tls-key "$dir/tls.key" \
    --listen 127.0.0.1:$port "$@" >"$dir/serve.log" &
  pid=$!
  for _ in $(seq 100); do
    curl -ksf https://127.0.0.1:$port/health >/dev/null && return
    sleep 0.1
  done
  echo "serve did not start" >&2; cat "$dir/serve.log" >&2; exit 1
}
stop_serve() { kill "$pid"; wait "$pid" || true; pid=; }

start_serve
python3 - "$port" "$pid" <<'PY'
import json, os, socket, ssl, statistics, sys, threading, time
port, pid = int(sys.argv[1]), int(sys.argv[2])
review = json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
    "request": {"uid": "u", "kind": {"group": "", "version": "v1", "kind": "Pod"},
                "namespace": "default", "operation": "CREATE",
                "object": {"metadata": {"name": "p"},
                           "spec": {"containers": [{"name": "c", "image": "nginx:1"}]}}}})
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE

def mutate(source, body=review, timeout=60):
    t0 = time.monotonic()
    raw = socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0))
    s = ctx.wrap_socket(raw)
    s.sendall(("POST /mutate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               "Connection: close\r\nContent-Length: %d\r\n\r\n" % len(body)).encode() + body.encode())
    data = b""
    while chunk := s.recv(65536): data += chunk
    s.close()
    return time.monotonic() - t0, data.split(b" ", 2)[1].decode() if data else "none"

def latencies(label):
    times = sorted(mutate("127.0.0.2")[0] * 1000 for _ in range(50))
    print(f"{label}: p50 {statistics.median(times):.1f} ms, p99 {times[-1]:.1f} ms, max {max(times):.1f} ms")

latencies("no attack")
idle = []
for _ in range(1000):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); s.connect(("127.0.0.1", port)); idle.append(s)
latencies("1,000 idle TCP connections from 127.0.0.1")
stop = False
def slowloris():
    conns = []
    for _ in range(1000):
        try:
            raw = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=("127.0.0.1", 0))
            raw.setblocking(True); conns.append(raw)
        except OSError: pass
    while not stop:
        for c in conns:
            try: c.send(b"\x16")  # one byte of a TLS record header at a time
            except OSError: pass
        time.sleep(1)
t = threading.Thread(target=slowloris); t.start(); time.sleep(3)
latencies("1,000 slowloris connections from 127.0.0.1 (a byte per second)")
stop = True; t.join()
for s in idle: s.close()
PY
stop_serve

# Peak RSS: the largest accepted body (8 MiB of [0,0,…] inside a review), alone and 8 at once.
python3 - "$dir/zeros.json" <<'PY'
import json, sys
head = json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
    "request": {"uid": "u", "kind": {"group": "", "version": "v1", "kind": "Pod"},
                "namespace": "default", "operation": "CREATE",
                "object": {"metadata": {"name": "p"},
                           "spec": {"containers": [{"name": "c", "image": "nginx:1"}]},
                           "junk": "@"}}})
zeros = "[" + ",".join(["0"] * 4_190_000) + "]"
open(sys.argv[1], "w").write(head.replace('"@"', zeros))
PY
echo "body: $(wc -c <"$dir/zeros.json") bytes"
for n in 1 8; do
  start_serve
  clients=()
  for _ in $(seq "$n"); do
    curl -ks -o /dev/null -w '%{http_code} ' -H 'Content-Type: application/json' \
      --data-binary @"$dir/zeros.json" https://127.0.0.1:$port/mutate &
    clients+=($!)
  done
  wait "${clients[@]}" || true
  echo
  echo "$n at once: $(grep -E 'VmHWM|VmRSS' /proc/$pid/status | tr -s ' \n' ' ')"
  stop_serve
done
