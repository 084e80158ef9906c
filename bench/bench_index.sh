#!/usr/bin/env bash
# The index benchmark (issue 5): indexing throughput, index size and query
# latency of qarchive next to Xapian's scriptindex and SQLite FTS5, measured
# in the same run on the same passages and queries. Figures and method:
# bench/RESULTS.md ("Index and search").
#
# usage: bench/bench_index.sh [--hours N] [--reps N] [--seed S] [--work DIR] [--build DIR]
#   --hours  size of the generated archive (default 1000: 1,000 one-hour recordings)
#   --reps   timed runs of each query on each system (default 50)
#   --seed   generator seed (default 20251123)
#   --work   where the archive and the indexes go (default bench/work; git-ignored)
#   --build  a configured build directory holding qarchive and bench/bench_index;
#            default: configure and build build-bench (Release, no sanitizers)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
hours=1000 reps=50 seed=20251123 work=$src/bench/work build=
while [ $# -gt 0 ]; do
	case $1 in
	--hours) hours=$2; shift 2 ;;
	--reps) reps=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--work) work=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	*) sed -n '2,13p' "$0" >&2; exit 2 ;;
	esac
done
if [ -z "$build" ]; then
	build=$src/build-bench
	cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF > /dev/null
	cmake --build "$build" --target qarchive bench_index > /dev/null
fi
qarchive=$build/qarchive
bench=$build/bench/bench_index
for tool in "$qarchive" "$bench" /usr/bin/scriptindex /usr/bin/time; do
	[ -x "$tool" ] || { echo "bench_index.sh: missing $tool" >&2; exit 2; }
done

archive=$work/archive-$hours-$seed
mkdir -p "$work"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -srm); $(date -u +%Y-%m-%dT%H:%MZ)"
echo "versions: xapian $(pkg-config --modversion xapian-core), $(scriptindex --version | head -1), sqlite $(pkg-config --modversion sqlite3)"

# 1. The archive (kept between runs: generation is not what is measured).
if [ ! -f "$archive/.complete" ]; then
	rm -rf "$archive"
	python3 "$src/bench/bench_index_gen.py" --hours "$hours" --seed "$seed" \
		--synonyms "$src/transcripts/synonyms.txt" "$archive"
	touch "$archive/.complete"
fi
echo "archive: $archive ($(du -sh --exclude=.qarchive "$archive" | cut -f1))"

# run LABEL CMD...: wall seconds and peak RSS of CMD, into $secs and $rss_mb.
run() {
	local label=$1; shift
	/usr/bin/time -f '%e %M' -o "$work/time.txt" "$@"
	read -r secs rss_kb < "$work/time.txt"
	rss_mb=$((rss_kb / 1024))
	echo "$label: ${secs} s, peak RSS ${rss_mb} MB"
}
size_mb() { du -sm "$1" | cut -f1; }

# 2. qarchive index: fresh, then again with nothing changed.
rm -rf "$archive/.qarchive"
sync
run "qarchive index (fresh)" "$qarchive" index --archive "$archive" > "$work/index.out"
cat "$work/index.out"
ours_s=$secs ours_rss=$rss_mb
ours_mb=$(size_mb "$archive/.qarchive")
cues=$(sed -n 's/.*: \([0-9]*\) cues, \([0-9]*\) words.*/\1/p' "$work/index.out")
words=$(sed -n 's/.*: \([0-9]*\) cues, \([0-9]*\) words.*/\2/p' "$work/index.out")
run "qarchive index (no change)" "$qarchive" index --archive "$archive"
incr_s=$secs

# 3. The same passages for the references.
"$bench" passages "$archive" "$work/passages.dump"
cat > "$work/passages.script" <<'EOF'
# scriptindex rules for bench_index's dump: the documents qarchive builds,
# minus the code-aware terms (TermGenerator, English stemming STEM_SOME,
# positions, spelling data, the same boolean terms and value slots).
id : boolean=Q unique=Q
rec : boolean=XREC value=0
date : valuenumeric=1
release : boolean=XRELEASE value=2
kind : boolean=XKIND value=3
speakers : value=4
speaker : boolean=XSPEAKER
year : boolean=XYEAR value=5
type : boolean=XTYPE
text : spell index
voice : weight=2 indexnopos
title : weight=5 spell index
title : index=S
aboutspk : weight=2 index
desc : spell index
data : field
EOF

# 4. scriptindex on the dump.
rm -rf "$work/scriptindex.db"
sync
run "scriptindex" scriptindex --overwrite "$work/scriptindex.db" "$work/passages.script" \
	"$work/passages.dump" > "$work/scriptindex.out"
si_s=$secs si_rss=$rss_mb
si_mb=$(size_mb "$work/scriptindex.db")

# 5. SQLite FTS5 on the dump.
rm -f "$work/fts5.db" "$work/fts5.db-journal"
sync
run "fts5-load" "$bench" fts5-load "$work/passages.dump" "$work/fts5.db"
fts_s=$secs fts_rss=$rss_mb
fts_mb=$(size_mb "$work/fts5.db")

echo
echo "Indexing: $cues cues, $words words ($(grep -c '^type=' "$work/passages.dump") documents, dump $(size_mb "$work/passages.dump") MB)"
echo
echo "| system | seconds | cues/s | words/s | index size | peak RSS | vs scriptindex |"
echo "|---|---|---|---|---|---|---|"
row() { # name secs mb rss
	awk -v n="$1" -v s="$2" -v mb="$3" -v rss="$4" -v c="$cues" -v w="$words" -v si="$si_s" \
		'BEGIN { printf "| %s | %.1f | %.0f | %.0f | %d MB | %d MB | %.2fx the time |\n", n, s, c / s, w / s, mb, rss, s / si }'
}
row "qarchive index (fresh, from the .vtt files)" "$ours_s" "$ours_mb" "$ours_rss"
row "scriptindex (pre-cut passages)" "$si_s" "$si_mb" "$si_rss"
row "SQLite FTS5 (pre-cut passages, one transaction)" "$fts_s" "$fts_mb" "$fts_rss"
echo
echo "qarchive index with no change: ${incr_s} s ($(awk -v a="$incr_s" -v b="$ours_s" 'BEGIN { printf "%.1f%%", 100 * a / b }') of the fresh run)"
echo

# 6. Queries.
"$bench" query "$archive" "$work/fts5.db" "$reps"
