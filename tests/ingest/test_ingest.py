#!/usr/bin/env python3
"""Staff upload, the indexer side, end to end: `qarchive add`, `edit`,
`remove` and `recover` against `qarchive search`, with media generated here
at test time with the ffmpeg CLI (none is committed).

usage: test_ingest.py QARCHIVE WORKDIR

Checks: a recording lands in the archive whole and is found at the cue's
moment right after `add` (no `qarchive index` run); bad inputs are refused
with the input and line named and nothing left behind; one title twice (in
sequence and in parallel) gives distinct ids; edits and deletes show in
search; leftovers of kill -9 (during an upload and during its indexing) are
cleaned and caught up; searches work while uploads run and while the index
is busy. Prints "N passed, N failed"; exit status 1 on any failure.
"""
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qa_test  # noqa: E402
from qa_test import check  # noqa: E402

QARCHIVE, WORK = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])

# A sanitizer report must never pass as exit status 1 ("rejected").
ENV = qa_test.sanitizer_env(exitcode=97)
for hook in ("QARCHIVE_INDEX_PAUSE", "QARCHIVE_INGEST_PAUSE", "QARCHIVE_PAUSE_FLAG"):
    ENV.pop(hook, None)


def path(*names):
    return os.path.join(WORK, *names)


def write(p, text, mode="w"):
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, mode) as f:
        f.write(text)


def ffmpeg(*args):
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y", *args]
    r = subprocess.run(cmd, cwd=WORK, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        sys.exit(f"test_ingest: ffmpeg failed: {' '.join(cmd)}\n{r.stderr}")


VIDEO = ["-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=4"]
AUDIO = ["-f", "lavfi", "-i", "sine=frequency=440:duration=4"]

VTT = """WEBVTT

00:00:01.000 --> 00:00:03.000
<v Ann Host>Welcome to the live Q and A.

00:00:12.000 --> 00:00:15.500
<v Bo Dev>flexattention now supports paged kernels.
"""

SUBS_SRT = """1
00:00:00,500 --> 00:00:01,500
Hello and welcome.

2
00:00:02,000 --> 00:00:03,500
Quantization with torchao is next.
"""


def make_inputs():
    os.makedirs(WORK, exist_ok=True)
    # A few seconds of testsrc + sine: the uploaded recording.
    # moov first, so that it is stored byte for byte (a file with moov at
    # the end is stored +faststart: test_faststart.py).
    ffmpeg(*VIDEO, *AUDIO, "-map", "0:v", "-map", "1:a", "-c:v", "mpeg4", "-c:a", "aac",
           "-movflags", "+faststart", "talk.mp4")
    # Audio only, under a misleading name: the probe decides the extension.
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-c:a", "aac", "audio.m4a")
    shutil.copy(path("audio.m4a"), path("voice-memo.mp4"))
    # The same MP4 under a name that says nothing.
    shutil.copy(path("talk.mp4"), path("upload.bin"))
    # An MP4 whose only transcript is its mov_text subtitle stream.
    write(path("subs.srt"), SUBS_SRT)
    ffmpeg(*VIDEO, *AUDIO, "-i", "subs.srt", "-map", "0:v", "-map", "1:a", "-map", "2:s",
           "-c:v", "mpeg4", "-c:a", "aac", "-c:s", "mov_text", "-metadata:s:s:0",
           "language=eng", "subs.mp4")
    # Containers whose file type the probe alone cannot name.
    shutil.copy(path("talk.mp4"), path("talk.mov"))
    ffmpeg(*VIDEO, *AUDIO, "-map", "0:v", "-map", "1:a", "-c:v", "libvpx", "-c:a", "libopus",
           "-f", "matroska", "vp8.bin")
    ffmpeg(*VIDEO, *AUDIO, "-map", "0:v", "-map", "1:a", "-c:v", "mpeg4", "-c:a", "aac",
           "-f", "matroska", "mpeg4-in.webm")
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-c:a", "libmp3lame", "-f", "mp3",
           "song.mp4")
    # Random bytes named .mp4 (seeded: the same bytes every run).
    rng = random.Random(20261120)
    with open(path("random.mp4"), "wb") as f:
        f.write(bytes(rng.getrandbits(8) for _ in range(64 * 1024)))
    write(path("talk.vtt"), VTT)
    write(path("agenda.md"), "# Agenda\n\n- 00:00:01 Welcome\n- 00:00:12 Paged attention kernels\n")
    write(path("notes.md"), "## Links\n\n- slides about the xylophone benchmark\n")
    write(path("bad.srt"), "1\n00:00:01,000 --> 00:00:02,000\nfine\n\n"
          "2\n00:00:03,000 -> 00:00:04,000\nbroken arrow\n")
    write(path("bad.vtt"), "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nfine\n\n"
          "00:00:03.000 --> 00:00:0x.000\ndropped by a browser\n")
    write(path("new.srt"), "1\n00:00:07,000 --> 00:00:09,000\nWe now discuss zanzibar schedulers.\n")


def run(*args, env=None, timeout=120):
    e = dict(ENV)
    e.update(env or {})
    try:
        r = subprocess.run([QARCHIVE, *args], cwd=WORK, capture_output=True, text=True,
                           timeout=timeout, env=e)
    except subprocess.TimeoutExpired:
        check(False, f"qarchive {' '.join(args)}: hung")
        return 99, "", ""
    check(r.returncode in (0, 1, 2), f"qarchive {' '.join(args)}: exit {r.returncode}"
          f" (crash or sanitizer report?)\n{r.stderr}")
    return r.returncode, r.stdout, r.stderr


def spawn(*args, env=None):
    e = dict(ENV)
    e.update(env or {})
    return subprocess.Popen([QARCHIVE, *args], cwd=WORK, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=e)


def add(archive, title, *extra, env=None, kind="webinar", date="2026-11-20"):
    return run("add", "--archive", archive, "--title", title, "--kind", kind, "--date", date,
               "--json", *extra, env=env)


def added_id(rc, out, err, what):
    check(rc == 0, f"{what}: exit {rc}: {err}")
    try:
        return json.loads(out)
    except ValueError:
        check(False, f"{what}: stdout is not JSON: {out!r}")
        return {}


def search(archive, *words):
    rc, out, err = run("search", "--json", "--archive", archive, *words)
    check(rc == 0, f"search {words}: exit {rc}: {err}")
    return json.loads(out) if rc == 0 else {"hits": [], "total": 0}


def first_t(result, recording):
    for h in result["hits"]:
        if h["recording"] == recording:
            return h["t"]
    return None


def listed(archive):
    rc, out, err = run("list", "--json", "--archive", archive)
    return {r["id"]: r for r in json.loads(out)} if rc == 0 else {}


def recordings(archive):
    return sorted(n for n in os.listdir(archive) if not n.startswith("."))


def state(archive, *names):
    return os.path.join(archive, ".qarchive", *names)


def new_archive(name):
    archive = path("archives", name)
    shutil.rmtree(archive, ignore_errors=True)
    os.makedirs(archive)
    return archive


def wait_for(predicate, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


PAUSE_FLAG = os.path.join(WORK, "pause-flag")  # test_pause.h's flag file


def paused(variable):
    """The environment that holds a run in its pause (test_pause.h) until
    the test calls release() (or kills it); wait_paused() is the signal
    that the pause has begun."""
    if os.path.exists(PAUSE_FLAG):
        os.unlink(PAUSE_FLAG)
    return {variable: "600", "QARCHIVE_PAUSE_FLAG": PAUSE_FLAG}


def wait_paused(p):
    return wait_for(lambda: os.path.exists(PAUSE_FLAG) or p.poll() is not None, 120) and \
        os.path.exists(PAUSE_FLAG)


def release():
    os.unlink(PAUSE_FLAG)


def test_add_and_find():
    a = new_archive("basic")
    rc, out, err = add(a, "PyTorch 2.10 Live Q&A", "--kind", "release-qa", "--release", "2.10",
                       "--speaker", "Ann Host", "--speaker", "Bo Dev",
                       "--media", "upload.bin", "--transcript", "talk.vtt",
                       "--agenda", "agenda.md", "--notes", "notes.md")
    doc = added_id(rc, out, err, "add")
    rid = doc.get("id")
    check(rid == "2026-11-20-pytorch-2-10-live-q-a", f"id from date and title: {rid}")
    check(doc.get("indexed") is True, f"indexed right away: {doc}")
    check(err == "", f"nothing on stderr: {err!r}")
    d = os.path.join(a, rid or "missing")
    files = sorted(os.listdir(d)) if os.path.isdir(d) else []
    check(files == ["agenda.md", "media.mp4", "notes.md", "recording.json", "transcript.vtt"],
          f"the recording's files (media named by its probed container): {files}")
    if os.path.isdir(d):
        with open(os.path.join(d, "media.mp4"), "rb") as f, open(path("talk.mp4"), "rb") as g:
            check(f.read() == g.read(), "media stored byte for byte")
        meta = json.load(open(os.path.join(d, "recording.json")))
        check(meta == {"title": "PyTorch 2.10 Live Q&A", "kind": "release-qa", "release": "2.10",
                       "date": "2026-11-20", "speakers": ["Ann Host", "Bo Dev"]},
              f"recording.json: {meta}")
    check(os.path.exists(path("upload.bin")) and os.path.exists(path("talk.vtt")),
          "the CLI copies: its inputs stay")
    check(os.listdir(state(a, "uploads", "tmp")) == [], "uploads/tmp is empty afterwards")
    # Searchable at once, at the cue's moment; agenda and notes too.
    check(first_t(search(a, "flexattention"), rid) == 12.0, "found at the cue's start (12.0)")
    check(first_t(search(a, "paged", "attention", "kernels"), rid) == 12.0, "agenda item at 12.0")
    check(first_t(search(a, "xylophone"), rid) is not None, "notes are searchable")
    check(first_t(search(a, "release:2.10", "welcome"), rid) == 1.0, "release facet and first cue")
    return a, rid


def test_transcript_pending_and_subtitles(a):
    rc, out, err = add(a, "Audio roundtable", "--media", "voice-memo.mp4")
    rid = added_id(rc, out, err, "add audio").get("id")
    d = os.path.join(a, rid or "missing")
    check(os.path.exists(os.path.join(d, "media.m4a")),
          f"audio-only MP4 stored as .m4a: {os.listdir(d) if os.path.isdir(d) else None}")
    rec = listed(a).get(rid, {})
    check(rec.get("has_transcript") is False and rec.get("transcript_source") is None,
          f"no transcript, no subtitles: listed as pending: {rec}")
    rc, out, err = add(a, "Subtitled session", "--media", "subs.mp4")
    rid = added_id(rc, out, err, "add subtitled").get("id")
    check(first_t(search(a, "torchao"), rid) == 2.0, "the subtitle stream is the transcript")
    check(listed(a).get(rid, {}).get("transcript_source") == "media", "transcript from media")


def test_extensions(a):
    # The stored extension comes from the probed container; the client's
    # name only chooses within one container family, when it fits.
    for name, want in [("talk.mov", "media.mov"), ("vp8.bin", "media.webm"),
                       ("mpeg4-in.webm", "media.mkv"), ("song.mp4", "media.mp3")]:
        rc, out, err = add(a, "Container " + name, "--media", name, date="2026-10-01")
        rid = added_id(rc, out, err, "add " + name).get("id", "missing")
        d = os.path.join(a, rid)
        files = sorted(os.listdir(d)) if os.path.isdir(d) else []
        check(want in files, f"{name} stored as {want}: {files}")


def expect_refused(a, what, words, *extra):
    before = recordings(a)
    rc, out, err = add(a, "Refused upload", *extra)
    check(rc == 1, f"{what}: exit {rc}, wanted 1: {err}")
    check(len(err.splitlines()) == 1 and err.startswith("qarchive add: "),
          f"{what}: one line on stderr: {err!r}")
    check(all(w in err for w in words), f"{what}: {err!r} lacks {words}")
    check(out == "", f"{what}: nothing on stdout: {out!r}")
    check(recordings(a) == before, f"{what}: nothing new in the archive")
    check(os.listdir(state(a, "uploads", "tmp")) == [], f"{what}: nothing left in uploads/tmp")


def test_refusals(a):
    expect_refused(a, "bad SRT", ["qarchive add: transcript: line 6: "], "--transcript", "bad.srt")
    expect_refused(a, "bad WebVTT cue", ["qarchive add: transcript: line 6: malformed cue timing"],
                   "--transcript", "bad.vtt")
    write(path("no-timing.vtt"), "WEBVTT\n\nNOTE fine\n\n00:00:01.000 --> 00:00:02.000\nkept\n\n"
          "00:00:04.000 -> 00:00:05.500\na typo drops this cue\n")
    expect_refused(a, "WebVTT block without a timing line",
                   ["qarchive add: transcript: line 8: a block without a cue timing line",
                    "00:00:04.000 -> 00:00:05.500"], "--transcript", "no-timing.vtt")
    expect_refused(a, "random bytes", ["qarchive add: media: not a media file: "],
                   "--media", "random.mp4")
    expect_refused(a, "a transcript as media", ["media: not a media file"], "--media", "talk.vtt")
    expect_refused(a, "bad kind", ["kind: expected one of"], "--kind", "talk")
    expect_refused(a, "bad date", ["date: not a calendar date"], "--date", "2026-02-30")
    write(path("bad-agenda.md"), "- 00:00:10 Fine\n- 00:75:00 Too many minutes\n")
    expect_refused(a, "bad agenda", ["agenda: line 2: "], "--agenda", "bad-agenda.md")
    write(path("latin1.md"), "ok\ncaf\xe9\n".encode("latin-1"), "wb")
    expect_refused(a, "notes not UTF-8", ["notes: line 2: not UTF-8 text"], "--notes", "latin1.md")
    rc, _, err = add(a, "Missing file", "--media", "no-such-file.mp4")
    check(rc == 2 and "media: cannot read" in err, f"unreadable input: exit 2: {rc} {err!r}")


def test_distinct_ids(a):
    ids = [added_id(*add(a, "Same Title", "--transcript", "talk.vtt"), "same title").get("id")
           for _ in range(2)]
    check(ids == ["2026-11-20-same-title", "2026-11-20-same-title-2"], f"in sequence: {ids}")
    procs = [spawn("add", "--archive", a, "--title", "Parallel Title", "--kind", "other",
                   "--date", "2026-11-21", "--transcript", "talk.vtt", "--json")
             for _ in range(3)]
    outs = [p.communicate(timeout=120) for p in procs]
    check(all(p.returncode == 0 for p in procs), f"parallel adds: {[o[1] for o in outs]}")
    ids = sorted(json.loads(o[0])["id"] for o in outs if o[0])
    check(ids == ["2026-11-21-parallel-title", "2026-11-21-parallel-title-2",
                  "2026-11-21-parallel-title-3"], f"in parallel: {ids}")
    found = {h["recording"] for h in search(a, "--limit", "50", "title:parallel")["hits"]}
    check(found == set(ids), f"all of them indexed: {found}")


def test_edit_and_remove(a, rid):
    rc, out, err = run("edit", "--archive", a, "--title", "Renamed Zeppelin Session", rid)
    check(rc == 0 and out.strip() == rid, f"edit title: {rc} {out!r} {err!r}")
    r = search(a, "zeppelin")
    check(first_t(r, rid) == 0.0, f"new title found: {r['hits'][:1]}")
    check(first_t(search(a, "title:live"), rid) is None, "old title gone")
    check(os.path.isdir(os.path.join(a, rid)), "the id stays")
    rc, out, err = run("edit", "--archive", a, "--transcript", "new.srt", "--json", rid)
    check(rc == 0 and json.loads(out or "{}").get("indexed") is True, f"replace transcript: {err}")
    files = sorted(os.listdir(os.path.join(a, rid)))
    check("transcript.srt" in files and "transcript.vtt" not in files, f"vtt replaced: {files}")
    check(first_t(search(a, "zanzibar"), rid) == 7.0, "new transcript found at its cue")
    check(first_t(search(a, "flexattention"), rid) is None, "old transcript gone from search")
    rc, out, err = run("edit", "--archive", a, "--transcript", "bad.srt", rid)
    check(rc == 1 and "transcript: line 6" in err, f"bad replacement refused: {err!r}")
    check(first_t(search(a, "zanzibar"), rid) == 7.0, "refused edit changed nothing")
    # Several changes at once are all or nothing: a bad transcript beside a
    # good title saves neither.
    rc, out, err = run("edit", "--archive", a, "--title", "Quagga Hour", "--transcript",
                       "bad.srt", rid)
    meta = json.load(open(os.path.join(a, rid, "recording.json")))
    check(rc == 1 and "transcript: line 6" in err and meta.get("title") ==
          "Renamed Zeppelin Session", f"a refused edit keeps the title too: {meta.get('title')}")
    check(first_t(search(a, "quagga"), rid) is None, "the refused title is not indexed")
    rc, out, err = run("edit", "--archive", a, "--title", "x", "2099-01-01-nope")
    check(rc == 1 and "no recording" in err, f"edit unknown id: {rc} {err!r}")
    rc, out, err = run("remove", "--archive", a, rid)
    check(rc == 0, f"remove: {rc} {err!r}")
    check(not os.path.exists(os.path.join(a, rid)), "folder gone")
    check(os.listdir(state(a, "trash")) == [], "trash emptied")
    check(first_t(search(a, "zanzibar"), rid) is None, "removed from search")
    check(rid not in listed(a), "removed from the list")
    rc, out, err = run("remove", "--archive", a, rid)
    check(rc == 1 and "no recording" in err, f"remove twice: {rc} {err!r}")


def test_recover(a):
    # What kill -9 leaves behind, made by hand.
    staging = state(a, "uploads", "tmp", "ingest-Ab12Cd")
    os.makedirs(staging)
    write(os.path.join(staging, "recording.json"), "{}")
    write(state(a, "uploads", "tmp", "multipart-77"), "half an upload")
    trashed = state(a, "trash", "2026-01-01-gone.Zz99Yy")
    os.makedirs(trashed)
    write(os.path.join(trashed, "recording.json"), "{}")
    write(state(a, "uploads", "tus", "abc.info"), "{}")
    write(state(a, "uploads", "tus", "abc.data"), "resumable")
    rc, out, err = run("recover", "--archive", a)
    check(rc == 0 and "removed 3 leftovers" in out, f"recover: {rc} {out!r} {err!r}")
    check(os.listdir(state(a, "uploads", "tmp")) == [], "uploads/tmp emptied")
    check(os.listdir(state(a, "trash")) == [], "trash emptied")
    check(sorted(os.listdir(state(a, "uploads", "tus"))) == ["abc.data", "abc.info"],
          "resumable uploads kept")


def test_kill_during_upload(a):
    before = recordings(a)
    p = spawn("add", "--archive", a, "--title", "Killed Mid Upload", "--kind", "other",
              "--date", "2026-12-01", "--media", "talk.mp4", "--transcript", "talk.vtt",
              env={"QARCHIVE_INGEST_PAUSE": "60"})
    tmp = state(a, "uploads", "tmp")

    def staged():
        for n in os.listdir(tmp):
            if os.path.exists(os.path.join(tmp, n, "media.mp4")):
                return True
        return False
    check(wait_for(staged), "the upload reached its staging folder")
    p.send_signal(signal.SIGKILL)
    p.wait()
    check(recordings(a) == before, "killed mid-upload: no half recording in the archive")
    check(first_t(search(a, "flexattention"), "2026-12-01-killed-mid-upload") is None,
          "nor in the index")
    check(len(os.listdir(tmp)) == 1, f"its staging folder is left: {os.listdir(tmp)}")
    rc, out, err = run("recover", "--archive", a)
    check(rc == 0 and os.listdir(tmp) == [], f"recover removes it: {out!r} {err!r}")
    check(recordings(a) == before, "and the archive is as before")


def test_kill_during_indexing(a):
    rid = "2026-12-02-killed-while-indexing"
    p = spawn("add", "--archive", a, "--title", "Killed While Indexing", "--kind", "other",
              "--date", "2026-12-02", "--transcript", "new.srt",
              env=paused("QARCHIVE_INDEX_PAUSE"))
    check(wait_paused(p), "the indexing reached its pause, the writer's lock held")
    check(os.path.exists(os.path.join(a, rid, "recording.json")),
          "the recording reached the archive")
    # Searches are not blocked by the writer.
    check(search(a, "zeppelin")["total"] >= 0, "search while a writer holds the lock")
    p.send_signal(signal.SIGKILL)
    p.wait()
    check(first_t(search(a, "zanzibar"), rid) is None, "killed before the commit: not indexed")
    rc, out, err = run("index", "--archive", a)
    check(rc == 0 and "indexed 1" in out, f"the incremental index catches up: {out!r} {err!r}")
    check(first_t(search(a, "zanzibar"), rid) == 7.0, "found after the catch-up")


def test_busy_index(a):
    # An index run holds the writer's lock; an upload with a short wait
    # lands in the archive but not the index, and says so.
    p = spawn("index", "--archive", a, "--quiet", env=paused("QARCHIVE_INDEX_PAUSE"))
    check(wait_paused(p), "the index run holds the lock")
    rid = "2026-12-03-uploaded-while-busy"
    rc, out, err = add(a, "Uploaded While Busy", "--transcript", "new.srt",
                       "--index-wait", "0.2", date="2026-12-03")
    doc = added_id(rc, out, err, "add while busy")
    check(doc.get("id") == rid and doc.get("indexed") is False, f"indexed: false: {doc}")
    check("not indexed yet" in err and "qarchive index" in err, f"says so on stderr: {err!r}")
    check(os.path.isdir(os.path.join(a, rid)), "but it is in the archive")
    # Searching works while the index is busy.
    check(search(a, "welcome")["total"] >= 0, "search while busy")
    release()
    p.communicate(timeout=60)
    check(p.returncode == 0, "the index run finished")
    rc, out, err = run("index", "--archive", a)
    check(first_t(search(a, "zanzibar"), rid) == 7.0, f"caught up by the next index: {out!r}")
    # With the default wait, an upload during a full rebuild waits for it
    # and lands in the new index.
    p = spawn("index", "--archive", a, "--quiet", "--force", env=paused("QARCHIVE_INDEX_PAUSE"))
    check(wait_paused(p), "the rebuild holds the lock")
    rid = "2026-12-04-uploaded-during-rebuild"
    up = spawn("add", "--archive", a, "--title", "Uploaded During Rebuild", "--kind", "webinar",
               "--date", "2026-12-04", "--transcript", "talk.vtt", "--json")
    # In the archive, it waits for the writer's lock; then the rebuild ends.
    check(wait_for(lambda: os.path.isdir(os.path.join(a, rid)) or up.poll() is not None, 120),
          "the upload reached the archive during the rebuild")
    release()
    out, err = up.communicate(timeout=120)
    check(added_id(up.returncode, out, err, "add during rebuild").get("indexed") is True,
          f"waited for the rebuild: {err!r}")
    p.communicate(timeout=120)
    check(p.returncode == 0, "the rebuild finished")
    r = search(a, "--limit", "50", "flexattention")
    check(first_t(r, rid) == 12.0, "found in the rebuilt index")
    check(first_t(r, "2026-11-20-same-title") == 12.0, "and the others too")


def test_search_during_upload(a):
    rid = "2026-12-05-slow-upload"
    p = spawn("add", "--archive", a, "--title", "Slow Upload", "--kind", "other", "--date",
              "2026-12-05", "--media", "talk.mp4", "--transcript", "new.srt",
              env=paused("QARCHIVE_INGEST_PAUSE"))
    check(wait_paused(p), "the upload reached its pause")
    results = [search(a, "flexattention")["total"] for _ in range(3)]
    release()
    p.communicate(timeout=120)
    check(p.returncode == 0, "the slow upload succeeded")
    check(len(results) >= 2 and all(n == results[0] and n > 0 for n in results),
          f"searches ran during the upload with stable results: {results}")
    check(first_t(search(a, "zanzibar"), rid) == 7.0, "the slow upload is found afterwards")


def main():
    if not shutil.which("ffmpeg"):
        print("test_ingest: ffmpeg is required (apt-get install ffmpeg)")
        print("0 passed, 1 failed")
        return 1
    make_inputs()
    a, rid = test_add_and_find()
    test_transcript_pending_and_subtitles(a)
    test_extensions(a)
    test_refusals(a)
    test_distinct_ids(a)
    test_edit_and_remove(a, rid)
    test_recover(a)
    test_kill_during_upload(a)
    test_kill_during_indexing(a)
    test_busy_index(a)
    test_search_during_upload(a)
    return qa_test.report()


if __name__ == "__main__":
    sys.exit(main())
