#!/usr/bin/env python3
"""Checks that the layers' direction is enforced by the build, not by care.

For each layer folder, a probe file is compiled with the exact flags of a
real file of that folder (from compile_commands.json): including a header of
a layer below it must compile, including one of a layer it must not reach
must fail with "No such file" (so it fails for that reason, not another).
(A forbidden header must not share its name with a system header: <search.h>
is POSIX's, so the index layer is probed with index_schema.h.) Headers that
sit in the system's include path (libmicrohttpd, Xapian, FFmpeg,
cmark) cannot be hidden by include directories; for those a textual rule
names the folders that may include them, and the link (which would fail
without the library) does the rest.

usage: check_layers.py BUILD_DIR SOURCE_DIR
"""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

# folder (or one file, for the CLI's groups) -> (headers it may include,
# headers it must not reach)
LAYERS = {
    "indexer/base": (["path.h", "strbuf.h"], ["cue.h", "tokenize.h", "xindex.h", "archive.h"]),
    "indexer/transcript": (["cue.h", "strbuf.h"],
                           ["index_update.h", "archive.h", "tokenize.h", "xindex.h",
                            "media_probe.h", "cue_json.h", "index_schema.h"]),
    "indexer/analysis": (["tokenize.h", "strbuf.h"], ["vtt.h", "xindex.h", "archive.h"]),
    "indexer/english": (["english.h"], ["strbuf.h", "tokenize.h", "xindex.h", "archive.h"]),
    "indexer/xindex": (["xindex.h"], ["strbuf.h", "archive.h", "index_schema.h"]),
    "indexer/media": (["media_probe.h", "cue.h", "strbuf.h"],
                      ["index_update.h", "archive.h", "recording.h", "xindex.h"]),
    "indexer/archive": (["recording.h", "path.h"],
                        ["index_update.h", "xindex.h", "media_probe.h", "ingest.h", "tokenize.h"]),
    "indexer/index": (["search.h", "recording.h", "xindex.h", "tokenize.h", "media_probe.h"],
                      ["ingest.h", "request.h", "accounts.h", "html.h"]),
    "indexer/ingest": (["ingest.h", "index_update.h", "media_probe.h"],
                       ["request.h", "tus_store.h", "accounts.h", "html.h", "transcribe_run.h"]),
    "indexer/transcribe": (["transcribe_run.h", "recording.h", "index_update.h", "media_wav.h",
                            "synonyms.h", "transcript.h"],
                           ["ingest.h", "request.h", "transcribe_queue.h", "accounts.h",
                            "html.h"]),
    "indexer/pictures": (["pictures_store.h", "recording.h", "media_picture.h", "fs_ops.h"],
                         ["index_update.h", "xindex.h", "ingest.h", "request.h", "index_schema.h",
                          "transcribe_run.h", "accounts.h"]),
    "server/jobs": (["transcribe_queue.h", "transcribe_run.h", "transcribe_job.h",
                     "pictures_make.h"],
                    ["request.h", "server.h", "html.h", "api.h", "accounts.h", "tus_store.h"]),
    "server/staff": (["accounts.h", "path.h"],
                     ["request.h", "server.h", "html.h", "index_update.h", "xindex.h"]),
    "server/tus": (["tus_store.h", "transcript.h", "recording.h"],
                   ["request.h", "upload_commit.h", "index_update.h", "html.h"]),
    "server/web": (["escape.h", "cue.h"], ["request.h", "html.h", "index_update.h", "accounts.h"]),
    "server/http": (["request.h", "escape.h", "search.h", "accounts.h", "tus_store.h",
                     "transcribe_queue.h"],
                    ["html.h", "pages.h", "api.h", "site.h", "staff_form.h"]),
    "server/api": (["api.h", "request.h", "escape.h"], ["html.h", "pages.h", "site.h"]),
    "server/pages": (["pages.h", "html.h", "escape.h"], ["api.h", "site.h"]),
    "tests/fuzz": (["vtt.h"], ["index_update.h", "archive.h", "request.h", "xindex.h"]),
    # The CLI's groups (cli/CMakeLists.txt), by one file of each.
    "cli/cmd_user.c": (["accounts.h", "cli_args.h"],
                       ["server.h", "request.h", "index_update.h", "xindex.h", "ingest.h"]),
    "cli/cmd_cues.c": (["transcript.h", "media_json.h"],
                       ["index_update.h", "archive.h", "server.h", "accounts.h"]),
    "cli/cmd_add.c": (["ingest.h", "recording_flags.h"], ["server.h", "request.h", "accounts.h"]),
    "cli/cmd_search.c": (["search.h", "index_update.h"], ["server.h", "request.h", "accounts.h"]),
    "cli/cmd_pictures.c": (["pictures_make.h", "media_probe.h", "cli_args.h"],
                           ["server.h", "request.h", "index_update.h", "ingest.h",
                            "accounts.h"]),
    "cli/cmd_transcribe.c": (["transcribe_run.h", "cli_args.h"],
                             ["server.h", "request.h", "transcribe_queue.h", "ingest.h",
                              "accounts.h"]),
}

# System headers: which folders may include them (a prefix match on the name).
SYSTEM = [
    ("microhttpd.h", ["server/http", "server/api", "server/pages"]),
    ("xapian", ["indexer/xindex"]),
    ("libav", ["indexer/media"]),
    ("libsw", ["indexer/media"]),
    ("cmark", ["server/pages"]),
]

passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def probe_command(entry, probe):
    """entry's compiler and flags, compiling probe with -fsyntax-only."""
    args = shlex.split(entry["command"])
    out, skip = [args[0]], False
    for i, a in enumerate(args[1:], 1):
        if skip:
            skip = False
            continue
        if a in ("-o", "-MF", "-MT", "-MQ", "-c"):
            skip = True
            continue
        if a in ("-MD", "-MMD") or a == entry["file"]:
            continue
        out.append(a)
    return out + ["-fsyntax-only", probe]


def compiles(entry, header, workdir):
    ext = ".cc" if entry["file"].endswith(".cc") else ".c"
    probe = os.path.join(workdir, "probe" + ext)
    with open(probe, "w") as f:
        f.write('#include "%s"\nint layering_probe;\n' % header)
    r = subprocess.run(probe_command(entry, probe), cwd=entry["directory"],
                       capture_output=True, text=True)
    return r.returncode == 0, r.stderr


def check_includes(entries, src):
    workdir = tempfile.mkdtemp(prefix="qa-layering-")
    for folder, (allowed, forbidden) in LAYERS.items():
        prefix = os.path.join(src, folder)
        entry = next((e for e in entries if e["file"] == prefix or
                      e["file"].startswith(prefix + os.sep)), None)
        if entry is None:
            check(False, "%s: no file of it in compile_commands.json" % folder)
            continue
        for h in allowed:
            ok, err = compiles(entry, h, workdir)
            check(ok, "%s should reach %s:\n%s" % (folder, h, err))
        for h in forbidden:
            ok, err = compiles(entry, h, workdir)
            check(not ok and "No such file" in err,
                  "%s must not reach %s (it %s)" % (folder, h, "compiled" if ok else err))
    shutil.rmtree(workdir)


def check_system_headers(src):
    pattern = re.compile(r'^\s*#\s*include\s*<([^>]+)>', re.M)
    for root in ("indexer", "server", "cli"):
        for dirpath, _, files in os.walk(os.path.join(src, root)):
            folder = os.path.relpath(dirpath, src)
            for name in files:
                if not name.endswith((".c", ".cc", ".h")):
                    continue
                text = open(os.path.join(dirpath, name), encoding="utf-8").read()
                for inc in pattern.findall(text):
                    for header, owners in SYSTEM:
                        if inc.startswith(header):
                            check(folder in owners,
                                  "%s/%s includes <%s>: only %s may" %
                                  (folder, name, inc, ", ".join(owners)))


def main():
    build, src = sys.argv[1], os.path.realpath(sys.argv[2])
    with open(os.path.join(build, "compile_commands.json")) as f:
        entries = json.load(f)
    for e in entries:
        e["file"] = os.path.realpath(e["file"])
    check_includes(entries, src)
    check_system_headers(src)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
