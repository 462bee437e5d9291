#!/usr/bin/env bash
# Soak of `connaisseur serve` (BENCHMARKS.md "Webhook soak"): wrk for CN_SOAK_DURATION (10m) at
# CN_SOAK_CONNECTIONS (64) against two serve instances sharing one real docker-registry on
# loopback TLS: one enforcing, one in detection mode (half the connections each, at the same
# time, so both see the same back-end faults; the detection one proves that its answers are all
# admits and that it survives the same load). Images: static allow and deny, a cosign-signed
# image (signed by `connaisseur sign`) and an unsigned one, cold images (CN_SOAK_COLD_POOL tags of
# the signed image and names that do not exist, drawn at random so the cache misses; the cache
# TTL is 10 s). Every CN_SOAK_FAULT_EVERY seconds (20) the registry fails for CN_SOAK_FAULT_FOR
# seconds (6): frozen (SIGSTOP) and, on the next fault, killed and restarted.
#
# Prints the RSS series of both instances (sampled every 5 s), wrk's figures (p50/p99, errors),
# the decisions by image class, and replays the enforcing instance's decision log: every image
# it admitted is run through `connaisseur check` with the same values and the registry up; an
# admit that check denies fails the soak. Also fails on: a serve that died or did not exit 0 on
# SIGTERM, a detection-mode deny, non-200 answers, RSS growing after warm-up (the last quarter's
# mean more than 25% and 16 MB above the second quarter's).
# Usage: soak.sh BUILD_DIR   (uses BUILD_DIR/runtime/cli/connaisseur; CN_SERVE_BIN overrides)
set -euo pipefail
build=${1:?build dir}
bin=$(realpath "${CN_SERVE_BIN:-$build/runtime/cli/connaisseur}")
duration=${CN_SOAK_DURATION:-10m}
connections=${CN_SOAK_CONNECTIONS:-64}
cold_pool=${CN_SOAK_COLD_POOL:-300}
fault_every=${CN_SOAK_FAULT_EVERY:-20}
fault_for=${CN_SOAK_FAULT_FOR:-6}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/connaisseur-soak.XXXXXX)
pids=()
registry_pid=""
registry_pids() { pgrep -f "docker-registry serve $work/registry.yml" || true; }
cleanup() {
  for pid in "${pids[@]}" $(registry_pids); do kill -CONT "$pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${CN_SOAK_KEEP:-}" ] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT
say() { printf '== %s\n' "$*" >&2; }
free_port() {
  local p
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  return 1
}
wait_for() {
  for _ in $(seq 100); do
    curl -fsS --cacert "$work/ca.crt" "$1" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "no answer from $1" >&2; return 1
}

say "CA, registry, images"
ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$work/server.ext"
(cd "$work" && openssl req -x509 $ec -keyout ca.key -out ca.crt -subj /CN=soak-ca -days 1 &&
  openssl req -new $ec -keyout server.key -out server.csr -subj /CN=127.0.0.1 &&
  openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt \
    -days 1 -extfile server.ext) >"$work/openssl.log" 2>&1
registry="127.0.0.1:$(free_port)"
cat >"$work/registry.yml" <<YAML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/registry}}
http: {addr: "$registry", tls: {certificate: $work/server.crt, key: $work/server.key}}
YAML
start_registry() {
  docker-registry serve "$work/registry.yml" >>"$work/registry.log" 2>&1 &
  registry_pid=$!
  wait_for "https://$registry/v2/"
}
start_registry
mkdir -p "$work/certs" && cp "$work/ca.crt" "$work/certs/ca.crt"
make_image() {  # NAME: an OCI layout in $work/NAME with one small layer
  local dir="$work/$1" blobs="$work/$1/blobs/sha256" sum
  mkdir -p "$blobs" "$work/$1.rootfs"
  echo "soak $1" >"$work/$1.rootfs/hello.txt"
  tar -C "$work/$1.rootfs" -cf "$work/$1.tar" hello.txt
  local diff_id; diff_id=$(sha256sum <"$work/$1.tar" | cut -d' ' -f1)
  gzip -n <"$work/$1.tar" >"$work/$1.tar.gz"
  local layer; layer=$(sha256sum <"$work/$1.tar.gz" | cut -d' ' -f1)
  cp "$work/$1.tar.gz" "$blobs/$layer"
  printf '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$diff_id" >"$work/$1.config"
  local config; config=$(sha256sum <"$work/$1.config" | cut -d' ' -f1)
  cp "$work/$1.config" "$blobs/$config"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%d}]}' \
    "$config" "$(stat -c %s "$work/$1.config")" "$layer" "$(stat -c %s "$work/$1.tar.gz")" \
    >"$work/$1.manifest"
  sum=$(sha256sum <"$work/$1.manifest" | cut -d' ' -f1)
  cp "$work/$1.manifest" "$blobs/$sum"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d}]}' \
    "$sum" "$(stat -c %s "$work/$1.manifest")" >"$dir/index.json"
  echo '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
}
for name in signed unsigned; do
  make_image "$name"
  skopeo copy --quiet --dest-cert-dir "$work/certs" "oci:$work/$name" "docker://$registry/soak/$name:1.0"
done
export COSIGN_PASSWORD="soak"
"$bin" generate-key-pair --output-key-prefix "$work/soak" >/dev/null
"$bin" sign --key "$work/soak.key" --registry-ca "$work/ca.crt" "$registry/soak/signed:1.0" >/dev/null
unset COSIGN_PASSWORD
# Cold but signed: more tags of the signed manifest (a cosign signature is per digest).
for i in $(seq "$cold_pool"); do
  curl -fsS --cacert "$work/ca.crt" -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
    --data-binary "@$work/signed.manifest" "https://$registry/v2/soak/signed/manifests/c$i" >/dev/null
done

indent() { sed 's/^/            /' "$1"; }
write_values() {  # FILE DETECTION_MODE
  cat >"$1" <<YAML
application:
  validators:
    - name: deny
      type: static
      approve: false
    - name: allow
      type: static
      approve: true
    - name: soak-cosign
      type: cosign
      cert: |
$(indent "$work/ca.crt")
      trustRoots:
        - name: default
          key: |
$(indent "$work/soak.pub")
  policy:
    - pattern: "*:*"
      validator: deny
    - pattern: "docker.io/library/*:*"
      validator: allow
    - pattern: "$registry/soak/*"
      validator: soak-cosign
      with:
        verifyInTransparencyLog: false
  features:
    detectionMode: $2
    cache:
      expirySeconds: 10
  timeoutSeconds: 3
  logLevel: info
  logFormat: json
YAML
}
write_values "$work/enforce.yaml" false
write_values "$work/detect.yaml" true
cat >"$work/images.txt" <<EOF
20 docker.io/library/nginx:1.25
15 docker.io/evil/miner:1
20 $registry/soak/signed:1.0
10 $registry/soak/unsigned:1.0
25 $registry/soak/signed:c{n}
10 $registry/soak/missing-{n}:1
EOF
classes=("static-allow=docker.io/library/" "static-deny=docker.io/evil/"
  "signed-cold=$registry/soak/signed:c" "signed-cached=$registry/soak/signed:1.0"
  "unsigned=$registry/soak/unsigned:" "missing=$registry/soak/missing-")

say "two serve instances (enforcing, detection mode)"
declare -A serve_pid url wrk_pid
for mode in enforce detect; do
  port=$(free_port)
  url[$mode]="https://127.0.0.1:$port"
  "$bin" serve --config "$work/$mode.yaml" --tls-cert "$work/server.crt" --tls-key "$work/server.key" \
    --listen "127.0.0.1:$port" > >(python3 "$here/soak_log.py" "$work/$mode" "${classes[@]}") 2>&1 &
  serve_pid[$mode]=$!
  pids+=("${serve_pid[$mode]}")
  wait_for "${url[$mode]}/health"
done

rss() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$1/status" 2>/dev/null || echo dead; }
(
  t=0
  while true; do
    echo "$t $(rss "${serve_pid[enforce]}") $(rss "${serve_pid[detect]}")"
    sleep 5
    t=$((t + 5))
  done
) >"$work/rss.txt" &
sampler=$!
pids+=("$sampler")
(
  n=0
  while true; do
    sleep "$fault_every"
    n=$((n + 1))
    if [ $((n % 2)) -eq 1 ]; then
      echo "$(date +%T) registry frozen (SIGSTOP) for ${fault_for}s"
      kill -STOP "$registry_pid"; sleep "$fault_for"; kill -CONT "$registry_pid"
    else
      echo "$(date +%T) registry killed for ${fault_for}s"
      kill -KILL "$registry_pid"; { wait "$registry_pid"; } 2>/dev/null || true
      sleep "$fault_for"; start_registry || echo "registry did not come back"
    fi
  done
) >"$work/faults.txt" 2>&1 &
faults=$!
pids+=("$faults")

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
say "wrk: $duration, $connections connections (half per instance), faults every ${fault_every}s"
for mode in enforce detect; do
  IMAGES_FILE="$work/images.txt" COLD_POOL="$cold_pool" \
    wrk -t1 -c$((connections / 2)) -d"$duration" --timeout 10s -s "$here/soak.lua" \
    "${url[$mode]}/mutate" >"$work/wrk-$mode.txt" 2>&1 &
  wrk_pid[$mode]=$!
done
wait "${wrk_pid[enforce]}" || true
wait "${wrk_pid[detect]}" || true
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

kill "$faults" 2>/dev/null || true
wait "$faults" 2>/dev/null || true
# The fault loop restarts the registry in its own subshell: find the current one by its config.
for pid in $(registry_pids); do
  kill -CONT "$pid" 2>/dev/null || true
  registry_pid=$pid
done
curl -fsS --cacert "$work/ca.crt" "https://$registry/v2/" >/dev/null 2>&1 || start_registry
kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true

failures=()
for mode in enforce detect; do
  if ! kill -0 "${serve_pid[$mode]}" 2>/dev/null; then
    failures+=("serve ($mode) died during the soak")
    continue
  fi
  kill -TERM "${serve_pid[$mode]}"
  status=0
  wait "${serve_pid[$mode]}" || status=$?
  [ "$status" -eq 0 ] || failures+=("serve ($mode) exited $status on SIGTERM")
done
for _ in $(seq 50); do  # the log readers finish after their serve
  [ -e "$work/enforce.summary.json" ] && [ -e "$work/detect.summary.json" ] && break
  sleep 0.2
done

echo "load average (1/5/15 min): $load_start at the start, $load_end at the end ($(nproc) cores)"
echo "faults:"
sed 's/^/  /' "$work/faults.txt"
echo "RSS (MB) every 5 s: seconds enforce detect"
sed 's/^/  /' "$work/rss.txt"
for mode in enforce detect; do
  echo "wrk ($mode):"
  grep -E 'Latency|Req/Sec|requests in|Socket errors|Non-2xx|SOAK_WRK' "$work/wrk-$mode.txt" | sed 's/^/  /' || true
  echo "decisions ($mode): $(cat "$work/$mode.summary.json" 2>/dev/null || echo missing)"
  echo "  error lines in its log: $(grep -c '"level":"error"' "$work/$mode.other.log" || true)"
done

wrk_field() { grep -o "\"$2\":[0-9.]*" "$work/wrk-$1.txt" | cut -d: -f2 || true; }
[ "$(wrk_field detect denied)" = 0 ] || failures+=("detection mode denied '$(wrk_field detect denied)' requests")
for mode in enforce detect; do
  [ "$(wrk_field "$mode" status_not_200)" = 0 ] ||
    failures+=("$mode: '$(wrk_field "$mode" status_not_200)' answers were not HTTP 200")
done

say "replaying the enforcing instance's admits through connaisseur check (registry up)"
admitted="$work/enforce.admitted.txt"
echo "distinct images admitted by the enforcing instance: $(wc -l <"$admitted" 2>/dev/null || echo 0)"
if [ -s "$admitted" ]; then
  status=0
  "$bin" check --config "$work/enforce.yaml" --images "$admitted" --output jsonl >"$work/replay.jsonl" \
    2>"$work/replay.err" || status=$?
  python3 - "$work/replay.jsonl" >"$work/replay.denied" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    row = json.loads(line)
    if row.get("verdict") != "allow":
        print(row.get("image"), row.get("verdict"), row.get("reason", ""))
PY
  if [ -s "$work/replay.denied" ] || [ "$status" -ne 0 ]; then
    failures+=("admits that check denies (check exit $status): $(head -5 "$work/replay.denied" "$work/replay.err")")
  else
    echo "replay: check admits all $(wc -l <"$work/replay.jsonl") of them"
  fi
else
  failures+=("the enforcing instance admitted nothing: no decision log to replay")
fi

growth=$(python3 - "$work/rss.txt" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
out = []
for col, name in ((1, "enforce"), (2, "detect")):
    vals = [int(r[col]) for r in rows if len(r) > col and r[col].isdigit()]
    if len(vals) < 4:
        out.append(f"{name}: too few samples: GROWING")
        continue
    q = len(vals) // 4
    second, last = vals[q:2 * q], vals[-q:]
    a, b = sum(second) / len(second), sum(last) / len(last)
    verdict = "FLAT" if b - a <= max(16, 0.25 * a) else "GROWING"
    out.append(f"{name}: second quarter {a:.1f} MB, last quarter {b:.1f} MB, max {max(vals)} MB: {verdict}")
print("; ".join(out))
PY
)
echo "RSS after warm-up: $growth"
case "$growth" in *GROWING*) failures+=("RSS after warm-up: $growth") ;; esac

if [ ${#failures[@]} -gt 0 ]; then
  printf 'SOAK FAILED: %s\n' "${failures[@]}"
  exit 1
fi
echo "SOAK PASSED"
