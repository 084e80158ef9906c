#!/usr/bin/env python3
"""Search quality on the labelled query set (queries.jsonl, README.md).

Indexes a copy of the bundled archive, runs every query through
`qarchive search --json`, and scores the answers beside a plain-BM25
baseline computed in the same run: SQLite FTS5 over windows of three
consecutive cues, the OR of the query's words (filters applied as metadata),
the window's first cue as its moment.

Per category and split (tune, heldout) it prints:
  moment@1     the top hit is the right recording and its t lies in
               [answer t - 3 s, answer t + 0.5 s]
  recording@1  the top hit is the right recording
  MRR@10       1 / rank of the first right moment among the first 10 hits

usage: run_quality.py QARCHIVE [--transcripts DIR] [--write RESULTS.md]
                      [--details FILE.json] [--floors floors.json]

--floors: a JSON object {split: {category: {metric: minimum}}}; the run
fails (exit 1) when a figure of ours is below its floor, so ctest keeps
what was won. Without it the run only reports.
"""
import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
EARLY, LATE = 3.0, 0.5  # the moment window around the answer's t
METRICS = ("moment@1", "recording@1", "MRR@10")


def load_queries(path):
    queries = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                q = json.loads(line)
            except ValueError as e:
                sys.exit("%s: line %d: %s" % (path, n, e))
            q["targets"] = [{"recording": q["recording"], "t": float(q["t"])}] + [
                {"recording": a["recording"], "t": float(a["t"])} for a in q.get("also", [])]
            queries.append(q)
    return queries


# ---- scoring ---------------------------------------------------------------

def right_moment(hit, targets):
    return any(hit["recording"] == g["recording"] and
               g["t"] - EARLY <= hit["t"] <= g["t"] + LATE for g in targets)


def score(hits, targets):
    """hits: [{"recording", "t"}] in rank order."""
    top = hits[0] if hits else None
    rr = 0.0
    for rank, h in enumerate(hits[:10], 1):
        if right_moment(h, targets):
            rr = 1.0 / rank
            break
    return {
        "moment@1": 1.0 if top and right_moment(top, targets) else 0.0,
        "recording@1": 1.0 if top and any(top["recording"] == g["recording"]
                                          for g in targets) else 0.0,
        "MRR@10": rr,
    }


# ---- qarchive --------------------------------------------------------------

def qarchive_hits(qarchive, archive, query):
    p = subprocess.run([qarchive, "search", "--json", "--archive", archive, query],
                       capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        return [], (p.stderr.strip() or "exit %d" % p.returncode)
    answer = json.loads(p.stdout)
    return [{"recording": h["recording"], "t": float(h["t"])} for h in answer["hits"]], None


# ---- the baseline: SQLite FTS5, BM25 over 3-cue windows ---------------------

FILTER = re.compile(r'\b(speaker|release|kind|year):("([^"]*)"|(\S+))', re.I)


def split_filters(query):
    filters = {}
    for m in FILTER.finditer(query):
        filters[m.group(1).lower()] = (m.group(3) if m.group(3) is not None
                                       else m.group(4)).lower()
    return filters, FILTER.sub(" ", query)


def baseline_index(qarchive, archive):
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE w USING fts5(text, rec UNINDEXED, t UNINDEXED, "
               "voices UNINDEXED, release UNINDEXED, kind UNINDEXED, year UNINDEXED)")
    for rec in sorted(os.listdir(archive)):
        folder = os.path.join(archive, rec)
        meta_path = os.path.join(folder, "recording.json")
        if not os.path.isfile(meta_path):
            continue
        meta = json.load(open(meta_path, encoding="utf-8"))
        transcript = next((os.path.join(folder, n) for n in ("transcript.vtt", "transcript.srt")
                           if os.path.exists(os.path.join(folder, n))), None)
        if not transcript:
            continue
        p = subprocess.run([qarchive, "cues", transcript], capture_output=True, text=True,
                           check=True)
        cues = json.loads(p.stdout)["cues"]
        for i in range(len(cues)):
            window = cues[i:i + 3]
            db.execute("INSERT INTO w VALUES (?,?,?,?,?,?,?)", (
                " ".join(c["plain"] for c in window), rec, cues[i]["start"],
                "\n".join(c.get("voice") or "" for c in window).lower(),
                (meta.get("release") or "").lower(), meta.get("kind", "").lower(),
                meta.get("date", "")[:4]))
    return db


def baseline_hits(db, query):
    filters, words = split_filters(query)
    tokens = re.findall(r"\w+", words.lower())
    if not tokens:
        return []
    match = " OR ".join('"%s"' % t for t in tokens)
    rows = db.execute("SELECT rec, t, voices, release, kind, year FROM w WHERE w MATCH ? "
                      "ORDER BY bm25(w) LIMIT 500", (match,)).fetchall()
    hits = []
    for rec, t, voices, release, kind, year in rows:
        if "release" in filters and release != filters["release"]:
            continue
        if "kind" in filters and kind != filters["kind"]:
            continue
        if "year" in filters and year != filters["year"]:
            continue
        if "speaker" in filters and filters["speaker"] not in voices:
            continue
        hits.append({"recording": rec, "t": float(t)})
        if len(hits) == 10:
            break
    return hits


# ---- the report ------------------------------------------------------------

def table(results, split):
    rows = [r for r in results if split == "all" or r["split"] == split]
    cats = sorted({r["category"] for r in rows}) + ["all"]
    lines = ["| category | n | moment@1 | recording@1 | MRR@10 | BM25 moment@1 | "
             "BM25 recording@1 | BM25 MRR@10 |", "|---|---|---|---|---|---|---|---|"]
    summary = {}
    for c in cats:
        sel = [r for r in rows if c == "all" or r["category"] == c]
        if not sel:
            continue
        ours = {m: sum(r["ours"][m] for r in sel) / len(sel) for m in METRICS}
        base = {m: sum(r["baseline"][m] for r in sel) / len(sel) for m in METRICS}
        summary[c] = ours
        lines.append("| %s | %d | %s | %s |" % (
            c, len(sel), " | ".join("%.0f%%" % (100 * ours[m]) if m != "MRR@10" else
                                    "%.2f" % ours[m] for m in METRICS),
            " | ".join("%.0f%%" % (100 * base[m]) if m != "MRR@10" else "%.2f" % base[m]
                       for m in METRICS)))
    return "\n".join(lines), summary


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("qarchive")
    ap.add_argument("--transcripts", default=os.path.join(HERE, "..", "..", "transcripts"))
    ap.add_argument("--queries", default=os.path.join(HERE, "queries.jsonl"))
    ap.add_argument("--write")
    ap.add_argument("--details")
    ap.add_argument("--floors")
    args = ap.parse_args()
    qarchive = os.path.abspath(args.qarchive)
    queries = load_queries(args.queries)

    work = tempfile.mkdtemp(prefix="qa-quality-")
    try:
        archive = os.path.join(work, "archive")
        shutil.copytree(args.transcripts, archive)
        subprocess.run([qarchive, "index", "--archive", archive], check=True,
                       capture_output=True)
        db = baseline_index(qarchive, archive)
        results = []
        for q in queries:
            ours, error = qarchive_hits(qarchive, archive, q["query"])
            base = baseline_hits(db, q["query"])
            results.append({"id": q["id"], "split": q["split"], "category": q["category"],
                            "query": q["query"], "error": error,
                            "top": ours[0] if ours else None,
                            "ours": score(ours, q["targets"]),
                            "baseline": score(base, q["targets"])})
    finally:
        shutil.rmtree(work)

    report = ["Search quality on %s (%d queries)." % (os.path.basename(args.queries),
                                                      len(queries)), ""]
    summaries = {}
    for split in ("tune", "heldout", "all"):
        text, summaries[split] = table(results, split)
        report += ["### %s" % split, "", text, ""]
    print("\n".join(report))
    if args.write:
        with open(args.write, "w", encoding="utf-8") as f:
            f.write("\n".join(report))
    if args.details:
        with open(args.details, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=1)

    failed = 0
    if args.floors:
        floors = json.load(open(args.floors, encoding="utf-8"))
        for split, cats in floors.items():
            for cat, metrics in cats.items():
                for metric, minimum in metrics.items():
                    got = summaries.get(split, {}).get(cat, {}).get(metric)
                    if got is None or got + 1e-9 < minimum:
                        failed += 1
                        print("FAIL: %s %s %s = %s, floor %.2f" % (split, cat, metric, got,
                                                                    minimum))
    errors = [r for r in results if r["error"]]
    for r in errors:
        print("note: %s %r: %s" % (r["id"], r["query"], r["error"]))
    print("%d passed, %d failed" % (1 if not failed else 0, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
