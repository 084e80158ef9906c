#!/usr/bin/env python3
"""`qarchive cues` prints the same document wherever stdout goes (issue 18).

    test_cues_output.py QARCHIVE

The JSON is spooled in memory up to 4 MiB, then into stdout itself when it
is a regular file written at its end (cut back if the file is rejected or
turns out to be roll-up captions), else into a temporary file copied out at
the end (cli/cue_spool.h). Each generated transcript, small and past 4 MiB
of JSON (valid WebVTT, SRT rejected near its end, roll-up captions), runs
with stdout a pipe, a new file, a file holding bytes before ours, and a
file opened for appending: the exit status, stderr and the bytes after
any earlier ones must be the same every time, and the document must read
as the JSON the transcript makes. Prints "N passed, M failed".
"""

import json
import os
import subprocess
import sys
import tempfile

TIMEOUT = 120  # seconds; ASan builds parse a few MB slowly


def webvtt(cues):
    out = ["WEBVTT", ""]
    for i in range(cues):
        ms = i * 2000
        out += [f"{ts(ms)} --> {ts(ms + 1500)} align:start",
                f"<v Speaker {i % 3}>We measured &amp; wrote \"cue {i}\",",
                "and the\ttab stays.</v>", ""]
    return "\n".join(out)


def ts(ms, sep="."):
    return f"{ms // 3600000:02}:{ms // 60000 % 60:02}:{ms // 1000 % 60:02}{sep}{ms % 1000:03}"


def srt_rejected(cues):
    out = []
    for i in range(cues):
        ms = i * 2000
        out += [str(i + 1), f"{ts(ms, ',')} --> {ts(ms + 1500, ',')}", f"Cue {i} of ours.", ""]
    out += [str(cues + 1), "00:00:01,000 -> 00:00:02,000", "A timing line gone wrong.", ""]
    return "\n".join(out)


def rolling(lines):
    """YouTube's roll-up captions: each cue the line before and a new one
    with word times, then a hold cue of the new line alone."""
    out = ["WEBVTT", "Kind: captions", "Language: en", ""]
    before = ""
    for i in range(lines):
        ms = i * 3000
        said = f"line {i} alpha beta"
        out += [f"{ts(ms)} --> {ts(ms + 2990)} align:start position:0%",
                before if before else " ",
                f"line {i} alpha<{ts(ms + 500)}><c> beta</c>", "",
                f"{ts(ms + 2990)} --> {ts(ms + 3000)} align:start position:0%",
                said, " ", ""]
        before = said
    return "\n".join(out)


def run_to(qarchive, path, how, tmp):
    """Run `qarchive cues path` with stdout as `how` says; returns (status,
    stderr, the bytes after any written before, the bytes written before)."""
    before = b""
    if how == "pipe":
        p = subprocess.run([qarchive, "cues", path], capture_output=True, timeout=TIMEOUT)
        return p.returncode, p.stderr, p.stdout, before
    out_path = os.path.join(tmp, "out.json")
    if how in ("after bytes", "append"):
        before = b"earlier output\n"
    with open(out_path, "wb") as f:
        f.write(before)
    with open(out_path, "ab" if how == "append" else "r+b") as f:
        f.seek(0, os.SEEK_END)
        p = subprocess.run([qarchive, "cues", path], stdout=f, stderr=subprocess.PIPE,
                           timeout=TIMEOUT)
    with open(out_path, "rb") as f:
        data = f.read()
    return p.returncode, p.stderr, data[len(before):], data[:len(before)]


def check_case(qarchive, tmp, name, text, status, cues, large):
    path = os.path.join(tmp, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    problems = []
    first = None
    for how in ("pipe", "new file", "after bytes", "append"):
        rc, err, doc, before = run_to(qarchive, path, how, tmp)
        if before not in (b"", b"earlier output\n"):
            problems.append(f"{how}: the bytes before ours changed")
        if first is None:
            first = (rc, err, doc)
            try:
                got = json.loads(doc)
            except ValueError as e:
                problems.append(f"{how}: not JSON ({e})")
                continue
            if rc != status or got["valid"] != (status == 0) or len(got["cues"]) != cues:
                problems.append(f"{how}: exit {rc}, valid {got['valid']}, "
                                f"{len(got['cues'])} cues; expected exit {status}, {cues} cues")
            if large and len(doc) <= 4 << 20:
                problems.append(f"only {len(doc)} bytes of JSON: not past the 4 MiB in memory")
        elif (rc, err, doc) != first:
            problems.append(f"{how}: exit {rc}, {len(doc)} bytes, stderr {err[:80]!r} differ "
                            f"from the pipe's exit {first[0]}, {len(first[2])} bytes")
    return problems


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    qarchive = os.path.abspath(sys.argv[1])
    cases = [
        ("small.vtt", webvtt(20), 0, 20, False),
        ("large.vtt", webvtt(12000), 0, 12000, True),
        ("small-rejected.srt", srt_rejected(20), 1, 0, False),
        ("large-rejected.srt", srt_rejected(40000), 1, 0, False),
        ("small-rolling.vtt", rolling(20), 0, 20, False),
        ("large-rolling.vtt", rolling(16000), 0, 16000, True),
    ]
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, text, status, cues, large in cases:
            problems = check_case(qarchive, tmp, name, text, status, cues, large)
            if problems:
                failed += 1
                print(f"FAIL {name}: " + "; ".join(problems))
            else:
                passed += 1
                print(f"ok   {name}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
