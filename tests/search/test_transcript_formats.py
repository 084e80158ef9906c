#!/usr/bin/env python3
"""The transcripts people really have (issue 15), end to end: each format's
realistic file (tests/cli/cases: YouTube's rolling automatic captions, a
Zoom and a Teams WebVTT, an SRT with speaker prefixes, YouTube SBV, and
the text of Otter, Zoom and Meet) goes in through `qarchive add`, and then:

- a phrase from it is found where it is said (t within 3 s; on the word
  itself for YouTube's word-timed captions);
- speaker:name finds what that person said, and the speaker facet counts
  the people the transcript names;
- YouTube's rolling captions give each line once: in the cues, in a
  snippet, and on the watch page (served by `qarchive serve`), where who
  speaks is shown too.

usage: test_transcript_formats.py QARCHIVE CASES_DIR
"""
import html
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qa_test  # noqa: E402
from qa_test import check  # noqa: E402

QARCHIVE = os.path.abspath(sys.argv[1])
CASES = os.path.abspath(sys.argv[2])

# file -> (title, the ext it is kept under)
FILES = {
    "youtube-auto.vtt": ("Compiler cache walkthrough", "vtt"),
    "zoom.vtt": ("TAC call runner quota", "vtt"),
    "teams.vtt": ("Security review", "vtt"),
    "srt-speakers.srt": ("Memory planner podcast", "srt"),
    "youtube.sbv": ("Checkpoint office hours", "sbv"),
    "otter.txt": ("Release checklist standup", "txt"),
    "zoom-copy.txt": ("Working group sync", "txt"),
    "timestamps-bare.txt": ("Profiler changes", "txt"),
}


def run(*args):
    p = subprocess.run([QARCHIVE] + list(args), capture_output=True, text=True, timeout=120,
                       env=qa_test.sanitizer_env())
    return p.returncode, p.stdout, p.stderr


def search(archive, *args):
    rc, out, err = run("search", "--json", "--archive", archive, *args)
    check(rc == 0, "search %s: rc %d %s" % (args, rc, err))
    return json.loads(out) if rc == 0 else {"hits": [], "facets": {}}


def add_all(archive):
    ids = {}
    for name, (title, ext) in FILES.items():
        # A neutral name: the format is sniffed from the content.
        tmp = os.path.join(archive, "..", "upload-" + name.replace(".", "-"))
        with open(os.path.join(CASES, name), "rb") as f, open(tmp, "wb") as g:
            g.write(f.read())
        rc, out, err = run("add", "--archive", archive, "--title", title, "--kind", "webinar",
                           "--date", "2026-05-04", "--transcript", tmp, "--json")
        if not check(rc == 0, "add %s: rc %d %s" % (name, rc, err)):
            continue
        rid = json.loads(out)["id"]
        ids[name] = rid
        check(os.path.exists(os.path.join(archive, rid, "transcript." + ext)),
              "%s kept as transcript.%s: %s" % (name, ext, os.listdir(os.path.join(archive, rid))))
    return ids


def moment(result, rid):
    for h in result["hits"]:
        if h["recording"] == rid:
            return h
    return None


# (file, query, when it is said, tolerance): phrases said mid-file (none in
# a question: search plays the answer to a question, moment.h).
LANDS = [
    # the first word's own time: the line starts 2.2 s before it
    ("youtube-auto.vtt", '"about eviction"', 17.65, 0.2),
    ("youtube-auto.vtt", '"share it across machines"', 14.14, 0.2),
    ("zoom.vtt", '"eighty percent"', 10.11, 3),
    ("teams.vtt", '"zip library"', 10.4, 3),
    ("srt-speakers.srt", '"activation buffers"', 8.9, 3),
    ("youtube.sbv", '"distributed checkpoint format"', 3.9, 3),
    ("otter.txt", '"binary size regression"', 12.0, 3),
    ("zoom-copy.txt", '"per channel scales"', 12.0, 3),
    ("timestamps-bare.txt", '"groups kernels"', 9.0, 3),
]

# (file, speaker, a word only they say, a word only someone else says)
SPEAKERS = [
    ("zoom.vtt", "Ferreira", "eighty", "quota"),
    ("teams.vtt", "Ferreira", "zip", "audit"),
    ("srt-speakers.srt", "Whitfield", "save", "podcast"),
    ("youtube.sbv", "raj", "shard", "gigabytes"),
    ("otter.txt", "Ferreira", "regression", "checklist"),
    ("zoom-copy.txt", "Ferreira", "quantization", "backends"),
]


def search_checks(archive, ids):
    for name, query, said, tol in LANDS:
        r = search(archive, "--recording", ids.get(name, "-"), query)
        h = moment(r, ids.get(name))
        check(h is not None and abs(h["t"] - said) <= tol,
              "%s %s lands at %s (said at %.2f): %s" % (name, query, h and h["t"], said, h))
    for name, who, theirs, others in SPEAKERS:
        r = search(archive, "--recording", ids.get(name, "-"), "speaker:%s" % who, theirs)
        check(moment(r, ids.get(name)) is not None, "%s: speaker:%s finds %s" % (name, who, theirs))
        r = search(archive, "--recording", ids.get(name, "-"), "speaker:%s" % who, others)
        check(moment(r, ids.get(name)) is None,
              "%s: speaker:%s does not find %s (someone else said it): %s" % (
                  name, who, others, r["hits"][:1]))
    # The facet counts the recordings each person speaks in; "SPEAKER 1"
    # labels are no one's name; "Note" is not a speaker.
    r = search(archive, "the")
    facet = r["facets"].get("speaker", {})
    check(facet.get("Tomás Ferreira") == 5 and facet.get("Priya Raman") == 5 and
          facet.get("Dana Whitfield") == 1 and facet.get("RAJ") == 1,
          "speaker facet counts transcript speakers: %s" % facet)
    check(not any(k.lower().startswith(("speaker", "note")) for k in facet),
          "no labels in the speaker facet: %s" % facet)


def rolling_checks(archive, rid):
    """Each spoken line once: the cues, snippets and the watch page."""
    rc, out, err = run("cues", os.path.join(CASES, "youtube-auto.vtt"))
    plains = [c["plain"] for c in json.loads(out)["cues"]] if rc == 0 else []
    check(len(plains) == 8 and len(set(plains)) == 8, "one cue per spoken line: %s" % plains)
    for query in ('"compiler cache"', "warm start", '"home directory"'):
        r = search(archive, "--recording", rid, query)
        for h in [h for h in r["hits"] if h["type"] == "passage"]:
            text = re.sub(r"</?mark>", "", h["snippet"])
            lines = [l for l in plains if l in text]
            check(all(text.count(l) == 1 for l in lines) and lines,
                  "snippet without repeats for %s: %s" % (query, text))
    return plains


def server_up(port, server):
    """Polls /healthz until the server answers (or exits, or 30 s pass)."""
    deadline = time.time() + 30
    while time.time() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/healthz" % port, timeout=5) as r:
                if r.status == 200:
                    return True
        except OSError:
            time.sleep(0.1)
    return False


def watch_checks(archive, ids, plains):
    port = qa_test.free_port()
    rc, out, err = run("index", "--archive", archive)
    log = open(os.path.join(archive, "..", "serve.log"), "w")
    server = subprocess.Popen([QARCHIVE, "serve", "--archive", archive, "--port", str(port)],
                              stdout=log, stderr=subprocess.STDOUT, env=qa_test.sanitizer_env())
    try:
        if not check(server_up(port, server), "server answers /healthz"):
            return
        page = urllib.request.urlopen("http://127.0.0.1:%d/watch/%s" % (
            port, ids["youtube-auto.vtt"]), timeout=30).read().decode()
        texts = [html.unescape(t) for t in re.findall(r'<span class="text">(.*?)</span>', page)]
        check(texts == plains, "watch page shows each line once: %s" % texts)
        page = urllib.request.urlopen("http://127.0.0.1:%d/watch/%s" % (
            port, ids["zoom.vtt"]), timeout=30).read().decode()
        voices = [html.unescape(v) for v in re.findall(r'<span class="voice">(.*?)</span>', page)]
        check(voices == ["Priya Raman", "Tomás Ferreira", "Priya Raman"],
              "watch page shows who speaks: %s" % voices)
        check("Priya Raman: " not in html.unescape(page), "the name is not repeated in the text")
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def main():
    with tempfile.TemporaryDirectory() as tmp:
        archive = os.path.join(tmp, "archive")
        os.makedirs(archive)
        ids = add_all(archive)
        if len(ids) == len(FILES):
            search_checks(archive, ids)
            plains = rolling_checks(archive, ids["youtube-auto.vtt"])
            watch_checks(archive, ids, plains)
    return qa_test.report()


if __name__ == "__main__":
    sys.exit(main())
