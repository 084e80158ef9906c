#!/usr/bin/env bash
# Runs the benchmarks on an optimized build and prints their figures; copy
# them into bench/RESULTS.md with the date and the machine.
# usage: bench/run.sh [MEGABYTES] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset release > /dev/null
cmake --build --preset release --target bench_parse > /dev/null
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -srm)"
/usr/bin/env time -v build-release/bench/bench_parse "${1:-100}" "${2:-5}" 2> >(grep -E 'Maximum resident' >&2)
