#!/usr/bin/env python3
"""`qarchive serve` stops cleanly on SIGTERM while uploads are arriving.

A body route's handler (an upload's commit) runs on a thread of its own
while its connection is suspended, and libmicrohttpd aborts when it is
stopped with a connection still suspended. So the server must refuse new
handler threads once it is stopping, wait for the running ones, and only
then stop the daemon. Each round starts a server, keeps several clients
POSTing small uploads to /api/recordings (each one a handler thread),
sends SIGTERM once every client has had answers, and checks that the
server exits 0 with no libmicrohttpd panic or sanitizer report.

usage: test_serve_stop.py QARCHIVE [ROUNDS]

Python 3 standard library only. Each server runs on a free 127.0.0.1 port
and is stopped by PID. The last line is "N passed, N failed".
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qa_test  # noqa: E402
from qa_test import check, free_port  # noqa: E402

QARCHIVE = os.path.abspath(sys.argv[1])
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 8
CLIENTS = 8
# What a stop with a suspended connection prints before abort() (MHD's
# default panic handler), and what a sanitizer prints.
BAD_OUTPUT = ("Fatal error in GNU libmicrohttpd", "suspended connections", "AddressSanitizer",
              "LeakSanitizer", "runtime error:")

for hook in ("QARCHIVE_INDEX_PAUSE", "QARCHIVE_INGEST_PAUSE", "QARCHIVE_PAUSE_FLAG"):
    os.environ.pop(hook, None)


def upload_request(port, token, n):
    """One POST /api/recordings whose commit runs on a handler thread and
    refuses it at once (400: an unknown kind), so the archive and the
    index stay as they are and the threads come and go quickly."""
    body, ctype = qa_test.multipart(
        [("title", "Stop test %d" % n), ("kind", "not-a-kind"), ("date", "2026-04-01"),
         ("description", "x" * 2000)], [], "stopTestBoundary%d" % n)
    head = ("POST /api/recordings HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
            "Authorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n"
            "Connection: close\r\n\r\n" % (port, token, ctype, len(body))).encode()
    return head, body


def client(port, token, stop, answers, index):
    """POST uploads one after another until the server goes away (or the
    round ends); counts the answers it gets in answers[index]."""
    n = 0
    while not stop.is_set():
        n += 1
        head, body = upload_request(port, token, index * 100000 + n)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
                # The body in two writes: it is arriving, not there at once.
                s.sendall(head + body[:len(body) // 2])
                s.sendall(body[len(body) // 2:])
                reply = b""
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    reply += chunk
            if reply.startswith(b"HTTP/1.1 "):
                answers[index] += 1
        except OSError:
            if stop.is_set():
                return
            # Refused or reset: the server is stopping (or gone).
            return


def serve(archive, port):
    log = open(os.path.join(archive, "..", "serve-%d.log" % port), "w+b")
    proc = subprocess.Popen([QARCHIVE, "serve", "--archive", archive, "--port", str(port),
                             "--threads", "2"], stdout=subprocess.DEVNULL, stderr=log,
                            env=qa_test.sanitizer_env())
    return proc, log


def wait_for_line(log, proc, text, seconds=60):
    """Wait until the server's stderr holds text (it is listening) or it exits."""
    deadline = threading.Event()
    timer = threading.Timer(seconds, deadline.set)
    timer.start()
    try:
        while not deadline.is_set():
            log.seek(0)
            if text in log.read():
                return True
            if proc.poll() is not None:
                return False
            deadline.wait(0.05)
        return False
    finally:
        timer.cancel()


def one_round(archive, token, r):
    port = free_port()
    proc, log = serve(archive, port)
    try:
        if not check(wait_for_line(log, proc, b" on http://"), "round %d: the server started" % r):
            return
        stop = threading.Event()
        answers = [0] * CLIENTS
        threads = [threading.Thread(target=client, args=(port, token, stop, answers, i))
                   for i in range(CLIENTS)]
        for t in threads:
            t.start()
        # SIGTERM once every client has had an answer: uploads are flowing,
        # and the next ones are arriving while the server stops.
        waited = threading.Event()
        for _ in range(600):
            if all(answers) or not any(t.is_alive() for t in threads):
                break
            waited.wait(0.05)
        check(all(answers), "round %d: every client had an answer before SIGTERM: %s" %
              (r, answers))
        proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            rc = proc.wait()
        stop.set()
        for t in threads:
            t.join(timeout=60)
        log.seek(0)
        err = log.read().decode("utf-8", "replace")
        bad = [b for b in BAD_OUTPUT if b in err]
        check(rc == 0 and not bad,
              "round %d: serve exited 0 on SIGTERM during uploads (rc %s, %s):\n%s" %
              (r, rc, bad, err[-3000:]))
        check("SIGTERM, stopping" in err, "round %d: serve said it was stopping" % r)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()


def main():
    work = tempfile.mkdtemp(prefix="qarchive-stop-")
    try:
        archive = os.path.join(work, "archive")
        os.makedirs(archive)
        p = subprocess.run([QARCHIVE, "token", "add", "ci", "--archive", archive],
                           capture_output=True, text=True, timeout=60)
        token = p.stdout.strip()
        if p.returncode != 0 or not token:
            sys.exit("test_serve_stop: token add failed: %r %r" % (p.stdout, p.stderr))
        for r in range(1, ROUNDS + 1):
            one_round(archive, token, r)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return qa_test.report()


if __name__ == "__main__":
    sys.exit(main())
