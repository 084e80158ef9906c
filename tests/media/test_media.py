#!/usr/bin/env python3
"""Media ingest tests: `qarchive probe` and `qarchive cues MEDIA`.

usage: test_media.py QARCHIVE WORKDIR

Every media file is generated here, at test time, with the ffmpeg CLI into
WORKDIR (the build tree); none is committed. Without ffmpeg the test fails
(CI installs it): a media test that silently skips tests nothing.

Prints "N passed, N failed" like the C harness; exit status 1 on any failure.
"""
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qa_test  # noqa: E402
from qa_test import check  # noqa: E402

QARCHIVE, WORK = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])

# A sanitizer report must never pass as exit status 1 ("rejected").
ENV = qa_test.sanitizer_env(exitcode=97)

SRT_EN = """1
00:00:00,500 --> 00:00:01,250
Hello, world

2
00:00:01,500 --> 00:00:02,750
Second cue
two lines

3
00:00:03,000 --> 00:00:03,900
<i>Italic</i> words, & more
"""

SRT_FR = """1
00:00:00,400 --> 00:00:01,000
Bonjour

2
00:00:02,000 --> 00:00:02,500
Au revoir
"""

META = """;FFMETADATA1
title=Test talk
artist=Speaker

[CHAPTER]
TIMEBASE=1/1000
START=0
END=1500
title=Intro

[CHAPTER]
TIMEBASE=1/1000
START=1500
END=2750
title=Main part

[CHAPTER]
TIMEBASE=1/1000
START=2750
END=4000
title=Q&A
"""

CHAPTERS = [(0.0, "Intro"), (1.5, "Main part"), (2.75, "Q&A")]


def path(name):
    return os.path.join(WORK, name)


def write(name, text):
    with open(path(name), "w", encoding="utf-8") as f:
        f.write(text)


def ffmpeg(*args):
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y", *args]
    r = subprocess.run(cmd, cwd=WORK, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        sys.exit(f"test_media: ffmpeg failed: {' '.join(cmd)}\n{r.stderr}")


VIDEO = ["-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=4"]
AUDIO = ["-f", "lavfi", "-i", "sine=frequency=440:duration=4"]


def make_media():
    write("en.srt", SRT_EN)
    write("fr.srt", SRT_FR)
    write("meta.txt", META)
    # MP4: video + audio + mov_text from en.srt + chapters and tags.
    ffmpeg(*VIDEO, *AUDIO, "-i", "en.srt", "-i", "meta.txt", "-map", "0:v", "-map", "1:a",
           "-map", "2:s", "-map_metadata", "3", "-map_chapters", "3", "-c:v", "mpeg4",
           "-c:a", "aac", "-c:s", "mov_text", "-metadata:s:s:0", "language=eng", "talk.mp4")
    # MKV with each text subtitle codec Matroska carries.
    for codec in ("subrip", "ass", "webvtt"):
        ffmpeg(*VIDEO, "-i", "en.srt", "-map", "0:v", "-map", "1:s", "-c:v", "mpeg4",
               "-c:s", codec, f"talk-{codec}.mkv")
    # Audio only.
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-c:a", "aac", "audio.m4a")
    # Two subtitle streams: French first, English second.
    ffmpeg(*VIDEO, "-i", "fr.srt", "-i", "en.srt", "-map", "0:v", "-map", "1:s", "-map", "2:s",
           "-c:v", "mpeg4", "-c:s", "mov_text", "-metadata:s:s:0", "language=fra",
           "-metadata:s:s:1", "language=eng", "two-subs.mp4")
    # Broken inputs.
    with open(path("talk.mp4"), "rb") as f:
        data = f.read()
    with open(path("truncated.mp4"), "wb") as f:
        f.write(data[: len(data) // 2])
    write("notes.mp4", "These are my notes for the talk, not a video.\n")
    write("subtitles.mp4", SRT_EN)  # an SRT renamed: a text file, no audio or video
    write("empty.mp4", "")


def run(*args):
    try:
        r = subprocess.run([QARCHIVE, *args], cwd=WORK, capture_output=True, text=True,
                           timeout=60, env=ENV)
    except subprocess.TimeoutExpired:
        check(False, f"qarchive {' '.join(args)}: hung (no exit within 60 s)")
        return 99, "", ""
    check(r.returncode in (0, 1, 2), f"qarchive {' '.join(args)}: exit {r.returncode}"
          f" (crash or sanitizer report?)\n{r.stderr}")
    return r.returncode, r.stdout, r.stderr


def run_json(*args):
    rc, out, err = run(*args)
    try:
        return rc, json.loads(out), err
    except ValueError:
        check(False, f"qarchive {' '.join(args)}: stdout is not JSON: {out!r} {err!r}")
        return rc, None, err


def expect_rejected(args, rc_wanted, words):
    rc, out, err = run(*args)
    what = f"qarchive {' '.join(args)}"
    check(rc == rc_wanted, f"{what}: exit {rc}, wanted {rc_wanted}")
    lines = err.splitlines()
    check(len(lines) == 1, f"{what}: wanted one line on stderr, got {err!r}")
    check(all(w in err for w in words), f"{what}: stderr {err!r} lacks {words}")
    return out


def near(a, b, tol):
    return a is not None and abs(a - b) <= tol


def cues_of(*args):
    rc, doc, _ = run_json("cues", *args)
    return rc, doc


def compare_cues(media_args, srt_name, what):
    rc, got = cues_of(*media_args)
    _, want = cues_of(srt_name)
    check(rc == 0 and got and got["valid"], f"{what}: cues not valid: {got}")
    if not got or not want:
        return got
    check(got["format"] == "media", f"{what}: format {got['format']}")
    check(len(got["cues"]) == len(want["cues"]),
          f"{what}: {len(got['cues'])} cues, source has {len(want['cues'])}")
    for g, w in zip(got["cues"], want["cues"]):
        check(near(g["start"], w["start"], 0.001) and near(g["end"], w["end"], 0.001),
              f"{what}: times {g['start']}-{g['end']} != {w['start']}-{w['end']}")
        check(g["plain"] == w["plain"], f"{what}: plain {g['plain']!r} != {w['plain']!r}")
        if w["text"] == w["plain"]:  # untagged cues: the text itself survives
            check(g["text"] == w["text"], f"{what}: text {g['text']!r} != {w['text']!r}")
        check(g["voice"] is None and g["settings"] == {}, f"{what}: voice/settings {g}")
    return got


def test_probe_mp4():
    rc, doc, err = run_json("probe", "talk.mp4")
    check(rc == 0 and err == "", f"probe talk.mp4: exit {rc}, stderr {err!r}")
    if not doc:
        return
    check(near(doc["duration"], 4.0, 0.1), f"probe talk.mp4: duration {doc['duration']}")
    check("mp4" in doc["format"], f"probe talk.mp4: format {doc['format']}")
    types = [(s["type"], s["codec"]) for s in doc["streams"]]
    check(("video", "mpeg4") in types and ("audio", "aac") in types
          and ("subtitle", "mov_text") in types, f"probe talk.mp4: streams {types}")
    sub = [s for s in doc["streams"] if s["type"] == "subtitle"]
    check(sub and sub[0]["language"] == "eng", f"probe talk.mp4: subtitle stream {sub}")
    check([s["index"] for s in doc["streams"]] == list(range(len(doc["streams"]))),
          "probe talk.mp4: stream indexes")
    got = [(c["start"], c["title"]) for c in doc["chapters"]]
    check(got == CHAPTERS, f"probe talk.mp4: chapters {got}")
    check(all(near(c["end"], e, 1e-9) for c, e in zip(doc["chapters"], [1.5, 2.75, 4.0])),
          f"probe talk.mp4: chapter ends {doc['chapters']}")
    check(doc["tags"].get("title") == "Test talk" and doc["tags"].get("artist") == "Speaker",
          f"probe talk.mp4: tags {doc['tags']}")


def test_probe_mkv_m4a():
    rc, doc, _ = run_json("probe", "talk-subrip.mkv")
    check(rc == 0 and doc and near(doc["duration"], 4.0, 0.1), f"probe mkv: {doc}")
    if doc:
        check("matroska" in doc["format"], f"probe mkv: format {doc['format']}")
        check(doc["chapters"] == [], "probe mkv: no chapters")
        check([s["codec"] for s in doc["streams"]] == ["mpeg4", "subrip"],
              f"probe mkv: streams {doc['streams']}")
    rc, doc, _ = run_json("probe", "audio.m4a")
    check(rc == 0 and doc and near(doc["duration"], 3.0, 0.1), f"probe m4a: {doc}")
    if doc:
        check([(s["type"], s["codec"]) for s in doc["streams"]] == [("audio", "aac")],
              f"probe m4a: streams {doc['streams']}")


def test_probe_errors():
    for name in ("truncated.mp4", "notes.mp4", "subtitles.mp4", "empty.mp4"):
        out = expect_rejected(["probe", name], 1, [name, "not a playable recording"])
        check(out == "", f"probe {name}: stdout {out!r}")
    expect_rejected(["probe", "subtitles.mp4"], 1, ["no audio or video stream"])
    expect_rejected(["probe", "missing.mp4"], 2, ["missing.mp4"])
    expect_rejected(["probe", WORK], 2, ["not a regular file"])
    rc, out, _ = run("probe", "--help")
    check(rc == 0 and "usage: qarchive probe" in out, "probe --help")
    rc, _, err = run("probe")
    check(rc == 2 and "usage" in err, "probe without MEDIA")
    rc, _, err = run("probe", "a.mp4", "b.mp4")
    check(rc == 2, "probe with two files")


def test_cues_embedded():
    got = compare_cues(["talk.mp4"], "en.srt", "cues talk.mp4")
    if got:
        check(got["stream"] == 2 and got["codec"] == "mov_text" and got["language"] == "eng",
              f"cues talk.mp4: stream {got['stream']} {got['codec']} {got['language']}")
        check([c["id"] for c in got["cues"]] == ["1", "2", "3"], "cues talk.mp4: ids")
    for codec in ("subrip", "ass", "webvtt"):
        got = compare_cues([f"talk-{codec}.mkv"], "en.srt", f"cues talk-{codec}.mkv")
        if got:
            check(got["codec"] == codec, f"cues talk-{codec}.mkv: codec {got['codec']}")


def test_cues_stream_choice():
    got = compare_cues(["two-subs.mp4"], "en.srt", "cues two-subs.mp4 (English preferred)")
    if got:
        check(got["stream"] == 2 and got["language"] == "eng", f"preferred stream {got}")
    got = compare_cues(["--stream", "1", "two-subs.mp4"], "fr.srt", "cues --stream 1")
    if got:
        check(got["stream"] == 1 and got["language"] == "fra", f"--stream 1: {got}")
    compare_cues(["--stream", "2", "two-subs.mp4"], "en.srt", "cues --stream 2")
    expect_rejected(["cues", "--stream", "0", "two-subs.mp4"], 1,
                    ["stream 0", "not a text subtitle stream"])
    expect_rejected(["cues", "--stream", "7", "two-subs.mp4"], 1, ["no stream 7"])
    expect_rejected(["cues", "--stream", "x", "two-subs.mp4"], 2, ["--stream"])


def test_cues_errors():
    out = expect_rejected(["cues", "audio.m4a"], 1, ["no subtitle stream in audio.m4a"])
    try:
        doc = json.loads(out)
        check(doc["valid"] is False and doc["cues"] == []
              and doc["error"] == "no subtitle stream in audio.m4a", f"cues audio.m4a: {doc}")
    except ValueError:
        check(False, f"cues audio.m4a: stdout is not JSON: {out!r}")
    for name in ("truncated.mp4", "notes.mp4"):
        out = expect_rejected(["cues", name], 1, [name, "playable recording"])
        check('"valid": false' in out, f"cues {name}: {out!r}")
    # An SRT with the wrong extension is still a transcript: its content says so.
    rc, doc = cues_of("subtitles.mp4")
    check(rc == 0 and doc and doc["format"] == "srt", f"cues subtitles.mp4: {doc}")


def main():
    if shutil.which("ffmpeg") is None:
        print("test_media: FAIL: the ffmpeg CLI is not installed; the media tests generate "
              "their inputs with it (apt-get install ffmpeg)")
        print("0 passed, 1 failed")
        return 1
    os.makedirs(WORK, exist_ok=True)
    make_media()
    for test in (test_probe_mp4, test_probe_mkv_m4a, test_probe_errors, test_cues_embedded,
                 test_cues_stream_choice, test_cues_errors):
        test()
    return qa_test.report()


if __name__ == "__main__":
    sys.exit(main())
