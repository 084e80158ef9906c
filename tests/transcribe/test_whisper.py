#!/usr/bin/env python3
"""Optional: the real whisper.cpp CLI through `qarchive transcribe`, on a
recording spoken by espeak-ng at test time, and the word recall of its
machine transcript against the text that was spoken.

It runs only when WHISPER_CLI names a whisper.cpp binary (whisper-cli, or
`main` in older builds) and WHISPER_MODEL a ggml model file; otherwise it
says SKIP and exits 77, which ctest counts as skipped, not passed.
Recall is reported, and checked against WHISPER_MIN_RECALL (default 0.6:
synthetic speech is harder than people's).

usage: test_whisper.py QARCHIVE
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import qa_test  # noqa: E402
from qa_test import check  # noqa: E402

SKIP = 77
TEXT = ("Welcome to the release question and answer session. Today we talk about the "
        "compiler, about memory use on large models, and about how to report a bug. "
        "The first question asks why the second run of a program is so much faster "
        "than the first one, and the answer is that the compiled code is cached.")


def words(s):
    return re.findall(r"[a-z0-9']+", s.lower())


def main():
    qarchive = os.path.abspath(sys.argv[1])
    cli, model = os.environ.get("WHISPER_CLI", ""), os.environ.get("WHISPER_MODEL", "")
    if not cli or not (shutil.which(cli) or os.access(cli, os.X_OK)) or not os.path.isfile(model):
        print("SKIP: no whisper.cpp here: set WHISPER_CLI to a whisper-cli binary and "
              "WHISPER_MODEL to a ggml model file (e.g. ggml-base.en.bin) to run this test")
        return SKIP
    work = tempfile.mkdtemp(prefix="qa-whisper-")
    try:
        rec = os.path.join(work, "archive", "2026-01-01-spoken")
        os.makedirs(rec)
        with open(os.path.join(rec, "recording.json"), "w") as f:
            json.dump({"title": "Spoken", "kind": "other", "date": "2026-01-01"}, f)
        wav = os.path.join(work, "speech.wav")
        subprocess.run(["espeak-ng", "-s", "150", "-w", wav, TEXT], check=True)
        qa_test.ffmpeg("test_whisper", "-i", wav, "-c:a", "aac", os.path.join(rec, "media.m4a"))
        engine = ('%s -m %s -f "$QARCHIVE_WAV" -ovtt -of "$QARCHIVE_OUT" -l en -pp '
                  '--prompt "$QARCHIVE_PROMPT"' % (shlex_quote(cli), shlex_quote(model)))
        p = subprocess.run([qarchive, "transcribe", "--archive", os.path.join(work, "archive"),
                            "--transcriber", engine], capture_output=True, text=True,
                           timeout=1800)
        check(p.returncode == 0, "qarchive transcribe with whisper.cpp: %s %s" %
              (p.stdout, p.stderr[-2000:]))
        vtt = os.path.join(rec, "transcript.machine.vtt")
        got = open(vtt).read() if os.path.exists(vtt) else ""
        said = words(TEXT)
        heard = set(words(re.sub(r"\d\d:\d\d[:.\d]* --> [:.\d]*", " ", got)))
        recall = sum(1 for w in said if w in heard) / len(said)
        print("whisper.cpp word recall: %.2f (%d words said)" % (recall, len(said)))
        floor = float(os.environ.get("WHISPER_MIN_RECALL", "0.6"))
        check(recall >= floor, "word recall %.2f >= %.2f" % (recall, floor))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return qa_test.report()


def shlex_quote(s):
    import shlex
    return shlex.quote(s)


if __name__ == "__main__":
    sys.exit(main())
