#!/usr/bin/env bash
# Builds qarchive (optimized) and runs it on the bundled archive in
# transcripts/. Until the index and the server land, it checks every bundled
# transcript and agenda and prints what each recording holds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh run

cmake --preset release
cmake --build --preset release -j "$(nproc 2>/dev/null || echo 2)"
qarchive=build-release/qarchive

found=0
failed=0
for dir in transcripts/*/; do
  [ -d "$dir" ] || continue
  for t in "$dir"transcript.vtt "$dir"transcript.srt; do
    [ -f "$t" ] || continue
    found=$((found + 1))
    if out=$("$qarchive" cues "$t"); then
      python3 - "$t" "$out" <<'PY'
import json, sys
path, doc = sys.argv[1], json.loads(sys.argv[2])
cues = doc["cues"]
speakers = sorted({c["voice"] for c in cues if c["voice"]})
words = sum(len(c["plain"].split()) for c in cues)
end = max((c["end"] for c in cues), default=0)
print("%-60s %-6s %4d cues %6d words %3d:%02d  %s" % (
    path, doc["format"], len(cues), words, end // 60, end % 60, ", ".join(speakers)))
PY
    else
      failed=$((failed + 1))
    fi
  done
  if [ -f "${dir}agenda.md" ] && ! "$qarchive" agenda "${dir}agenda.md" > /dev/null; then
    failed=$((failed + 1))
  fi
done
echo "qarchive: $found transcripts checked, $failed with errors"
[ "$failed" -eq 0 ]
