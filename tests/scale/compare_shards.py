#!/usr/bin/env python3
"""Shards answer as one combined index does (issue 19).

Indexes a copy of the bundled archive as one index, and again as shards
(`qarchive index --shard-by series`: one index per series of recordings).
The first shard is searched as a local index, the others through
`xapian-tcpsrv` (Xapian's remote backend) on 127.0.0.1, started here on a
free port and stopped by PID. Every query of the labelled set
(tests/search-quality/queries.jsonl) runs through `qarchive search --json`
against the combined index and against the shards (--shard); the answers
must be the same: the hits (recording, t, start, end, type,
recording_moments, recording_matches, unit with its similar questions),
the total and whether it is an estimate, the facets, "match" and what
was shown instead.

Two fields may differ, and are printed apart (NOTE lines; the query
passes on its other fields): a hit's snippet (Xapian 1.4's MSet::snippet
weighs the query's words by each shard's own statistics, not the combined
index's), and the spelling suggestion (Xapian 1.4's spelling over several
databases picks another of two words as near, and its remote backend
serves no spelling data: a remote shard's words are never suggested).
Everything else is compared strictly.

Then `qarchive serve --shard` (the same shards, on a free port, stopped
by PID) answers a few of the queries over HTTP (/api/search) as the
combined index does on the command line.

Prints each difference, then the count of queries that differ, and
"N passed, N failed". SKIP (exit 77) without xapian-tcpsrv.

usage: compare_shards.py QARCHIVE [--transcripts DIR] [--queries FILE]
                         [--shard-by series|year] [--local-only]
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
QUALITY = os.path.join(HERE, "..", "search-quality")
HIT_KEYS = ("recording", "t", "start", "end", "type", "snippet", "recording_moments",
            "recording_matches", "unit")
# May differ over shards (the docstring says why): hit keys, answer keys.
SOFT_HIT_KEYS = ("snippet",)
SOFT_ANSWER_KEYS = ("suggestion",)
ANSWER_KEYS = ("total", "total_is_estimate", "facets", "facets_are_estimates",
               "facets_counted_over", "suggestion", "showing_results_for", "match",
               "not_found")
LISTEN_BOUND_S = 30
SERVE_BOUND_S = 60  # serve is up within this (ASan builds are slow)
SERVE_QUERIES = 12  # of the labelled set, asked through serve


def search(qarchive, where, query):
    p = subprocess.run([qarchive, "search", "--json"] + where + [query],
                       capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        return None, p.stderr.strip() or "exit %d" % p.returncode
    return json.loads(p.stdout), None


def differences(combined, sharded, soft_keys):
    """(strict differences, allowed ones) between two answers."""
    out, soft = [], []
    for k in ANSWER_KEYS:
        if combined.get(k) != sharded.get(k):
            (soft if k in soft_keys else out).append(
                "%s: %s / %s" % (k, json.dumps(combined.get(k)), json.dumps(sharded.get(k))))
    a = [tuple(json.dumps(h.get(k), sort_keys=True) for k in HIT_KEYS)
         for h in combined["hits"]]
    b = [tuple(json.dumps(h.get(k), sort_keys=True) for k in HIT_KEYS)
         for h in sharded["hits"]]
    if len(a) != len(b):
        out.append("%d hits / %d" % (len(a), len(b)))
    for n, (x, y) in enumerate(zip(a, b)):
        for k, u, v in zip(HIT_KEYS, x, y):
            if u != v:
                (soft if k in SOFT_HIT_KEYS else out).append(
                    "hit %d %s: %s / %s" % (n, k, u[:120], v[:120]))
    return out, soft


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TcpServer:
    """xapian-tcpsrv over one shard, up once it says "Listening..." (its
    output is read by a thread, which keeps the pipe drained).

    In a process group of its own: on SIGTERM, xapian-tcpsrv signals its
    whole process group (kill(0, SIGTERM), to take its forked connection
    handlers down), which in ours was this script and ctest itself."""

    def __init__(self, path):
        self.port = free_port()
        self.proc = subprocess.Popen(
            ["xapian-tcpsrv", "--interface", "127.0.0.1", "--port", str(self.port), path],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True)
        self.lines = []
        self.listening = threading.Event()
        threading.Thread(target=self.read, daemon=True).start()
        if not self.listening.wait(LISTEN_BOUND_S) or self.proc.poll() is not None:
            self.stop()
            raise RuntimeError("xapian-tcpsrv did not start: " + "".join(self.lines))

    def read(self):
        for line in self.proc.stdout:
            self.lines.append(line)
            if line.startswith("Listening"):
                self.listening.set()
        self.listening.set()  # it exited: __init__ sees that

    def stop(self):
        """SIGTERM to its group (it and its connection handlers), by PID."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)


def check_serve(qarchive, archive, where, queries, work):
    """`serve --shard` answers as the combined index does: the problems."""
    port = free_port()
    log_path = os.path.join(work, "serve.log")
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([qarchive, "serve", "--archive", archive, "--port", str(port),
                                 "--threads", "2"] + where,
                                stdout=subprocess.DEVNULL, stderr=log)
    problems = []
    try:
        deadline = time.monotonic() + SERVE_BOUND_S
        want = "http://127.0.0.1:%d/" % port
        while want not in open(log_path, encoding="utf-8", errors="replace").read():
            if proc.poll() is not None or time.monotonic() > deadline:
                return ["serve --shard did not start: " + open(log_path).read()[-2000:]]
            time.sleep(0.05)
        for q in queries[:SERVE_QUERIES]:
            combined, err = search(qarchive, ["--archive", archive], q["query"])
            url = want + "api/search?q=" + urllib.parse.quote(q["query"])
            with urllib.request.urlopen(url, timeout=120) as r:
                served = json.loads(r.read())
            strict, _ = differences(combined, served, SOFT_ANSWER_KEYS)
            problems += ["serve %s: %s" % (q["id"], d) for d in strict]
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    return problems


def index(qarchive, archive, extra):
    p = subprocess.run([qarchive, "index", "--quiet", "--archive", archive] + extra,
                       capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("qarchive index %s failed: %s" % (" ".join(extra), p.stderr))
    return p.stdout


def check_shard_upkeep(qarchive, transcripts, work):
    """--shard-by's usage errors, and a second run that follows the archive:
    a recording whose series changed moves to its new shard, one removed
    goes. Returns the problems found."""
    problems = []
    archive = os.path.join(work, "upkeep")
    shutil.copytree(transcripts, archive)
    shards = os.path.join(work, "upkeep-shards")
    for extra in (["--shard-by", "series"], ["--shards", shards],
                  ["--shard-by", "month", "--shards", shards]):
        p = subprocess.run([qarchive, "index", "--quiet", "--archive", archive] + extra,
                           capture_output=True, text=True)
        if p.returncode != 2 or "--shard-by" not in p.stderr:
            problems.append("index %s: exit %d, %r (want 2 naming --shard-by)"
                            % (" ".join(extra), p.returncode, p.stderr.strip()))
    index(qarchive, archive, ["--shard-by", "series", "--shards", shards])
    moved = sorted(r for r in os.listdir(archive) if r.endswith("tac-meeting"))[0]
    gone = sorted(r for r in os.listdir(archive) if r.endswith("webinar"))[0]
    meta_path = os.path.join(archive, moved, "recording.json")
    with open(meta_path, encoding="utf-8") as f:
        meta = json.load(f)
    meta["kind"] = "other"
    with open(meta_path, "w", encoding="utf-8") as f:
        json.dump(meta, f)
    shutil.rmtree(os.path.join(archive, gone))
    index(qarchive, archive, ["--shard-by", "series", "--shards", shards])
    where = {d: sorted(os.listdir(os.path.join(shards, d))) for d in os.listdir(shards)}
    if moved not in where.get("other", []) or moved in where.get("tac-meeting", []):
        problems.append("%s (now kind other) is not only in shard other: %s" % (moved, where))
    if any(gone in names for names in where.values()):
        problems.append("%s (removed) is still linked: %s" % (gone, where))
    for shard, want in (("tac-meeting", 0), ("other", 1)):
        answer, err = search(qarchive, ["--recording", moved, "--shard",
                                        os.path.join(shards, shard, ".qarchive", "index")], "")
        got = answer and answer["total"]
        if err or got != want:
            problems.append("shard %s finds %s %r times (want %d): %s"
                            % (shard, moved, got, want, err))
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("qarchive")
    ap.add_argument("--transcripts", default=os.path.join(HERE, "..", "..", "transcripts"))
    ap.add_argument("--queries", default=os.path.join(QUALITY, "queries.jsonl"))
    ap.add_argument("--shard-by", default="series")
    ap.add_argument("--local-only", action="store_true",
                    help="every shard local (no xapian-tcpsrv)")
    args = ap.parse_args()
    if not args.local_only and not shutil.which("xapian-tcpsrv"):
        print("SKIP: no xapian-tcpsrv (Debian xapian-tools)")
        return 77
    qarchive = os.path.abspath(args.qarchive)
    with open(args.queries, encoding="utf-8") as f:
        queries = [json.loads(line) for line in f if line.strip()]

    work = tempfile.mkdtemp(prefix="qa-shards-")
    server = None
    passed = failed = noted = 0
    try:
        archive = os.path.join(work, "archive")
        shutil.copytree(args.transcripts, archive)
        index(qarchive, archive, [])
        shards_dir = os.path.join(work, "shards")
        index(qarchive, archive, ["--shard-by", args.shard_by, "--shards", shards_dir])
        shards = sorted(os.path.join(shards_dir, d, ".qarchive", "index")
                        for d in os.listdir(shards_dir))
        if len(shards) < 2:
            sys.exit("--shard-by %s made %d shards: the comparison needs two or more"
                     % (args.shard_by, len(shards)))
        where = ["--shard", shards[0]]
        for path in shards[1:]:
            if args.local_only:
                where += ["--shard", path]
                continue
            server = server or []
            server.append(TcpServer(path))
            where += ["--shard", "tcp:127.0.0.1:%d" % server[-1].port]
        print("%d shards: %s" % (len(shards), " ".join(where)))
        for problem in check_shard_upkeep(qarchive, args.transcripts, work):
            failed += 1
            print("FAIL shard upkeep: " + problem)
        for q in queries:
            combined, err1 = search(qarchive, ["--archive", archive], q["query"])
            sharded, err2 = search(qarchive, where, q["query"])
            if err1 or err2:
                problems = [] if err1 == err2 else ["error: %s / %s" % (err1, err2)]
                allowed = []
            else:
                problems, allowed = differences(combined, sharded, SOFT_ANSWER_KEYS)
            if allowed:
                noted += 1
                print("NOTE %s %r (allowed: snippets, spelling):\n  %s"
                      % (q["id"], q["query"], "\n  ".join(allowed)))
            if problems:
                failed += 1
                print("DIFF %s %r:\n  %s" % (q["id"], q["query"], "\n  ".join(problems)))
            else:
                passed += 1
        serve_problems = check_serve(qarchive, archive, where, queries, work)
        for problem in serve_problems:
            print("FAIL " + problem)
        failed += len(serve_problems)
    finally:
        for s in server or []:
            s.stop()
        shutil.rmtree(work, ignore_errors=True)
    print("%d of %d queries answered differently over shards" % (failed, len(queries)))
    print("%d of %d queries differ in the allowed fields only or as well" % (noted, len(queries)))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
