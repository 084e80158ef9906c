#!/usr/bin/env python3
"""Estimated totals change no result (issue 18).

Indexes a copy of the bundled archive and runs every query of the labelled
set (queries.jsonl) twice through `qarchive search --json`: counting every
match (--check-at-least 0: exact totals and facets) and looking at only a
few before Xapian may stop (--check-at-least N, default 5, so that on the
small bundled archive most queries take the estimated path the server takes
past search.h's SEARCH_CHECK_AT_LEAST on a large one). The hits must be
identical: the same recordings in the same order, each with the same moments
(t, start, end, type, snippet). Totals and facets may differ, and must say
so ("total_is_estimate") exactly when they may.

It fails when any query's hits differ, when an exact run says it is an
estimate, or when fewer than a quarter of the queries took the estimated
path (then the comparison would prove little).

usage: compare_estimates.py QARCHIVE [--transcripts DIR] [--queries FILE]
                            [--check N]
Prints "N passed, N failed".
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
MOMENT_KEYS = ("recording", "t", "start", "end", "type", "snippet")


def search(qarchive, archive, query, check):
    p = subprocess.run([qarchive, "search", "--json", "--archive", archive,
                        "--check-at-least", str(check), query],
                       capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        return None, p.stderr.strip() or "exit %d" % p.returncode
    return json.loads(p.stdout), None


def moments(answer):
    return [tuple(h.get(k) for k in MOMENT_KEYS) for h in answer["hits"]]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("qarchive")
    ap.add_argument("--transcripts", default=os.path.join(HERE, "..", "..", "transcripts"))
    ap.add_argument("--queries", default=os.path.join(HERE, "queries.jsonl"))
    ap.add_argument("--check", type=int, default=5)
    args = ap.parse_args()
    qarchive = os.path.abspath(args.qarchive)
    with open(args.queries, encoding="utf-8") as f:
        queries = [json.loads(line) for line in f if line.strip()]

    passed = failed = estimated = counts_differ = 0
    work = tempfile.mkdtemp(prefix="qa-estimates-")
    try:
        archive = os.path.join(work, "archive")
        shutil.copytree(args.transcripts, archive)
        subprocess.run([qarchive, "index", "--archive", archive], check=True,
                       capture_output=True)
        for q in queries:
            exact, err1 = search(qarchive, archive, q["query"], 0)
            rough, err2 = search(qarchive, archive, q["query"], args.check)
            if err1 or err2:
                if err1 == err2:  # a query refused both ways is refused the same
                    passed += 1
                else:
                    failed += 1
                    print("FAIL %s %r: %s / %s" % (q["id"], q["query"], err1, err2))
                continue
            problems = []
            if exact["total_is_estimate"] or exact["facets_are_estimates"]:
                problems.append("the exact run says it is an estimate")
            if moments(exact) != moments(rough):
                problems.append("hits differ:\n  exact %s\n  rough %s"
                                % (moments(exact), moments(rough)))
            if rough["total_is_estimate"]:
                estimated += 1
            elif rough["total"] != exact["total"] or rough["facets"] != exact["facets"]:
                problems.append("total or facets differ but are not marked as estimates")
            counts = [(h["recording_moments"], h["recording_matches"]) for h in exact["hits"]]
            if counts != [(h["recording_moments"], h["recording_matches"])
                          for h in rough["hits"]]:
                counts_differ += 1
            if problems:
                failed += 1
                print("FAIL %s %r: %s" % (q["id"], q["query"], "; ".join(problems)))
            else:
                passed += 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("%d of %d queries took the estimated path (--check-at-least %d); "
          "\"N more moments\" counts differed on %d" % (estimated, len(queries), args.check,
                                                       counts_differ))
    if estimated * 4 < len(queries):
        failed += 1
        print("FAIL: too few queries were estimated for the comparison to prove much")
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
