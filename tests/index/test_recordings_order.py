#!/usr/bin/env python3
"""Recordings, newest first (issue #12): `qarchive list`, `list --json`,
/api/recordings and the home page list the same recordings in the same
order, the one recordings_list.h documents: date, newest first; on the same
date by title, A to Z ignoring case; then by id.

usage: test_recordings_order.py QARCHIVE

The recordings of one date are made so that each rule decides something:
the title order is not the id order ("alpha sync" has id -b, "Zulu review"
id -a), a lower-case title sorts among capitalized ones, and two recordings
share a title (then the id decides). The server is started on a free
127.0.0.1 port and stopped by PID.
"""
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

# id, date, title; all webinars, so the home page shows them in one group.
RECORDINGS = [
    ("2025-06-01-a", "2025-06-01", "Zulu review"),
    ("2025-06-01-b", "2025-06-01", "alpha sync"),
    ("2025-06-01-d", "2025-06-01", "Mike update"),
    ("2025-06-01-c", "2025-06-01", "Mike update"),
    ("2025-05-01-earlier", "2025-05-01", "Earlier webinar"),
    ("2025-07-01-later", "2025-07-01", "Later webinar"),
]
EXPECTED = ["2025-07-01-later", "2025-06-01-b", "2025-06-01-c", "2025-06-01-d", "2025-06-01-a",
            "2025-05-01-earlier"]
TITLES = {rid: title for rid, _, title in RECORDINGS}


def run(*args):
    p = subprocess.run([QARCHIVE] + list(args), capture_output=True, text=True, timeout=300,
                       env=qa_test.sanitizer_env(exitcode=99))
    return p.returncode, p.stdout, p.stderr


def get(port, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, r.read().decode("utf-8", "replace")
    finally:
        c.close()


def check_server(archive, tmp):
    port = free_port()
    log_path = os.path.join(tmp, "serve.log")
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([QARCHIVE, "serve", "--archive", archive, "--port", str(port),
                                 "--threads", "2"], stdout=subprocess.DEVNULL, stderr=log,
                                env=qa_test.sanitizer_env(exitcode=99))
    try:
        # Serving once the start-up line is logged; the socket is bound by then.
        deadline = time.monotonic() + 60
        up = False
        while not up and proc.poll() is None and time.monotonic() < deadline:
            with open(log_path, encoding="utf-8", errors="replace") as f:
                up = " on http://" in f.read()
            if not up:
                try:
                    proc.wait(0.05)
                except subprocess.TimeoutExpired:
                    pass
        check(up, "serve starts")
        if not up:
            return
        st, body = get(port, "/api/recordings")
        ids = [r["id"] for r in json.loads(body)["recordings"]] if st == 200 else []
        check(ids == EXPECTED, "/api/recordings in the documented order: %s" % ids)
        st, body = get(port, "/")
        hrefs = re.findall(r'<a href="/watch/([^"?#]+)">', body) if st == 200 else []
        check(hrefs == EXPECTED, "home page in the same order: %s" % hrefs)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            rc = proc.wait()
    check(rc == 0, "serve stops on SIGTERM with 0: %s" % rc)


def main():
    tmp = tempfile.mkdtemp(prefix="qa_order_")
    try:
        archive = os.path.join(tmp, "archive")
        for rid, date, title in RECORDINGS:
            qa_test.write(os.path.join(archive, rid, "recording.json"),
                          json.dumps({"title": title, "kind": "webinar", "date": date}))
        rc, out, err = run("index", "--archive", archive, "--quiet")
        if rc != 0:
            sys.exit("test_recordings_order: index failed: " + out + err)

        rc, out, err = run("list", "--json", "--archive", archive)
        ids = [r["id"] for r in json.loads(out)] if rc == 0 else []
        check(ids == EXPECTED, "`list --json` in the documented order: %s %s" % (ids, err))
        rc, out, err = run("list", "--archive", archive)
        titles = [line.split("cues  ", 1)[1] for line in out.splitlines()] if rc == 0 else []
        check(titles == [TITLES[r] for r in EXPECTED], "`list` in the same order: %s %s" % (titles, err))
        check_server(archive, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return qa_test.report()


if __name__ == "__main__":
    sys.exit(main())
