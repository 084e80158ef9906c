#!/usr/bin/env python3
"""The bundled archive (transcripts/) as a user first meets it: every
recording indexes without error, and a search for what each release Q&A
covered lands in that Q&A, inside the agenda section where it was said.

usage: test_bundled.py QARCHIVE TRANSCRIPTS_DIR
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

QARCHIVE, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
passed = failed = 0

# query, expected recording, the agenda section (title prefix) it was said in
EXAMPLES = [
    ("weights_only", "2025-02-05-pytorch-2-6-release-qa", "torch.load weights_only default"),
    ("set_stance", "2025-02-05-pytorch-2-6-release-qa", "torch.compiler.set_stance"),
    ("Mega Cache", "2025-04-30-pytorch-2-7-release-qa", "Mega Cache"),
    ("Blackwell", "2025-04-30-pytorch-2-7-release-qa", "Blackwell support"),
    ("safetensors", "2025-08-13-pytorch-2-8-release-qa", "Distributed checkpointing"),
    ("nested_compile_region", "2025-08-13-pytorch-2-8-release-qa", "Hierarchical compilation"),
    ("symmetric memory", "2025-10-22-pytorch-2-9-release-qa", "Symmetric memory"),
    ("error_on_graph_break", "2025-10-22-pytorch-2-9-release-qa", "Graph break control"),
    ("masking", "2025-11-05-inside-helion-live-qa", "Tiles, indexing and masking"),
]


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what)


def run(*args):
    p = subprocess.run([QARCHIVE] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=300)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def agenda(archive, rid):
    rc, out, _ = run("agenda", os.path.join(archive, rid, "agenda.md"))
    return json.loads(out)["items"] if rc == 0 else []


def section(items, title_prefix):
    """[start, end) of the agenda item whose title starts with title_prefix."""
    for i, item in enumerate(items):
        if item["title"].startswith(title_prefix):
            end = items[i + 1]["start"] if i + 1 < len(items) else float("inf")
            return item["start"], end
    return None


def main():
    tmp = tempfile.mkdtemp(prefix="qa_bundled_")
    try:
        archive = os.path.join(tmp, "archive")
        shutil.copytree(SOURCE, archive)
        recordings = sorted(d for d in os.listdir(archive)
                            if os.path.isfile(os.path.join(archive, d, "recording.json")))
        rc, out, err = run("index", "--archive", archive)
        check(rc == 0 and err == "", "index exits 0 with nothing on stderr: %d %s" % (rc, err))
        check("indexed %d, unchanged 0, removed 0, failed 0 of %d" % (len(recordings), len(recordings)) in out,
              "every recording indexed: " + out)

        # Content invariants the demo relies on: each agenda time is a cue
        # start, each transcript parses, each release Q&A has voices.
        releases = set()
        for rid in recordings:
            meta = json.load(open(os.path.join(archive, rid, "recording.json"), encoding="utf-8"))
            if meta["kind"] == "release-qa":
                releases.add(meta["release"])
            tpath = [os.path.join(archive, rid, t) for t in ("transcript.vtt", "transcript.srt")
                     if os.path.exists(os.path.join(archive, rid, t))]
            check(len(tpath) == 1, rid + ": one transcript")
            if not tpath:
                continue
            rc, out, err = run("cues", tpath[0])
            check(rc == 0, rid + ": transcript parses: " + err)
            cues = json.loads(out)["cues"] if rc == 0 else []
            starts = {round(c["start"], 3) for c in cues}
            for item in agenda(archive, rid):
                check(round(item["start"], 3) in starts,
                      "%s: agenda item %r at a cue start" % (rid, item["title"]))
        check({"2.6", "2.7", "2.8", "2.9"} <= releases, "a release Q&A per release: %s" % releases)

        for query, rid, title in EXAMPLES:
            rc, out, err = run("search", "--json", "--archive", archive, query)
            result = json.loads(out) if rc == 0 else {"hits": []}
            hits = result["hits"]
            check(hits and hits[0]["recording"] == rid,
                  "%r: top recording %s (got %s)" % (query, rid, hits[0]["recording"] if hits else None))
            span = section(agenda(archive, rid), title)
            timed = [h for h in hits if h["recording"] == rid and h["type"] in ("passage", "agenda")]
            check(span is not None and timed and span[0] <= timed[0]["t"] < span[1],
                  "%r: first moment %s inside section %r %s" % (query, timed[0]["t"] if timed else None, title, span))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
