#!/usr/bin/env python3
"""Turn each bundled recording into real, playable demo media.

usage: make-demo-media.py --qarchive PATH --src transcripts --out ARCHIVE_DIR
                          [--jobs N] [--only ID ...]

The output archive is a copy of SRC (recording.json, transcript.*, agenda.md,
notes.md, synonyms.txt) plus one media.* file per recording, generated from
the transcript:

- every cue is spoken by espeak-ng, with one voice per speaker, starting at
  the cue's start time; speech that would run into the next cue is
  re-synthesized faster (and, past espeak's top speed, tempo-shifted with
  ffmpeg's atempo), so the transcript and the audio stay aligned;
- release Q&As and TAC meetings get a small video track (a title card with
  the recording's title, the current agenda item, the current speaker and a
  clock) and an embedded mov_text subtitle stream (language=eng) made from
  the transcript's cues: media.mp4;
- everything else is audio only (AAC): media.m4a;
- the agenda's items are written into the container as chapters.

The speech is mixed in Python: every cue's PCM (s16le mono 22050 Hz) is
copied into one buffer at its sample offset, then ffmpeg encodes once. One
ffmpeg graph with hundreds of inputs would be far slower.

Generation is cached: <out>/<id>/.media-stamp holds a hash of the inputs
(the transcript, agenda.md, recording.json and this script); a recording
whose stamp matches and whose media file exists is skipped. Media is written
to a hidden temp file and renamed into place, so an interrupted run leaves no
half-written media.* (the indexer picks up any media.* file). Text files are
copied only when their content changed, and <out>/.qarchive/ (the index) is
never touched.

Prints one line per recording (generated or cached, media duration, seconds
taken) and a total. Exit status: 0 all generated or cached, 1 a recording
failed, 2 usage.

Needs only the Python 3 standard library plus espeak-ng, ffmpeg and qarchive.
"""
import argparse
import array
import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import wave

RATE = 22050  # espeak-ng's native sample rate; everything is mixed at it.
SCRIPT = os.path.abspath(__file__)

# One voice per speaker, in order of appearance: espeak-ng voice+variant,
# pitch (0-99, default 50) and words per minute (default 175).
VOICES = [
    ("en-us+m3", 45, 170),
    ("en+f2", 60, 175),
    ("en-gb+m1", 38, 165),
    ("en-us+f4", 70, 180),
    ("en+m7", 30, 172),
    ("en-us+f3", 55, 168),
    ("en-gb-x-rp+m2", 48, 178),
    ("en+f5", 64, 170),
    ("en-us+m4", 40, 182),
    ("en-gb+f1", 58, 166),
]
MAX_WPM = 450        # espeak-ng's usable top speed (it clamps higher values)
GAP_AFTER = 0.08     # seconds of silence kept before the next cue starts
TAIL = 0.5           # seconds of silence after the last cue's end
VIDEO_KINDS = {"release-qa", "tac-meeting"}
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
COPIED = ("recording.json", "agenda.md", "notes.md")

print_lock = threading.Lock()


def say(*args):
    with print_lock:
        print(*args, flush=True)


class GenError(Exception):
    pass


def run(cmd, **kw):
    """Run a command, raising GenError with its stderr on failure."""
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    if p.returncode != 0:
        err = p.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
        raise GenError("%s failed (%d): %s" % (os.path.basename(cmd[0]), p.returncode,
                                               " | ".join(err)))
    return p.stdout


def qjson(qarchive, cmd, path):
    p = subprocess.run([qarchive, cmd, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        raise GenError("qarchive %s %s: %s" % (cmd, path, p.stderr.decode("utf-8", "replace").strip()))
    if p.returncode != 0 or not doc.get("valid", False):
        raise GenError("qarchive %s %s: %s" % (cmd, path, doc.get("error", "rejected")))
    return doc


def transcript_of(d):
    for name in ("transcript.vtt", "transcript.srt"):
        if os.path.isfile(os.path.join(d, name)):
            return name
    return None


def recording_ids(src):
    return sorted(e for e in os.listdir(src)
                  if not e.startswith(".") and os.path.isdir(os.path.join(src, e))
                  and transcript_of(os.path.join(src, e)))


# --- speakers ---------------------------------------------------------------

# "CHAIR (Helena Voss): ..." or "Marcus Lindqvist: ..." at the start of an
# SRT cue (SRT has no voice tags).
ROLE_PREFIX = re.compile(r"^\s*[A-Z][A-Z .'-]*\(([^()]{1,60})\)\s*:\s*")
NAME_PREFIX = re.compile(r"^\s*([A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3})\s*:\s+")


def speaker_names(rec):
    """recording.json's speakers: objects with a "name", or plain strings."""
    names = []
    for s in rec.get("speakers") or []:
        name = s.get("name") if isinstance(s, dict) else s
        if isinstance(name, str) and name.strip():
            names.append(name.strip())
    return names


def split_speaker(text, known):
    """(speaker or None, text without the prefix) for an SRT-style cue."""
    m = ROLE_PREFIX.match(text)
    if m:
        return m.group(1).strip(), text[m.end():]
    m = NAME_PREFIX.match(text)
    if m:
        name = m.group(1)
        # A single capitalized word ("Note:") is a speaker only if it is a
        # known name or an all-caps label such as "AUDIENCE:".
        if " " in name or name in known or name.isupper():
            return name, text[m.end():]
    return None, text


def spoken_cues(doc, known):
    """[(start, end, speaker, text)] from `qarchive cues` JSON."""
    out = []
    last = None
    for c in doc["cues"]:
        text = " ".join((c.get("plain") or "").split())
        speaker = c.get("voice")
        if speaker is None:
            speaker, text = split_speaker(text, known)
            if speaker is None:
                speaker = last   # an SRT speaker keeps talking until named again
        last = speaker
        out.append((float(c["start"]), float(c["end"]), speaker, text))
    return out


def voice_table(speakers_json, cues):
    order = []
    for s in speakers_json:
        if s not in order:
            order.append(s)
    for _, _, sp, _ in cues:
        if sp is not None and sp not in order:
            order.append(sp)
    table = {sp: VOICES[i % len(VOICES)] for i, sp in enumerate(order)}
    table[None] = VOICES[0]
    return table


# --- speech -----------------------------------------------------------------

def read_wav(path):
    with wave.open(path, "rb") as w:
        if w.getnchannels() != 1 or w.getsampwidth() != 2:
            raise GenError("%s: espeak-ng wrote an unexpected format" % path)
        rate = w.getframerate()
        data = w.readframes(w.getnframes())
    a = array.array("h")
    a.frombytes(data)
    if sys.byteorder != "little":
        a.byteswap()
    if rate != RATE:
        raise GenError("espeak-ng wrote %d Hz, expected %d" % (rate, RATE))
    return a


def trim(a, threshold=200):
    """Drop espeak's leading and trailing near-silence, so speech starts at
    the cue's start."""
    n = len(a)
    i = 0
    while i < n and abs(a[i]) < threshold:
        i += 1
    j = n
    while j > i and abs(a[j - 1]) < threshold:
        j -= 1
    # Keep 10 ms either side so the onset and the decay are not clipped.
    pad = RATE // 100
    return a[max(0, i - pad):min(n, j + pad)]


def espeak(tmp, text, voice, pitch, wpm):
    path = os.path.join(tmp, "cue.wav")
    run(["espeak-ng", "-v", voice, "-p", str(pitch), "-s", str(wpm), "-w", path, "--stdin"],
        input=text.encode("utf-8"))
    return trim(read_wav(path))


def atempo(tmp, a, factor):
    """Speed samples up by factor with ffmpeg's atempo (pitch unchanged)."""
    src = os.path.join(tmp, "slow.pcm")
    with open(src, "wb") as f:
        f.write(a.tobytes())
    filters = []
    while factor > 2.0:          # keep each atempo stage in its best range
        filters.append("atempo=2.0")
        factor /= 2.0
    filters.append("atempo=%.4f" % factor)
    raw = run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error",
               "-f", "s16le", "-ar", str(RATE), "-ac", "1", "-i", src,
               "-af", ",".join(filters), "-f", "s16le", "-ar", str(RATE), "-ac", "1", "-"])
    out = array.array("h")
    out.frombytes(raw[:len(raw) // 2 * 2])
    return out


def synthesize(tmp, text, voice, slot):
    """Samples for text spoken by voice, at most slot seconds long.
    Returns (samples, how it was fitted)."""
    name, pitch, wpm = voice
    a = espeak(tmp, text, name, pitch, wpm)
    limit = int(slot * RATE)
    if len(a) <= limit:
        return a, None
    # Speech time scales roughly inversely with the rate; aim 5% short.
    for _ in range(2):
        if wpm >= MAX_WPM:
            break
        wpm = min(MAX_WPM, int(wpm * len(a) / limit * 1.05) + 1)
        a = espeak(tmp, text, name, pitch, wpm)
        if len(a) <= limit:
            return a, "wpm"
    a = atempo(tmp, a, len(a) / limit * 1.02)
    if len(a) > limit:     # atempo rounds; never run into the next cue
        a = a[:limit]
    return a, "atempo"


def speech_track(tmp, cues, voices, total):
    """One s16le buffer of `total` seconds with each cue at its start."""
    n = int(total * RATE) + 1
    buf = array.array("h", bytes(2 * n))
    fitted = 0
    for i, (start, end, speaker, text) in enumerate(cues):
        if not text or not any(ch.isalnum() for ch in text):
            continue
        nxt = cues[i + 1][0] if i + 1 < len(cues) else total
        slot = max(end, nxt) - start if i + 1 == len(cues) else nxt - start
        slot -= GAP_AFTER
        if slot < 0.1:
            continue   # cues sharing a start time: the later one is spoken
        a, how = synthesize(tmp, text, voices[speaker], slot)
        if how:
            fitted += 1
        off = int(round(start * RATE))
        a = a[:max(0, n - off)]
        buf[off:off + len(a)] = a
    return buf, fitted


# --- container side files ---------------------------------------------------

def meta_escape(s):
    # ffmetadata: '=', ';', '#', '\' and newline are escaped with '\'.
    return re.sub(r"([=;#\\\n])", r"\\\1", s)


def ffmetadata(rec, items, total):
    lines = [";FFMETADATA1"]
    for key, val in (("title", rec.get("title")),
                     ("artist", ", ".join(speaker_names(rec))),
                     ("date", rec.get("date")),
                     ("comment", "Demo media: synthesized speech (espeak-ng) from the transcript")):
        if val:
            lines.append("%s=%s" % (key, meta_escape(str(val))))
    end_ms = int(round(total * 1000))
    for i, it in enumerate(items):
        start = int(round(it["start"] * 1000))
        end = int(round(items[i + 1]["start"] * 1000)) if i + 1 < len(items) else end_ms
        end = max(end, start + 1)
        lines += ["", "[CHAPTER]", "TIMEBASE=1/1000", "START=%d" % start, "END=%d" % end,
                  "title=%s" % meta_escape(it["title"])]
    return "\n".join(lines) + "\n"


def srt_time(t):
    ms = int(round(t * 1000))
    return "%02d:%02d:%02d,%03d" % (ms // 3600000, ms // 60000 % 60, ms // 1000 % 60, ms % 1000)


def subtitles_srt(doc):
    """An SRT of the transcript's cues (plain text), one block per cue, so the
    embedded stream has exactly the transcript's cues."""
    out = []
    for i, c in enumerate(doc["cues"], 1):
        text = "\n".join(l for l in (c.get("plain") or "").splitlines() if l.strip()) or " "
        out.append("%d\n%s --> %s\n%s\n" % (i, srt_time(c["start"]), srt_time(c["end"]), text))
    return "\n".join(out)


def wrap(s, width):
    return "\n".join(textwrap.wrap(s, width)) or " "


def filter_path(p):
    # Inside a filtergraph option value: escape '\', ':' and quotes.
    return p.replace("\\", "\\\\").replace(":", "\\:").replace("'", "\\'")


def video_graph(tmp, rec, items, cues, total):
    """A filtergraph script for a 640x360, 2 fps title card."""
    def textfile(name, text):
        path = os.path.join(tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return filter_path(path)

    font, bold = filter_path(FONT), filter_path(FONT_BOLD)
    parts = ["color=c=0x1e293b:s=640x360:r=2:d=%.3f" % total, "format=yuv420p",
             "drawtext=fontfile=%s:textfile=%s:expansion=none:fontcolor=white:fontsize=24:"
             "line_spacing=6:x=(w-text_w)/2:y=40" % (bold, textfile("title.txt", wrap(rec.get("title") or "", 40)))]
    for i, it in enumerate(items):
        end = items[i + 1]["start"] if i + 1 < len(items) else total + 1
        parts.append("drawtext=fontfile=%s:textfile=%s:expansion=none:fontcolor=0xfbbf24:"
                     "fontsize=22:line_spacing=6:x=(w-text_w)/2:y=150:enable='between(t,%.3f,%.3f)'"
                     % (font, textfile("item%d.txt" % i, wrap(it["title"], 44)), it["start"], end - 0.001))
    # The current speaker: one drawtext per turn (consecutive cues of one
    # speaker), shown from the turn's first cue to the next turn.
    turns = []
    for start, _, sp, _ in cues:
        if sp and (not turns or turns[-1][1] != sp):
            turns.append((start, sp))
    names = {}
    for i, (start, sp) in enumerate(turns):
        end = turns[i + 1][0] if i + 1 < len(turns) else total + 1
        if sp not in names:
            names[sp] = textfile("speaker%d.txt" % len(names), sp)
        parts.append("drawtext=fontfile=%s:textfile=%s:expansion=none:fontcolor=0xe2e8f0:"
                     "fontsize=20:x=24:y=h-40:enable='between(t,%.3f,%.3f)'"
                     % (font, names[sp], start, end - 0.001))
    parts.append("drawtext=fontfile=%s:text='%%{pts\\:hms}':fontcolor=0x94a3b8:fontsize=16:"
                 "x=w-text_w-16:y=h-36" % font)
    path = os.path.join(tmp, "video.fg")
    with open(path, "w", encoding="utf-8") as f:
        f.write(",\n".join(parts) + "[v]\n")
    return path


# --- one recording ----------------------------------------------------------

def input_hash(sdir, tname):
    h = hashlib.sha256()
    for name in ("recording.json", tname, "agenda.md", SCRIPT):
        path = name if os.path.isabs(name) else os.path.join(sdir, name)
        h.update(os.path.basename(name).encode() + b"\0")
        try:
            with open(path, "rb") as f:
                data = f.read()
            h.update(b"%d\0" % len(data) + data)
        except FileNotFoundError:
            h.update(b"-\0")
    return h.hexdigest()


def copy_if_changed(src, dst):
    """Copy src to dst only when the content differs, so an unchanged file
    keeps its mtime (the indexer's fingerprints stay valid)."""
    try:
        with open(src, "rb") as a, open(dst, "rb") as b:
            if a.read() == b.read():
                return
    except FileNotFoundError:
        pass
    tmp = os.path.join(os.path.dirname(dst), "." + os.path.basename(dst) + ".tmp")
    shutil.copy2(src, tmp)
    os.replace(tmp, dst)


def sync_text(sdir, odir):
    os.makedirs(odir, exist_ok=True)
    wanted = set(n for n in COPIED if os.path.isfile(os.path.join(sdir, n)))
    wanted.add(transcript_of(sdir))
    for name in os.listdir(odir):
        if (name in COPIED or name.startswith("transcript.")) and name not in wanted:
            os.unlink(os.path.join(odir, name))
    for name in sorted(wanted):
        copy_if_changed(os.path.join(sdir, name), os.path.join(odir, name))


def read_stamp(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def generate(qarchive, rid, sdir, odir):
    """Generate (or keep) <odir>/media.*; returns (state, media, duration)."""
    tname = transcript_of(sdir)
    sync_text(sdir, odir)
    for name in os.listdir(odir):     # leftovers of an interrupted run
        if name.startswith(".media.tmp"):
            os.unlink(os.path.join(odir, name))
    try:
        with open(os.path.join(sdir, "recording.json"), encoding="utf-8") as f:
            rec = json.load(f)
    except FileNotFoundError:
        rec = {"title": rid}   # still generated; the stamp changes when it appears
    if not isinstance(rec, dict):
        raise GenError("recording.json: not a JSON object")
    video = rec.get("kind") in VIDEO_KINDS
    media = "media.mp4" if video else "media.m4a"
    digest = input_hash(sdir, tname)
    stamp_path = os.path.join(odir, ".media-stamp")
    stamp = read_stamp(stamp_path)
    if (stamp and stamp.get("hash") == digest and stamp.get("media") == media
            and os.path.isfile(os.path.join(odir, media))):
        return "cached", media, stamp.get("duration")

    doc = qjson(qarchive, "cues", os.path.join(sdir, tname))
    if not doc["cues"]:
        raise GenError("%s: no cues" % tname)
    agenda = os.path.join(sdir, "agenda.md")
    items = qjson(qarchive, "agenda", agenda)["items"] if os.path.isfile(agenda) else []
    speakers = speaker_names(rec)
    known = set(speakers) | set(s.split()[0] for s in speakers)
    cues = spoken_cues(doc, known)
    voices = voice_table(speakers, cues)
    last_end = max(c[1] for c in cues)
    total = last_end + TAIL

    with tempfile.TemporaryDirectory(prefix="demo-media-") as tmp:
        buf, fitted = speech_track(tmp, cues, voices, total)
        pcm = os.path.join(tmp, "speech.pcm")
        with open(pcm, "wb") as f:
            if sys.byteorder != "little":
                buf.byteswap()
            f.write(buf.tobytes())
        meta = os.path.join(tmp, "chapters.txt")
        with open(meta, "w", encoding="utf-8") as f:
            f.write(ffmetadata(rec, items, total))

        cmd = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
               "-f", "s16le", "-ar", str(RATE), "-ac", "1", "-i", pcm,
               "-f", "ffmetadata", "-i", meta]
        if video:
            srt = os.path.join(tmp, "subtitles.srt")
            with open(srt, "w", encoding="utf-8") as f:
                f.write(subtitles_srt(doc))
            cmd += ["-f", "srt", "-i", srt,
                    "-filter_complex_script", video_graph(tmp, rec, items, cues, total),
                    "-map", "[v]", "-map", "0:a", "-map", "2:s",
                    "-c:v", "libx264", "-preset", "ultrafast", "-tune", "stillimage",
                    "-crf", "30", "-g", "20", "-pix_fmt", "yuv420p",
                    "-c:s", "mov_text", "-metadata:s:s:0", "language=eng",
                    "-metadata:s:a:0", "language=eng"]
        else:
            cmd += ["-map", "0:a", "-metadata:s:a:0", "language=eng"]
        cmd += ["-c:a", "aac", "-aac_coder", "fast", "-b:a", "48k", "-map_metadata", "1", "-map_chapters", "1",
                "-t", "%.3f" % total, "-movflags", "+faststart", "-f", "mp4"]
        part = os.path.join(odir, ".media.tmp" + os.path.splitext(media)[1])
        try:
            run(cmd + [part])
            # Old media of the other kind would shadow the new one (the
            # indexer takes the first media.* by name).
            for name in os.listdir(odir):
                if name.startswith("media.") and name != media:
                    os.unlink(os.path.join(odir, name))
            os.replace(part, os.path.join(odir, media))
        finally:
            if os.path.exists(part):
                os.unlink(part)

    with open(stamp_path + ".tmp", "w", encoding="utf-8") as f:
        json.dump({"hash": digest, "media": media, "duration": round(total, 3),
                   "cues": len(cues), "fitted": fitted}, f)
        f.write("\n")
    os.replace(stamp_path + ".tmp", stamp_path)
    return "generated", media, total


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--qarchive", required=True, help="the qarchive executable")
    ap.add_argument("--src", required=True, help="the bundled archive (transcripts/)")
    ap.add_argument("--out", required=True, help="the archive to write (in the build tree)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2,
                    help="recordings generated at once (default: nproc)")
    ap.add_argument("--only", nargs="+", metavar="ID", help="only these recordings")
    args = ap.parse_args()

    for tool in ("espeak-ng", "ffmpeg"):
        if not shutil.which(tool):
            print("make-demo-media: %s not found (scripts/install-deps.sh run installs it)" % tool,
                  file=sys.stderr)
            return 2
    if not os.path.isfile(FONT) or not os.path.isfile(FONT_BOLD):
        print("make-demo-media: no DejaVu fonts at %s (install fonts-dejavu-core)" % FONT,
              file=sys.stderr)
        return 2
    qarchive = os.path.abspath(args.qarchive)
    src, out = os.path.abspath(args.src), os.path.abspath(args.out)
    if not os.path.isdir(src):
        print("make-demo-media: %s: not a directory" % src, file=sys.stderr)
        return 2
    if src == out:
        print("make-demo-media: --out must differ from --src", file=sys.stderr)
        return 2
    ids = recording_ids(src)
    if args.only:
        unknown = [i for i in args.only if i not in ids]
        if unknown:
            print("make-demo-media: no recording %s in %s" % (", ".join(unknown), src),
                  file=sys.stderr)
            return 2
        ids = [i for i in ids if i in args.only]

    os.makedirs(out, exist_ok=True)
    for name in os.listdir(src):   # archive-wide files such as synonyms.txt
        if os.path.isfile(os.path.join(src, name)) and not name.startswith("."):
            copy_if_changed(os.path.join(src, name), os.path.join(out, name))
    if not args.only:
        # A recording removed from src: drop its copy, but only a directory
        # this script made (it has a stamp); .qarchive/ is never one.
        for name in os.listdir(out):
            d = os.path.join(out, name)
            if (name not in ids and not name.startswith(".") and os.path.isdir(d)
                    and os.path.isfile(os.path.join(d, ".media-stamp"))):
                shutil.rmtree(d)

    t0 = time.monotonic()
    failures = 0

    def one(rid):
        t = time.monotonic()
        state, media, dur = generate(qarchive, rid, os.path.join(src, rid), os.path.join(out, rid))
        return rid, state, media, dur, time.monotonic() - t

    width = max([len(i) for i in ids] + [1])
    counts = {"generated": 0, "cached": 0}
    media_seconds = 0.0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futs = {pool.submit(one, rid): rid for rid in ids}
        for fut in concurrent.futures.as_completed(futs):
            rid = futs[fut]
            try:
                rid, state, media, dur, took = fut.result()
            except (GenError, OSError, ValueError, KeyError) as e:
                failures += 1
                say("%-9s %-*s  %s" % ("FAILED", width, rid, e))
                continue
            counts[state] += 1
            media_seconds += dur or 0
            say("%-9s %-*s  %-9s %7.1f s of media  %6.1f s" %
                (state, width, rid, media, dur or 0, took))
    say("total: %d recordings (%d generated, %d cached, %d failed), %.1f s of media, %.1f s"
        % (len(ids), counts["generated"], counts["cached"], failures, media_seconds,
           time.monotonic() - t0))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
