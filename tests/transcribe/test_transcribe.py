#!/usr/bin/env python3
"""Speech recognition end to end (issue #15), with a stand-in engine
(fake_engine.py: it checks the WAV it is given, prints whisper.cpp's
progress lines, waits for a signal file when told, and writes a known
WebVTT):

- an upload without a transcript is transcribed in the background, with
  its progress on the watch page, in the API and in `qarchive list`;
- kill -9 of the server in the middle of a job: the next start runs it
  again, and nothing half-written is indexed meanwhile;
- SIGTERM in the middle: the server stops cleanly, the engine goes, the
  job stays queued, and `qarchive transcribe` finishes it;
- an engine that fails: a clear message on the page, in the API and in
  `qarchive list`, and the recording still plays;
- the machine label on the page, in results and in the API, and
  source:machine|human (query, ?source=, --source);
- a human transcript replaces the machine one and is indexed at once;
- uploads with a transcript or a subtitle stream are not transcribed;
- the archive's vocabulary reaches the engine as its prompt.

usage: test_transcribe.py QARCHIVE
Media is made at test time with espeak-ng and ffmpeg. Each server runs on a
free 127.0.0.1 port and is stopped by PID. Last line: "N passed, N failed".
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "http"))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import qa_test  # noqa: E402
from qa_test import check  # noqa: E402

QARCHIVE = os.path.abspath(sys.argv[1])
FAKE = os.path.join(HERE, "fake_engine.py")
WORK = tempfile.mkdtemp(prefix="qa-transcribe-")
servers = []
engines = []  # pids of stand-in engines, from their --started files

sys.argv = [sys.argv[0], QARCHIVE]
import test_staff as staff  # noqa: E402  (its Server, upload and token helpers)
staff.WORK = WORK
staff.QARCHIVE = QARCHIVE


def run(*args):
    p = subprocess.run([QARCHIVE, *args], capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def engine(*flags):
    return " ".join(["python3", FAKE, *flags])


def started(name):
    """Wait for the engine's --started file; remember its pid."""
    path = os.path.join(WORK, name)
    if not staff.wait_for(lambda: os.path.exists(path), 60):
        return False
    with open(path) as f:
        pid = f.read().strip()
    if pid.isdigit():
        engines.append(int(pid))
    return True


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def api(srv, rid):
    st, _, j = srv.json("GET", "/api/recordings/" + rid)
    return j if st == 200 else {}


def page(srv, path):
    st, _, body = srv.request("GET", path)
    return st, body.decode("utf-8", "replace")


def upload(srv, token, title, files):
    st, _, j = staff.post_upload(srv, staff.meta(title), files, staff.bearer(token))
    check(st == 201 and j and j.get("id"), "upload %s: 201 %s %s" % (title, st, j))
    return (j or {}).get("id", "")


def job_file(a, rid):
    p = os.path.join(a, ".qarchive", "transcribe", rid + ".json")
    try:
        with open(p) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def make_media():
    wav = os.path.join(WORK, "speech.wav")
    subprocess.run(["espeak-ng", "-w", wav, "the pipeline compiles each kernel before the "
                    "tensors move to the device"], check=True, capture_output=True)
    staff.ffmpeg("-i", wav, "-c:a", "aac", "speech.m4a")
    write = staff.write
    write(os.path.join(WORK, "subs.srt"), "1\n00:00:00,500 --> 00:00:02,000\nsubtitled words\n")
    staff.ffmpeg("-i", wav, "-i", "subs.srt", "-map", "0:a", "-map", "1:s", "-c:a", "aac",
                 "-c:s", "srt", "subbed.mkv")


def media(name):
    return staff.read(os.path.join(WORK, name))


def test_background_and_kill9(a, token):
    """Phase 1: the job after an upload, progress, kill -9, restart."""
    srv = staff.Server(a, "--transcriber",
                       engine("--started", os.path.join(WORK, "s1"), "--gate",
                              os.path.join(WORK, "gate-never")))
    rid = upload(srv, token, "Spoken without a transcript", [("media", "talk.m4a",
                                                              media("speech.m4a"))])
    check(started("s1"), "the engine starts in the background after the upload")
    prog = staff.wait_for(lambda: (api(srv, rid).get("transcription") or {}).get("progress") == 40,
                          60)
    j = api(srv, rid)
    check(prog, "the API shows the engine's progress: %s" % j.get("transcription"))
    check(j.get("has_transcript") is False and j.get("transcript") is None,
          "nothing is indexed while the job runs: %s" % j.get("transcript"))
    st, body = page(srv, "/watch/" + rid)
    check(st == 200 and "Transcribing: 40%" in body and 'data-state="running"' in body,
          "the watch page shows the progress")
    rc, out, _ = run("list", "--archive", a)
    check("transcribing: 40%" in out, "qarchive list shows the progress:\n" + out)
    st, _, _ = srv.request("GET", "/media/" + rid)
    check(st == 200, "the recording is served while it is transcribed: %s" % st)
    check(not os.path.exists(os.path.join(a, rid, "transcript.machine.vtt")),
          "no transcript file before the engine is done")
    srv.kill9()
    check(staff.wait_for(lambda: not any(alive(p) for p in engines), 10),
          "the engine dies with a killed server")
    rc, out, _ = run("list", "--archive", a)
    check("queued for transcription" in out, "after kill -9 the job counts as queued:\n" + out)

    prompt = os.path.join(WORK, "prompt.txt")
    srv = staff.Server(a, "--transcriber",
                       engine("--started", os.path.join(WORK, "s2"), "--prompt-file", prompt))
    check(started("s2"), "the restarted server runs the interrupted job again")
    done = staff.wait_for(lambda: api(srv, rid).get("transcript") == "machine", 60)
    check(done, "the job finishes after the restart: %s" % api(srv, rid).get("transcription"))
    check(job_file(a, rid) is None, "a finished job leaves no job file")
    text = open(prompt).read() if os.path.exists(prompt) else ""
    check(text.startswith("Glossary: quokkaflow,") and "fsdp" in text and len(text) <= 480,
          "the prompt is the archive's vocabulary, its own terms first, bounded: %r" % text)
    return srv, rid


def test_labels_and_filter(a, srv, rid):
    st, body = page(srv, "/watch/" + rid)
    check(st == 200 and "Machine transcript" in body and "zanzibar" in body,
          "the watch page labels the machine transcript and shows its cues")
    st, j = srv.search("zanzibar")
    hits = [h for h in (j or {}).get("hits", []) if h.get("recording") == rid]
    check(hits and hits[0].get("transcript") == "machine", "a result says machine: %s" % hits[:1])
    st, j = srv.search("marmalade")
    check(j and j["hits"] and j["hits"][0].get("transcript") == "human",
          "a human transcript's result says human")
    for q, want in [("zanzibar source:machine", True), ("zanzibar source:human", False),
                    ("marmalade source:machine", False), ("marmalade source:HUMAN", True)]:
        st, j = srv.search(q)
        check(st == 200 and bool(j and j["hits"]) == want, "%s: hits %s" % (q, want))
    st, _, j = srv.json("GET", "/api/search?q=zanzibar&source=human")
    check(st == 200 and not j["hits"], "?source=human leaves the machine one out")
    st, _, j = srv.json("GET", "/api/search?source=machine")
    check(st == 200 and [h["recording"] for h in j["hits"]] == [rid],
          "?source=machine alone lists the machine-transcribed recordings: %s" % j)
    st, _, j = srv.json("GET", "/api/search?q=zanzibar&source=robot")
    check(st == 400 and "source" in (j or {}).get("error", ""), "?source=robot: 400 %s" % j)
    st, body = page(srv, "/search?q=zanzibar")
    check(st == 200 and "machine transcript</span>" in body, "the results page labels it")
    rc, out, _ = run("search", "--archive", a, "--source", "machine", "zanzibar")
    check(rc == 0 and "[machine transcript]" in out, "qarchive search --source machine:\n" + out)
    rc, out, _ = run("search", "--archive", a, "--source", "human", "zanzibar")
    check(rc == 0 and out.startswith("0 recordings"), "--source human: none\n" + out)
    rc, out, _ = run("list", "--archive", a)
    check("machine transcript" in out, "qarchive list says machine transcript")


def test_not_needed(a, srv, token):
    """Uploads with a transcript or a subtitle stream get no job."""
    rid = upload(srv, token, "With a transcript",
                 [("media", "t.m4a", media("speech.m4a")), ("transcript", "t.vtt",
                                                            staff.vtt("heron"))])
    check(job_file(a, rid) is None, "an upload with a transcript is not queued")
    rid = upload(srv, token, "With subtitles", [("media", "s.mkv", media("subbed.mkv"))])
    check(staff.wait_for(lambda: job_file(a, rid) is None, 30),
          "a recording whose media has subtitles is dropped from the queue")
    check(api(srv, rid).get("transcript") == "human", "its subtitles count as human")


def test_failure(a, token):
    srv = staff.Server(a, "--transcriber", engine("--fail"))
    rid = upload(srv, token, "Engine breaks", [("media", "b.m4a", media("speech.m4a"))])
    failed = staff.wait_for(
        lambda: (api(srv, rid).get("transcription") or {}).get("state") == "failed", 60)
    t = api(srv, rid).get("transcription") or {}
    check(failed and "exited with status 2" in t.get("message", "") and
          "no such model" in t.get("message", ""), "the API says why it failed: %s" % t)
    st, body = page(srv, "/watch/" + rid)
    check(st == 200 and "Transcription failed: the transcriber exited with status 2" in body
          and "no such model" in body and ("<video" in body or "<audio" in body),
          "the page says why and still plays the recording")
    st, _, _ = srv.request("GET", "/media/" + rid)
    check(st == 200, "the media is still served: %s" % st)
    rc, out, _ = run("list", "--archive", a)
    check("transcription failed" in out and "no such model" in out,
          "qarchive list shows the failure:\n" + out)
    srv.stop()
    return rid


def test_human_replaces(a, rid):
    srv = staff.Server(a)
    human = os.path.join(WORK, "human.vtt")
    staff.write(human, "WEBVTT\n\n00:00:00.500 --> 00:00:03.000\nthe pelican reviewed the kernel\n")
    rc, out, err = run("edit", "--archive", a, rid, "--transcript", human)
    check(rc == 0, "qarchive edit --transcript: %s %s" % (out, err))
    j = api(srv, rid)
    check(j.get("transcript") == "human", "the API now says human: %s" % j.get("transcript"))
    check(not os.path.exists(os.path.join(a, rid, "transcript.machine.vtt")),
          "the machine transcript file is gone")
    check(srv.found_at("pelican", rid) is not None and srv.found_at("zanzibar", rid) is None,
          "the index holds the human words and no longer the machine's")
    st, body = page(srv, "/watch/" + rid)
    check("Machine transcript" not in body and "pelican" in body, "the page drops the label")
    st, j = srv.search("pelican source:human")
    check(j and j["hits"], "source:human finds it now")
    srv.stop()


def test_sigterm_and_cli(a, token):
    """SIGTERM mid-job: clean stop, engine gone, job queued; then the CLI."""
    srv = staff.Server(a, "--transcriber",
                       engine("--quiet", "--started", os.path.join(WORK, "s3"), "--gate",
                              os.path.join(WORK, "gate-never")))
    rid = upload(srv, token, "Stopped midway", [("media", "c.m4a", media("speech.m4a"))])
    check(started("s3"), "the engine starts")
    check(staff.wait_for(lambda: (job_file(a, rid) or {}).get("state") == "running", 30),
          "the job is running")
    st, body = page(srv, "/watch/" + rid)
    check(re.search(r"Transcribing: 0m \d\ds", body) is not None,
          "without progress lines the page shows the time so far")
    srv.stop()
    check(not alive(engines[-1]), "SIGTERM stops the engine too")
    check((job_file(a, rid) or {}).get("state") == "queued", "and leaves the job queued")
    rc, out, err = run("transcribe", "--archive", a, "--transcriber", engine(), rid)
    check(rc == 0 and "%s: transcribed" % rid in out and "transcribing: 100%" in err,
          "qarchive transcribe finishes it: %s %s" % (out, err))
    rc, out, _ = run("transcribe", "--archive", a, "--transcriber", engine(), rid)
    check(rc == 0 and "nothing to transcribe" in out, "and then has nothing to do: " + out)
    rc, out, err = run("transcribe", "--archive", a, "--transcriber", "sleep 30",
                       "--timeout", "1", "no-such-recording")
    check(rc == 1 and "no such recording" in err, "an unknown id: %s" % err)


def test_readme_whisper_line(a, token):
    """README's whisper.cpp command line, run as written with only the
    binary swapped for the stand-in that reads whisper-cli's flags."""
    readme = open(os.path.join(HERE, "..", "..", "README.md")).read()
    m = re.search(r"--transcriber '(whisper-cli -m /srv/models/ggml-base\.en\.bin [^']*)'", readme)
    check(m is not None, "README gives a whisper-cli command line")
    if not m:
        return
    model = os.path.join(WORK, "ggml-base.en.bin")
    staff.write(model, "not really a model\n")
    line = m.group(1).replace("whisper-cli", "python3 %s --whisper-cli" % FAKE, 1) \
        .replace("/srv/models/ggml-base.en.bin", model)
    rid = "2026-03-03-readme-line"
    staff.write(os.path.join(a, rid, "recording.json"),
                json.dumps({"title": "README line", "kind": "other", "date": "2026-03-03"}))
    shutil.copy(os.path.join(WORK, "speech.m4a"), os.path.join(a, rid, "media.m4a"))
    rc, out, err = run("transcribe", "--archive", a, "--transcriber", line, rid)
    check(rc == 0 and "transcribing: 100%" in err,
          "README's whisper-cli line works as the contract says: %s %s" % (out, err))
    with open(os.path.join(a, rid, "transcript.machine.vtt")) as f:
        check("zanzibar" in f.read(), "its -of path plus .vtt is the machine transcript")


def main():
    try:
        make_media()
        a, token = staff.new_archive("archive")
        staff.write(os.path.join(a, "synonyms.txt"), "quokkaflow, quokka flow\n")
        run("index", "--archive", a)
        srv, rid = test_background_and_kill9(a, token)
        test_labels_and_filter(a, srv, rid)
        test_not_needed(a, srv, token)
        srv.stop()
        test_failure(a, token)
        test_human_replaces(a, rid)
        test_sigterm_and_cli(a, token)
        test_readme_whisper_line(a, token)
    finally:
        for s in staff.servers:
            if s.proc.poll() is None:
                s.proc.kill()
                s.proc.wait()
        for pid in engines:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        if qa_test.failed == 0 and sys.exc_info()[0] is None:
            shutil.rmtree(WORK, ignore_errors=True)
        else:
            print("kept for a look: " + WORK)
    return qa_test.report()


if __name__ == "__main__":
    sys.exit(main())
