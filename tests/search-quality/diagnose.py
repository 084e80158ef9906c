#!/usr/bin/env python3
"""Why the tune half's queries fail: for each query of the given categories
in the tune split (never the held-out one: tune only on tune), the kind of
failure and the first hits.

  OK              the top hit is the right moment
  MOMENT(t wrong) the top hit is the right recording, its t is outside
                  [answer t - 3 s, answer t + 0.5 s]
  RANKED-BELOW    the right recording is among the hits, below another
  ABSENT          the right recording is not among the hits

usage: diagnose.py QARCHIVE ARCHIVE [CATEGORY...|all] [--v] [--out FILE.json]

ARCHIVE is an indexed copy of transcripts/ (`qarchive index --archive`).
--v prints the queries that succeed too; --out writes {id: [moment@1,
recording@1]} to compare two runs query by query.
"""
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))


def run(qarchive, archive, q):
    p = subprocess.run([qarchive, "search", "--json", "--archive", archive, q["query"]],
                       capture_output=True, text=True)
    try:
        return q, json.loads(p.stdout)
    except ValueError:
        return q, None


def targets(q):
    return [(q["recording"], q["t"])] + [(a["recording"], a["t"]) for a in q.get("also", [])]


def right_moment(h, q):
    return any(h["recording"] == r and t - 3 <= h["t"] <= t + 0.5 for r, t in targets(q))


def right_recording(recording, q):
    return any(recording == r for r, _ in targets(q))


def main():
    args = sys.argv[1:]
    out = args[args.index("--out") + 1] if "--out" in args else None
    plain = [a for a in args if not a.startswith("--") and a != out]
    if len(plain) < 2:
        sys.exit(__doc__)
    qarchive, archive, cats = plain[0], plain[1], plain[2:] or ["question"]
    with open(os.path.join(HERE, "queries.jsonl"), encoding="utf-8") as f:
        qs = [json.loads(line) for line in f if line.strip()]
    qs = [q for q in qs if q["split"] == "tune" and (cats == ["all"] or q["category"] in cats)]
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda q: run(qarchive, archive, q), qs))
    m1 = r1 = 0
    scores = {}
    for q, a in answers:
        hits = a["hits"] if a else []
        moment = bool(hits) and right_moment(hits[0], q)
        recording = bool(hits) and right_recording(hits[0]["recording"], q)
        m1, r1 = m1 + moment, r1 + recording
        scores[q["id"]] = [moment, recording]
        if moment and "--v" not in args:
            continue
        recs = list(dict.fromkeys(h["recording"] for h in hits))
        rank = next((i + 1 for i, r in enumerate(recs) if right_recording(r, q)), None)
        kind = ("OK" if moment else "MOMENT(t wrong)" if recording else
                "RANKED-BELOW (recording #%d)" % rank if rank else "ABSENT")
        print("%s %s [%s] %r\n   want %s %.1f | %s\n   not_found=%s match=%s" %
              (q["id"], q["category"], kind, q["query"], q["recording"], q["t"],
               q.get("note", ""), a and a.get("not_found"), a and a.get("match")))
        for h in hits[:4]:
            print("     %s %s t=%.1f %s %s" % ("*" if right_recording(h["recording"], q) else " ",
                                              h["recording"], h["t"], h.get("type"),
                                              h.get("snippet", "")[:100]))
    n = max(len(qs), 1)
    print("tune n=%d moment@1=%d (%.0f%%) recording@1=%d (%.0f%%)" %
          (len(qs), m1, 100 * m1 / n, r1, 100 * r1 / n))
    if out:
        with open(out, "w", encoding="utf-8") as f:
            json.dump(scores, f)


if __name__ == "__main__":
    main()
