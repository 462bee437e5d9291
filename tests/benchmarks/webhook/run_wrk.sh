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
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
  -addext subjectAltName=IP:127.0.0.1 -days 1 -keyout "$dir/tls.key" -out "$dir/tls.crt" 2>/dev/null
cat >"$dir/values.yaml" <<'YAML'
application:
  validators:
    - name: allow
      type: static
      approve: true
    - name: deny
      type: static
      approve: false
  policy:
    - pattern: "*:*"
      validator: deny
    - pattern: "docker.io/library/*:*"
      validator: allow
  logLevel: warning
YAML
python3 - "$dir/review.json" <<'PY'
import json, sys
review = {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
  "request": {"uid": "0b1e9c6a-5d4f-4c2b-9a8e-7f6d5c4b3a21",
    "kind": {"group": "", "version": "v1", "kind": "Pod"},
    "resource": {"group": "", "version": "v1", "resource": "pods"},
    "namespace": "default", "operation": "CREATE",
    "userInfo": {"username": "system:serviceaccount:kube-system:replicaset-controller",
                 "groups": ["system:serviceaccounts", "system:authenticated"]},
    "object": {"apiVersion": "v1", "kind": "Pod",
      "metadata": {"name": "web-7d4b9c8f6d-x2x9k", "namespace": "default",
                   "labels": {"app": "web", "pod-template-hash": "7d4b9c8f6d"}},
      "spec": {"containers": [
        {"name": "web", "image": "nginx:1.25", "ports": [{"containerPort": 80}],
         "resources": {"limits": {"cpu": "500m", "memory": "128Mi"}}},
        {"name": "cache", "image": "redis:7", "resources": {"limits": {"memory": "64Mi"}}}],
        "initContainers": [{"name": "init", "image": "busybox:1.36", "command": ["true"]}],
        "serviceAccountName": "default", "restartPolicy": "Always"}},
    "dryRun": False}}
json.dump(review, open(sys.argv[1], "w"))
PY
echo "review body: $(wc -c <"$dir/review.json") bytes" >&2
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
REVIEW_FILE="$dir/review.json" MADE_UP_KINDS="${CN_WRK_MADE_UP_KINDS:-}" \
  wrk -t2 -c"${CN_WRK_CONNECTIONS:-64}" -d"${CN_WRK_DURATION:-10s}" --latency \
  -s "$here/mutate.lua" https://127.0.0.1:15443/mutate
state "after"
grep -c '"admission request admitted"' "$dir/serve.log" >/dev/null || true
