#!/usr/bin/env python3
"""Golden tests for the qarchive command line (Python 3 standard library only).

    run_cli_tests.py QARCHIVE CASES_DIR [--update] [--verbose]

Golden cases: every input file in CASES_DIR (any name not ending in
.expected.json or .args) is run as `qarchive agenda FILE` when it ends in .md,
otherwise as `qarchive cues [ARGS...] FILE`, where ARGS are the lines of an
optional NAME.args file beside it. Its stdout, with the case's path replaced by
$CASE and the folder by $CASES, must equal NAME.expected.json byte for byte,
and the exit status must follow from that JSON: 0 when "valid" is true, 1 when
it is false. A rejected case must also say why on stderr, with the same
"line N" as its JSON error.

Then fixed checks of the commands themselves: help, usage errors, unreadable
files (exit 2), unknown commands (exit 2), unknown content (exit 1).

--update rewrites the expected files from the current output (review the diff).
Prints one line per failure and, last, "N passed, M failed"; exits 0 only when
M is 0.
"""

import difflib
import json
import os
import re
import subprocess
import sys
import tempfile

TIMEOUT = 20  # seconds per run; ASan builds are slow to start


class Result:
    def __init__(self, verbose):
        self.passed = 0
        self.failed = 0
        self.verbose = verbose

    def check(self, name, problems):
        if problems:
            self.failed += 1
            print(f"FAIL {name}: {problems[0]}" + (f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""))
            for p in problems[1:] if self.verbose else []:
                print(f"    {p}")
        else:
            self.passed += 1
            if self.verbose:
                print(f"ok   {name}")


def run(qarchive, args, cwd=None):
    """Run qarchive; returns (status, stdout, stderr) as text. A signal is a
    negative status, a timeout None."""
    try:
        p = subprocess.run([qarchive] + args, capture_output=True, timeout=TIMEOUT, cwd=cwd)
    except subprocess.TimeoutExpired:
        return None, "", ""
    return (p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"))


def normalize(text, case_path, cases_dir):
    for path, token in ((os.path.abspath(case_path), "$CASE"), (case_path, "$CASE"),
                        (os.path.abspath(cases_dir), "$CASES"), (cases_dir, "$CASES")):
        text = text.replace(path, token)
    return text


def golden_cases(cases_dir):
    for name in sorted(os.listdir(cases_dir)):
        if name.endswith(".expected.json") or name.endswith(".args") or name.startswith("."):
            continue
        yield name


def run_golden(qarchive, cases_dir, name, update):
    problems = []
    path = os.path.join(cases_dir, name)
    stem = os.path.splitext(name)[0]
    expected_path = os.path.join(cases_dir, stem + ".expected.json")
    args_path = os.path.join(cases_dir, stem + ".args")
    extra = []
    if os.path.exists(args_path):
        with open(args_path, encoding="utf-8") as f:
            extra = [line.rstrip("\n") for line in f if line.strip()]
    command = ["agenda"] if name.endswith(".md") else ["cues"] + extra
    status, out, err = run(qarchive, command + [path])
    if status is None:
        return [f"timed out after {TIMEOUT} s"]
    if status < 0:
        return [f"killed by signal {-status}", err.strip()]
    out = normalize(out, path, cases_dir)
    err = normalize(err, path, cases_dir)

    try:
        doc = json.loads(out)
    except ValueError as e:
        return [f"stdout is not JSON ({e})", out[:200]]

    if update:
        with open(expected_path, "w", encoding="utf-8") as f:
            f.write(out)
    if not os.path.exists(expected_path):
        return [f"no {os.path.basename(expected_path)} (run with --update to create it)"]
    with open(expected_path, encoding="utf-8") as f:
        expected = f.read()
    if out != expected:
        diff = list(difflib.unified_diff(expected.splitlines(), out.splitlines(),
                                         "expected", "got", lineterm="", n=1))
        problems.append("stdout differs from " + os.path.basename(expected_path))
        problems.extend(diff[2:])

    want_valid = json.loads(expected).get("valid") if expected.strip() else None
    want_status = 0 if want_valid else 1
    if status != want_status:
        problems.append(f"exit status {status}, expected {want_status}")
    if doc.get("valid") is False:
        error = doc.get("error") or ""
        m = re.match(r"line (\d+): ", error)
        if not err.strip():
            problems.append("rejected, but nothing on stderr")
        elif m and f"line {m.group(1)}" not in err:
            problems.append(f"stderr does not name line {m.group(1)}: {err.strip()}")
    elif err.strip():
        problems.append(f"valid, but stderr says: {err.strip()}")
    return problems


def expect(qarchive, args, status, stdout_has=(), stderr_has=(), stdout_empty=False, cwd=None):
    """Problems with `qarchive ARGS`: exit status and text it must contain."""
    got, out, err = run(qarchive, args, cwd=cwd)
    if got is None:
        return [f"timed out after {TIMEOUT} s"]
    problems = []
    if got != status:
        problems.append(f"exit status {got}, expected {status}")
    for s in stdout_has:
        if s not in out:
            problems.append(f"stdout lacks {s!r}: {out[:300]!r}")
    for s in stderr_has:
        if s not in err:
            problems.append(f"stderr lacks {s!r}: {err[:300]!r}")
    if stdout_empty and out:
        problems.append(f"stdout should be empty: {out[:300]!r}")
    return problems


def json_problems(qarchive, args, status, valid, cwd=None):
    """`qarchive ARGS` must exit with status and print JSON with this valid."""
    got, out, err = run(qarchive, args, cwd=cwd)
    if got is None:
        return [f"timed out after {TIMEOUT} s"]
    problems = []
    if got != status:
        problems.append(f"exit status {got}, expected {status}")
    try:
        doc = json.loads(out)
        if doc.get("valid") is not valid:
            problems.append(f"valid is {doc.get('valid')!r}, expected {valid!r}")
        if valid is False and not doc.get("error"):
            problems.append("no error in the JSON")
    except ValueError as e:
        problems.append(f"stdout is not JSON ({e}): {out[:200]!r}")
    return problems


def fixed_checks(qarchive, cases_dir, result):
    vtt = os.path.join(cases_dir, "vtt-basic.vtt")
    srt = os.path.join(cases_dir, "srt-basic.srt")
    md = os.path.join(cases_dir, "agenda-basic.md")
    missing = os.path.join(cases_dir, "no-such-file.vtt")
    commands = ("cues ", "agenda ", "help ")

    result.check("help", expect(qarchive, ["help"], 0, ("usage: qarchive",) + commands))
    result.check("--help", expect(qarchive, ["--help"], 0, ("usage: qarchive",) + commands))
    result.check("-h", expect(qarchive, ["-h"], 0, ("usage: qarchive",)))
    result.check("no command", expect(qarchive, [], 2, (), ("usage: qarchive",), stdout_empty=True))
    result.check("unknown command",
                 expect(qarchive, ["frobnicate"], 2, (), ("unknown command", "frobnicate"),
                        stdout_empty=True))
    result.check("command names are case-sensitive",
                 expect(qarchive, ["CUES", vtt], 2, (), ("unknown command",), stdout_empty=True))
    result.check("help cues", expect(qarchive, ["help", "cues"], 0, ("usage: qarchive cues",)))
    result.check("help agenda", expect(qarchive, ["help", "agenda"], 0, ("usage: qarchive agenda",)))
    result.check("help unknown", expect(qarchive, ["help", "frobnicate"], 2, (), ("frobnicate",),
                                        stdout_empty=True))

    result.check("cues --help", expect(qarchive, ["cues", "--help"], 0,
                                       ("usage: qarchive cues", "Exit status")))
    result.check("cues -h", expect(qarchive, ["cues", "-h"], 0, ("usage: qarchive cues",)))
    result.check("cues FILE --help", expect(qarchive, ["cues", vtt, "--help"], 0,
                                            ("usage: qarchive cues",)))
    result.check("cues without FILE", expect(qarchive, ["cues"], 2, (), ("usage: qarchive cues",),
                                             stdout_empty=True))
    result.check("cues with two FILEs", expect(qarchive, ["cues", vtt, srt], 2, (),
                                               ("usage: qarchive cues",), stdout_empty=True))
    result.check("cues unknown option", expect(qarchive, ["cues", "--bogus", vtt], 2, (),
                                               ("--bogus",), stdout_empty=True))
    result.check("cues --format unknown", expect(qarchive, ["cues", "--format", "ass", vtt], 2, (),
                                                 ("ass",), stdout_empty=True))
    result.check("cues missing file", expect(qarchive, ["cues", missing], 2, (),
                                             ("cannot read", "no-such-file.vtt"), stdout_empty=True))
    result.check("cues directory", expect(qarchive, ["cues", cases_dir], 2, (), ("cannot read",),
                                          stdout_empty=True))
    result.check("cues --format vtt", json_problems(qarchive, ["cues", "--format", "vtt", vtt], 0, True))
    result.check("cues --format webvtt on SRT",
                 json_problems(qarchive, ["cues", "--format", "webvtt", srt], 1, False))

    # search reads its options with the other commands' loop (cli_args):
    # the same messages for the same mistakes, and a query's "-word" is a word.
    result.check("search --help", expect(qarchive, ["search", "--help"], 0,
                                         ("usage: qarchive search", "Exit status")))
    result.check("search without a query", expect(qarchive, ["search"], 2, (),
                                                  ("usage: qarchive search",), stdout_empty=True))
    result.check("search --limit without its value",
                 expect(qarchive, ["search", "memory", "--limit"], 2, (),
                        ("--limit needs a value",), stdout_empty=True))
    result.check("search unknown option", expect(qarchive, ["search", "--bogus", "memory"], 2, (),
                                                 ("'--bogus'", "usage: qarchive search"),
                                                 stdout_empty=True))
    result.check("search --page 0", expect(qarchive, ["search", "--page", "0", "memory"], 2, (),
                                           ("--page wants a number from 1 to 1000",),
                                           stdout_empty=True))
    result.check("search: -word is a query word, not an option",
                 expect(qarchive, ["search", "--archive", missing, "torch", "-cuda"], 2, (),
                        (missing,), stdout_empty=True))
    result.check("agenda --help", expect(qarchive, ["agenda", "--help"], 0,
                                         ("usage: qarchive agenda", "Exit status")))
    result.check("agenda -h", expect(qarchive, ["agenda", "-h"], 0, ("usage: qarchive agenda",)))
    result.check("agenda without FILE", expect(qarchive, ["agenda"], 2, (), ("usage: qarchive agenda",),
                                               stdout_empty=True))
    result.check("agenda with two FILEs", expect(qarchive, ["agenda", md, md], 2, (),
                                                 ("usage: qarchive agenda",), stdout_empty=True))
    result.check("agenda unknown option", expect(qarchive, ["agenda", "--bogus"], 2, (),
                                                 ("usage: qarchive agenda",), stdout_empty=True))
    result.check("agenda missing file", expect(qarchive, ["agenda", missing], 2, (),
                                               ("cannot read",), stdout_empty=True))
    result.check("agenda directory", expect(qarchive, ["agenda", cases_dir], 2, (), ("cannot read",),
                                            stdout_empty=True))

    with tempfile.TemporaryDirectory() as tmp:
        # A FILE that starts with '-' after "--".
        dashed = os.path.join(tmp, "-talk.vtt")
        with open(vtt, "rb") as src, open(dashed, "wb") as dst:
            dst.write(src.read())
        result.check("cues -- -FILE", json_problems(qarchive, ["cues", "--", "-talk.vtt"], 0, True,
                                                    cwd=tmp))
        # Content that is neither WebVTT nor SRT, under a neutral name, is
        # rejected (exit 1, valid false), never accepted as an empty transcript.
        unknown = os.path.join(tmp, "notes.txt")
        with open(unknown, "w") as f:
            f.write("Just some notes,\nnot a transcript.\n")
        result.check("cues unknown content", json_problems(qarchive, ["cues", unknown], 1, False))


def main():
    argv = sys.argv[1:]
    update = "--update" in argv
    verbose = "--verbose" in argv
    argv = [a for a in argv if a not in ("--update", "--verbose")]
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    qarchive, cases_dir = os.path.abspath(argv[0]), argv[1]
    result = Result(verbose)
    for name in golden_cases(cases_dir):
        result.check(name, run_golden(qarchive, cases_dir, name, update))
    fixed_checks(qarchive, cases_dir, result)
    print(f"{result.passed} passed, {result.failed} failed")
    return 0 if result.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
