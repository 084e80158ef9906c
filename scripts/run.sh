#!/usr/bin/env bash
# Builds qarchive (optimized), indexes the bundled archive in transcripts/
# and searches it. (When the web server lands, it serves the archive at
# http://127.0.0.1:8080.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh run

cmake --preset release
cmake --build --preset release -j "$(nproc 2>/dev/null || echo 2)"
qarchive=build-release/qarchive

# The archive served is a copy of transcripts/ in the build tree (later,
# with generated demo media beside each transcript); its index state in
# .qarchive/ is carried over from the previous run, so indexing is
# incremental.
archive=build-release/archive
rm -rf "$archive.new"
cp -a transcripts "$archive.new"
if [ -d "$archive/.qarchive" ]; then
  mv "$archive/.qarchive" "$archive.new/.qarchive"
fi
rm -rf "$archive"
mv "$archive.new" "$archive"

"$qarchive" index --archive "$archive"
"$qarchive" list --archive "$archive"

# Until the web server lands: a few searches, each landing on its moment.
for q in "weights_only" "torch.compile python 3.13" "fully sharded data parallel" \
         "multi-cloud CI" "PrivateUse1"; do
  echo
  echo "\$ qarchive search \"$q\""
  "$qarchive" search --archive "$archive" --limit 3 "$q"
done
