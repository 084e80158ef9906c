#!/usr/bin/env bash
# Builds qarchive with AddressSanitizer + UBSan and runs every test:
# unit, CLI, conformance (needs ../shared beside the repository), media,
# search, the bundled archive, the demo media generator, HTTP; then checks
# that the optimized build compiles; then runs each libFuzzer target for
# QA_FUZZ_SECONDS (default 60) in a clang build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh test

jobs=$(nproc 2>/dev/null || echo 2)
cmake --preset dev
cmake --build --preset dev -j "$jobs"
ctest --preset dev -j "$jobs"

# The optimized build the README's run command makes: -O3 finds warnings
# (maybe-uninitialized) that the Debug build does not.
cmake --preset release
cmake --build --preset release -j "$jobs"

cmake --preset fuzz -DQA_FUZZ_SECONDS="${QA_FUZZ_SECONDS:-60}"
cmake --build --preset fuzz -j "$jobs"
ctest --test-dir build-fuzz -L fuzz -j "$jobs" --output-on-failure
