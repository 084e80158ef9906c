#!/usr/bin/env bash
# Installs the Debian packages qarchive needs, only those that are missing,
# with one `apt-get update` first. Works on a minimal Debian 12 as root.
#
# usage: scripts/install-deps.sh run|test
#   run:  what building and running qarchive needs, and generating the demo
#         media (espeak-ng, ffmpeg, fonts-dejavu-core for the title cards);
#         xapian-tools for replicas, remote shards and backups (docs/deploy.md)
#   test: that, plus what the tests need (clang/libFuzzer; Node.js, npm and
#         Chromium for the browser tests; SQLite, scriptindex and GNU time for the
#         index benchmark's smoke test; nginx for the scale test; clang-format
#         for the format test)
set -euo pipefail

run_packages=(
  gcc g++ make cmake ninja-build pkg-config python3
  libjansson-dev
  libavformat-dev libavcodec-dev libavutil-dev libswresample-dev libswscale-dev
  libsodium-dev libxapian-dev
  libhunspell-dev hunspell-en-us  # "did you mean" leaves English words alone (indexer/english)
  libmicrohttpd-dev libcmark-gfm-dev libcmark-gfm-extensions-dev
  zlib1g-dev libbrotli-dev
  espeak-ng ffmpeg fonts-dejavu-core
  xapian-tools  # xapian-replicate(-server): read replicas; xapian-tcpsrv: remote shards; xapian-check (crash tests), -compact: backups
)
test_packages=(
  clang libclang-rt-14-dev
  clang-format  # the format test: every C file as clang-format 14 writes it (tests/style)
  nodejs npm chromium
  libsqlite3-dev xapian-omega time
  nginx  # the scale test: replicas behind deploy/qarchive-routes.conf
)

case "${1:-}" in
  run) wanted=("${run_packages[@]}") ;;
  test) wanted=("${run_packages[@]}" "${test_packages[@]}") ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac

missing=()
for p in "${wanted[@]}"; do
  # A Node.js installed another way (NodeSource's nodejs bundles npm and
  # conflicts with Debian's npm package) serves the browser tests as well.
  case "$p" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
  esac
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run as root, or: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
