#!/usr/bin/env python3
"""How many units have similar ones, and whether "similar" is symmetric.

Indexes a copy of the bundled archive, serves it, and reads every
recording's units (/api/recordings/<id>: "questions", each with its
"similar", similar_units.h). Prints how many units of each kind list at
least one similar unit, and the pairs where A lists B but B, with room in
its list (fewer than SIMILAR_UNITS_MAX), does not list A.

    python3 tests/qa-units/similar_coverage.py BUILD/qarchive
        [--archive transcripts] [--symmetric] [--details]

With --symmetric, exits 1 when such a one-way pair exists.
tests/QA_UNITS.md records the figures.
"""
import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

SIMILAR_UNITS_MAX = 3  # similar_units.h


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("GET", path)
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, body


def units_of(qarchive, archive):
    """{(recording, t): unit} for every unit the server lists."""
    port = free_port()
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([qarchive, "serve", "--archive", archive, "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=log)
    try:
        deadline = time.time() + 60
        while True:
            try:
                if get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline or proc.poll() is not None:
                log.seek(0)
                sys.exit("server did not start: " + log.read().decode(errors="replace"))
            time.sleep(0.1)
        st, body = get(port, "/api/recordings")
        listing = json.loads(body)
        recs = listing["recordings"] if isinstance(listing, dict) else listing
        out = {}
        for r in recs:
            st, body = get(port, "/api/recordings/" + r["id"])
            if st != 200:
                sys.exit("/api/recordings/%s: %s" % (r["id"], st))
            for q in json.loads(body).get("questions") or []:
                out[(r["id"], q["t"])] = q
        return out
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("qarchive")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--archive", default=os.path.join(here, "..", "..", "transcripts"))
    ap.add_argument("--symmetric", action="store_true")
    ap.add_argument("--details", action="store_true")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        archive = os.path.join(tmp, "archive")
        shutil.copytree(a.archive, archive)
        subprocess.run([a.qarchive, "index", "--quiet", "--archive", archive], check=True)
        units = units_of(a.qarchive, archive)
    kinds = {}
    one_way = []
    for key, u in sorted(units.items()):
        kind = u.get("kind", "question")
        total, with_similar = kinds.get(kind, (0, 0))
        kinds[kind] = (total + 1, with_similar + (1 if u["similar"] else 0))
        for s in u["similar"]:
            other = units.get((s["recording"], s["t"]))
            back = other and any((o["recording"], o["t"]) == key for o in other["similar"])
            if other and not back and len(other["similar"]) < SIMILAR_UNITS_MAX:
                one_way.append((key, (s["recording"], s["t"])))
    for kind, (total, with_similar) in sorted(kinds.items()):
        print("%-8s units: %3d, with similar ones: %3d" % (kind, total, with_similar))
    print("one-way pairs (B has room but does not list A): %d" % len(one_way))
    if a.details:
        for (ar, at), (br, bt) in one_way:
            print("  %s@%g -> %s@%g: %s | %s" % (ar, at, br, bt, units[(ar, at)]["text"][:60],
                                               units[(br, bt)]["text"][:60]))
    return 1 if a.symmetric and one_way else 0


if __name__ == "__main__":
    sys.exit(main())
