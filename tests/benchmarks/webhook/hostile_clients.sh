#!/usr/bin/env bash
# Benchmark of `connaisseur serve` against hostile clients (issue 12). Prints, for BENCHMARKS.md:
#   1. /mutate latency of a client on 127.0.0.2 while 1,000 idle or slowloris connections are
#      held from one address or from 250, with 256 workers (the default) and with 1,100;
#   2. peak RSS (VmHWM) after the largest accepted body of the costliest shape ([0,0,…]), alone
#      and N at once, under the default memory budget.
# Usage: hostile_clients.sh BUILD_DIR   (CN_SERVE_BIN overrides the binary)
set -euo pipefail
build=${1:?build dir}
bin=${CN_SERVE_BIN:-$build/tests/integration/webhook/cn_webhook_driver}
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }; rm -rf "$dir"' EXIT
# shellcheck source=tests/benchmarks/webhook/static_serve_files.sh
source "$(dirname "$0")/static_serve_files.sh"
write_static_serve_files "$dir" warning
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

# attack THREADS: serve with THREADS workers; /mutate latency of a client on 127.0.0.2 while
# 1,000 idle or slowloris connections are held from one address (127.0.0.1: the per-client cap
# applies) or from 250 addresses (127.1.0.1-250, 4 each: under the cap). The attacker reconnects
# whatever the server closes, every half second. Also the server's RSS and thread count.
attack() {
  start_serve --threads "$1"
  python3 - "$port" "$pid" <<'PY'
import json, select, socket, ssl, statistics, sys, threading, time
port, pid = int(sys.argv[1]), int(sys.argv[2])
review = json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
    "request": {"uid": "u", "kind": {"group": "", "version": "v1", "kind": "Pod"},
                "namespace": "default", "operation": "CREATE",
                "object": {"metadata": {"name": "p"},
                           "spec": {"containers": [{"name": "c", "image": "nginx:1"}]}}}})
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE

def server_state():
    fields = dict(l.split(":", 1) for l in open(f"/proc/{pid}/status"))
    return f"RSS {int(fields['VmRSS'].split()[0]) / 1024:.1f} MB, {fields['Threads'].strip()} threads"

def mutate(timeout=30):
    t0 = time.monotonic()
    raw = socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=("127.0.0.2", 0))
    s = ctx.wrap_socket(raw)
    s.sendall(("POST /mutate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               "Connection: close\r\nContent-Length: %d\r\n\r\n" % len(review)).encode() + review.encode())
    data = b""
    while chunk := s.recv(65536): data += chunk
    s.close()
    if not data.startswith(b"HTTP/1.1 200"): raise OSError("answer: %r" % data[:40])
    return (time.monotonic() - t0) * 1000

def latencies(label, n=20, budget=45):
    times, failed, end = [], 0, time.monotonic() + budget
    while len(times) + failed < n and time.monotonic() < end:
        try: times.append(mutate())
        except OSError: failed += 1
    times.sort()
    p50 = f"{statistics.median(times):.1f}" if times else "-"
    mx = f"{times[-1]:.1f}" if times else "-"
    print(f"  {label}: {len(times)} answered, {failed} failed, p50 {p50} ms, max {mx} ms; "
          f"server {server_state()}", flush=True)

class Holder:
    """Holds n connections from `sources`; slow ones send a TLS record byte every second."""
    def __init__(self, sources, n, slow):
        self.sources, self.n, self.slow, self.stop = sources, n, slow, False
        self.conns = [None] * n
        self.thread = threading.Thread(target=self.run); self.thread.start()
    def connect(self, i):
        try:
            c = socket.create_connection(("127.0.0.1", port), timeout=2,
                                         source_address=(self.sources[i % len(self.sources)], 0))
            c.setblocking(False); self.conns[i] = c
        except OSError: self.conns[i] = None
    def run(self):
        for i in range(self.n): self.connect(i)
        while not self.stop:
            poller = select.poll()
            for c in self.conns:
                if c: poller.register(c, select.POLLIN)
            closed = {fd for fd, _ in poller.poll(0)}
            for i, c in enumerate(self.conns):
                if c is None or c.fileno() in closed:
                    if c: c.close()
                    self.connect(i)
                elif self.slow:
                    try: c.send(b"\x16")
                    except OSError: pass
            time.sleep(0.5 if not self.slow else 1)
    def close(self):
        self.stop = True; self.thread.join()
        for c in self.conns:
            if c: c.close()

print(f"serve at rest: {server_state()}", flush=True)
latencies("no attack")
one = ["127.0.0.1"]
spread = [f"127.1.0.{i}" for i in range(1, 251)]
for label, sources in (("one address", one), ("250 addresses", spread)):
    for slow in (False, True):
        h = Holder(sources, 1000, slow); time.sleep(3)
        latencies(f"1,000 {'slowloris' if slow else 'idle'} connections from {label}")
        h.close(); time.sleep(6)  # the server times out what is left
PY
  stop_serve
}
ulimit -n "$(ulimit -Hn)"
for threads in ${CN_ATTACK_THREADS:-256 1100}; do
  echo "serve --threads $threads"
  attack "$threads"
done

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
  echo "$n at once: $(grep -E 'VmHWM|VmRSS' /proc/$pid/status | tr -s ' \t\n' ' ')"
  stop_serve
done
