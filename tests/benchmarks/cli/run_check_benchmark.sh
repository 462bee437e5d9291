#!/bin/sh
# `connaisseur check --plan --output jsonl` at scale (issue 3 performance targets):
#   1. 100,000 distinct images, 1,000 rules        (target: < 3 s wall)
#   2. 1,000,000 images with repeats, 1,000 rules  (target: < 10 s wall, < 200 MB peak RSS)
#   3. idle RSS: one image with the default script and the demo values loaded
#   4. run 1 with a single rule (`*:*`): run 1 must cost at most 1.5x this (issue 16 item 4); compare
#      the two from the same run, the machine's load moves both
# Prints wall time and peak RSS from /usr/bin/time -v; the jsonl output goes to /dev/null after
# its line count is checked.
#
#   run_check_benchmark.sh [BUILD_DIR]      (default: build)
set -eu
root=$(cd "$(dirname "$0")/../../.." && pwd)
build=${1:-$root/build}
bin=$build/runtime/cli/connaisseur
[ -x "$bin" ] || { echo "no binary at $bin (build first)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
gen=$root/tests/benchmarks/cli/generate_check_input.sh

measure() {  # name, expected line count, command...
  name=$1 expected=$2
  shift 2
  /usr/bin/time -v "$@" > "$work/out.jsonl" 2> "$work/time.txt" || true
  lines=$(wc -l < "$work/out.jsonl")
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
  user=$(sed -n 's/.*User time (seconds): //p' "$work/time.txt")
  sys=$(sed -n 's/.*System time (seconds): //p' "$work/time.txt")
  printf '%-44s wall %8s  user %6ss  sys %5ss  peak RSS %6d KiB  (%s lines' \
    "$name" "$wall" "$user" "$sys" "$rss" "$lines"
  if [ "$lines" -ne "$expected" ]; then printf ', EXPECTED %s' "$expected"; fi
  printf ')\n'
}

echo "machine: $(nproc) cores, $(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -1)"
echo "binary:  $bin"
"$gen" "$work/distinct" 100000 100000 1000
"$gen" "$work/repeats" 1000000 100000 1000
"$gen" "$work/one-rule" 100000 100000 1
measure "100k distinct images, 1000 rules" 100000 \
  "$bin" check --plan --output jsonl --config "$work/distinct/values.yaml" \
  --images "$work/distinct/images.txt"
measure "1M images (100k distinct), 1000 rules" 1000000 \
  "$bin" check --plan --output jsonl --config "$work/repeats/values.yaml" \
  --images "$work/repeats/images.txt"
measure "idle: 1 image, default script, demo values" 1 \
  "$bin" check --plan --output jsonl --config "$root/examples/values-demo.yaml" nginx
measure "100k distinct images, 1 rule" 100000 \
  "$bin" check --plan --output jsonl --config "$work/one-rule/values.yaml" \
  --images "$work/one-rule/images.txt"
