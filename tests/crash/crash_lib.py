"""What the crash and disk-fault tests share (issue #16): an archive to
start from, the qarchive CLI, a server on a free 127.0.0.1 port stopped by
PID, a tus client, and the one check of an archive after a fault
(verify_archive)."""
import base64
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qa_test  # noqa: E402
from qa_test import check, free_port  # noqa: E402

QARCHIVE = None
WORK = None
TOKEN = None
ENV = qa_test.sanitizer_env()
# Never inherited: a test sets the hook on purpose, per command.
for hook in ("QA_CRASH_AT", "QARCHIVE_INDEX_PAUSE", "QARCHIVE_INGEST_PAUSE", "QARCHIVE_PAUSE_FLAG"):
    ENV.pop(hook, None)

TRANSCRIPT = ("WEBVTT\n\n00:00:00.500 --> 00:00:01.500\nA recording about lighthouses.\n\n"
              "00:00:02.000 --> 00:00:03.000\nThe keeper speaks of fog.\n")


def run(*args, crash_at=None, timeout=120):
    env = dict(ENV)
    if crash_at:
        env["QA_CRASH_AT"] = crash_at
    p = subprocess.run([QARCHIVE, *args], capture_output=True, text=True, timeout=timeout,
                       env=env)
    return p.returncode, p.stdout, p.stderr


def setup(qarchive, work):
    """The media, the transcript and a base archive (one recording,
    indexed, a token) under work."""
    global QARCHIVE, WORK, TOKEN
    QARCHIVE, WORK = qarchive, work
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                    "sine=frequency=440:duration=2", "-c:a", "aac",
                    "-movflags", "+faststart", "talk.m4a"],  # moov first: stored byte for byte
                   cwd=work, check=True, timeout=120)
    with open(os.path.join(work, "talk.vtt"), "w") as f:
        f.write(TRANSCRIPT)
    base = os.path.join(work, "base")
    os.makedirs(base)
    rc, out, err = run("add", "--archive", base, "--title", "Seed", "--kind", "other",
                       "--date", "2025-01-10", "--transcript", path("talk.vtt"))
    if rc != 0:
        sys.exit("crash_lib: add failed: %s %s" % (out, err))
    rc, out, err = run("token", "add", "ci", "--archive", base)
    TOKEN = out.strip().split()[-1]
    return base


def path(name):
    return os.path.join(WORK, name)


def clone(base, name):
    dest = path(name)
    shutil.copytree(base, dest, symlinks=True)
    return dest


def folders(archive):
    return sorted(n for n in os.listdir(archive) if not n.startswith(".") and
                  os.path.isfile(os.path.join(archive, n, "recording.json")))


def listed(archive):
    rc, out, err = run("list", "--json", "--archive", archive)
    return json.loads(out) if rc == 0 else None


def index_dir(archive):
    stub = os.path.join(archive, ".qarchive", "index")
    with open(stub) as f:
        words = f.read().split()
    return os.path.join(archive, ".qarchive", words[-1])


def crashed(rc, err, point):
    return rc == -signal.SIGKILL and ("crash point " + point) in err


def verify_archive(archive, what, present=(), titles=None):
    """After a fault: recover as the server's start does, index once, then
    xapian-check passes on the index generation, the index lists exactly
    the archive's recordings, nothing is left in uploads/tmp/ or trash/,
    every id in present is there, and each title in titles occurs the
    number of times given (no duplicate, no half-made one)."""
    rc, out, err = run("recover", "--archive", archive)
    check(rc == 0, "%s: recover: rc %s %s" % (what, rc, err[-300:]))
    rc, out, err = run("index", "--archive", archive)
    check(rc == 0 and "failed 0" in out, "%s: one index run: %s %s" % (what, out, err[-300:]))
    if shutil.which("xapian-check"):
        p = subprocess.run(["xapian-check", index_dir(archive)], capture_output=True,
                           text=True, timeout=120)
        check(p.returncode == 0 and "No errors found" in p.stdout,
              "%s: xapian-check: %s" % (what, (p.stdout + p.stderr)[-300:]))
    else:
        print("SKIP: %s: xapian-check not installed (Debian xapian-tools)" % what)
    entries = listed(archive) or []
    ids = sorted(e["id"] for e in entries)
    check(ids == folders(archive), "%s: the index lists the archive's recordings: %s vs %s" %
          (what, ids, folders(archive)))
    for sub in ("uploads/tmp", "trash"):
        d = os.path.join(archive, ".qarchive", sub)
        left = os.listdir(d) if os.path.isdir(d) else []
        check(not left, "%s: nothing left in .qarchive/%s: %s" % (what, sub, left))
    for rid in present:
        check(rid in ids, "%s: %s (acknowledged) is there" % (what, rid))
    for title, count in (titles or {}).items():
        n = sum(1 for e in entries if e["title"] == title)
        check(n == count, "%s: %d recording(s) titled %r, want %d" % (what, n, title, count))
    return entries


class Server:
    def __init__(self, archive, crash_at=None, log_name="serve.log"):
        self.port = free_port()
        self.log_path = path(log_name)
        self.log = open(self.log_path, "ab")
        env = dict(ENV)
        if crash_at:
            env["QA_CRASH_AT"] = crash_at
        self.proc = subprocess.Popen(
            [QARCHIVE, "serve", "--archive", archive, "--port", str(self.port),
             "--threads", "2"], stdout=subprocess.DEVNULL, stderr=self.log, env=env)
        deadline = time.time() + 60
        while time.time() < deadline and self.proc.poll() is None:
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("the server did not start:\n" + self.stderr()[-2000:])

    def stderr(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def request(self, method, target, headers=None, body=None, timeout=120):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request(method, target, body=body, headers=headers or {})
            r = c.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            c.close()

    def wait_dead(self, seconds=60):
        try:
            self.proc.wait(seconds)
        except subprocess.TimeoutExpired:
            return False
        self.log.close()
        return True

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if not self.log.closed:
            self.log.close()
        return self.proc.returncode


def b64(s):
    return base64.b64encode(s.encode()).decode()


class Tus:
    def __init__(self, srv):
        self.srv = srv

    def headers(self, **more):
        h = {"Authorization": "Bearer " + TOKEN, "Tus-Resumable": "1.0.0"}
        h.update(more)
        return h

    def create(self, length, title, date="2026-06-01"):
        meta = "title %s,kind %s,date %s,filename %s" % (b64(title), b64("webinar"), b64(date),
                                                         b64("talk.m4a"))
        st, h, _ = self.srv.request("POST", "/api/uploads", self.headers(
            **{"Upload-Length": str(length), "Upload-Metadata": meta}))
        return st, h.get("location")

    def head(self, url):
        st, h, _ = self.srv.request("HEAD", url, self.headers())
        return st, h

    def patch(self, url, offset, data):
        st, h, body = self.srv.request("PATCH", url, self.headers(
            **{"Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"}),
            data)
        return st, h, body
