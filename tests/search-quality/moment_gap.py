#!/usr/bin/env python3
"""Right recording, wrong moment: for every query of the given categories
(questions by default) whose top hit is the right recording but whose `t`
is outside [answer t - 3 s, answer t + 0.5 s], how far `t` is from the
labelled answer and why.

  SAME-DOC early/late  the top hit's document (passage or unit) holds the
                       answer's cue: the right passage won, `t` was placed
                       elsewhere in it (at its start, on the question
                       before the answer, on a later sentence)
  OTHER-DOC #k         another document of the recording won; the right
                       moment is k-th among the recording's own moments
                       (`--recording`, 30 of them), or absent

For each it prints the top hit's type, t, the document's span, the answer's
t and the distance, and which of the query's content words the answer's
first three cues say against those the winning document's `t` cue says.

usage: moment_gap.py QARCHIVE ARCHIVE [--split tune|heldout|all]
                     [--category C ...] [--json OUT]

ARCHIVE is an indexed copy of transcripts/ (`qarchive index --archive`).
The default split is tune: tune only on tune; the held-out half is for the
report (RESULTS.md), never for choosing.
"""
import argparse
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
EARLY, LATE = 3.0, 0.5
STOP = set("""a about an and are as at be but by can could did do does for from
had has have how i if in into is it its me my of on or our should so that the
their them then there these they this to was we were what when where which who
why will with would you your""".split())


def search(qarchive, archive, query, recording=None):
    cmd = [qarchive, "search", "--json", "--archive", archive]
    if recording:
        cmd += ["--recording", recording, "--limit", "10"]
    p = subprocess.run(cmd + [query], capture_output=True, text=True)
    try:
        return json.loads(p.stdout)["hits"]
    except (ValueError, KeyError):
        return []


def targets(q):
    return [(q["recording"], float(q["t"]))] + [
        (a["recording"], float(a["t"])) for a in q.get("also", [])]


def right(h, q):
    return any(h["recording"] == r and t - EARLY <= h["t"] <= t + LATE for r, t in targets(q))


def stems(text):
    return {w[:5] for w in re.findall(r"[a-z0-9_]+", text.lower()) if w not in STOP}


def cues_of(qarchive, archive, recording, cache={}):
    if recording not in cache:
        folder = os.path.join(archive, recording)
        path = next(os.path.join(folder, n) for n in ("transcript.vtt", "transcript.srt")
                    if os.path.exists(os.path.join(folder, n)))
        p = subprocess.run([qarchive, "cues", path], capture_output=True, text=True, check=True)
        cache[recording] = json.loads(p.stdout)["cues"]
    return cache[recording]


def cue_index(cues, t):
    at = 0
    for k, c in enumerate(cues):
        if c["start"] <= t + 1e-3:
            at = k
    return at


def words_at(cues, t, n=3):
    k = cue_index(cues, t)
    return " ".join(c["plain"] for c in cues[k:k + n])


def span(h):
    start, end = float(h.get("start", 0)), float(h.get("end", 0))
    if h.get("unit"):  # a unit's document: its question and its answer's first cues
        start = h["unit"]["question"]["t"]
        end = max(end, h["unit"]["answer"]["t"])
    return start, end


def holds(h, label):
    start, end = span(h)
    return h.get("type") in ("passage", "unit") and start - 0.01 <= label <= end + 0.01


def classify(qarchive, archive, q, hits):
    top = hits[0]
    label = min((t for r, t in targets(q) if r == top["recording"]),
                key=lambda t: abs(t - top["t"]))
    start, end = span(top)
    unit = top.get("unit")
    same = holds(top, label)
    delta = top["t"] - label
    row = {"id": q["id"], "split": q["split"], "category": q["category"], "query": q["query"],
           "recording": top["recording"], "type": top.get("type"), "t": top["t"],
           "doc": [start, end], "label": label, "delta": round(delta, 2),
           "unit_answer_t": unit["answer"]["t"] if unit else None}
    if same:
        row["kind"] = "SAME-DOC " + ("early" if delta < 0 else "late")
        row["t_is_doc_start"] = abs(top["t"] - float(top.get("start", -1))) < 0.01
    else:
        own = search(qarchive, archive, q["query"], top["recording"])
        rank = next((i + 1 for i, h in enumerate(own) if right(h, q)), None)
        row["kind"] = "OTHER-DOC"
        row["rank_in_recording"] = rank
        row["moments_in_recording"] = len(own)
        # The recording's first document that holds the answer's cue:
        # found with its t elsewhere, or not among its moments at all.
        holder = next(((i + 1, h) for i, h in enumerate(own) if holds(h, label)), None)
        row["holder_rank"] = holder[0] if holder else None
        row["holder_t"] = holder[1]["t"] if holder else None
        row["holder_type"] = holder[1].get("type") if holder else None
    cues = cues_of(qarchive, archive, top["recording"])
    qs = stems(q["query"])
    row["words_at_answer"] = sorted(qs & stems(words_at(cues, label)))
    row["words_at_t"] = sorted(qs & stems(words_at(cues, top["t"])))
    row["words_before_answer"] = sorted(
        qs & stems(" ".join(c["plain"] for c in cues[max(0, cue_index(cues, label) - 3):
                                                          cue_index(cues, label)])))
    return row


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("qarchive")
    ap.add_argument("archive")
    ap.add_argument("--split", default="tune", choices=("tune", "heldout", "all"))
    ap.add_argument("--category", nargs="*", default=["question"])
    ap.add_argument("--json")
    args = ap.parse_args()
    with open(os.path.join(HERE, "queries.jsonl"), encoding="utf-8") as f:
        qs = [json.loads(line) for line in f if line.strip()]
    qs = [q for q in qs if (args.split == "all" or q["split"] == args.split) and
          q["category"] in args.category]
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda q: search(args.qarchive, args.archive, q["query"]), qs))
    rows = []
    for q, hits in zip(qs, answers):
        if not hits or right(hits[0], q) or all(hits[0]["recording"] != r
                                                for r, _ in targets(q)):
            continue
        rows.append(classify(args.qarchive, args.archive, q, hits))
    for r in rows:
        extra = ("t=doc start" if r.get("t_is_doc_start") else "") if "SAME" in r["kind"] else \
            "rank in recording %s/%d; answer's document %s (%s, t=%s)" % (
                r["rank_in_recording"], r["moments_in_recording"], r["holder_rank"],
                r["holder_type"], r["holder_t"])
        print("%s %-7s %-13s %-7s t=%7.1f label=%7.1f delta=%+6.1f doc=[%.1f,%.1f] %s\n"
              "      answer says %s | t says %s | before answer %s\n      %s" % (
                  r["id"], r["split"], r["kind"], r["type"], r["t"], r["label"], r["delta"],
                  r["doc"][0], r["doc"][1], extra, r["words_at_answer"], r["words_at_t"],
                  r["words_before_answer"], r["query"]))
    print("%d queries with the right recording and the wrong moment" % len(rows))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
