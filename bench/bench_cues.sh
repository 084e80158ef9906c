#!/usr/bin/env bash
# `qarchive cues` on a large generated transcript (issue 18): wall time and
# peak RSS, next to the parser alone (bench_parse) in the same run, and
# optionally next to another qarchive (--before BIN) whose output must be
# byte for byte the same. Figures: bench/RESULTS.md ("qarchive cues").
#
# usage: bench/bench_cues.sh [--mb N] [--build DIR] [--before BIN] [--work DIR]
#   --mb      transcript size in MB (default 100)
#   --build   a configured build directory holding qarchive and
#             bench/bench_parse (default: configure and build build-bench)
#   --before  another qarchive to time on the same files and compare with
#   --work    where the transcripts and outputs go (default bench/work/cues)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
mb=100 build= before= work=$src/bench/work/cues
while [ $# -gt 0 ]; do
	case $1 in
	--mb) mb=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	--before) before=$2; shift 2 ;;
	--work) work=$2; shift 2 ;;
	*) sed -n '2,13p' "$0" >&2; exit 2 ;;
	esac
done
if [ -z "$build" ]; then
	build=$src/build-bench
	cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF > /dev/null
	cmake --build "$build" --target qarchive bench_parse > /dev/null
fi
mkdir -p "$work"
echo "machine: $(nproc) cores, $(uname -srm); $(date -u +%Y-%m-%dT%H:%MZ); load: $(cut -d' ' -f1-3 /proc/loadavg)"
for fmt in vtt srt; do
	f=$work/$mb.$fmt
	[ -f "$f" ] || "$build/bench/bench_parse" --write "$fmt" "$mb" "$f"
	/usr/bin/time -f "qarchive cues $mb MB $fmt: %e s, peak RSS %M KB" \
		"$build/qarchive" cues "$f" > "$f.json"
	if [ -n "$before" ]; then
		/usr/bin/time -f "before: qarchive cues $mb MB $fmt: %e s, peak RSS %M KB" \
			"$before" cues "$f" > "$f.before.json"
		cmp "$f.json" "$f.before.json" && echo "$fmt: the same output ($(stat -c %s "$f.json") bytes)"
		rm -f "$f.before.json"
	fi
	rm -f "$f.json"
done
# The parser alone, on the same generator's bytes (in memory).
"$build/bench/bench_parse" "$mb" 1 | grep -E '^(webvtt|srt) +[0-9]'
