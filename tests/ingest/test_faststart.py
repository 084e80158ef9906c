#!/usr/bin/env python3
"""Media whose index (moov) is at the end is made +faststart on the way in,
and an upload without a date takes the media's (#17).

usage: test_faststart.py QARCHIVE WORKDIR

MP4s are made with the ffmpeg CLI at test time (its default puts moov
after mdat). Checked:
  - `qarchive index` over a folder dropped into the archive: moov moves to
    the front, the duration, the streams and the container's tags stay;
    an MP4 that already has moov first is not touched (same inode, same
    bytes); a symlinked media file is not replaced;
  - `qarchive serve`: an upload through /api/recordings and one through
    tus both store moov first; without a date, the recording's date is
    the media's creation_time, or today when it has none;
  - /favicon.ico, and a 304 for a compressed asset's ETag.
The last line is "N passed, N failed".
"""
import base64
import datetime
import http.client
import json
import os
import shutil
import struct
import subprocess
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qa_test  # noqa: E402
from qa_test import check, free_port  # noqa: E402

QARCHIVE = os.path.abspath(sys.argv[1])
WORK = os.path.abspath(sys.argv[2])
NAME = "test_faststart"


def run(*args):
    p = subprocess.run([QARCHIVE] + list(args), capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def boxes(path):
    """The top-level box types of an ISO BMFF file, in order."""
    out = []
    with open(path, "rb") as f:
        data = f.read()
    at = 0
    while at + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[at:at + 8])
        if size == 1:
            size = struct.unpack(">Q", data[at + 8:at + 16])[0]
        elif size == 0:
            size = len(data) - at
        out.append(kind.decode("latin-1"))
        if size < 8:
            break
        at += size
    return out


def moov_first(path):
    b = boxes(path)
    return "moov" in b and "mdat" in b and b.index("moov") < b.index("mdat")


def probe(path):
    r = subprocess.run(["ffprobe", "-v", "error", "-show_entries",
                        "format=duration:format_tags:stream=codec_name", "-of", "json", path],
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        return None
    j = json.loads(r.stdout)
    return {"duration": float(j["format"]["duration"]),
            "codecs": [s["codec_name"] for s in j.get("streams", [])],
            "tags": j["format"].get("tags", {})}


def make_mp4(name, seconds=6, created=None, faststart=False):
    path = os.path.join(WORK, name)
    extra = ["-metadata", "creation_time=" + created] if created else []
    if faststart:
        extra += ["-movflags", "+faststart"]
    qa_test.ffmpeg(NAME, "-f", "lavfi", "-i", "testsrc=size=96x64:rate=10:duration=%d" % seconds,
                   "-f", "lavfi", "-i", "sine=frequency=440:duration=%d" % seconds,
                   "-c:v", "mpeg4", "-c:a", "aac", "-shortest", "-metadata", "title=Boxes talk",
                   *extra, path)
    return path


def recording(archive, rid, media, date="2025-04-01"):
    d = os.path.join(archive, rid)
    os.makedirs(d, exist_ok=True)
    qa_test.write(os.path.join(d, "recording.json"),
                  json.dumps({"title": rid, "kind": "other", "date": date}))
    if media:
        shutil.copy(media, os.path.join(d, "media.mp4"))
    return d


def test_index(archive, late, early):
    """Folders dropped into the archive, then `qarchive index`."""
    d = recording(archive, "2025-04-01-dropped", late)
    e = recording(archive, "2025-04-02-already", early)
    s = recording(archive, "2025-04-03-linked", None)
    os.symlink(late, os.path.join(s, "media.mp4"))
    check(not moov_first(os.path.join(d, "media.mp4")), "ffmpeg's default puts moov last")
    before = probe(late)
    st_early = os.stat(os.path.join(e, "media.mp4"))
    rc, out, err = run("index", "--archive", archive)
    check(rc == 0, "index: %s %s %s" % (rc, out, err))
    m = os.path.join(d, "media.mp4")
    check(moov_first(m), "after qarchive index, moov precedes mdat: %s" % boxes(m))
    after = probe(m)
    check(after is not None and abs(after["duration"] - before["duration"]) < 0.05 and
          after["codecs"] == before["codecs"] and
          after["tags"].get("title") == "Boxes talk",
          "the same media: %s vs %s" % (after, before))
    check("+faststart" in err and "2025-04-01-dropped" in err, "the log says so: %r" % err)
    check(not any(n.startswith(".") for n in os.listdir(d)), "no temp file left: %s" % os.listdir(d))
    st2 = os.stat(os.path.join(e, "media.mp4"))
    check(st2.st_ino == st_early.st_ino and st2.st_mtime_ns == st_early.st_mtime_ns,
          "an MP4 with moov first is left as it is")
    check(os.path.islink(os.path.join(s, "media.mp4")) and not moov_first(late),
          "a symlinked media file is not replaced, nor its target")
    rc, out, err = run("index", "--archive", archive)
    check(rc == 0 and "unchanged 3" in out and "faststart" not in err,
          "a second run finds nothing to do: %s %s" % (out, err))


class Server:
    def __init__(self, archive):
        self.port = free_port()
        self.log = open(os.path.join(WORK, "serve.log"), "wb")
        self.proc = subprocess.Popen([QARCHIVE, "serve", "--archive", archive, "--port",
                                      str(self.port), "--no-pictures"],
                                     stdout=subprocess.DEVNULL, stderr=self.log)
        for _ in range(600):
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        sys.exit(NAME + ": the server did not start")

    def request(self, method, path, headers=None, body=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=60)
        self.log.close()


def tus_upload(srv, token, media, fields):
    meta = ",".join("%s %s" % (k, base64.b64encode(v.encode()).decode()) for k, v in fields.items())
    auth = {"Authorization": "Bearer " + token, "Tus-Resumable": "1.0.0"}
    st, h, body = srv.request("POST", "/api/uploads",
                              dict(auth, **{"Upload-Length": str(len(media)),
                                            "Upload-Metadata": meta}))
    if not check(st == 201, "tus create: %s %s" % (st, body)):
        return None
    st, h, body = srv.request("PATCH", h["location"],
                              dict(auth, **{"Upload-Offset": "0",
                                            "Content-Type": "application/offset+octet-stream"}),
                              media)
    check(st == 204, "tus PATCH: %s %s" % (st, body[:300]))
    return h.get("qarchive-recording-id")


def api_upload(srv, token, media_path, fields):
    with open(media_path, "rb") as f:
        media = f.read()
    body, ctype = qa_test.multipart(list(fields.items()), [("media", "talk.mp4", media)],
                                    "----qa" + uuid.uuid4().hex)
    st, h, data = srv.request("POST", "/api/recordings",
                              {"Content-Type": ctype, "Authorization": "Bearer " + token}, body)
    j = json.loads(data) if data.startswith(b"{") else {}
    check(st == 201, "upload: %s %s" % (st, data[:300]))
    return j.get("id")


def test_server(archive, token, late, dated):
    srv = Server(archive)
    try:
        today = datetime.date.today().isoformat()
        for how, rid in [
            ("/api/recordings, with creation_time",
             api_upload(srv, token, dated, {"title": "Dated talk", "kind": "other"})),
            ("/api/recordings, none",
             api_upload(srv, token, late, {"title": "Undated talk", "kind": "other"})),
            ("tus", tus_upload(srv, token, open(late, "rb").read(),
                               {"title": "Resumed talk", "kind": "other", "filename": "t.mp4"})),
        ]:
            if not check(bool(rid), "%s: an id" % how):
                continue
            m = os.path.join(archive, rid, "media.mp4")
            check(os.path.exists(m) and moov_first(m), "%s: stored with moov first: %s" %
                  (how, boxes(m) if os.path.exists(m) else os.listdir(os.path.join(archive, rid))))
            st, _, data = srv.request("GET", "/api/recordings/" + rid)
            date = json.loads(data).get("date") if st == 200 else None
            want = "2024-03-05" if "creation_time" in how else today
            check(date == want and rid.startswith(want), "%s: the date is %s: %s %s" %
                  (how, want, date, rid))
        left = [n for n in os.listdir(os.path.join(archive, ".qarchive", "uploads", "tmp"))]
        check(left == [], "nothing left in uploads/tmp: %s" % left)

        st, h, body = srv.request("GET", "/favicon.ico")
        check(st == 200 and h.get("content-type", "").startswith("image/svg+xml") and
              b"<svg" in body, "/favicon.ico: %s %s" % (st, h.get("content-type")))
        for enc in ("br", "gzip"):
            st, h, body = srv.request("GET", "/static/style.css", {"Accept-Encoding": enc})
            tag = h.get("etag", "")
            check(st == 200 and h.get("content-encoding") == enc and tag, "%s: 200 %s" % (enc, tag))
            st, h2, body = srv.request("GET", "/static/style.css",
                                       {"Accept-Encoding": enc, "If-None-Match": tag})
            check(st == 304 and body == b"" and h2.get("etag") == tag and
                  "Accept-Encoding" in h2.get("vary", ""),
                  "%s: If-None-Match %s → 304: %s %s" % (enc, tag, st, h2))
            st, h3, body = srv.request("GET", "/static/style.css",
                                       {"Accept-Encoding": "identity", "If-None-Match": tag})
            check(st == 200 and not h3.get("content-encoding"),
                  "%s's ETag does not name the identity: %s" % (enc, st))
    finally:
        srv.stop()


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    late = make_mp4("late.mp4")
    early = make_mp4("early.mp4", faststart=True)
    dated = make_mp4("dated.mp4", created="2024-03-05T12:00:00Z")
    check(moov_first(early) and not moov_first(late), "the inputs: %s %s" % (boxes(early), boxes(late)))
    archive = os.path.join(WORK, "archive")
    os.makedirs(archive)
    test_index(archive, late, early)
    rc, out, err = run("token", "add", "ci", "--archive", archive)
    token = out.strip().split()[-1] if out.strip() else ""
    if not check(rc == 0 and token, "token add: %s %s" % (out, err)):
        return qa_test.report()
    test_server(archive, token, late, dated)
    return qa_test.report()


if __name__ == "__main__":
    sys.exit(main())
