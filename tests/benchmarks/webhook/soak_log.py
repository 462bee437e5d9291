#!/usr/bin/env python3
"""soak.sh's reader of one `connaisseur serve` JSON log (stdin), kept small for long runs.

Per-request lines ("admission request admitted|denied") are counted by image class (the first
matching prefix of CLASSES, "name=prefix" pairs in argv[2:]) and the distinct admitted images are
kept; every other line goes to OUT.other.log (warnings, errors, start and stop). At end of input
writes OUT.summary.json and OUT.admitted.txt (one image per line). Usage: soak_log.py OUT CLASS...
"""
import json
import sys

out = sys.argv[1]
classes = [c.split("=", 1) for c in sys.argv[2:]]
counts, admitted, unparsed = {}, set(), 0
with open(out + ".other.log", "w") as other:
    for line in sys.stdin:
        if '"admission request ' not in line:
            other.write(line)
            other.flush()
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            unparsed += 1
            continue
        verdict = entry.get("decision", "?")
        for image in filter(None, entry.get("image", "").split(", ")):
            name = next((n for n, prefix in classes if image.startswith(prefix)), "other")
            key = f"{name} {verdict}"
            counts[key] = counts.get(key, 0) + 1
            if verdict == "allow":
                admitted.add(image)
with open(out + ".admitted.txt", "w") as f:
    f.write("".join(sorted(i + "\n" for i in admitted)))
with open(out + ".summary.json", "w") as f:
    json.dump({"by_class": dict(sorted(counts.items())), "distinct_admitted": len(admitted),
               "unparsed_lines": unparsed}, f)
