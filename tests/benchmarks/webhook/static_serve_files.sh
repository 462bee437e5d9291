# shellcheck shell=bash
# Sourced by the webhook benchmarks (run_wrk.sh, compare_bare.sh, hostile_clients.sh): the files a
# `connaisseur serve` with static validators needs on loopback.
#
# write_static_serve_files DIR [LOG_LEVEL]: writes into DIR
#   tls.crt, tls.key  a throwaway P-256 certificate for 127.0.0.1, valid one day;
#   values.yaml       validators allow/deny (static); rules "*:*" → deny and
#                     "docker.io/library/*:*" → allow; `logLevel: LOG_LEVEL` when given (the
#                     default level writes one JSON line per review);
#   pod.json          the ~1 KB Pod review (three docker.io/library images: all admitted);
#   deployment.json   a Deployment review with three containers (all admitted).
write_static_serve_files() {
  local dir=$1 log_level=${2:-}
  local here
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
    -addext subjectAltName=IP:127.0.0.1 -days 1 -keyout "$dir/tls.key" -out "$dir/tls.crt" \
    2>/dev/null
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
YAML
  if [ -n "$log_level" ]; then echo "  logLevel: $log_level" >>"$dir/values.yaml"; fi
  python3 "$here/make_reviews.py" "$dir/pod.json" "$dir/deployment.json"
}
