#!/usr/bin/env bash
# Builds qarchive (optimized), turns the bundled archive in transcripts/ into
# playable demo media, indexes it, shows a few searches, and serves it at
# http://127.0.0.1:8080.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh run

cmake --preset release
cmake --build --preset release -j "$(nproc 2>/dev/null || echo 2)"
qarchive=build-release/qarchive

# The archive served is a copy of transcripts/ in the build tree with real,
# playable demo media beside each transcript (spoken with espeak-ng, encoded
# with ffmpeg; generated once and cached, about a minute on 2 cores). Its
# index state in .qarchive/ is kept, so indexing is incremental.
archive=build-release/archive
python3 scripts/make-demo-media.py --qarchive "$qarchive" --src transcripts --out "$archive" \
  --jobs "$(nproc 2>/dev/null || echo 2)"

"$qarchive" index --archive "$archive"
"$qarchive" list --archive "$archive"

# A few searches from the command line, each landing on its moment.
for q in "weights_only" "torch.compile python 3.13" "fully sharded data parallel" \
         "multi-cloud CI" "PrivateUse1"; do
  echo
  echo "\$ qarchive search \"$q\""
  "$qarchive" search --archive "$archive" --limit 3 "$q"
done

# A staff account for trying uploads at /upload: made once, with a random
# password kept beside the archive (readable by this user only).
password_file=build-release/demo-staff-password
if [ -z "$("$qarchive" user list --archive "$archive")" ]; then
  (umask 077; python3 -c 'import secrets; print(secrets.token_urlsafe(12))' > "$password_file")
  "$qarchive" user add staff --archive "$archive" < "$password_file"
fi

echo
echo "Serving the archive at http://127.0.0.1:8080 (Ctrl-C to stop)"
if [ -f "$password_file" ]; then
  echo "Staff sign-in at http://127.0.0.1:8080/login: name 'staff', password in $password_file"
fi
exec "$qarchive" serve --archive "$archive" --listen 127.0.0.1 --port 8080
