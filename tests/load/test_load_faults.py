#!/usr/bin/env python3
"""Load with faults (issue 16): `qarchive serve` on a copy of the bundled
archive, for a bounded time, under all of these at once:

  - searches at capacity: SEARCHERS client threads, each on one kept-alive
    connection, asking /api/search and /search (the pooled routes) and now
    and then a cheap route (/api/recordings, /watch/<id>, /healthz), with
    no pause between requests but a 503's Retry-After: more than the work
    pool runs and queues;
  - uploads through the API with a staff token (`qarchive token add`):
    multipart POST /api/recordings and tus (/api/uploads), in turn, of
    small recordings spoken by espeak-ng and encoded by ffmpeg before the
    clock starts, each with a transcript holding a word no other has;
  - re-indexing: `qarchive index` in a loop beside the server, with one
    `qarchive index --force` (a full rebuild into a new generation) at
    half time;
  - slow clients: sockets sending a request head one byte at a time, some
    fast enough to finish within the head deadline, some not.

usage: test_load_faults.py QARCHIVE TRANSCRIPTS_DIR WORKDIR
       QA_SOAK_SECONDS=600 (default 60) sets how long the load runs;
       QA_SOAK_UPLOAD_SECONDS (default 1) the least time between uploads.

Asserted at the end: no 5xx but 503 with Retry-After (the work pool's and
the search's "busy", counted apart), no connection errors on the
well-behaved clients, every upload answered 201/204 is in the archive and
found by search (after one last `qarchive index`, since an upload that met
a busy index is acknowledged "not indexed yet"), p99 of the successful
searches under P99_BOUND_S, the server's RSS flat (the last third's median
at most RSS_GROWTH x the first third's + RSS_SLACK_MIB, after a warm-up),
and a clean exit on SIGTERM with no sanitizer report. The summary line
starts "load_faults:"; the last line is "N passed, N failed".
"""
import base64
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qa_test  # noqa: E402
from qa_test import check, free_port  # noqa: E402

QARCHIVE = os.path.abspath(sys.argv[1])
SOURCE = os.path.abspath(sys.argv[2])
WORK = os.path.abspath(sys.argv[3])
SECONDS = int(os.environ.get("QA_SOAK_SECONDS", "60"))

THREADS = 2          # --threads: the CI machine's cores; the work pool is as many
# The work pool runs THREADS searches and queues 8 per thread (work_pool.h):
# 18 in flight. 24 clients keep it full and overflow it now and then.
SEARCHERS = 24
SLOW_FINISHING = 2   # a byte every 0.1 s: the 73-byte head in ~7.5 s, inside the 15 s deadline
SLOW_CUT = 2         # a byte every 1 s: cut at the head deadline (15 s)
HEAD_SECONDS = 15    # server/http/server.c HEAD_SECONDS
# At most one upload a second: ~500 recordings in a 10-minute soak.
# QA_SOAK_UPLOAD_SECONDS=100000 keeps the archive at one upload, to tell
# RSS growth that follows the archive's size from a leak.
UPLOAD_EVERY_S = float(os.environ.get("QA_SOAK_UPLOAD_SECONDS", "1"))
# p99 of successful searches. Under load a search waits behind up to 8
# queued ones on its pool thread, and each runs many times slower than
# alone: 24 client threads, the indexer and the uploads share the two cores
# with the server's. Measured here (tests/RELIABILITY.md), p99 came to 90
# to 250 times the idle median (a search alone, before the clock): 1.7 to
# 3.5 s on an ASan build. The bound is 5 s: a stall (a search held by a
# commit, a wedged pool) passes it, the queue does not. When 150 x the idle
# median alone exceeds it, the machine is too slow for the bound to mean
# anything: the check says SKIP.
P99_BOUND_S = 5.0
P99_SLOWDOWN = 150
# RSS: samples every second after WARMUP_S; the last third's median may
# exceed the first third's by RSS_GROWTH and RSS_SLACK_MIB (the archive
# grows by an upload a second, and Xapian's caches with it; a leak per
# request grows without bound and passes that within a minute).
WARMUP_S = 10
RSS_GROWTH = 1.20
RSS_SLACK_MIB = 16

SEARCH_WORDS = ["weights_only", "set_stance", "Mega Cache", "Blackwell", "safetensors",
                "symmetric memory", "compile", "distributed checkpoint", "masking",
                "graph break", "release", "torch.export", "helion kernel", "CUDA graphs"]

for hook in ("QARCHIVE_INDEX_PAUSE", "QARCHIVE_INGEST_PAUSE", "QARCHIVE_SEARCH_PAUSE_MS",
             "QARCHIVE_PAUSE_FLAG"):
    os.environ.pop(hook, None)


def server_env():
    """The sanitizers' environment, with ASan's quarantine of freed memory
    cut from 256 MiB to 16: it fills over minutes and would read as RSS
    growth; a smaller one still catches a use after free of recent memory."""
    e = qa_test.sanitizer_env()
    e["ASAN_OPTIONS"] = e["ASAN_OPTIONS"] + ":quarantine_size_mb=16"
    return e


def run(*args, timeout=600):
    p = subprocess.run([QARCHIVE, *args], capture_output=True, text=True, timeout=timeout,
                       env=qa_test.sanitizer_env())
    return p.returncode, p.stdout, p.stderr


# ---------------------------------------------------------------- setup

def make_media(n):
    """n short spoken recordings (espeak-ng, then AAC by ffmpeg): the
    media the uploads carry, made before the clock starts."""
    out = []
    for i in range(n):
        wav = os.path.join(WORK, "voice-%d.wav" % i)
        m4a = os.path.join(WORK, "voice-%d.m4a" % i)
        r = subprocess.run(["espeak-ng", "-s", "170", "-w", wav,
                            "load test recording number %d, spoken for the soak" % i],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            sys.exit("test_load_faults: espeak-ng failed: " + r.stderr)
        qa_test.ffmpeg("test_load_faults", "-i", wav, "-c:a", "aac", "-b:a", "32k", m4a)
        with open(m4a, "rb") as f:
            out.append(f.read())
    return out


def setup_archive():
    archive = os.path.join(WORK, "archive")
    shutil.copytree(SOURCE, archive)
    rc, out, err = run("index", "--archive", archive, "--quiet")
    if rc != 0:
        sys.exit("test_load_faults: index failed: %s %s" % (out, err))
    rc, out, err = run("token", "add", "soak", "--archive", archive)
    token = out.strip().split()[-1] if out.strip() else ""
    if rc != 0 or not token:
        sys.exit("test_load_faults: token add failed: %r %r" % (out, err))
    ids = sorted(d for d in os.listdir(archive)
                 if os.path.isfile(os.path.join(archive, d, "recording.json")))
    return archive, token, ids


class Server:
    """`qarchive serve` on a free port, up once its "listening" line is on
    stderr; stopped by PID with SIGTERM."""

    def __init__(self, archive):
        self.port = free_port()
        self.log_path = os.path.join(WORK, "serve.log")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [QARCHIVE, "serve", "--archive", archive, "--port", str(self.port),
             "--threads", str(THREADS)], stdout=subprocess.DEVNULL, stderr=self.log,
            env=server_env())
        want = ":%d/ with" % self.port
        deadline = time.monotonic() + 60
        while want not in self.stderr():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                sys.exit("test_load_faults: the server did not start:\n" + self.stderr())
            time.sleep(0.05)

    def stderr(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def request(self, method, path, headers=None, body=None, timeout=60):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            return r.status, r.msg, r.read()
        finally:
            c.close()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(120)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.log.close()
        log = self.stderr()
        check(rc == 0, "SIGTERM: exit 0 (got %s): %s" % (rc, log[-3000:]))
        check("Sanitizer" not in log and "runtime error" not in log,
              "no sanitizer report: " + log[-3000:])


# ---------------------------------------------------------------- the record

class Record:
    """What every load thread saw, under one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = []          # seconds, successful searches
        self.requests = 0            # answered, any status
        self.statuses = {}           # status -> count
        self.errors = {}             # kind -> count (connection errors, bad 5xx ...)
        self.examples = {}           # kind -> one example, for the failure message
        self.busy_503 = {"work pool": 0, "search busy": 0, "upload busy": 0}
        self.uploads = []            # (recording id, word, how)
        self.upload_refusals = {}    # status -> count (never a 2xx)
        self.index_runs = {"ok": 0, "busy": 0, "force": 0}
        self.slow = {"answered": 0, "cut": 0}
        self.rss_kb = []             # (t, VmRSS kB)

    def error(self, kind, example):
        with self.lock:
            self.errors[kind] = self.errors.get(kind, 0) + 1
            self.examples.setdefault(kind, example)

    def answer(self, status, headers, body, what):
        """Counts an answer; a 5xx other than a 503 with Retry-After is an
        error, and a 503 is filed under what said it."""
        with self.lock:
            self.requests += 1
            self.statuses[status] = self.statuses.get(status, 0) + 1
        if status == 503 and headers.get("Retry-After", "").isdigit():
            text = body.decode("utf-8", "replace")
            kind = ("work pool" if "busy with other searches" in text or "too busy" in text
                    else "upload busy" if what == "upload" else "search busy")
            with self.lock:
                self.busy_503[kind] += 1
        elif status >= 500:
            self.error("%d on %s" % (status, what), body[:300])


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


# ---------------------------------------------------------------- the load

def searcher(srv, rec, stop, ids, seed):
    """One kept-alive connection, requests back to back until stop."""
    rnd = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
    while not stop.is_set():
        roll = rnd.random()
        q = urllib.parse.quote(rnd.choice(SEARCH_WORDS))
        if roll < 0.70:
            path, what = "/api/search?q=" + q, "search"
        elif roll < 0.85:
            path, what = "/search?q=" + q, "search"
        elif roll < 0.92:
            path, what = "/watch/" + rnd.choice(ids), "page"
        elif roll < 0.97:
            path, what = "/api/recordings", "page"
        else:
            path, what = "/healthz", "page"
        t0 = time.monotonic()
        try:
            conn.request("GET", path)
            r = conn.getresponse()
            body = r.read()
        except (OSError, http.client.HTTPException) as e:
            rec.error("connection: %s" % type(e).__name__, "%s: %s" % (path, e))
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
            continue
        dt = time.monotonic() - t0
        rec.answer(r.status, r.msg, body, what)
        if what == "search" and r.status == 200:
            with rec.lock:
                rec.latencies.append(dt)
        elif r.status == 503 and r.msg.get("Retry-After", "").isdigit():
            # A well-behaved client does as it is told: the pool stays
            # full without a loop of refusals inflating the count.
            stop.wait(int(r.msg["Retry-After"]))
        elif r.status not in (200, 503):
            rec.error("%d on %s" % (r.status, what), "%s: %s" % (path, body[:200]))
    conn.close()


def multipart_upload(srv, token, title, word, media):
    vtt = ("WEBVTT\n\n00:00:00.500 --> 00:00:02.500\nthe soak word %s is said here\n" % word)
    body, ctype = qa_test.multipart(
        [("title", title), ("kind", "webinar"), ("date", "2026-03-01")],
        [("media", "talk.m4a", media), ("transcript", "talk.vtt", vtt.encode())],
        "soakBoundary%s" % word)
    st, h, b = srv.request("POST", "/api/recordings",
                           {"Content-Type": ctype, "Authorization": "Bearer " + token}, body,
                           timeout=120)
    rid = ""
    if st == 201:
        try:
            rid = json.loads(b).get("id", "")
        except ValueError:
            pass
    return st, h, b, rid


def b64(s):
    return base64.b64encode(s.encode("utf-8")).decode("ascii")


def tus_upload(srv, token, title, word, media):
    vtt = ("WEBVTT\n\n00:00:00.500 --> 00:00:02.500\nthe soak word %s is said here\n" % word)
    meta = ",".join("%s %s" % (k, b64(v)) for k, v in
                    [("title", title), ("kind", "webinar"), ("date", "2026-03-01"),
                     ("filename", "talk.m4a"), ("transcript", vtt)])
    auth = {"Authorization": "Bearer " + token, "Tus-Resumable": "1.0.0"}
    st, h, b = srv.request("POST", "/api/uploads",
                           dict(auth, **{"Upload-Length": str(len(media)),
                                         "Upload-Metadata": meta}), timeout=120)
    if st != 201:
        return st, h, b, ""
    # Two PATCHes: the first half, then the rest (which commits).
    half = len(media) // 2
    url = h.get("Location", "")
    for offset, chunk in ((0, media[:half]), (half, media[half:])):
        st, h, b = srv.request("PATCH", url,
                               dict(auth, **{"Upload-Offset": str(offset),
                                             "Content-Type": "application/offset+octet-stream"}),
                               chunk, timeout=120)
        if st != 204:
            return st, h, b, ""
    return st, h, b, h.get("Qarchive-Recording-Id", "")


def uploader(srv, rec, stop, token, media):
    n = 0
    next_at = time.monotonic()
    while not stop.is_set():
        # Pacing, not waiting for a signal: the rate of uploads is the load.
        delay = next_at - time.monotonic()
        if delay > 0 and stop.wait(delay):
            break
        next_at = time.monotonic() + UPLOAD_EVERY_S
        n += 1
        word = "soakword" + "".join(chr(ord("a") + (n // 26 ** k) % 26) for k in range(4))
        how = "multipart" if n % 2 else "tus"
        title = "Soak upload %d" % n
        try:
            fn = multipart_upload if how == "multipart" else tus_upload
            st, h, b, rid = fn(srv, token, title, word, media[n % len(media)])
        except (OSError, http.client.HTTPException) as e:
            rec.error("connection: upload %s" % type(e).__name__, str(e))
            continue
        rec.answer(st, h, b, "upload")
        if st in (201, 204) and rid:
            with rec.lock:
                rec.uploads.append((rid, word, how))
        elif st in (201, 204):
            rec.error("upload acknowledged without an id", "%s %s" % (st, b[:200]))
        else:
            with rec.lock:
                rec.upload_refusals[st] = rec.upload_refusals.get(st, 0) + 1
            if st != 503:
                rec.error("upload refused %d" % st, b[:300])


def indexer(archive, rec, stop, force_at):
    """`qarchive index` back to back; once, at force_at, with --force. A
    run that found the index busy (an upload's commit holds the writer
    lock) is the one-writer rule working: counted, not an error."""
    forced = False
    while not stop.is_set():
        force = not forced and time.monotonic() >= force_at
        args = ["index", "--archive", archive, "--quiet"] + (["--force"] if force else [])
        rc, out, err = run(*args)
        if rc == 0:
            with rec.lock:
                rec.index_runs["force" if force else "ok"] += 1
            forced = forced or force
        elif rc == 2 and "busy" in err:
            with rec.lock:
                rec.index_runs["busy"] += 1
        else:
            rec.error("qarchive index%s exit %d" % (" --force" if force else "", rc), err[-500:])
            forced = forced or force


def slow_client(srv, rec, stop, interval):
    """A search's head sent one byte every `interval` s, again and again."""
    head = b"GET /api/search?q=compile HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow\r\n\r\n"
    while not stop.is_set():
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=HEAD_SECONDS + 30)
        t0 = time.monotonic()
        cut = False
        try:
            for i in range(len(head)):
                if stop.wait(interval):
                    break
                s.sendall(head[i:i + 1])
            else:
                got = b""
                while b"\r\n\r\n" not in got:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    got += chunk
                status = got.split(b" ", 2)[1] if got.startswith(b"HTTP/1.1 ") else b"?"
                with rec.lock:
                    rec.slow["answered"] += 1
                if interval * len(head) > HEAD_SECONDS + 5:
                    rec.error("a head slower than the deadline was answered",
                              "after %.1f s: %s" % (time.monotonic() - t0, got[:100]))
                if status not in (b"200", b"503"):
                    rec.error("slow head answered %s" % status.decode(), got[:200])
        except (BrokenPipeError, ConnectionResetError):
            cut = True
        finally:
            s.close()
        if cut:
            with rec.lock:
                rec.slow["cut"] += 1
            if interval * len(head) < HEAD_SECONDS - 3:
                rec.error("a slow head within the deadline was cut",
                          "after %.1f s" % (time.monotonic() - t0))


def rss_sampler(pid, rec, stop, t_start):
    while not stop.wait(1.0):
        try:
            kb = rss_kb(pid)
        except OSError:
            break
        with rec.lock:
            rec.rss_kb.append((time.monotonic() - t_start, kb))


# ---------------------------------------------------------------- checks

def idle_median(srv):
    """The median of 20 searches one at a time, before the load: how fast
    this build on this machine is with nothing else running."""
    times = []
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
    for i in range(20):
        t0 = time.monotonic()
        conn.request("GET", "/api/search?q=" + urllib.parse.quote(SEARCH_WORDS[i % 8]))
        conn.getresponse().read()
        times.append(time.monotonic() - t0)
    conn.close()
    return statistics.median(times)


def percentile(values, p):
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]


def check_uploads(srv, archive, rec):
    """Every acknowledged upload is a recording in the archive that search
    finds by its word, once a last `qarchive index` has caught up."""
    for attempt in range(20):
        rc, out, err = run("index", "--archive", archive, "--quiet")
        if rc == 0 or not (rc == 2 and "busy" in err):
            break
        time.sleep(0.5)
    check(rc == 0, "the last qarchive index: exit 0 (%d %s)" % (rc, err[-500:]))
    missing, unfound = [], []
    for rid, word, how in rec.uploads:
        if not os.path.isfile(os.path.join(archive, rid, "recording.json")):
            missing.append((rid, how))
            continue
        st, _, b = srv.request("GET", "/api/search?q=" + word)
        hits = json.loads(b).get("hits", []) if st == 200 else []
        if not any(h.get("recording") == rid for h in hits):
            unfound.append((rid, word, how, st))
    check(rec.uploads, "some uploads were acknowledged: %s" % rec.upload_refusals)
    check(not missing, "every acknowledged upload is in the archive: missing %s" % missing[:10])
    check(not unfound, "every acknowledged upload is found by search: not found %s" % unfound[:10])


def check_rss(rec):
    samples = [kb for t, kb in rec.rss_kb if t >= WARMUP_S]
    if len(samples) < 9:
        check(False, "RSS: only %d samples after the warm-up" % len(samples))
        return None
    third = len(samples) // 3
    first, last = statistics.median(samples[:third]), statistics.median(samples[-third:])
    bound = first * RSS_GROWTH + RSS_SLACK_MIB * 1024
    check(last <= bound, "RSS flat: last third's median %d kB <= %d kB (first third %d kB)" %
          (last, bound, first))
    return first, last


def main():
    os.makedirs(WORK, exist_ok=True)
    for name in os.listdir(WORK):
        p = os.path.join(WORK, name)
        shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)
    media = make_media(4)
    archive, token, ids = setup_archive()
    srv = Server(archive)
    rec = Record()
    stop = threading.Event()
    try:
        m0 = idle_median(srv)
        t_start = time.monotonic()
        threads = [threading.Thread(target=searcher, args=(srv, rec, stop, ids, i))
                   for i in range(SEARCHERS)]
        threads += [threading.Thread(target=uploader, args=(srv, rec, stop, token, media)),
                    threading.Thread(target=indexer,
                                     args=(archive, rec, stop, t_start + SECONDS / 2)),
                    threading.Thread(target=rss_sampler, args=(srv.proc.pid, rec, stop, t_start))]
        threads += [threading.Thread(target=slow_client, args=(srv, rec, stop, 0.1))
                    for _ in range(SLOW_FINISHING)]
        threads += [threading.Thread(target=slow_client, args=(srv, rec, stop, 1.0))
                    for _ in range(SLOW_CUT)]
        for t in threads:
            t.start()
        stop.wait(SECONDS)
        stop.set()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - t_start

        lat = rec.latencies
        p50, p99 = percentile(lat, 50), percentile(lat, 99)
        peak = max((kb for _, kb in rec.rss_kb), default=0)
        rss = check_rss(rec)
        print("load_faults: %d s, %d requests (%.0f/s), %d searches ok: p50 %.0f ms, p99 %.0f ms "
              "(idle %.0f ms); statuses %s; errors %s; 503 %s; uploads %d ok (%s refused); "
              "index runs %s; slow heads %s; RSS peak %.0f MiB, first/last third %s" %
              (elapsed, rec.requests, rec.requests / elapsed, len(lat), p50 * 1000, p99 * 1000,
               m0 * 1000, dict(sorted(rec.statuses.items())), rec.errors or "none",
               rec.busy_503, len(rec.uploads), rec.upload_refusals or "none", rec.index_runs,
               rec.slow, peak / 1024,
               "%.0f/%.0f MiB" % (rss[0] / 1024, rss[1] / 1024) if rss else "n/a"), flush=True)

        check(not rec.errors, "no errors: %s; examples %s" % (rec.errors, rec.examples))
        check(rec.index_runs["force"] == 1, "one --force rebuild ran: %s" % rec.index_runs)
        check(rec.index_runs["ok"] >= 1, "incremental index runs completed: %s" % rec.index_runs)
        check(rec.slow["cut"] >= 1 or SECONDS < HEAD_SECONDS + 5,
              "the too-slow heads were cut: %s" % rec.slow)
        check(rec.slow["answered"] >= 1, "the slow heads within the deadline answered: %s" %
              rec.slow)
        check(len(lat) >= 100, "searches answered 200: %d" % len(lat))
        if P99_SLOWDOWN * m0 > P99_BOUND_S:
            print("SKIP: p99 %.0f ms not checked: an idle search takes %.0f ms here, so the "
                  "bound of %.0f ms cannot hold under load" %
                  (p99 * 1000, m0 * 1000, P99_BOUND_S * 1000), flush=True)
        else:
            check(p99 <= P99_BOUND_S, "search p99 %.0f ms <= %.0f ms" %
                  (p99 * 1000, P99_BOUND_S * 1000))
        check_uploads(srv, archive, rec)
    finally:
        stop.set()
        srv.stop()
    return qa_test.report()


if __name__ == "__main__":
    sys.exit(main())
