#!/usr/bin/env python3
"""A full disk and a read-only archive under a running server (issue #16).

usage: test_disk_faults.py QARCHIVE WORKDIR

The archive lives on a small tmpfs mounted for the test (this needs root;
without it the test prints SKIP and counts nothing). With the disk filled,
and then with the file system remounted read-only: an upload (POST
/api/recordings, a tus creation) and `qarchive add` fail with a clear
message, never a crash; what was there stays; reads (the list, search,
media) are still served; once there is room again the same upload works,
and crash_lib.verify_archive finds the archive and its index consistent.
The last line is "N passed, N failed".
"""
import errno
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crash_lib as cl  # noqa: E402
import qa_test  # noqa: E402
from qa_test import check  # noqa: E402


def mount_tmpfs(where, mib):
    os.makedirs(where, exist_ok=True)
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%dm" % mib, "tmpfs", where],
                       capture_output=True, text=True)
    return p.returncode == 0


def umount(where):
    subprocess.run(["umount", "-l", where], capture_output=True)


def fill(mount):
    """Write a file until the file system is full."""
    with open(os.path.join(mount, "filler"), "wb") as f:
        block = b"\0" * (1 << 16)
        try:
            while True:
                f.write(block)
                f.flush()
        except OSError as e:
            if e.errno != errno.ENOSPC:
                raise
    # Small writes too, down to the last byte's block.
    with open(os.path.join(mount, "filler2"), "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 512)
        except OSError as e:
            if e.errno != errno.ENOSPC:
                raise


def upload(srv, title):
    fields = [("title", title), ("kind", "other"), ("date", "2026-07-01")]
    files = [("media", "talk.m4a", open(cl.path("talk.m4a"), "rb").read()),
             ("transcript", "talk.vtt", cl.TRANSCRIPT.encode())]
    body, ctype = qa_test.multipart(fields, files, "faultBoundary42")
    st, h, b = srv.request("POST", "/api/recordings", {
        "Authorization": "Bearer " + cl.TOKEN, "Content-Type": ctype}, body)
    try:
        return st, json.loads(b)
    except ValueError:
        return st, b[:300]


def reads_served(srv, what):
    st, h, b = srv.request("GET", "/api/recordings")
    ids = [r.get("id") for r in json.loads(b)["recordings"]] if st == 200 else []
    check(st == 200 and "2025-01-10-seed" in ids, "%s: /api/recordings is served: %s %s" %
          (what, st, ids))
    st, h, b = srv.request("GET", "/api/search?q=" + urllib.parse.quote("lighthouses"))
    hits = json.loads(b).get("hits", []) if st == 200 else []
    check(st == 200 and hits, "%s: search is served: %s" % (what, st))
    st, h, b = srv.request("GET", "/watch/2025-01-10-seed")
    check(st == 200, "%s: a page is served: %s" % (what, st))


def refused_clearly(st, body, what, words, status, mnt):
    """A full disk is 507 (RFC 4918: the same request may work later), a
    read-only archive 503; either way the reason is named and no path of
    the server's is shown to the client (paths go to the server's log)."""
    msg = body.get("error", "") if isinstance(body, dict) else str(body)
    print("test_disk_faults: %s: %s %s" % (what, st, msg), flush=True)
    check(st == status and any(w in msg for w in words),
          "%s: a clear error: %s %s (want %d)" % (what, st, msg, status))
    check(mnt not in msg and "/archive" not in msg,
          "%s: no server path in the answer: %s" % (what, msg))


def test_disk_full(base):
    mnt = cl.path("full")
    if not mount_tmpfs(mnt, 24):
        print("SKIP: disk full: cannot mount a tmpfs (needs root)")
        return
    try:
        a = os.path.join(mnt, "archive")
        shutil.copytree(base, a, symlinks=True)
        srv = cl.Server(a, log_name="full.log")
        try:
            fill(mnt)
            reads_served(srv, "disk full")
            st, body = upload(srv, "No room")
            refused_clearly(st, body, "disk full: POST /api/recordings", ("space",), 507, mnt)
            st, h, b = srv.request("POST", "/api/uploads", {
                "Authorization": "Bearer " + cl.TOKEN, "Tus-Resumable": "1.0.0",
                "Upload-Length": "100",
                "Upload-Metadata": "title %s,kind %s,date %s" % (
                    cl.b64("No room"), cl.b64("other"), cl.b64("2026-07-01"))})
            refused_clearly(st, json.loads(b) if b else {}, "disk full: tus creation",
                            ("space",), 507, mnt)
            rc, out, err = cl.run("add", "--archive", a, "--title", "No room", "--kind",
                                  "other", "--date", "2026-07-01", "--transcript",
                                  cl.path("talk.vtt"))
            check(rc == 2 and "space" in err, "disk full: qarchive add: rc %s %s" %
                  (rc, err.strip()[-200:]))
            reads_served(srv, "disk full, after the failed writes")
            os.remove(os.path.join(mnt, "filler"))
            os.remove(os.path.join(mnt, "filler2"))
            st, body = upload(srv, "Room again")
            check(st == 201, "room again: the upload works: %s %s" % (st, body))
        finally:
            check(srv.stop() == 0, "disk full: the server stopped cleanly")
        cl.verify_archive(a, "after a full disk", present=["2025-01-10-seed"],
                          titles={"No room": 0, "Room again": 1})
    finally:
        umount(mnt)


def test_read_only(base):
    mnt = cl.path("ro")
    if not mount_tmpfs(mnt, 24):
        print("SKIP: read-only archive: cannot mount a tmpfs (needs root)")
        return
    try:
        a = os.path.join(mnt, "archive")
        shutil.copytree(base, a, symlinks=True)
        srv = cl.Server(a, log_name="ro.log")
        try:
            p = subprocess.run(["mount", "-o", "remount,ro", mnt], capture_output=True,
                               text=True)
            check(p.returncode == 0, "remounted read-only: %s" % p.stderr)
            reads_served(srv, "read-only")
            st, body = upload(srv, "Read only")
            refused_clearly(st, body, "read-only: POST /api/recordings", ("Read-only",), 503,
                            mnt)
            st, h, b = srv.request("POST", "/api/uploads", {
                "Authorization": "Bearer " + cl.TOKEN, "Tus-Resumable": "1.0.0",
                "Upload-Length": "100",
                "Upload-Metadata": "title %s,kind %s,date %s" % (
                    cl.b64("Read only"), cl.b64("other"), cl.b64("2026-07-01"))})
            refused_clearly(st, json.loads(b) if b else {}, "read-only: tus creation",
                            ("Read-only",), 503, mnt)
            check(h.get("retry-after"), "read-only: tus creation: Retry-After with the 503")
            rc, out, err = cl.run("add", "--archive", a, "--title", "Read only", "--kind",
                                  "other", "--date", "2026-07-01", "--transcript",
                                  cl.path("talk.vtt"))
            check(rc == 2 and "Read-only" in err, "read-only: qarchive add: rc %s %s" %
                  (rc, err.strip()[-200:]))
            reads_served(srv, "read-only, after the failed writes")
        finally:
            check(srv.stop() == 0, "read-only: the server stopped cleanly")
        subprocess.run(["mount", "-o", "remount,rw", mnt], capture_output=True)
        cl.verify_archive(a, "after read-only", present=["2025-01-10-seed"],
                          titles={"Read only": 0})
    finally:
        umount(mnt)


def main():
    qarchive, work = os.path.abspath(sys.argv[1]), sys.argv[2]
    if not shutil.which("ffmpeg"):
        print("test_disk_faults: SKIP: ffmpeg is required")
        return 0
    os.makedirs(work, exist_ok=True)
    work = tempfile.mkdtemp(prefix="faults-", dir=work)
    try:
        base = cl.setup(qarchive, work)
        test_disk_full(base)
        test_read_only(base)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return qa_test.report()


if __name__ == "__main__":
    sys.exit(main())
