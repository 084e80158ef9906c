#!/usr/bin/env bash
# Pictures (pictures_make, pictures_at) on a few minutes of video and of
# sound, scaled to an hour: the time to make a video's poster and storyboard
# and a sound's waveform, the bytes they take, and the time of a frame at a
# moment. Figures go to bench/RESULTS.md by hand.
#
# usage: bench_pictures.sh [--build DIR] [--minutes M] [--work DIR]
# The video is made once per length with ffmpeg: 1280x720, 25 fps, H.264
# (a key frame every 2 s, as streaming encoders make), a test pattern with
# its time burnt in; the sound a tone over pink noise in AAC.
set -euo pipefail
build=build-release minutes=5 work=${TMPDIR:-/tmp}/qa-bench-pictures
while [ $# -gt 0 ]; do
  case $1 in
    --build) build=$2; shift 2 ;;
    --minutes) minutes=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    *) echo "usage: $0 [--build DIR] [--minutes M] [--work DIR]" >&2; exit 2 ;;
  esac
done
bench=$build/bench/bench_pictures
[ -x "$bench" ] || { echo "bench_pictures.sh: no $bench (build the bench_pictures target)" >&2; exit 2; }
seconds=$(python3 -c "print(int(float('$minutes') * 60))")
a=$work/archive-$seconds
mkdir -p "$a/video" "$a/sound"
if [ ! -s "$a/video/media.mp4" ]; then
  ffmpeg -nostdin -v error -y -f lavfi -i "testsrc2=size=1280x720:rate=25:duration=$seconds" \
    -f lavfi -i "sine=frequency=220:duration=$seconds" \
    -vf "drawtext=fontfile=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf:text='%{pts\:hms}':fontsize=64:x=40:y=40:fontcolor=white:box=1:boxcolor=black" \
    -c:v libx264 -preset veryfast -g 50 -pix_fmt yuv420p -c:a aac -shortest "$a/video/media.mp4"
  ffmpeg -nostdin -v error -y -f lavfi -i "sine=frequency=220:sample_rate=44100:duration=$seconds" \
    -f lavfi -i "anoisesrc=color=pink:sample_rate=44100:amplitude=0.2:duration=$seconds" \
    -filter_complex "[0][1]amix=inputs=2" -c:a aac -b:a 128k "$a/sound/media.m4a"
fi
for id in video sound; do
  printf '{"title":"%s","kind":"other","date":"2026-01-01"}' "$id" > "$a/$id/recording.json"
done
per_hour() { python3 -c "print('%.1f' % ($1 * 3600 / $seconds))"; }
v=$("$bench" "$a" video 20)
s=$("$bench" "$a" sound 0)
get() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }
printf 'video: %s s of 1280x720 H.264 (%s bytes)\n' "$seconds" "$(stat -c %s "$a/video/media.mp4")"
printf '  poster + storyboard: %s s wall, %s s CPU (%s s CPU per hour), %s bytes in %s sprites + poster (%s KB per hour)\n' \
  "$(get make_seconds "$v")" "$(get make_cpu "$v")" "$(per_hour "$(get make_cpu "$v")")" \
  "$(get set_bytes "$v")" "$(get sprites "$v")" "$(per_hour "$(get set_bytes "$v") / 1024")"
printf '  a frame at a moment (20, not kept before): mean %s ms wall (max %s ms), %s ms CPU\n' \
  "$(get moment_ms_mean "$v")" "$(get moment_ms_max "$v")" "$(get moment_cpu_ms "$v")"
printf 'sound: %s s of AAC\n  waveform: %s s wall, %s s CPU (%s s CPU per hour), %s bytes\n' "$seconds" \
  "$(get make_seconds "$s")" "$(get make_cpu "$s")" "$(per_hour "$(get make_cpu "$s")")" \
  "$(get set_bytes "$s")"
