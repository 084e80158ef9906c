#!/usr/bin/env python3
"""A stand-in speech recogniser for the transcription tests: it keeps the
engine contract (README, "Speech recognition") the way whisper-cli does,
without a model.

It checks that $QARCHIVE_WAV is 16 kHz mono 16-bit PCM of $QARCHIVE_SECONDS,
prints whisper.cpp's progress lines on stderr, and writes a known WebVTT to
$QARCHIVE_OUT.vtt (whisper-cli's -of adds ".vtt"; that is $QARCHIVE_VTT).

  --started FILE  write its pid to FILE once running (a signal for the test)
  --gate FILE     after "progress = 40%", wait until FILE exists
  --prompt-file FILE  write $QARCHIVE_PROMPT there
  --fail          say why on stderr and exit with status 2
  --quiet         print no progress
  --text TEXT     the words of the transcript (default: a known sentence)

With --whisper-cli first, it reads whisper.cpp's own command line instead
(whisper-cli -m MODEL -f WAV -ovtt -of BASE -l LANG -pp --prompt TEXT
[-t N]) and writes BASE.vtt, so the command lines README.md gives for
whisper.cpp are run as written, with only the binary swapped for this one.
"""
import argparse
import os
import struct
import sys
import time

DEFAULT_TEXT = "the quokka compiler lowers every zanzibar kernel before the tensors move"


def check_wav(path, seconds):
    with open(path, "rb") as f:
        head = f.read(44)
        size = os.fstat(f.fileno()).st_size
    if len(head) < 44 or head[:4] != b"RIFF" or head[8:16] != b"WAVEfmt ":
        sys.exit("fake engine: %s is not a WAV file" % path)
    fmt, channels, rate = struct.unpack("<HHI", head[20:28])
    bits = struct.unpack("<H", head[34:36])[0]
    data = struct.unpack("<I", head[40:44])[0]
    if (fmt, channels, rate, bits) != (1, 1, 16000, 16):
        sys.exit("fake engine: want 16 kHz mono 16-bit PCM, got fmt=%d ch=%d rate=%d bits=%d"
                 % (fmt, channels, rate, bits))
    if data != size - 44 or abs(data / 32000 - seconds) > 0.01:
        sys.exit("fake engine: %d bytes of samples do not make %.3f s" % (data, seconds))


def progress(p, quiet):
    if not quiet:
        print("whisper_print_progress_callback: progress = %3d%%" % p, file=sys.stderr, flush=True)


def whisper_cli(argv):
    """whisper-cli's flags, as its --help lists them (the ones README uses)."""
    ap = argparse.ArgumentParser(prog="whisper-cli")
    ap.add_argument("-m", "--model", required=True)
    ap.add_argument("-f", "--file", required=True)
    ap.add_argument("-ovtt", "--output-vtt", action="store_true")
    ap.add_argument("-of", "--output-file", required=True)
    ap.add_argument("-l", "--language", default="en")
    ap.add_argument("-pp", "--print-progress", action="store_true")
    ap.add_argument("--prompt", default="")
    ap.add_argument("-t", "--threads", type=int, default=4)
    a = ap.parse_args(argv)
    if not os.path.isfile(a.model):
        sys.exit("error: failed to open '%s'" % a.model)
    if not a.output_vtt:
        sys.exit("fake whisper-cli: -ovtt not given: no WebVTT would be written")
    if a.prompt != os.environ.get("QARCHIVE_PROMPT"):
        sys.exit("fake whisper-cli: --prompt did not arrive whole: %r" % a.prompt)
    check_wav(a.file, float(os.environ["QARCHIVE_SECONDS"]))
    for p in (25, 50, 75, 100):
        progress(p, not a.print_progress)
    with open(a.output_file + ".vtt", "w") as f:
        f.write("WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n%s\n" % DEFAULT_TEXT)


def main():
    if sys.argv[1:2] == ["--whisper-cli"]:
        return whisper_cli(sys.argv[2:])
    ap = argparse.ArgumentParser()
    ap.add_argument("--started")
    ap.add_argument("--gate")
    ap.add_argument("--prompt-file")
    ap.add_argument("--fail", action="store_true")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--text", default=DEFAULT_TEXT)
    a = ap.parse_args()
    seconds = float(os.environ["QARCHIVE_SECONDS"])
    check_wav(os.environ["QARCHIVE_WAV"], seconds)
    if os.environ["QARCHIVE_OUT"] + ".vtt" != os.environ["QARCHIVE_VTT"]:
        sys.exit("fake engine: QARCHIVE_OUT.vtt is not QARCHIVE_VTT")
    if a.prompt_file:
        with open(a.prompt_file, "w") as f:
            f.write(os.environ.get("QARCHIVE_PROMPT", ""))
    if a.started:
        with open(a.started, "w") as f:
            f.write(str(os.getpid()))
    print("whisper_init_from_file: loading model from 'stand-in.bin'", file=sys.stderr, flush=True)
    if a.fail:
        print("error: failed to open 'stand-in.bin': no such model", file=sys.stderr, flush=True)
        sys.exit(2)
    for p in (10, 20, 30, 40):
        progress(p, a.quiet)
    if a.gate:
        while not os.path.exists(a.gate):
            time.sleep(0.05)
    for p in (70, 100):
        progress(p, a.quiet)
    words = a.text.split()
    half = max(1, len(words) // 2)
    end = max(1.0, min(seconds, 6.0))
    with open(os.environ["QARCHIVE_OUT"] + ".vtt", "w") as f:
        f.write("WEBVTT\n\n00:00:00.000 --> %s\n%s\n\n%s --> %s\n%s\n" % (
            stamp(end / 2), " ".join(words[:half]), stamp(end / 2), stamp(end), " ".join(words[half:])))
        f.flush()
        os.fsync(f.fileno())


def stamp(t):
    ms = int(round(t * 1000))
    return "%02d:%02d:%02d.%03d" % (ms // 3600000, ms // 60000 % 60, ms // 1000 % 60, ms % 1000)


if __name__ == "__main__":
    main()
