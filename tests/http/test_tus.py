#!/usr/bin/env python3
"""The tus 1.0 protocol at /api/uploads, by hand (Python 3 standard library).

usage: test_tus.py QARCHIVE WORKDIR

Builds an archive in a temporary directory (one recording, indexed, and an
API token from `qarchive token add`), makes a few seconds of media with the
ffmpeg CLI, and starts `qarchive serve --max-upload 1M` on a free
127.0.0.1 port. Then speaks tus with http.client: OPTIONS, creation and
its refusals (412, 400, 401, 413, 431), metadata in the creation's body
(a long transcript), HEAD, PATCH and its refusals (409,
415, 423, past the length), kill -9 of the server in the middle of a
PATCH and a restart that resumes from what reached the disk, the upload
becoming a recording that search finds, a failed commit, termination and
expiry. The server is stopped by PID. Each failed check prints a line; the
last line is "N passed, N failed".
"""
import base64
import glob
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qa_test  # noqa: E402
from qa_test import check, free_port  # noqa: E402

QARCHIVE = os.path.abspath(sys.argv[1])
WORK = os.path.abspath(sys.argv[2])
MAX_UPLOAD = 1 << 20

# A sanitizer report must never pass unnoticed.
ENV = qa_test.sanitizer_env()

TRANSCRIPT = ("WEBVTT\n\n"
              "00:00:00.500 --> 00:00:01.500\nWelcome to the resumable session.\n\n"
              "00:00:02.000 --> 00:00:03.000\nToday: the pomegranate scheduler.\n")


def run(*args, stdin=None):
    p = subprocess.run([QARCHIVE] + list(args), capture_output=True, text=True, timeout=120,
                       input=stdin, env=ENV)
    return p.returncode, p.stdout, p.stderr


def ffmpeg(*args):
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y", *args]
    r = subprocess.run(cmd, cwd=WORK, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        sys.exit("test_tus: ffmpeg failed: %s\n%s" % (" ".join(cmd), r.stderr))


def b64(s):
    return base64.b64encode(s.encode("utf-8") if isinstance(s, str) else s).decode("ascii")


def metadata(**fields):
    """Upload-Metadata as tus-js-client writes it: key base64, joined by ','."""
    return ",".join(k if v is None else "%s %s" % (k, b64(v)) for k, v in fields.items())


GOOD = dict(title="Resumable session", kind="webinar", date="2025-11-05",
            speakers="Ann Host (Host), Bo Dev", filename="session.mp4")


class Server:
    def __init__(self, archive, log_path):
        self.archive = archive
        self.port = free_port()
        self.log_path = log_path
        self.log = open(log_path, "ab")
        self.proc = subprocess.Popen(
            [QARCHIVE, "serve", "--archive", archive, "--port", str(self.port), "--threads", "4",
             "--max-upload", "1M"], stdout=subprocess.DEVNULL, stderr=self.log, env=ENV)
        deadline = time.time() + 30
        while time.time() < deadline and self.proc.poll() is None:
            try:
                if self.request("GET", "/healthz")[0] in (200, 503):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start:\n" + self.stderr())

    def stderr(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def request(self, method, path, headers=None, body=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {k: v for k, v in (headers or {}).items() if v is not None}
        try:
            c.request(method, path, body=body, headers=headers)
            r = c.getresponse()
            data = r.read()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, data
        finally:
            c.close()

    def stop(self):
        """SIGTERM by PID; returns the exit status."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.log.close()
        return rc

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.log.close()


class Tus:
    """A tus client by hand, with a token."""

    def __init__(self, srv, token):
        self.srv = srv
        self.auth = {"Authorization": "Bearer " + token, "Tus-Resumable": "1.0.0"}

    def create(self, length, meta, extra=None):
        h = dict(self.auth, **{"Upload-Length": str(length), "Upload-Metadata": meta})
        h.update(extra or {})
        st, hd, body = self.srv.request("POST", "/api/uploads", h)
        return st, hd, body

    def new(self, length, **fields):
        st, hd, body = self.create(length, metadata(**dict(GOOD, **fields)))
        check(st == 201, "create: %s %s" % (st, body))
        return hd.get("location", "")

    def head(self, url):
        return self.srv.request("HEAD", url, self.auth)

    def offset(self, url):
        st, hd, _ = self.head(url)
        return int(hd["upload-offset"]) if st == 200 and "upload-offset" in hd else None

    def patch(self, url, offset, data, content_type="application/offset+octet-stream"):
        h = dict(self.auth, **{"Upload-Offset": str(offset), "Content-Type": content_type})
        return self.srv.request("PATCH", url, h, data)

    def delete(self, url):
        return self.srv.request("DELETE", url, self.auth)


def error_of(body):
    try:
        return json.loads(body).get("error", "")
    except (ValueError, AttributeError):
        return ""


def test_options(srv):
    st, h, body = srv.request("OPTIONS", "/api/uploads")
    check(st == 204 and body == b"", "OPTIONS: 204 without a body: %s" % st)
    check(h.get("tus-resumable") == "1.0.0", "OPTIONS: Tus-Resumable")
    check("1.0.0" in h.get("tus-version", "").split(","), "OPTIONS: Tus-Version: %s" % h)
    ext = [e.strip() for e in h.get("tus-extension", "").split(",")]
    check("creation" in ext and "termination" in ext, "OPTIONS: Tus-Extension: %s" % ext)
    check(h.get("tus-max-size") == str(MAX_UPLOAD), "OPTIONS: Tus-Max-Size: %s" % h.get("tus-max-size"))


def test_creation_refused(srv, tus):
    meta = metadata(**GOOD)
    auth = {"Authorization": tus.auth["Authorization"]}
    st, h, body = srv.request("POST", "/api/uploads", dict(auth, **{"Upload-Length": "10",
                                                                   "Upload-Metadata": meta}))
    check(st == 412 and "1.0.0" in h.get("tus-version", ""), "no Tus-Resumable: 412 with Tus-Version: %s" % st)
    st, h, body = srv.request("POST", "/api/uploads", dict(auth, **{"Tus-Resumable": "0.2.2",
                                                                   "Upload-Length": "10"}))
    check(st == 412 and "0.2.2" in error_of(body), "Tus-Resumable 0.2.2: 412: %s %s" % (st, body))

    st, h, body = srv.request("POST", "/api/uploads", {"Tus-Resumable": "1.0.0", "Upload-Length": "10",
                                                       "Upload-Metadata": meta})
    check(st == 401 and h.get("tus-resumable") == "1.0.0", "no credentials: 401: %s" % st)
    st, h, body = srv.request("POST", "/api/uploads", {"Tus-Resumable": "1.0.0", "Upload-Length": "10",
                                                       "Authorization": "Bearer qat_0000000000000000_" + "A" * 43})
    check(st == 401, "a wrong token: 401: %s" % st)

    h0 = dict(tus.auth, **{"Upload-Metadata": meta})
    st, h, body = srv.request("POST", "/api/uploads", h0)
    check(st == 400 and "Upload-Length" in error_of(body), "no Upload-Length: 400 naming it: %s %s" % (st, body))
    st, h, body = srv.request("POST", "/api/uploads", dict(h0, **{"Upload-Defer-Length": "1"}))
    check(st == 400 and "Upload-Defer-Length" in error_of(body), "Upload-Defer-Length: 400 naming it: %s %s" % (st, body))
    for bad in ["abc", "-1", "+5", "1e6", "99999999999999999999", ""]:
        st, h, body = tus.create(bad, meta)
        check(st == 400 and "Upload-Length" in error_of(body), "Upload-Length %r: 400: %s %s" % (bad, st, body))
    st, h, body = tus.create(0, meta)
    check(st == 400 and "empty" in error_of(body), "Upload-Length 0: 400: %s %s" % (st, body))
    st, h, body = tus.create(MAX_UPLOAD + 1, meta)
    check(st == 413 and str(MAX_UPLOAD) in error_of(body), "over --max-upload: 413: %s %s" % (st, body))
    st, h, body = tus.create(MAX_UPLOAD, meta)
    check(st == 201, "exactly --max-upload: 201: %s %s" % (st, body))
    if st == 201:
        tus.delete(h["location"])

    cases = [
        (dict(GOOD, title=None), "title"),
        ({k: v for k, v in GOOD.items() if k != "title"}, "title: missing"),
        (dict(GOOD, kind="talk"), "kind: expected one of"),
        (dict(GOOD, date="2025-02-30"), "date"),
        (dict(GOOD, transcript="1\n00:00:05,000 --> 00:00:04,000\nbackwards\n"), "transcript: line 2"),
        (dict(GOOD, agenda="- 00:75 Nope\n"), "agenda: line 1"),
    ]
    for fields, want in cases:
        st, h, body = tus.create(100, metadata(**fields))
        check(st == 400 and want in error_of(body) and h.get("content-type") == "application/json",
              "metadata %s: 400 with %r: %s %s" % (fields, want, st, body))
    # The last: a byte that is not ASCII (found by the long fuzz run of
    # fuzz_server: it reached the upload's JSON info and came back a 500).
    for bad in ["title SGVsbG8", "title SGVsbG8=,,kind d2ViaW5hcg==", "title SGVsbG8=,title SGVsbG8=",
                "title SGVs\x91bG8="]:
        st, h, body = tus.create(100, bad)
        check(st == 400 and "Upload-Metadata" in error_of(body), "malformed %r: 400: %s %s" % (bad, st, body))

    # Too much metadata for a header: a clear 431 from us below MHD's own
    # limit (the connection's 64 KiB), naming the way that takes it; past
    # MHD's limit MHD answers 431 itself.
    big = metadata(**dict(GOOD, notes="x" * 20000))
    st, h, body = tus.create(100, big)
    check(st == 431 and "Upload-Metadata" in error_of(body) and METADATA_BODY_TYPE in error_of(body),
          "20 KB of metadata in the header: 431 JSON naming the body: %s %s" % (st, body[:200]))
    st, h, body = tus.create(100, metadata(**dict(GOOD, notes="x" * 300000)))
    check(st == 431, "300 KB of metadata in the header: 431: %s %s" % (st, body[:200]))


METADATA_BODY_TYPE = "application/vnd.qarchive.upload-metadata"


def long_transcript():
    """An hour's transcript (~60 KB), too long for a header."""
    cues = "".join("%02d:%02d:%02d.000 --> %02d:%02d:%02d.500\nLine %d of the long talk about compilers.\n\n"
                   % (i // 3600, i // 60 % 60, i % 60, i // 3600, i // 60 % 60, i % 60, i)
                   for i in range(0, 3600, 3))
    return "WEBVTT\n\n" + cues


def test_big_metadata(srv, tus, media):
    # An hour's transcript goes in the creation's body, the short fields in
    # the header: created, echoed by HEAD without it, and the last byte
    # makes a recording with that transcript.
    text = long_transcript()
    check(len(text) > 55000, "the transcript is an hour's worth: %d bytes" % len(text))
    in_body = {"Content-Type": METADATA_BODY_TYPE}
    st, h, body = srv.request("POST", "/api/uploads", dict(tus.auth, **{
        "Upload-Length": str(len(media)), "Upload-Metadata": metadata(**GOOD), **in_body}),
        (metadata(transcript=text) + "\n").encode())
    check(st == 201 and h.get("location"), "60 KB transcript in the body: 201: %s %s" % (st, body[:200]))
    if st != 201:
        return
    url = h["location"]
    # HEAD echoes the short pairs only: clients cap response headers
    # (Node at 16 KiB, http.client at 64 KiB a line).
    st, hh, _ = tus.head(url)
    echo = hh.get("upload-metadata", "")
    check(st == 200 and 0 < len(echo) < 8192 and echo == metadata(**GOOD),
          "HEAD echoes the metadata without the transcript: %s %s" % (st, echo[:200]))
    st, h, body = tus.patch(url, 0, media)
    rec = h.get("qarchive-recording-id", "")
    check(st == 204 and rec, "the last byte: 204 with the recording: %s %s" % (st, body[:200]))
    if rec:
        files = glob.glob(os.path.join(srv.archive, rec, "transcript.*"))
        got = open(files[0], encoding="utf-8").read() if files else ""
        check("Line 3597 of the long talk" in got, "the recording has the body's transcript: %s" % files)

    # The body's refusals: a pair the header has too, a transcript error,
    # a body over 3 MiB (before it is sent), and a body of another type
    # (tus creation-with-upload, not announced).
    def create_with(body, header=metadata(**GOOD), extra=in_body):
        return srv.request("POST", "/api/uploads", dict(tus.auth, **{
            "Upload-Length": "100", "Upload-Metadata": header, **extra}), body)
    st, h, body = create_with(metadata(title="Again").encode())
    check(st == 400 and "Upload-Metadata" in error_of(body), "a key in the header and the body: 400: %s %s" % (st, body))
    st, h, body = create_with(metadata(transcript="1\n00:00:05,000 --> 00:00:04,000\nbackwards\n").encode())
    check(st == 400 and "transcript: line 2" in error_of(body), "a transcript error in the body: 400: %s %s" % (st, body))
    st, h, body = create_with(b"", header=metadata(**{k: v for k, v in GOOD.items() if k != "title"}))
    check(st == 400 and "title: missing" in error_of(body), "an empty body: the header alone is checked: %s %s" % (st, body))
    st, h, body = create_with(b"notes " + b"QUFB" * (1 << 20))
    check(st == 413 and "POST /api/recordings" in error_of(body), "a 4 MiB metadata body: 413: %s %s" % (st, body[:200]))
    st, h, body = create_with(b"\x00" * 10)
    check(st == 400, "a NUL in the metadata body: 400: %s %s" % (st, body[:200]))
    st, h, body = create_with(b"abc", extra={"Content-Type": "application/offset+octet-stream"})
    check(st == 400 and "creation-with-upload" in error_of(body), "bytes in the POST: 400: %s %s" % (st, body[:200]))


def test_head_patch(srv, tus, media):
    url = tus.new(len(media), transcript=TRANSCRIPT)
    check(re.fullmatch(r"/api/uploads/[0-9a-f]{32}", url) is not None, "Location: %s" % url)
    st, h, body = tus.head(url)
    check(st == 200 and body == b"" and h.get("upload-offset") == "0" and
          h.get("upload-length") == str(len(media)) and h.get("cache-control") == "no-store" and
          h.get("tus-resumable") == "1.0.0", "HEAD of a new upload: %s %s" % (st, h))
    meta = base64.b64decode(dict(p.split(" ") for p in h.get("upload-metadata", "").split(","))["title"])
    check(meta == b"Resumable session", "HEAD: Upload-Metadata as sent: %s" % meta)

    for bad in ["/api/uploads/0123456789abcdef0123456789abcdef", "/api/uploads/nope",
                "/api/uploads/..%2f..%2fetc", "/api/uploads/"]:
        st, h, _ = tus.head(bad)
        check(st in (400, 404) and "upload-offset" not in h, "HEAD %s: 404: %s" % (bad, st))
        st, h, _ = tus.patch(bad, 0, b"x")
        check(st in (400, 404), "PATCH %s: 404: %s" % (bad, st))
    st, h, _ = srv.request("GET", url)
    check(st == 405 and "PATCH" in h.get("allow", ""), "GET an upload: 405 with Allow: %s %s" % (st, h.get("allow")))

    st, h, body = srv.request("HEAD", url, {"Tus-Resumable": "1.0.0"})
    check(st == 401, "HEAD without credentials: 401: %s" % st)
    st, h, body = srv.request("PATCH", url, {"Tus-Resumable": "1.0.0", "Upload-Offset": "0",
                                             "Content-Type": "application/offset+octet-stream"}, b"abc")
    check(st == 401 and tus.offset(url) == 0, "PATCH without credentials: 401, nothing written: %s" % st)
    st, h, body = srv.request("DELETE", url, {"Tus-Resumable": "1.0.0"})
    check(st == 401 and tus.offset(url) == 0, "DELETE without credentials: 401: %s" % st)

    half = len(media) // 2
    st, h, body = tus.patch(url, 5, media[:half])
    check(st == 409 and tus.offset(url) == 0, "PATCH at a wrong offset: 409: %s %s" % (st, body))
    st, h, body = tus.patch(url, 0, media[:half], "application/octet-stream")
    check(st == 415 and tus.offset(url) == 0, "PATCH as application/octet-stream: 415: %s" % st)
    st, h, body = tus.patch(url, 0, media[:half], None)
    check(st == 415, "PATCH without Content-Type: 415: %s" % st)
    st, h, body = tus.patch(url, 0, media + b"extra")
    check(st == 400 and tus.offset(url) == 0, "PATCH past Upload-Length: 400, nothing written: %s %s" % (st, body))
    st, h, body = srv.request("PATCH", url, dict(tus.auth, **{"Content-Type": "application/offset+octet-stream"}), b"x")
    check(st == 400 and "Upload-Offset" in error_of(body), "PATCH without Upload-Offset: 400: %s" % st)

    st, h, body = tus.patch(url, 0, media[:half])
    check(st == 204 and h.get("upload-offset") == str(half) and h.get("tus-resumable") == "1.0.0",
          "PATCH half: 204 with the new offset: %s %s" % (st, h))
    check(tus.offset(url) == half, "HEAD says half")
    st, h, body = tus.patch(url, half, b"")
    check(st == 204 and h.get("upload-offset") == str(half), "an empty PATCH: 204, same offset: %s" % st)
    return url


def test_locked(srv, tus, url, media):
    # A PATCH that is still sending holds the upload: a second one waits (423).
    at = tus.offset(url)
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    c.putrequest("PATCH", url)
    for k, v in dict(tus.auth, **{"Upload-Offset": str(at), "Content-Type": "application/offset+octet-stream",
                                  "Content-Length": str(100)}).items():
        c.putheader(k, v)
    c.endheaders()
    c.send(media[at:at + 10])
    deadline = time.time() + 10
    while time.time() < deadline and tus.offset(url) != at + 10:
        time.sleep(0.05)
    st, h, body = tus.patch(url, at + 10, media[at + 10:at + 20])
    check(st == 423 and h.get("tus-resumable") == "1.0.0", "a second writer: 423 (locked): %s %s" % (st, body))
    st, h, body = tus.delete(url)
    check(st == 423, "DELETE while writing: 423: %s" % st)
    c.send(media[at + 10:at + 100])
    r = c.getresponse()
    r.read()
    check(r.status == 204 and r.getheader("Upload-Offset") == str(at + 100), "the first writer finishes: %s" % r.status)
    c.close()


def test_kill9_resume(srv, tus, url, media, archive, log_path):
    """kill -9 in the middle of a PATCH; the restarted server resumes from what reached the disk."""
    at = tus.offset(url)
    rest = media[at:]
    sent = len(rest) // 2
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    c.putrequest("PATCH", url)
    for k, v in dict(tus.auth, **{"Upload-Offset": str(at), "Content-Type": "application/offset+octet-stream",
                                  "Content-Length": str(len(rest))}).items():
        c.putheader(k, v)
    c.endheaders()
    c.send(rest[:sent])
    deadline = time.time() + 10
    while time.time() < deadline and tus.offset(url) != at + sent:
        time.sleep(0.05)
    check(tus.offset(url) == at + sent, "the bytes sent so far are in the file")
    srv.kill9()
    c.close()

    srv = Server(archive, log_path)
    tus.srv = srv
    off = tus.offset(url)
    check(off is not None and at + sent == off, "after kill -9 and a restart, HEAD: %s (sent up to %d)" % (off, at + sent))
    if off is None:
        return srv
    st, h, body = tus.patch(url, off, media[off:])
    rid = h.get("qarchive-recording-id", "")
    check(st == 204 and h.get("upload-offset") == str(len(media)) and rid and
          h.get("qarchive-recording-url") == "/watch/" + rid,
          "the rest from there: 204 with the recording: %s %s %s" % (st, h, body[:300]))
    st, h, _ = tus.head(url)
    check(st == 200 and h.get("upload-offset") == str(len(media)) and h.get("qarchive-recording-id") == rid,
          "HEAD of the finished upload reports the recording: %s %s" % (st, h))
    st, h, body = tus.patch(url, len(media), b"")
    check(st in (409, 410), "PATCH after the end: refused: %s" % st)

    # It is a recording like any other: its media byte for byte, its
    # transcript searchable at the cue's time.
    files = glob.glob(os.path.join(archive, rid, "media.*"))
    check(len(files) == 1 and open(files[0], "rb").read() == media, "the stored media is the upload: %s" % files)
    st, h, body = srv.request("GET", "/api/recordings/" + rid)
    j = json.loads(body) if st == 200 else {}
    check(st == 200 and j.get("title") == "Resumable session" and j.get("kind") == "webinar",
          "GET /api/recordings/%s: %s %s" % (rid, st, body[:300]))
    st, h, body = srv.request("GET", "/api/search?q=pomegranate")
    j = json.loads(body) if st == 200 else {}
    hits = j.get("hits", [])
    check(st == 200 and hits and hits[0]["recording"] == rid and hits[0]["t"] == 2.0,
          "search finds the transcript sent in metadata at 2.0 s: %s %s" % (st, body[:300]))
    return srv


def test_crash_before_commit(srv, tus, media, archive, log_path):
    """All bytes on disk but the server died before they became a recording:
    the upload reports all but the last byte, and resending it commits."""
    url = tus.new(len(media))
    st, h, _ = tus.patch(url, 0, media[:100])
    check(st == 204, "a first chunk: %s" % st)
    rc = srv.stop()
    check(rc == 0, "SIGTERM: exit 0 (got %s)" % rc)
    data = os.path.join(archive, ".qarchive", "uploads", "tus", url.rsplit("/", 1)[1] + ".data")
    with open(data, "ab") as f:
        f.write(media[100:])
    srv = Server(archive, log_path)
    tus.srv = srv
    check(tus.offset(url) == len(media) - 1, "all bytes in, not committed: offset length - 1: %s" % tus.offset(url))
    st, h, body = tus.patch(url, len(media), b"")
    check(st == 409, "PATCH at the length: 409: %s" % st)
    st, h, body = tus.patch(url, len(media) - 1, media[-1:])
    check(st == 204 and h.get("qarchive-recording-id"), "the last byte again: committed: %s %s" % (st, body[:300]))
    return srv


def test_failed_commit(srv, tus):
    junk = os.urandom(5000)
    url = tus.new(len(junk), title="Not media at all")
    st, h, body = tus.patch(url, 0, junk)
    check(st == 400 and "media" in error_of(body), "random bytes: 400 from the ingest: %s %s" % (st, body[:300]))
    st, h, body = tus.head(url)
    check(st == 410 and "upload-offset" not in h, "HEAD of the failed upload: 410: %s" % st)
    tus.delete(url)


def test_terminate(srv, tus):
    url = tus.new(1000)
    st, h, body = tus.patch(url, 0, b"x" * 10)
    st, h, body = tus.delete(url)
    check(st == 204 and h.get("tus-resumable") == "1.0.0", "DELETE: 204: %s %s" % (st, body))
    st, h, _ = tus.head(url)
    check(st == 404, "HEAD after DELETE: 404: %s" % st)
    st, h, _ = tus.patch(url, 10, b"y")
    check(st == 404, "PATCH after DELETE: 404: %s" % st)
    st, h, _ = tus.delete(url)
    check(st == 404, "DELETE again: 404: %s" % st)
    ids = os.listdir(os.path.join(srv.archive, ".qarchive", "uploads", "tus"))
    check(not [n for n in ids if n.startswith(url.rsplit("/", 1)[1])], "its files are gone: %s" % ids)


def test_expiry(srv, tus, archive, log_path):
    """Unfinished uploads idle for a week go when the server starts."""
    stale, fresh = tus.new(1000), tus.new(1000)
    tus.patch(stale, 0, b"s" * 10)
    tus.patch(fresh, 0, b"f" * 10)
    rc = srv.stop()
    check(rc == 0, "SIGTERM: exit 0 (got %s)" % rc)
    folder = os.path.join(archive, ".qarchive", "uploads", "tus")
    week = time.time() - 8 * 24 * 3600
    for ext in (".info", ".data"):
        os.utime(os.path.join(folder, stale.rsplit("/", 1)[1] + ext), (week, week))
    srv = Server(archive, log_path)
    tus.srv = srv
    st, h, _ = tus.head(stale)
    check(st == 404, "an upload idle for 8 days is gone at start: %s" % st)
    check("removed 1 expired resumable upload" in srv.stderr(), "the server says so")
    check(not glob.glob(os.path.join(folder, stale.rsplit("/", 1)[1] + ".*")), "with its files")
    check(tus.offset(fresh) == 10, "a recent one stays")
    return srv


def main():
    os.makedirs(WORK, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="qa_tus_")
    archive = os.path.join(tmp, "archive")
    log_path = os.path.join(tmp, "serve.log")
    srv = None
    try:
        d = os.path.join(archive, "2025-01-10-first")
        os.makedirs(d)
        with open(os.path.join(d, "recording.json"), "w") as f:
            json.dump({"title": "First", "kind": "other", "date": "2025-01-10"}, f)
        with open(os.path.join(d, "transcript.vtt"), "w") as f:
            f.write("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhello\n")
        rc, out, err = run("index", "--archive", archive)
        if rc != 0:
            sys.exit("test_tus: index failed: " + out + err)
        rc, token, err = run("token", "add", "tus-test", "--archive", archive)
        token = token.strip()
        if rc != 0 or not token.startswith("qat_"):
            sys.exit("test_tus: token add failed: " + token + err)
        ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=3", "-f", "lavfi",
               "-i", "sine=frequency=440:duration=3", "-c:v", "mpeg4", "-c:a", "aac",
               "-movflags", "+faststart", "tus.mp4")  # moov first: stored byte for byte
        media = open(os.path.join(WORK, "tus.mp4"), "rb").read()
        check(20000 < len(media) < MAX_UPLOAD, "the media is a few tens of KB: %d" % len(media))

        srv = Server(archive, log_path)
        tus = Tus(srv, token)
        steps = [
            lambda: test_options(srv),
            lambda: test_creation_refused(srv, tus),
            lambda: test_big_metadata(srv, tus, media),
        ]
        for step in steps:
            try:
                step()
            except Exception as e:  # a crash in one group should not hide the others
                import traceback
                traceback.print_exc()
                check(False, "raised %r" % e)
        url = test_head_patch(srv, tus, media)
        test_locked(srv, tus, url, media)
        srv = test_kill9_resume(srv, tus, url, media, archive, log_path)
        srv = test_crash_before_commit(srv, tus, media, archive, log_path)
        test_failed_commit(srv, tus)
        test_terminate(srv, tus)
        srv = test_expiry(srv, tus, archive, log_path)

        rc = srv.stop()
        log = srv.stderr()
        check(rc == 0, "SIGTERM: exit 0 (got %s)" % rc)
        check("LeakSanitizer" not in log and "ERROR: AddressSanitizer" not in log and
              "runtime error" not in log, "no sanitizer report: " + log[-3000:])
        check(re.search(r'"PATCH /api/uploads/[0-9a-f]{32} HTTP/1\.1" 204 -$', log, re.M) is not None,
              "CLF logs the PATCHes")
    except Exception as e:
        import traceback
        traceback.print_exc()
        check(False, "raised %r" % e)
    finally:
        if srv and srv.proc.poll() is None:
            srv.proc.kill()
            srv.proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    return qa_test.report()


if __name__ == "__main__":
    sys.exit(main())
