#!/usr/bin/env python3
"""A running server follows the index without reopening it per request
(issue 18: it reopens only when the index's stamp changed): what
`qarchive index` commits, and the new generation that `qarchive index
--force` publishes, are both searchable at once, on every handle of the
pool; and X-Qarchive-Profile: 1 gets the search's profile as a
Server-Timing header, and a small match set is counted whole.

usage: test_index_swap.py QARCHIVE
The server is started on a free 127.0.0.1 port and stopped by PID.
"""
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qa_test  # noqa: E402
from qa_test import check, free_port  # noqa: E402

QARCHIVE = os.path.abspath(sys.argv[1])
SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "transcripts",
                      "2025-03-11-tac-meeting")
PARTS = ["open", "query", "facets", "summaries", "positions", "snippets", "place", "hits_other",
         "not_found", "search"]


def index(archive, *extra):
    """`qarchive index`, again while the server's start-up catch-up holds
    the writer lock (exit 2, "busy"); returns the last run."""
    deadline = time.monotonic() + 120
    while True:
        p = subprocess.run([QARCHIVE, "index", "--archive", archive] + list(extra),
                           capture_output=True, text=True, timeout=300)
        if p.returncode == 0 or "busy" not in p.stderr or time.monotonic() > deadline:
            return p
        time.sleep(0.1)


def get(port, path, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        c.request("GET", path, headers=headers or {})
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        c.close()


def total(port, word):
    st, _, body = get(port, "/api/search?q=" + urllib.parse.quote(word))
    return json.loads(body)["total"] if st == 200 else None


def add_words(archive, text):
    with open(os.path.join(archive, "2025-03-11-tac-meeting", "notes.md"), "a",
              encoding="utf-8") as f:
        f.write("\n\n%s\n" % text)


def main():
    tmp = tempfile.mkdtemp(prefix="qa-swap-")
    proc = None
    try:
        archive = os.path.join(tmp, "archive")
        shutil.copytree(SOURCE, os.path.join(archive, "2025-03-11-tac-meeting"))
        p = index(archive)
        check(p.returncode == 0, "index: %s" % p.stderr)
        port = free_port()
        log = open(os.path.join(tmp, "serve.log"), "wb")
        proc = subprocess.Popen([QARCHIVE, "serve", "--archive", archive, "--port", str(port),
                                 "--threads", "2"], stdout=subprocess.DEVNULL, stderr=log)
        up = False
        for _ in range(600):  # until /healthz answers (30 s)
            try:
                up = get(port, "/healthz")[0] == 200
            except OSError:
                up = False
            if up or proc.poll() is not None:
                break
            time.sleep(0.05)
        check(up, "the server answers /healthz")
        check(total(port, "zorblatt") == 0, "a word the archive lacks finds nothing")
        # The same handles, many times: nothing changed, nothing to reopen.
        for _ in range(5):
            check(total(port, "agenda") == 1, "a word the archive holds finds it")

        add_words(archive, "zorblatt")
        p = index(archive)
        check(p.returncode == 0, "incremental index: %s" % p.stderr)
        check(total(port, "zorblatt") == 1, "a commit is searchable at once")

        add_words(archive, "quenfrid")
        p = index(archive, "--force")
        check(p.returncode == 0, "index --force: %s" % p.stderr)
        got = [total(port, "quenfrid") for _ in range(4)]  # each of the pool's handles
        check(got == [1, 1, 1, 1], "a new generation is searchable at once: %s" % got)

        st, h, body = get(port, "/api/search?q=agenda", {"X-Qarchive-Profile": "1"})
        timing = h.get("server-timing", "")
        names = [part.split(";")[0].strip() for part in timing.split(",")]
        check(st == 200 and names == PARTS + ["json"],
              "X-Qarchive-Profile: 1 gets Server-Timing with every part: %r" % timing)
        check(all(float(part.partition("dur=")[2] or -1) >= 0 for part in timing.split(",")),
              "each part has a duration: %r" % timing)
        answer = json.loads(body)
        check(answer.get("total_is_estimate") is False and answer.get("facets_are_estimates") is False,
              "a small match set is counted whole: %r" % {k: answer.get(k) for k in (
                  "total_is_estimate", "facets_are_estimates", "facets_counted_over")})
        st, h, _ = get(port, "/search?q=agenda", {"X-Qarchive-Profile": "1"})
        timing = h.get("server-timing", "")
        check(st == 200 and timing.split(",")[-1].strip().startswith("html;dur="),
              "the search page's Server-Timing ends with html: %r" % timing)
        st, h, _ = get(port, "/api/search?q=agenda")
        check(st == 200 and "server-timing" not in h, "no profile unless asked for")
    finally:
        if proc:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    return qa_test.report()


if __name__ == "__main__":
    sys.exit(main())
