#!/usr/bin/env python3
"""A 1 GB upload through tus: the server's memory must not grow with it.

usage: test_upload_big.py QARCHIVE WORKDIR

Makes ~1 GB of media with ffmpeg (93 minutes of stereo 48 kHz 16-bit
noise as WAV: it probes as a recording and takes seconds to write),
starts `qarchive serve` on a free 127.0.0.1 port, warms it up with a small
upload (so code paths and caches are in), reads its peak RSS (VmHWM in
/proc/PID/status), sends the big file as one tus PATCH streamed from disk,
and reads the peak again: it must stay within 64 MB of the first reading.
The figures are printed. Everything it made is removed at the end, the
server stopped by PID. The last line is "N passed, N failed".
"""
import base64
import hashlib
import http.client
import json
import os
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
GROWTH_LIMIT = 64 << 20


def run(*args):
    p = subprocess.run([QARCHIVE] + list(args), capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def ffmpeg(*args):
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y", *args]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        sys.exit("test_upload_big: ffmpeg failed: %s\n%s" % (" ".join(cmd), r.stderr))


def peak_rss(pid):
    """VmHWM: the most resident memory the process has had, in bytes."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM for %d" % pid)


def b64(s):
    return base64.b64encode(s.encode()).decode()


def request(port, method, path, headers, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data
    finally:
        c.close()


def tus_upload(port, token, path, title):
    """Create an upload and send the file in one PATCH, streamed in 1 MiB
    blocks. Returns (status, headers, body, seconds) of the PATCH."""
    size = os.path.getsize(path)
    auth = {"Authorization": "Bearer " + token, "Tus-Resumable": "1.0.0"}
    meta = "title %s,kind %s,date %s,filename %s" % (b64(title), b64("other"), b64("2025-12-24"),
                                                    b64(os.path.basename(path)))
    st, h, body = request(port, "POST", "/api/uploads",
                          dict(auth, **{"Upload-Length": str(size), "Upload-Metadata": meta}))
    if st != 201:
        return st, h, body, 0
    t0 = time.time()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        c.putrequest("PATCH", h["location"])
        for k, v in dict(auth, **{"Upload-Offset": "0", "Content-Length": str(size),
                                  "Content-Type": "application/offset+octet-stream"}).items():
            c.putheader(k, v)
        c.endheaders()
        with open(path, "rb") as f:
            while True:
                block = f.read(1 << 20)
                if not block:
                    break
                c.sock.sendall(block)
        r = c.getresponse()
        body = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, body, time.time() - t0
    finally:
        c.close()


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            block = f.read(1 << 22)
            if not block:
                return h.hexdigest()
            h.update(block)


def main():
    os.makedirs(WORK, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="qa_upload_big_", dir=WORK)
    archive = os.path.join(tmp, "archive")
    proc = None
    try:
        os.makedirs(os.path.join(archive, "2025-01-10-first"))
        with open(os.path.join(archive, "2025-01-10-first", "recording.json"), "w") as f:
            json.dump({"title": "First", "kind": "other", "date": "2025-01-10"}, f)
        rc, out, err = run("index", "--archive", archive)
        check(rc == 0, "index: " + err)
        rc, token, err = run("token", "add", "big", "--archive", archive)
        token = token.strip()
        check(rc == 0 and token.startswith("qat_"), "token add: " + err)

        small = os.path.join(tmp, "small.wav")
        big = os.path.join(tmp, "big.wav")
        ffmpeg("-f", "lavfi", "-i", "anoisesrc=r=48000:d=5", "-ac", "2", "-c:a", "pcm_s16le", small)
        t0 = time.time()
        ffmpeg("-f", "lavfi", "-i", "anoisesrc=r=48000:d=5580", "-ac", "2", "-c:a", "pcm_s16le", big)
        size = os.path.getsize(big)
        print("made %.2f GB of WAV in %.1f s" % (size / 1e9, time.time() - t0), flush=True)
        check(size > 1_000_000_000, "the media is over 1 GB: %d" % size)
        digest = sha256(big)

        port = free_port()
        log_path = os.path.join(tmp, "serve.log")
        log = open(log_path, "wb")
        proc = subprocess.Popen([QARCHIVE, "serve", "--archive", archive, "--port", str(port),
                                 "--threads", "2"], stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if request(port, "GET", "/healthz", {})[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)

        st, h, body, _ = tus_upload(port, token, small, "Warm-up")
        check(st == 204 and h.get("qarchive-recording-id"), "the warm-up upload: %s %s" % (st, body[:300]))
        before = peak_rss(proc.pid)
        st, h, body, seconds = tus_upload(port, token, big, "A long noise")
        after = peak_rss(proc.pid)
        rid = h.get("qarchive-recording-id", "")
        check(st == 204 and rid, "the 1 GB upload: %s %s" % (st, body[:300]))
        print("tus, %.2f GB in one PATCH in %.1f s (%.0f MB/s): peak RSS %.1f MB before, %.1f MB after "
              "(+%.1f MB)" % (size / 1e9, seconds, size / 1e6 / max(seconds, 1e-3), before / 1e6,
                              after / 1e6, (after - before) / 1e6), flush=True)
        check(after - before < GROWTH_LIMIT, "peak RSS grew by %.1f MB (limit %d MB)"
              % ((after - before) / 1e6, GROWTH_LIMIT >> 20))
        stored = [os.path.join(archive, rid, n) for n in os.listdir(os.path.join(archive, rid))
                  if n.startswith("media.")] if rid else []
        check(len(stored) == 1 and os.path.getsize(stored[0]) == size and sha256(stored[0]) == digest,
              "the stored media is the file: %s" % stored)
        left = os.listdir(os.path.join(archive, ".qarchive", "uploads", "tus"))
        check(not [n for n in left if n.endswith(".data")], "no data file is left: %s" % left)

        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(120)
        log.close()
        text = open(log_path, encoding="utf-8", errors="replace").read()
        check(rc == 0, "SIGTERM: exit 0 (got %s)" % rc)
        check("ERROR: AddressSanitizer" not in text and "LeakSanitizer" not in text and
              "runtime error" not in text, "no sanitizer report: " + text[-2000:])
    finally:
        if proc and proc.poll() is None:
            proc.kill()
            proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    return qa_test.report()


if __name__ == "__main__":
    sys.exit(main())
