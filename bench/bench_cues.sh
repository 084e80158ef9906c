#!/usr/bin/env bash
# `qarchive cues` on a large generated transcript (issue 18): wall and CPU
# time and peak RSS, next to the parser alone (bench_parse) in the same run,
# and optionally next to another qarchive (--before BIN) whose output must be
# byte for byte the same. Figures: bench/RESULTS.md ("qarchive cues").
#
# usage: bench/bench_cues.sh [--mb N] [--runs N] [--build DIR] [--before BIN] [--work DIR]
#   --mb      transcript size in MB (default 100)
#   --runs    times each command runs, after and before alternately (default 1)
#   --build   a configured build directory holding qarchive and
#             bench/bench_parse (default: configure and build build-bench)
#   --before  another qarchive to time on the same files and compare with;
#             a bench/bench_parse beside it runs too (its parser alone)
#   --work    where the transcripts and outputs go (default bench/work/cues)
#
# Each run also times `cat` writing the same output to a new file: what
# writing those bytes alone costs here (page cache, file system), which the
# parser alone does not pay.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
mb=100 runs=1 build= before= work=$src/bench/work/cues
while [ $# -gt 0 ]; do
	case $1 in
	--mb) mb=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	--before) before=$2; shift 2 ;;
	--work) work=$2; shift 2 ;;
	*) sed -n '2,18p' "$0" >&2; exit 2 ;;
	esac
done
if [ -z "$build" ]; then
	build=$src/build-bench
	cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF > /dev/null
	cmake --build "$build" --target qarchive bench_parse > /dev/null
fi
mkdir -p "$work"
echo "machine: $(nproc) cores, $(uname -srm); $(date -u +%Y-%m-%dT%H:%MZ); load: $(cut -d' ' -f1-3 /proc/loadavg)"

# timed LABEL OUT COMMAND...: one line of wall and CPU time, MB/s of the
# input for both, peak RSS.
timed() {
	local label=$1 out=$2
	shift 2
	/usr/bin/time -f '%e %U %S %M' -o "$work/time.txt" "$@" > "$out" || true
	tail -n 1 "$work/time.txt" | awk -v l="$label" -v mb="$mb" '{
		cpu = $2 + $3
		printf "%s: %.2f s wall (%.1f MB/s), CPU %.2f s (user %.2f + sys %.2f: %.1f MB/s), peak RSS %d KB\n",
			l, $1, mb / $1, cpu, $2, $3, mb / (cpu > 0 ? cpu : 0.01), $4 }'
}

for fmt in vtt srt; do
	f=$work/$mb.$fmt
	[ -f "$f" ] || "$build/bench/bench_parse" --write "$fmt" "$mb" "$f"
	for run in $(seq "$runs"); do
		timed "qarchive cues $mb MB $fmt (run $run)" "$f.json" "$build/qarchive" cues "$f"
		if [ -n "$before" ]; then
			timed "before: qarchive cues $mb MB $fmt (run $run)" "$f.before.json" \
				"$before" cues "$f"
			cmp "$f.json" "$f.before.json" &&
				echo "$fmt: the same output ($(stat -c %s "$f.json") bytes)"
			rm -f "$f.before.json"
		fi
		timed "cat writing the same output" "$f.copy" cat "$f.json"
		rm -f "$f.json" "$f.copy"
	done
done
# The parser alone, on the same generator's bytes (in memory).
"$build/bench/bench_parse" "$mb" "$runs" | grep -E '^(webvtt|srt) +[0-9]'
if [ -n "$before" ] && [ -x "$(dirname "$before")/bench/bench_parse" ]; then
	"$(dirname "$before")/bench/bench_parse" "$mb" "$runs" | grep -E '^(webvtt|srt) +[0-9]' |
		sed 's/^/before: /'
fi
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
