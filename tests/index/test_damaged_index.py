#!/usr/bin/env python3
"""A damaged index (issue #12): `qarchive index` and `qarchive serve` say so
and how to fix it, and neither crashes; `qarchive index --force` rebuilds
it, and a running server picks the rebuilt index up.

usage: test_damaged_index.py QARCHIVE TRANSCRIPTS_DIR LSAN_SUPPRESSIONS

The bundled archive is indexed once; each case then zeroes one 8 KiB block
of a copy of that index's postlist.glass. With Xapian 1.4.22 the two cases
differ in where the damage shows: block 0 after a successful open, at the
first read (where `qarchive index` closed one handle twice: a
use-after-free); block 2 already at the open. Both must give the same
answer. The server is started on a free 127.0.0.1 port and stopped by PID.
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

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qa_test  # noqa: E402
from qa_test import check, free_port  # noqa: E402

QARCHIVE, SOURCE, SUPPRESSIONS = (os.path.abspath(a) for a in sys.argv[1:4])
DAMAGED = "the index is damaged: run `qarchive index --force` to rebuild it"
BLOCK = 8192  # glass's default block size
# A sanitizer report exits with this, so it cannot pass for an expected 2.
SANITIZER_EXIT = 99


def env():
    """Leak checks on, except for what Xapian 1.4.22 itself leaks when a
    metadata key list meets a damaged block (the suppressions file says
    why): our own leaks are still reported."""
    e = qa_test.sanitizer_env(exitcode=SANITIZER_EXIT)
    e["LSAN_OPTIONS"] = ("suppressions=%s:print_suppressions=0:" % SUPPRESSIONS +
                         e.get("LSAN_OPTIONS", "")).rstrip(":")
    return e


def run(*args):
    p = subprocess.run([QARCHIVE] + list(args), capture_output=True, text=True, timeout=300,
                       env=env())
    return p.returncode, p.stdout, p.stderr


def clean(text):
    return ("ERROR: AddressSanitizer" not in text and "LeakSanitizer" not in text and
            "runtime error" not in text)


def damage(archive, pristine, block):
    """Put the pristine index back, then zero one block of its postlist."""
    state = os.path.join(archive, ".qarchive")
    shutil.rmtree(state)
    shutil.copytree(pristine, state)
    gens = [d for d in os.listdir(state) if d.startswith("index-")]
    with open(os.path.join(state, gens[0], "postlist.glass"), "r+b") as f:
        f.seek(block * BLOCK)
        f.write(b"\0" * BLOCK)


class Server:
    def __init__(self, archive, log_path):
        self.port = free_port()
        self.log_path = log_path
        with open(log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [QARCHIVE, "serve", "--archive", archive, "--port", str(self.port),
                 "--threads", "2"], stdout=subprocess.DEVNULL, stderr=log, env=env())

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def wait_for_log(self, text, timeout=120):
        """Waits until the server's log has text (it writes the line once),
        looking again every 50 ms while the server runs. False when the
        server exits first or the line never comes."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log():
                return True
            try:
                self.proc.wait(0.05)
                return text in self.log()  # exited
            except subprocess.TimeoutExpired:
                pass
        return False

    def get(self, path):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            c.request("GET", path)
            r = c.getresponse()
            body = r.read().decode("utf-8", "replace")
            # RFC 9110 §10.2.3: every 503 says when to come back.
            if r.status == 503:
                check(r.getheader("Retry-After", "").isdigit(),
                      "GET %s: the 503 carries Retry-After: %r" % (path, r.getheader("Retry-After")))
            return r.status, body
        finally:
            c.close()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


def check_index(archive, name):
    rc, out, err = run("index", "--archive", archive)
    check(rc == 2 and DAMAGED in err and clean(err),
          "%s: `qarchive index` exits 2 with the advice, no crash: rc=%d %s" % (name, rc, err[-2000:]))
    check(len(err.strip().splitlines()) == 1, "%s: one line: %r" % (name, err))


def check_serve(archive, tmp, name):
    srv = Server(archive, os.path.join(tmp, "serve-%s.log" % name))
    try:
        # The start-up catch-up index meets the damage first: wait for it.
        caught = srv.wait_for_log("index not caught up")
        log = srv.log()
        check(caught and DAMAGED in log, "%s: serve's catch-up reports the damage: %s" % (name, log))
        for path in ["/healthz", "/api/recordings"]:
            st, body = srv.get(path)
            msg = json.loads(body).get("error", "") if body.startswith("{") else body
            check(st == 503 and DAMAGED in msg, "%s: GET %s: 503 with the advice: %d %s" %
                  (name, path, st, body[:300]))
        for path in ["/", "/feed.xml"]:
            st, body = srv.get(path)
            check(st == 503 and "the index is damaged" in body,
                  "%s: GET %s: 503 saying so: %d %s" % (name, path, st, body[:300]))
        # One recording's pages read one key: whether its lookup meets the
        # zeroed block depends on where the B-tree put things (an index
        # with questions-and-answers units is laid out differently from
        # one without). Like a search below: a 503 with the advice when it
        # does, the recording when it does not; never a 500 or a crash.
        for path in ["/api/recordings/2025-03-11-tac-meeting", "/watch/2025-03-11-tac-meeting"]:
            st, body = srv.get(path)
            check((st == 503 and "the index is damaged" in body) or
                  (st == 200 and "TAC Meeting" in body),
                  "%s: GET %s: the recording, or 503 saying so: %d %s" % (name, path, st, body[:300]))
        # A search may not touch the damaged block. When it does, it is a
        # 503 that says how to rebuild, like the routes above.
        st, body = srv.get("/api/search?q=release")
        check(st == 200 or (st == 503 and "the index is damaged" in body),
              "%s: GET /api/search answers: %d %s" % (name, st, body[:300]))

        # Rebuilt while the server runs: the next requests use the new index.
        rc, out, err = run("index", "--archive", archive, "--force")
        check(rc == 0 and "rebuilding it from the archive" in err and "indexed 9," in out
              and clean(err), "%s: `qarchive index --force` rebuilds: rc=%d %s %s" %
              (name, rc, out, err[-2000:]))
        st, body = srv.get("/healthz")
        check(st == 200 and json.loads(body).get("recordings") == 9,
              "%s: after --force the server answers again: %d %s" % (name, st, body[:300]))
        st, body = srv.get("/api/search?q=Blackwell")
        check(st == 200 and json.loads(body).get("total", 0) >= 1,
              "%s: search after --force: %d %s" % (name, st, body[:300]))
    finally:
        rc = srv.stop()
    log = srv.log()
    check(rc == 0 and clean(log), "%s: serve stops cleanly on SIGTERM: rc=%s %s" % (name, rc, log[-3000:]))


def main():
    tmp = tempfile.mkdtemp(prefix="qa_damaged_")
    try:
        archive = os.path.join(tmp, "archive")
        shutil.copytree(SOURCE, archive, ignore=shutil.ignore_patterns(".qarchive"))
        rc, out, err = run("index", "--archive", archive, "--quiet")
        if rc != 0:
            sys.exit("test_damaged_index: index failed: " + out + err)
        pristine = os.path.join(tmp, "pristine")
        shutil.copytree(os.path.join(archive, ".qarchive"), pristine)

        for block, name in [(0, "first-read"), (2, "open")]:
            damage(archive, pristine, block)
            check_index(archive, name)
            # --force on its own, and then an ordinary run: nothing left over.
            rc, out, err = run("index", "--archive", archive, "--force")
            check(rc == 0 and "indexed 9, unchanged 0, removed 0, failed 0" in out and clean(err),
                  "%s: --force rebuilds: rc=%d %s %s" % (name, rc, out, err[-2000:]))
            state = os.path.join(archive, ".qarchive")
            gens = [d for d in os.listdir(state) if d.startswith("index-")]
            check(len(gens) == 1, "%s: the damaged generation is gone: %s" % (name, gens))
            rc, out, err = run("index", "--archive", archive)
            check(rc == 0 and "unchanged 9" in out, "%s: then an ordinary run: %s %s" % (name, out, err))

            damage(archive, pristine, block)
            check_serve(archive, tmp, name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return qa_test.report()


if __name__ == "__main__":
    sys.exit(main())
