#!/usr/bin/env bash
# The decode + resample step of speech recognition (media_wav.c) on an hour
# of audio: time and peak memory of bench_wav, and in the same run the
# reference `ffmpeg -i X -ar 16000 -ac 1 -c:a pcm_s16le out.wav` (what a
# site would otherwise run). Median of --reps runs each; GNU time for RSS.
#
# usage: bench_wav.sh [--build DIR] [--hours H] [--reps N] [--work DIR]
# The input is made once per size with ffmpeg: 44.1 kHz stereo AAC
# (128 kb/s, as recordings come), a tone over pink noise so the encoder
# has real work. Figures go to bench/RESULTS.md by hand.
set -euo pipefail
build=build-release hours=1 reps=3 work=${TMPDIR:-/tmp}/qa-bench-wav
while [ $# -gt 0 ]; do
  case $1 in
    --build) build=$2; shift 2 ;;
    --hours) hours=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    *) echo "usage: $0 [--build DIR] [--hours H] [--reps N] [--work DIR]" >&2; exit 2 ;;
  esac
done
bench=$build/bench/bench_wav
[ -x "$bench" ] || { echo "bench_wav.sh: no $bench (build the bench_wav target)" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "bench_wav.sh: needs GNU time" >&2; exit 2; }
mkdir -p "$work"
seconds=$(python3 -c "print(int(float('$hours') * 3600))")
input=$work/audio-${seconds}s.m4a
if [ ! -s "$input" ]; then
  ffmpeg -nostdin -v error -y -f lavfi -i "sine=frequency=220:sample_rate=44100:duration=$seconds" \
    -f lavfi -i "anoisesrc=color=pink:sample_rate=44100:amplitude=0.2:duration=$seconds" \
    -filter_complex "[0][1]amix=inputs=2,aformat=channel_layouts=stereo" \
    -c:a aac -b:a 128k "$input"
fi
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ours=() ours_rss=() ref=() ref_rss=()
for i in $(seq "$reps"); do
  out=$( { /usr/bin/time -f "rss_kb=%M" "$bench" "$input" "$work/ours.wav"; } 2>&1 )
  ours+=("$(sed -n 's/.*seconds=\([0-9.]*\) audio.*/\1/p' <<<"$out")")
  ours_rss+=("$(sed -n 's/rss_kb=//p' <<<"$out")")
  out=$( { /usr/bin/time -f "wall=%e rss_kb=%M" ffmpeg -nostdin -v error -y -i "$input" \
           -ar 16000 -ac 1 -c:a pcm_s16le "$work/ref.wav"; } 2>&1 )
  ref+=("$(sed -n 's/wall=\([0-9.]*\) .*/\1/p' <<<"$out")")
  ref_rss+=("$(sed -n 's/.*rss_kb=//p' <<<"$out")")
done
audio=$( { "$bench" "$input" "$work/ours.wav"; } | sed -n 's/.*audio_seconds=//p')
cmp_bytes=$(stat -c %s "$work/ours.wav")/$(stat -c %s "$work/ref.wav")
printf 'input: %s (%s s of audio, %s bytes)\n' "$input" "$audio" "$(stat -c %s "$input")"
printf 'qarchive media_wav: median %s s (runs: %s), peak RSS median %s KB\n' \
  "$(printf '%s\n' "${ours[@]}" | median)" "${ours[*]}" "$(printf '%s\n' "${ours_rss[@]}" | median)"
printf 'ffmpeg reference:   median %s s (runs: %s), peak RSS median %s KB\n' \
  "$(printf '%s\n' "${ref[@]}" | median)" "${ref[*]}" "$(printf '%s\n' "${ref_rss[@]}" | median)"
printf 'WAV bytes, ours/ffmpeg: %s\n' "$cmp_bytes"
