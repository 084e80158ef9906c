#!/usr/bin/env python3
"""Demo media generator tests: scripts/make-demo-media.py on two tiny
recordings (about 15 s each), one per output kind.

usage: test_demo_media.py QARCHIVE GENERATOR WORKDIR

- "tiny-meeting" (kind tac-meeting, WebVTT with <v> tags): media.mp4 with
  video, audio and an embedded mov_text stream;
- "tiny-webinar" (kind webinar, SRT with "CHAIR (Name):" and "Name:"
  prefixes): media.m4a, audio only.

Checked with `qarchive probe`, `qarchive cues` and ffmpeg's silencedetect:
duration, chapters against the agenda, the stream list, speech right after
every cue start and silence over a planted gap, the cache (a second run says
"cached" and leaves the file alone; an edited agenda regenerates), the
embedded subtitles' cue count, and that <out>/.qarchive/ survives.

Without espeak-ng or ffmpeg the test fails (CI installs them), it does not
skip. Prints "N passed, N failed"; exit status 1 on any failure.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time

QARCHIVE, GENERATOR, WORK = (os.path.abspath(a) for a in sys.argv[1:4])
SRC, OUT = os.path.join(WORK, "src"), os.path.join(WORK, "out")
passed = failed = 0

# A sanitizer report must never pass as a normal exit status.
ENV = dict(os.environ)
ENV["ASAN_OPTIONS"] = (ENV.get("ASAN_OPTIONS", "") + ":exitcode=97:detect_leaks=1").lstrip(":")
ENV["UBSAN_OPTIONS"] = (ENV.get("UBSAN_OPTIONS", "") + ":exitcode=97:print_stacktrace=1").lstrip(":")

# Cue 2 is too long for its slot, so the generator has to speed it up; cue 3
# is one short word followed by a planted gap of 3.5 s (7.0 -> 10.5).
MEETING_VTT = """WEBVTT

00:00:00.500 --> 00:00:03.000
<v Ann Lee>Welcome to the tiny demo meeting.

00:00:03.200 --> 00:00:05.800
<v Bob Roy>Thanks Ann. Before we start, a long sentence that cannot possibly fit into two and a half seconds at a normal speaking rate.

00:00:06.000 --> 00:00:07.000
<v Ann Lee>Yes.

00:00:10.500 --> 00:00:13.000
<v Bob Roy>Now the second agenda item begins.

00:00:13.200 --> 00:00:15.000
<v Ann Lee>That is all, thank you.
"""

WEBINAR_SRT = """1
00:00:00,400 --> 00:00:03,000
CHAIR (Ann Lee): Hello and welcome to this webinar.

2
00:00:03,300 --> 00:00:05,600
Bob Roy: Thank you for having me here.

3
00:00:05,800 --> 00:00:06,800
Right.

4
00:00:10,000 --> 00:00:12,500
CHAIR (Ann Lee): Let us move on to the questions.

5
00:00:12,700 --> 00:00:14,800
Bob Roy: Sure, go ahead please.
"""

# (id, kind, transcript name, transcript, agenda items, planted gap)
RECORDINGS = [
    ("tiny-meeting", "tac-meeting", "transcript.vtt", MEETING_VTT,
     [(0, "Introductions"), (10, "Second item: the = sign; # and \\ survive")], (7.0, 10.5)),
    ("tiny-webinar", "webinar", "transcript.srt", WEBINAR_SRT,
     [(0, "Welcome"), (9, "Questions")], (6.8, 10.0)),
]


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {what}", flush=True)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def agenda_md(items):
    lines = ["# Agenda", ""]
    for start, title in items:
        lines.append("- %02d:%02d:%02d %s" % (start // 3600, start // 60 % 60, start % 60, title))
    return "\n".join(lines) + "\n"


def make_src():
    for rid, kind, tname, text, items, _ in RECORDINGS:
        d = os.path.join(SRC, rid)
        write(os.path.join(d, tname), text)
        write(os.path.join(d, "agenda.md"), agenda_md(items))
        write(os.path.join(d, "notes.md"), "# Notes\n\nNothing decided.\n")
        write(os.path.join(d, "recording.json"), json.dumps({
            "title": "Tiny %s" % kind, "kind": kind, "release": None, "date": "2025-01-01",
            "speakers": [{"name": "Ann Lee", "role": "Host"}, {"name": "Bob Roy", "role": "Guest"}],
            "description": "A recording made up for the generator's test."}))
    write(os.path.join(SRC, "synonyms.txt"), "FSDP fully sharded data parallel\n")
    # The index lives here; the generator must leave it alone.
    write(os.path.join(OUT, ".qarchive", "keep"), "index\n")


def generate(*extra):
    cmd = [sys.executable, GENERATOR, "--qarchive", QARCHIVE, "--src", SRC, "--out", OUT,
           "--jobs", "2", *extra]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=ENV)
    return r.returncode, r.stdout, r.stderr


def status_of(stdout, rid):
    for line in stdout.splitlines():
        f = line.split()
        if len(f) >= 2 and f[1] == rid:
            return f[0]
    return None


def qjson(*args):
    r = subprocess.run([QARCHIVE, *args], capture_output=True, text=True, timeout=60, env=ENV)
    try:
        return r.returncode, json.loads(r.stdout)
    except ValueError:
        return r.returncode, None


def silences(media):
    """[(start, end)] from silencedetect; a silence running to the end has
    no silence_end line, so it ends at infinity."""
    r = subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-i", media, "-map", "0:a",
                        "-af", "silencedetect=noise=-35dB:d=0.3", "-f", "null", "-"],
                       capture_output=True, text=True, timeout=60)
    out, start = [], None
    for m in re.finditer(r"silence_(start|end): (-?[0-9.]+)", r.stderr):
        if m.group(1) == "start":
            start = float(m.group(2))
        elif start is not None:
            out.append((start, float(m.group(2))))
            start = None
    if start is not None:
        out.append((start, float("inf")))
    return out


def check_media(rid, kind, tname, items, gap):
    d = os.path.join(OUT, rid)
    video = kind == "tac-meeting"
    media = os.path.join(d, "media.mp4" if video else "media.m4a")
    check(os.path.isfile(media), f"{rid}: no {os.path.basename(media)} in {os.listdir(d)}")
    if not os.path.isfile(media):
        return
    _, cues = qjson("cues", os.path.join(SRC, rid, tname))
    cues = cues["cues"]
    last_end = max(c["end"] for c in cues)

    rc, probe = qjson("probe", media)
    check(rc == 0 and probe, f"{rid}: probe exit {rc}")
    if not probe:
        return
    dur = probe["duration"]
    check(dur is not None and abs(dur - last_end) <= 2.0,
          f"{rid}: duration {dur}, last cue ends at {last_end}")

    chapters = [(c["start"], c["title"]) for c in probe["chapters"]]
    check([t for _, t in chapters] == [t for _, t in items],
          f"{rid}: chapter titles {chapters} != agenda {items}")
    check(len(chapters) == len(items) and
          all(abs(c[0] - a[0]) <= 0.05 for c, a in zip(chapters, items)),
          f"{rid}: chapter starts {chapters} != agenda {items}")

    types = sorted(s["type"] for s in probe["streams"] if s["type"] != "data")
    want = ["audio", "subtitle", "video"] if video else ["audio"]
    check(types == want, f"{rid}: streams {types}, wanted {want}")

    sil = silences(media)
    check(sil, f"{rid}: silencedetect found no silence at all")
    for c in cues:
        t = c["start"] + 0.2   # speech has begun 0.2 s into every cue
        covering = [s for s in sil if s[0] <= t <= s[1]]
        check(not covering, f"{rid}: silence {covering} at cue start {c['start']}")
    g0, g1 = gap
    check(any(s[0] <= g0 + 0.1 and s[1] >= g1 - 0.2 for s in sil),
          f"{rid}: the gap {gap} is not silent: silences {sil}")

    if video:
        rc, sub = qjson("cues", media)
        check(rc == 0 and sub and sub["format"] == "media" and sub["codec"] == "mov_text"
              and sub["language"] == "eng", f"{rid}: embedded subtitles {sub}")
        if sub:
            check(len(sub["cues"]) == len(cues),
                  f"{rid}: {len(sub['cues'])} embedded cues, transcript has {len(cues)}")
            check([c["plain"] for c in sub["cues"]] == [c["plain"] for c in cues],
                  f"{rid}: embedded cue text differs from the transcript")

    for name in (tname, "agenda.md", "notes.md", "recording.json"):
        with open(os.path.join(SRC, rid, name), "rb") as a, open(os.path.join(d, name), "rb") as b:
            check(a.read() == b.read(), f"{rid}: {name} not copied")


def main():
    for tool in ("espeak-ng", "ffmpeg"):
        if not shutil.which(tool):
            print(f"FAIL: {tool} not installed (scripts/install-deps.sh test installs it)")
            print("0 passed, 1 failed")
            return 1
    shutil.rmtree(WORK, ignore_errors=True)
    make_src()
    t0 = time.monotonic()

    rc, out, err = generate()
    print(out, end="", flush=True)
    check(rc == 0, f"first run: exit {rc}\n{err}")
    for rid, *_ in RECORDINGS:
        check(status_of(out, rid) == "generated", f"first run: {rid} not generated:\n{out}")
    check(re.search(r"^total: 2 recordings \(2 generated", out, re.M), f"no total line:\n{out}")
    for rec in RECORDINGS:
        check_media(*rec[:3], rec[4], rec[5])
    check(os.path.isfile(os.path.join(OUT, ".qarchive", "keep")), ".qarchive/ was disturbed")
    check(os.path.isfile(os.path.join(OUT, "synonyms.txt")), "synonyms.txt not copied")
    for rid, *_ in RECORDINGS:
        left = [n for n in os.listdir(os.path.join(OUT, rid)) if ".tmp" in n]
        check(not left, f"{rid}: temp files left: {left}")
        check(os.path.isfile(os.path.join(OUT, rid, ".media-stamp")), f"{rid}: no stamp")

    def mtimes():
        return {rid: os.stat(os.path.join(OUT, rid, m)).st_mtime_ns
                for rid, kind, *_ in RECORDINGS
                for m in ["media.mp4" if kind == "tac-meeting" else "media.m4a"]}

    before = mtimes()
    time.sleep(0.05)
    rc, out, err = generate()
    check(rc == 0, f"second run: exit {rc}\n{err}")
    for rid, *_ in RECORDINGS:
        check(status_of(out, rid) == "cached", f"second run: {rid} not cached:\n{out}")
    check(mtimes() == before, "second run rewrote media")

    # An edited agenda regenerates that recording (and only it, with --only).
    rid, kind, tname, _, items, gap = RECORDINGS[0]
    items = [items[0], (10, "Renamed second item")]
    write(os.path.join(SRC, rid, "agenda.md"), agenda_md(items))
    rc, out, err = generate("--only", rid)
    check(rc == 0 and status_of(out, rid) == "generated",
          f"edited agenda: {rid} not regenerated (exit {rc}):\n{out}{err}")
    check(status_of(out, RECORDINGS[1][0]) is None, f"--only ran other recordings:\n{out}")
    _, probe = qjson("probe", os.path.join(OUT, rid, "media.mp4"))
    check(probe and [c["title"] for c in probe["chapters"]] == [t for _, t in items],
          f"edited agenda: chapters {probe and probe['chapters']}")

    rc, out, err = generate("--only", "no-such-recording")
    check(rc == 2 and "no-such-recording" in err, f"--only unknown: exit {rc}, {err!r}")

    print(f"took {time.monotonic() - t0:.1f} s")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
