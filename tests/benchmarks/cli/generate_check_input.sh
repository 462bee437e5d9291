#!/bin/sh
# Writes a values file with RULES policy rules and an image list for `connaisseur check`
# benchmarks (POSIX sh + awk, no other dependency).
#
#   generate_check_input.sh OUT_DIR IMAGES DISTINCT RULES
#
# OUT_DIR/values.yaml: two static validators and RULES rules over 50 registries (registry-wide,
# team-wide, tag-pinned and wildcard-heavy patterns, plus a `*:*` catch-all), so every image
# has several candidate rules to rank.
# OUT_DIR/images.txt: IMAGES lines drawn from DISTINCT different references (DISTINCT = IMAGES
# for all-distinct), in a scattered order so repeats are not adjacent.
set -eu
if [ $# -ne 4 ]; then
  echo "usage: $0 OUT_DIR IMAGES DISTINCT RULES" >&2
  exit 2
fi
out=$1 images=$2 distinct=$3 rules=$4
mkdir -p "$out"

awk -v rules="$rules" 'BEGIN {
  print "application:"
  print "  validators:"
  print "    - name: allow"
  print "      type: static"
  print "      approve: true"
  print "    - name: deny"
  print "      type: static"
  print "      approve: false"
  print "  policy:"
  print "    - pattern: \"*:*\""
  print "      validator: deny"
  for (i = 1; i < rules; i++) {
    r = i % 50; t = int(i / 50) % 40; k = i % 4
    if (k == 0) p = sprintf("registry-%d.example.com/team-%d/*:*", r, t)
    else if (k == 1) p = sprintf("registry-%d.example.com/team-%d/app-%d*", r, t, i % 97)
    else if (k == 2) p = sprintf("registry-%d.example.com/*/app-%d:v*", r, i)
    else p = sprintf("*/team-%d/app-%d:*", t, i)
    print "    - pattern: \"" p "\""
    print "      validator: " ((i % 3 == 0) ? "deny" : "allow")
  }
}' > "$out/values.yaml"

awk -v n="$images" -v d="$distinct" 'BEGIN {
  for (i = 0; i < n; i++) {
    j = (i * 7919) % d
    printf "registry-%d.example.com/team-%d/app-%d:v%d\n", j % 50, int(j / 50) % 40, j % 1009, j
  }
}' > "$out/images.txt"
