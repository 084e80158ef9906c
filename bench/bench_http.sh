#!/usr/bin/env bash
# The HTTP benchmark (issue 7): `qarchive serve` measured with wrk, next to
# the engine's own limit and next to nginx, in the same run.
#   search: /api/search over the generated archive (1,000 hours, or
#           --hours N) at 1 and 16 connections (wrk rotating through 8 of
#           bench_index's queries), next to the same 8 queries in-process
#           in the same run (`bench_index engine`): search_run, and a bare
#           libxapian top-10 query (Enquire::get_mset(0, 10), Xapian's
#           default checkatleast), one thread and every core; and
#           /healthz at 16 connections;
#   media:  /media/<id> on a ~200 MB file: 64 KiB range requests at random
#           offsets (16 connections) and full-file GETs (4 connections),
#           next to nginx (sendfile on) serving the same file.
# Loopback only (127.0.0.1, free ports picked at start); every server is
# stopped by its PID on exit. Figures and method: bench/RESULTS.md ("HTTP").
#
# usage: bench/bench_http.sh [--secs N] [--reps N] [--hours N] [--only search|media] [--media-only]
#                            [--work DIR] [--build DIR] [--rounds N] [--before QARCHIVE]
#   --secs   duration of each wrk run, and of each throughput run of the
#            engine (default 10)
#   --reps   timed runs of each query through the C API (default 10)
#   --hours  which generated archive (default 1000): DIR/archive-N-20251123,
#            indexed (bench_index.sh --hours N makes it)
#   --only   run only the search part or only the media part
#   --work   bench_index.sh's work directory (default bench/work)
#   --build  a configured build directory; default: configure and build
#            build-bench (Release, no sanitizers)
#   --rounds media rounds (default 1): each round runs every server in
#            turn, and the medians of the rounds are printed
#   --before another qarchive binary (say, a build of main) measured beside
#            --build's in every media round
# needs: wrk, nginx, ffmpeg, curl, python3 (apt-get install wrk nginx-light ffmpeg curl)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
secs=10 reps=10 work=$src/bench/work build= hours=1000 only= rounds=1 before=
while [ $# -gt 0 ]; do
	case $1 in
	--secs) secs=$2; shift 2 ;;
	--reps) reps=$2; shift 2 ;;
	--hours) hours=$2; shift 2 ;;
	--only) only=$2; shift 2 ;;
	--media-only) only=media; shift ;; # as before --only: media on a generated recording
	--work) work=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--before) before=$2; shift 2 ;;
	*) sed -n '2,34p' "$0" >&2; exit 2 ;;
	esac
done
for tool in wrk nginx ffmpeg curl python3; do
	command -v "$tool" > /dev/null || {
		echo "bench_http.sh: missing $tool (hint: apt-get install -y wrk nginx-light ffmpeg curl python3)" >&2
		exit 2
	}
done
if [ -z "$build" ]; then
	build=$src/build-bench
	cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF > /dev/null
	cmake --build "$build" --target qarchive bench_index > /dev/null
fi
qarchive=$build/qarchive
bench=$build/bench/bench_index
big=$work/archive-$hours-20251123
[ -x "$qarchive" ] && [ -x "$bench" ] || { echo "bench_http.sh: missing $qarchive or $bench" >&2; exit 2; }
if [ "$only" = media ] && [ ! -d "$big/.qarchive" ]; then
	# Only /media: a generated recording stands in for the big archive's.
	big=$work/http-gen
	[ -d "$big" ] || python3 "$src/bench/bench_index_gen.py" --hours 1 --seed 20251123 "$big" > /dev/null
	[ -d "$big/.qarchive" ] || "$qarchive" index --archive "$big" > /dev/null
fi
[ -d "$big/.qarchive" ] ||
	{ echo "bench_http.sh: run bench/bench_index.sh --hours $hours first ($big indexed)" >&2; exit 2; }

tmp=$work/http-run
rm -rf "$tmp"
mkdir -p "$tmp"
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2> /dev/null || true; done
}
trap cleanup EXIT INT TERM

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_http() { # URL: up to 30 s
	for _ in $(seq 300); do
		curl -fs -o /dev/null "$1" && return 0
		sleep 0.1
	done
	echo "bench_http.sh: $1 never answered" >&2
	exit 1
}
# serve ARCHIVE PORT: start qarchive serve, PID into $spid.
serve() {
	"$qarchive" serve --archive "$1" --listen 127.0.0.1 --port "$2" 2>> "$tmp/serve.log" &
	spid=$!
	pids+=("$spid")
	wait_http "http://127.0.0.1:$2/healthz"
}
stop() {
	kill "$1" 2> /dev/null || true
	wait "$1" 2> /dev/null || true
}

# wrk's summary → "req/s p50 p90 p99 transfer errors" (latencies in ms,
# transfer as wrk prints it, errors = non-2xx/3xx responses + socket errors).
# req/s counts the 2xx/3xx answers only: wrk's own figure counts a 503
# from a full work queue as a request served.
parse_wrk() {
	awk '
	function ms(v) {
		if (v ~ /us$/) return v * 0.001
		if (v ~ /ms$/) return v + 0
		if (v ~ /m$/) return v * 60000
		if (v ~ /s$/) return v * 1000
		return v + 0
	}
	/^ +50%/ { p50 = ms($2) } /^ +90%/ { p90 = ms($2) } /^ +99%/ { p99 = ms($2) }
	/ requests in / { n = $1; secs = $4; sub(/s,?$/, "", secs) }
	/^Requests\/sec:/ { rps = $2 } /^Transfer\/sec:/ { tr = $2 }
	/Non-2xx or 3xx responses:/ { bad += $NF; err += $NF }
	/Socket errors:/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) err += $i + 0 }
	END {
		if (secs > 0) rps = sprintf("%.2f", (n - bad) / secs)
		printf "%s %.2f %.2f %.2f %s %d\n", rps, p50, p90, p99, tr, err
	}' "$1"
}
# run_wrk LOG CONNS URL [wrk args...]: wrk -t min(2,CONNS).
run_wrk() {
	local log=$1 c=$2 url=$3 t=2
	shift 3
	[ "$c" -lt 2 ] && t=1
	wrk -t"$t" -c"$c" -d"${secs}s" --timeout 10s --latency "$url" "$@" > "$log" 2>&1
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -srm); $(date -u +%Y-%m-%dT%H:%MZ)"
echo "versions: $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), $(nginx -v 2>&1 | sed 's/.*: //'); wrk and the server share the machine"
echo

# ---- 1. /api/search against the engine ------------------------------------
# Eight of bench_index's 31 queries: common words, a rare word, an
# identifier, an identifier part, a phrase, synonyms, OR.
queries=(memory checkpoint backhulgret torch.compile dynamo '"graph break"'
	'fully sharded data parallel' 'inductor OR triton')
search_part() {
	{
		echo "paths = {"
		for q in "${queries[@]}"; do
			printf '  "/api/search?q=%s",\n' "$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$q")"
		done
		cat << 'EOF'
}
local i = 0
function init(args) i = math.random(#paths) - 1 end
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
EOF
	} > "$tmp/search.lua"

	port=$(free_port)
	serve "$big" "$port"
	base=http://127.0.0.1:$port
	# Warm up (page cache, Xapian's block cache) and check every query answers 200.
	for path in $(sed -n 's/^  "\(.*\)",$/\1/p' "$tmp/search.lua"); do
		for _ in 1 2 3; do curl -fs -o /dev/null "$base$path"; done
	done
	# One profiled answer per query (X-Qarchive-Profile: where the time goes).
	for path in $(sed -n 's/^  "\(.*\)",$/\1/p' "$tmp/search.lua"); do
		printf '%s %s\n' "$path" "$(curl -fs -o /dev/null -D - -H 'X-Qarchive-Profile: 1' "$base$path" |
			sed -n 's/^[Ss]erver-[Tt]iming: //p' | tr -d '\r')"
	done > "$tmp/profile.txt"
	declare -gA http
	for c in 1 16; do
		run_wrk "$tmp/search-c$c.txt" "$c" "$base/api/search" -s "$tmp/search.lua"
		http[$c]=$(parse_wrk "$tmp/search-c$c.txt")
	done
	run_wrk "$tmp/healthz-c16.txt" 16 "$base/healthz"
	http[healthz]=$(parse_wrk "$tmp/healthz-c16.txt")
	stop "$spid"

	# The same queries in-process (bench_index engine): search_run and the
	# bare top-10 query, interleaved, one thread ($reps rounds), then $secs
	# seconds of each on every core.
	"$bench" engine "$big" "$reps" "$secs" "${queries[@]}" > "$tmp/engine.txt"
	local ours_med ours_p99 bare_med bare_p99 ours1 bare1 oursn baren threads
	read -r _ _ ours_med ours_p99 _ bare_med bare_p99 <<< "$(grep '^latency ' "$tmp/engine.txt")"
	read -r _ _ _ ours1 _ bare1 <<< "$(grep '^rate 1 ' "$tmp/engine.txt")"
	read -r _ threads _ oursn _ baren <<< "$(grep '^rate ' "$tmp/engine.txt" | tail -1)"
	ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }

	echo "### /api/search, $hours-hour archive ($big)"
	echo
	echo "| path | connections / threads | requests/s | median ms | p99 ms | errors |"
	echo "|---|---|---|---|---|---|"
	printf '| bare libxapian top-10 (in-process) | 1 thread | %s | %s | %s | 0 |\n' "$bare1" "$bare_med" "$bare_p99"
	printf '| bare libxapian top-10 (in-process) | %s threads | %s | | | 0 |\n' "$threads" "$baren"
	printf '| search_run (in-process) | 1 thread | %s | %s | %s | 0 |\n' "$ours1" "$ours_med" "$ours_p99"
	printf '| search_run (in-process) | %s threads | %s | | | 0 |\n' "$threads" "$oursn"
	for c in 1 16; do
		read -r rps p50 _ p99 _ err <<< "${http[$c]}"
		printf '| HTTP /api/search | %s | %s | %s | %s | %s |\n' "$c" "$rps" "$p50" "$p99" "$err"
	done
	read -r rps p50 _ p99 _ err <<< "${http[healthz]}"
	printf '| HTTP /healthz | 16 | %s | %s | %s | %s |\n' "$rps" "$p50" "$p99" "$err"
	echo
	read -r _ p50 _ p99 _ _ <<< "${http[1]}"
	read -r rps16 _ _ _ _ _ <<< "${http[16]}"
	echo "- p99 at 1 connection: HTTP $p99 ms against the bare query's $bare_p99 ms: $(ratio "$p99" "$bare_p99");" \
		"target 1.3 x $bare_p99 + 1 = $(awk -v b="$bare_p99" 'BEGIN { printf "%.2f", 1.3 * b + 1 }') ms."
	echo "- median at 1 connection: HTTP $p50 ms against $bare_med ms: $(ratio "$p50" "$bare_med")."
	echo "- throughput at 16 connections: HTTP $rps16 req/s against the bare query's $baren q/s on" \
		"$threads threads: $(ratio "$rps16" "$baren") (target 0.30x); against search_run's $oursn q/s:" \
		"$(ratio "$rps16" "$oursn")."
	echo
	echo "Per-query medians in-process ($reps runs each, ms), and one profiled answer over HTTP"
	echo "(Server-Timing, ms):"
	echo
	echo "| query | search_run | bare top-10 | HTTP profile |"
	echo "|---|---|---|---|"
	local i=0 line m0 m1
	while read -r _ rest; do
		read -r m0 m1 <<< "$(awk '{ print $(NF - 1), $NF }' <<< "$rest")"
		line=$(sed -n "$((i + 1))p" "$tmp/profile.txt" | cut -d' ' -f2- | sed 's/;dur=/ /g')
		printf '| `%s` | %s | %s | %s |\n' "${queries[$i]}" "$m0" "$m1" "$line"
		i=$((i + 1))
	done < <(grep '^query ' "$tmp/engine.txt")
	echo
}
[ "$only" = media ] || search_part

# ---- 2. /media against nginx ------------------------------------------------
[ "$only" = search ] && { echo "wrk outputs: $tmp"; exit 0; }
# A one-recording archive whose media.mp4 is a real (tiny) MP4 followed by a
# ~200 MB top-level "free" box of random bytes: libavformat probes it as a
# playable recording, and the bytes served are incompressible. Its index
# (moov) is written first (+faststart), or `qarchive index` would move it
# there and drop the free box with it. Kept between runs.
small=$work/http-archive
rec=2023-01-02-release-qa-0192
# --media-only's generated one-hour archive has another recording.
[ -d "$big/$rec" ] || rec=$(cd "$big" && ls -d 20* | head -1)
media=$small/$rec/media.mp4
if [ ! -f "$small/.complete" ]; then
	rm -rf "$small"
	mkdir -p "$small/$rec"
	cp "$big/$rec/recording.json" "$big/$rec/transcript.vtt" "$small/$rec/"
	ffmpeg -loglevel error -y -f lavfi -i testsrc=duration=2:size=160x120:rate=10 \
		-c:v libx264 -pix_fmt yuv420p -movflags +faststart "$tmp/head.mp4"
	free_len=$((200 * 1024 * 1024))
	{
		cat "$tmp/head.mp4"
		python3 -c 'import struct, sys; sys.stdout.buffer.write(struct.pack(">I", int(sys.argv[1]) + 8) + b"free")' "$free_len"
		head -c "$free_len" /dev/urandom
	} > "$media"
	"$qarchive" index --archive "$small" > /dev/null
	touch "$small/.complete"
fi
size=$(stat -c %s "$media")

mkdir -p "$tmp/nginx/logs"
nport=$(free_port)
cat > "$tmp/nginx/nginx.conf" << EOF
# Minimal static server for bench_http.sh: same file, loopback only.
daemon off;
user root;
worker_processes $(nproc);
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush off;
    tcp_nodelay on;
    keepalive_requests 1000000;
    client_body_temp_path $tmp/nginx/body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
    types { video/mp4 mp4; }
    server {
        listen 127.0.0.1:$nport;
        root $small;
    }
}
EOF

cat > "$tmp/range.lua" << 'EOF'
-- wrk -s range.lua URL -- SIZE: 64 KiB ranges at random offsets.
local size
local n = 0
function setup(thread)
  n = n + 1
  thread:set("seed", n)
end
function init(args)
  size = tonumber(args[1])
  math.randomseed(os.time() * 100 + seed)
end
function request()
  local off = math.random(0, size - 65536)
  return wrk.format("GET", nil, { Range = "bytes=" .. off .. "-" .. (off + 65535) })
end
EOF

# Each round runs every server once per test, in turn (qarchive, the
# --before build's qarchive if given, nginx), so that a machine whose load
# changes during the run moves all of them alike; the tables give each
# round and the medians of the rounds.
port=$(free_port)
serve "$small" "$port"
qpid=$spid
declare -A murl=([qarchive]="http://127.0.0.1:$port/media/$rec")
servers=(qarchive)
if [ -n "$before" ]; then
	bport=$(free_port)
	qarchive_main=$qarchive
	qarchive=$before
	serve "$small" "$bport"
	qarchive=$qarchive_main
	bpid=$spid
	murl[before]="http://127.0.0.1:$bport/media/$rec"
	servers+=(before)
fi
nginx -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" &
npid=$!
pids+=("$npid")
wait_http "http://127.0.0.1:$nport/$rec/media.mp4"
murl[nginx]="http://127.0.0.1:$nport/$rec/media.mp4"
servers+=(nginx)
declare -A mres
for srv in "${servers[@]}"; do
	# Each must answer a range with 206 and exactly 64 KiB, and the full file intact.
	got=$(curl -fs -r 1000-66535 -o /dev/null -w '%{http_code} %{size_download}' "${murl[$srv]}")
	[ "$got" = "206 65536" ] || { echo "bench_http.sh: $srv range: $got" >&2; exit 1; }
	got=$(curl -fs -o /dev/null -w '%{http_code} %{size_download}' "${murl[$srv]}")
	[ "$got" = "200 $size" ] || { echo "bench_http.sh: $srv full: $got" >&2; exit 1; }
done
# Warm up: the file in the page cache, each server's first connections.
cat "$media" > /dev/null
for srv in "${servers[@]}"; do
	wrk -t2 -c16 -d1s "${murl[$srv]}" -s "$tmp/range.lua" -- "$size" > /dev/null 2>&1
done
for round in $(seq "$rounds"); do
	for test in range full; do
		for srv in "${servers[@]}"; do
			if [ $test = range ]; then
				run_wrk "$tmp/$srv-range-$round.txt" 16 "${murl[$srv]}" -s "$tmp/range.lua" -- "$size"
			else
				run_wrk "$tmp/$srv-full-$round.txt" 4 "${murl[$srv]}"
			fi
			mres[$srv-$test-$round]="$(parse_wrk "$tmp/$srv-$test-$round.txt") $(cut -d' ' -f1-3 /proc/loadavg)"
		done
	done
done
stop "$qpid"
[ -n "$before" ] && stop "$bpid"
stop "$npid"

mbps() { # wrk's Transfer/sec → MB/s (10^6)
	awk -v t="$1" 'BEGIN {
		v = t + 0
		if (t ~ /GB$/) v *= 1073741824; else if (t ~ /MB$/) v *= 1048576; else if (t ~ /KB$/) v *= 1024
		printf "%.0f", v / 1e6 }'
}
median() { tr ' ' '\n' | sort -g | awk '{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "### /media, $(awk -v s="$size" 'BEGIN { printf "%.1f", s / 1e6 }') MB file ($media), $rounds round(s)"
echo
echo "| test | round | server | requests/s | p50 ms | p99 ms | MB/s | errors | load (1/5/15 min) | / nginx |"
echo "|---|---|---|---|---|---|---|---|---|---|"
declare -A ratios
for test in range full; do
	label="64 KiB range, random offset, 16 conn"
	[ $test = full ] && label="full file GET, 4 conn"
	for round in $(seq "$rounds"); do
		read -r nrps _ _ _ ntr _ <<< "${mres[nginx-$test-$round]}"
		for srv in "${servers[@]}"; do
			read -r rps p50 _ p99 tr err l1 l5 l15 <<< "${mres[$srv-$test-$round]}"
			ratio=""
			if [ $srv != nginx ]; then
				if [ $test = range ]; then
					ratio=$(awk -v a="$rps" -v b="$nrps" 'BEGIN { printf "%.2f", a / b }')
				else
					ratio=$(awk -v a="$(mbps "$tr")" -v b="$(mbps "$ntr")" 'BEGIN { printf "%.2f", a / b }')
				fi
				ratios[$srv-$test]+="$ratio "
				ratio="${ratio}x"
			fi
			printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s %s %s | %s |\n' "$label" "$round" "$srv" \
				"$rps" "$p50" "$p99" "$(mbps "$tr")" "$err" "$l1" "$l5" "$l15" "$ratio"
		done
	done
done
echo
for test in range full; do
	for srv in "${servers[@]}"; do
		[ $srv = nginx ] && continue
		echo "- $srv, $test: median ratio to nginx over $rounds round(s):" \
			"$(echo "${ratios[$srv-$test]% }" | median)x (rounds: ${ratios[$srv-$test]% })"
	done
done
echo
echo "wrk outputs: $tmp"
