#!/usr/bin/env python3
"""End-to-end tests of `qarchive index` and `qarchive search` on a test
archive with planted content (Python 3 standard library only).

usage: test_search.py QARCHIVE

Each check prints nothing when it passes; the last line is
"N passed, N failed".
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

QARCHIVE = os.path.abspath(sys.argv[1])
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what)


def run(*args, env=None, timeout=120):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([QARCHIVE] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout, env=e)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def search(archive, *args):
    rc, out, err = run("search", "--json", "--archive", archive, *args)
    if rc != 0:
        return rc, None, err
    return rc, json.loads(out), err


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def vtt(cues):
    out = ["WEBVTT", ""]
    for start, voice, text in cues:
        def ts(t):
            return "%02d:%02d:%06.3f" % (t // 3600, t % 3600 // 60, t % 60)
        out += ["%s --> %s" % (ts(start), ts(start + 4.5)), "<v %s>%s" % (voice, text), ""]
    return "\n".join(out)


FILLER = [
    "the weather was lovely on the way to the studio this morning",
    "we had coffee and talked about the schedule for the afternoon",
    "someone asked whether the slides will be shared after the session",
    "yes they will be posted on the community site next week",
]


def build_archive(root):
    # A release Q&A with planted identifiers, a phrase split across two
    # cues, a spoken form and filler between them so passages differ.
    cues = [
        (10.0, "Ann Host", "Welcome to the release Q and A everyone."),
        (15.0, "Bo Dev", "You can raise torch._dynamo.config.cache_size_limit to avoid"),
        (20.0, "Bo Dev", "recompilations when the input shapes keep changing."),
    ]
    t = 25.0
    for i in range(12):
        cues.append((t, "Ann Host", FILLER[i % 4]))
        t += 5
    cues += [
        (t, "Bo Dev", "For large models the fully sharded"),            # 85
        (t + 5, "Bo Dev", "data parallel API got faster in this release."),  # 90
    ]
    t += 10
    for i in range(12):
        cues.append((t, "Ann Host", FILLER[i % 4]))
        t += 5
    bench_t = t  # 155
    cues.append((bench_t, "Bo Dev", "We benchmarked bfloat16 training with max-autotune enabled."))
    t += 5
    for i in range(12):
        cues.append((t, "Ann Host", FILLER[i % 4]))
        t += 5
    spoken_t = t  # 220
    cues.append((spoken_t, "Bo Dev", "And torch dot compile now works on Python 3.13."))
    write(os.path.join(root, "2025-01-10-alpha", "recording.json"), json.dumps({
        "title": "Alpha Release Live Q&A", "kind": "release-qa", "release": "2.6",
        "date": "2025-01-10", "speakers": ["Ann Host", {"name": "Bo Dev", "role": "engineer"}],
        "description": "Questions about the **alpha** release."}))
    write(os.path.join(root, "2025-01-10-alpha", "transcript.vtt"), vtt(cues))

    # A TAC meeting: SRT transcript, agenda and notes.
    srt = []
    for i, (start, text) in enumerate([(0, "Chair: welcome, let's approve the minutes."),
                                       (60, "Chair: next, the multi-cloud CI update."),
                                       (65, "Dee: we moved the nightly jobs to a second provider."),
                                       (120, "Chair: any other business?")]):
        srt += [str(i + 1), "00:%02d:%02d,000 --> 00:%02d:%02d,500" % (
            start // 60, start % 60, start // 60, start % 60 + 4), text, ""]
    write(os.path.join(root, "2025-03-11-tac", "recording.json"), json.dumps({
        "title": "TAC Meeting March", "kind": "tac-meeting", "release": None,
        "date": "2025-03-11", "speakers": ["Chair Cy", "Dee Member"]}))
    write(os.path.join(root, "2025-03-11-tac", "transcript.srt"), "\n".join(srt))
    write(os.path.join(root, "2025-03-11-tac", "agenda.md"),
          "# Agenda\n\n- 00:00:00 Welcome\n- 00:01:00 Multi-cloud CI\n- 00:02:00 Any other business\n")
    write(os.path.join(root, "2025-03-11-tac", "notes.md"),
          "## Action items\n\n- Ask hardware donors about runner quotas.\n")

    # A webinar with no transcript: its title and description are searchable.
    write(os.path.join(root, "2025-05-01-helion", "recording.json"), json.dumps({
        "title": "Helion kernels deep dive", "kind": "webinar", "release": "helion",
        "date": "2025-05-01", "speakers": ["Eve Speaker"],
        "description": "How Helion autotuning picks block sizes."}))

    # Only an abbreviation in speech: found by its spelled-out form.
    write(os.path.join(root, "2025-06-01-fsdp", "recording.json"), json.dumps({
        "title": "Distributed office hours", "kind": "other", "release": "2.7",
        "date": "2025-06-01", "speakers": ["Fay Dev"]}))
    write(os.path.join(root, "2025-06-01-fsdp", "transcript.vtt"),
          vtt([(5.0, "Fay Dev", "Today we only talk about FSDP and checkpoints.")]))

    write(os.path.join(root, "synonyms.txt"),
          "# test synonyms\nfsdp, fully sharded data parallel\ntorch.compile, torch dot compile\n")


def ffmpeg(cwd, *args):
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y", *args]
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        sys.exit("test_search: ffmpeg failed: %s\n%s" % (" ".join(cmd), r.stderr))


def add_media_recordings(root):
    """Issue 4's ingest rules: a recording whose only transcript is the
    subtitle stream inside its media, with chapters and no agenda.md; and an
    audio-only recording with neither transcript nor subtitles."""
    d = os.path.join(root, "2025-08-01-embedded")
    write(os.path.join(d, "recording.json"), json.dumps({
        "title": "Embedded subtitles session", "kind": "webinar", "date": "2025-08-01"}))
    write(os.path.join(d, "subs.srt"),
          "1\n00:00:00,500 --> 00:00:01,500\nHello and welcome.\n\n"
          "2\n00:00:02,000 --> 00:00:03,500\nQuantization with torchao is next.\n")
    write(os.path.join(d, "meta.txt"),
          ";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=2000\ntitle=Opening\n\n"
          "[CHAPTER]\nTIMEBASE=1/1000\nSTART=2000\nEND=4000\ntitle=Quantization corner\n")
    ffmpeg(d, "-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=4", "-f", "lavfi",
           "-i", "sine=frequency=440:duration=4", "-i", "subs.srt", "-i", "meta.txt",
           "-map", "0:v", "-map", "1:a", "-map", "2:s", "-map_chapters", "3", "-c:v", "mpeg4",
           "-c:a", "aac", "-c:s", "mov_text", "-metadata:s:s:0", "language=eng", "media.mp4")
    os.remove(os.path.join(d, "subs.srt"))
    os.remove(os.path.join(d, "meta.txt"))
    d = os.path.join(root, "2025-08-02-audio")
    write(os.path.join(d, "recording.json"), json.dumps({
        "title": "Audio only roundtable", "kind": "other", "date": "2025-08-02",
        "description": "A roundtable about compilers."}))
    ffmpeg(d, "-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-c:a", "aac", "media.m4a")


def srt(cues):
    out = []
    for i, (start, text) in enumerate(cues):
        def ts(t):
            return "%02d:%02d:%02d,000" % (t // 3600, t % 3600 // 60, t % 60)
        out += [str(i + 1), "%s --> %s" % (ts(start), ts(start + 4)), text, ""]
    return "\n".join(out)


def build_speaker_archive(root):
    """Issue 13, filters as people type them: who speaks, said three ways.
    Voices (<v Name>) with two Mei-Lins and a Hannah; "Name:" prefixes that
    carry on to the cues after them; and a transcript that never says who
    speaks, whose listed speakers (another Hannah) stand for its passages.
    Filler keeps each speaker's words in passages of their own."""
    filler = [(None, FILLER[i % 4]) for i in range(10)]
    said = [("Hannah Okoye", "Welcome, this is the live Q and A. Let's start.")] + \
        [("Hannah Okoye", text) for _, text in filler] + \
        [("Hannah Okoye", "Mei-Lin, what goes into the autotuner cache key?"),
         ("Mei-Lin Zhou", "The kernel source and the input shapes go into the cache key.")] + \
        [("Mei-Lin Zhou", text) for _, text in filler] + \
        [("Mei-Lin Zhao", "Wheel variants ship next month, one per accelerator.")] + \
        [("Mei-Lin Zhao", text) for _, text in filler] + \
        [("Maya Chen", "If torch.load fails, pass weights_only explicitly.")]
    cues, t = [], 0.0
    for voice, text in said:
        cues.append((t, voice, text))
        t += 5
    write(os.path.join(root, "2025-02-01-voices", "recording.json"), json.dumps({
        "title": "Voices Q&A", "kind": "release-qa", "release": "2.6", "date": "2025-02-01",
        "speakers": ["Hannah Okoye", "Mei-Lin Zhou", "Mei-Lin Zhao", "Maya Chen"]}))
    write(os.path.join(root, "2025-02-01-voices", "transcript.vtt"), vtt(cues))

    lines = [(0, "CHAIR (Helena Voss): Welcome. First item, the flake rate.")] + \
        [(5 + 5 * i, FILLER[i % 4]) for i in range(10)] + \
        [(60, "Marcus Lindqvist: Thanks, Helena."),
         (65, "The hardest problem so far is bandwidth, not compute.")]
    write(os.path.join(root, "2025-03-11-prefixes", "recording.json"), json.dumps({
        "title": "TAC Meeting", "kind": "tac-meeting", "release": "Helion",
        "date": "2025-03-11", "speakers": ["Helena Voss", "Marcus Lindqvist"]}))
    write(os.path.join(root, "2025-03-11-prefixes", "transcript.srt"), srt(lines))
    write(os.path.join(root, "2025-03-11-prefixes", "agenda.md"),
          "# Agenda\n\n- 00:00:00 Flake rate\n- 00:01:00 Bandwidth\n")

    lines = [(5 * i, FILLER[i % 4]) for i in range(12)] + \
        [(60, "We run untrusted kernels in a sandbox."), (65, "That is the security model.")]
    write(os.path.join(root, "2024-09-09-novoices", "recording.json"), json.dumps({
        "title": "Security talk", "kind": "webinar", "date": "2024-09-09",
        "speakers": ["Hannah Kowalczyk"]}))
    write(os.path.join(root, "2024-09-09-novoices", "transcript.srt"), srt(lines))


def speaker_checks(tmp):
    root = os.path.join(tmp, "speakers")
    build_speaker_archive(root)
    rc, out, err = run("index", "--archive", root)
    check(rc == 0 and "indexed 3" in out, "speaker archive indexed: " + out + err)
    voices = "2025-02-01-voices"
    # Every form of a name, in the query (the README's example first) and
    # as --speaker, any case, any part: Maya's moment at 170.
    for args in (['speaker:"Maya Chen" weights_only'], ["speaker:maya weights_only"],
                 ["speaker:CHEN weights_only"], ['speaker:"maya chen" weights_only'],
                 ["\u201cweights_only\u201d speaker:\u201cMaya Chen\u201d"],
                 ["--speaker", "maya CHEN", "weights_only"], ["--speaker", "Chen", "weights_only"]):
        rc, r, err = search(root, *args)
        check(r and r["total"] == 1 and first_t(r, voices) == 170.0, "%s: %s" % (args, r or err))
    # Any part of the name, whole words only: zhou is not Zhao.
    rc, r, _ = search(root, "speaker:zhou wheel")
    check(r and r["total"] == 0, "speaker:zhou does not find Zhao's words: %s" % (r and r["hits"]))
    rc, r, _ = search(root, "speaker:mei-lin wheel")
    check(r and first_t(r, voices) == 115.0, "speaker:mei-lin finds Zhao: %s" % (r and r["hits"]))
    # Moments in their voice: the question is Hannah's, the answer Zhou's.
    rc, r, _ = search(root, "speaker:zhou cache key")
    check(r and first_t(r, voices) == 60.0, "Zhou's answer at 60: %s" % (r and r["hits"]))
    rc, r, _ = search(root, "speaker:hannah cache key")
    check(r and first_t(r, voices) == 55.0, "Hannah's question at 55: %s" % (r and r["hits"]))
    # A filter alone lists where the person speaks, not a recording's first
    # cues (Hannah's); speaker:hannah is either Hannah, and the facet still
    # counts recordings by the names listed.
    rc, r, _ = search(root, "--speaker", "Mei-Lin Zhao", "")
    ts = [h["t"] for h in moments(r, voices)] if r else []
    check(ts and all(115.0 <= t <= 165.0 for t in ts), "Zhao's moments only: %s" % ts)
    rc, r, _ = search(root, "speaker:hannah")
    check(r and r["total"] == 2, "speaker:hannah: both Hannahs: %s" % (r and r["total"]))
    check(r and r["facets"]["speaker"].get("Hannah Okoye") == 1 and
          r["facets"]["speaker"].get("Hannah Kowalczyk") == 1, "facet: %s" % (r and r["facets"]))
    # "Name:" prefixes, carried on to the cues after them.
    rc, r, _ = search(root, 'speaker:"Helena Voss" flake')
    check(r and first_t(r, "2025-03-11-prefixes") == 0.0, "CHAIR (Helena Voss): %s" % (r and r["hits"]))
    rc, r, _ = search(root, "speaker:marcus bandwidth")
    check(r and first_t(r, "2025-03-11-prefixes") == 65.0, "carried-on prefix: %s" % (r and r["hits"]))
    # Helena speaks in the passage where Marcus says "bandwidth" (her
    # prefix carries on to the cues before his), but she did not say it;
    # nor is the agenda item hers: the transcript says who speaks.
    rc, r, _ = search(root, "speaker:helena bandwidth")
    check(r and r["total"] == 0 and not r["hits"] and not r["facets"]["speaker"],
          "Helena did not say bandwidth: %s" % r)
    # A transcript that never says who speaks: its listed speakers'.
    rc, r, _ = search(root, "speaker:kowalczyk sandbox")
    check(r and first_t(r, "2024-09-09-novoices") == 60.0, "no voices: %s" % (r and r["hits"]))
    # release:, kind:, year: in any case, in the query and as options.
    for args in (["kind:TAC-Meeting", "bandwidth"], ["--kind", "TAC-MEETING", "bandwidth"],
                 ["release:helion", "bandwidth"], ["--release", "HELION", "bandwidth"],
                 ["year:2025", "bandwidth"]):
        rc, r, err = search(root, *args)
        check(r and r["total"] == 1 and 65.0 in [h["t"] for h in r["hits"]],
              "%s: %s" % (args, r or err))
    rc, r, _ = search(root, "year:2024 bandwidth")
    check(r and r["total"] == 0, "year:2024 filters: %s" % (r and r["hits"]))
    # A question with a filter is still a question: its words are not all
    # required.
    rc, r, _ = search(root, "speaker:marcus what is the hardest problem with bandwidth today")
    check(r and first_t(r, "2025-03-11-prefixes") == 65.0, "question with a filter: %s" % (r and r["hits"]))


def moments(result, recording):
    return [h for h in result["hits"] if h["recording"] == recording]


def first_t(result, recording):
    m = moments(result, recording)
    return m[0]["t"] if m else None


def vocabulary_checks(tmp):
    """An archive with no synonyms.txt: the built-in vocabulary, identifiers'
    spoken forms, and suggestions made of the user's own words."""
    root = os.path.join(tmp, "vocab")
    planted = [
        (10.0, "We shard the model with fully sharded data parallel across nodes."),
        (60.0, "To get a graph, call torch dot export dot export on the module."),
        (110.0, "Then torch dot underscore check tells the compiler the size is positive."),
        (160.0, "Wheels for Python 3.13 are out, including free threading builds."),
        (210.0, "Graph breaks show up in the logs when tracing stops."),
        (260.0, "Skip compilation with torch.compiler.set_stance in a context manager."),
        (310.0, "The job died with an out of memory error on the last rank."),
        (360.0, "On CI the foundation's repo, O O T A, runs scheduled workflows."),
    ]
    cues = []
    for t, text in planted:
        cues.append((t, "Gil Dev", text))
        for k in range(1, 10):
            cues.append((t + 5 * k, "Hal Host", FILLER[k % 4]))
    write(os.path.join(root, "2025-09-01-vocab", "recording.json"), json.dumps({
        "title": "Vocabulary office hours", "kind": "other", "release": "2.9",
        "date": "2025-09-01", "speakers": ["Gil Dev", "Hal Host"]}))
    write(os.path.join(root, "2025-09-01-vocab", "transcript.vtt"), vtt(cues))
    rc, out, err = run("index", "--archive", root)
    check(rc == 0 and not os.path.exists(os.path.join(root, "synonyms.txt")),
          "vocabulary archive indexed, no synonyms.txt: " + out + err)
    rec = "2025-09-01-vocab"

    def lands(query, t, what):
        rc, r, err = search(root, query)
        check(rc == 0 and first_t(r, rec) == t, "%s: %r lands at %s: %s" % (
            what, query, t, r and [(h["t"], h["snippet"]) for h in r["hits"][:2]] or err))
        return r

    # The built-in vocabulary, with no file of the archive's own.
    lands("fsdp", 10.0, "built-in abbreviation")
    lands("FSDP sharding across nodes", 10.0, "built-in abbreviation among words")
    lands("OOM", 310.0, "built-in OOM")
    # Spoken forms, both ways, by rule.
    lands("torch.export.export", 60.0, "typed identifier, said aloud")
    lands("torch._check", 110.0, "typed identifier with a leading underscore, said aloud")
    lands("torch dot compiler dot set underscore stance", 260.0, "said identifier, typed in the talk")
    lands("set_stance", 260.0, "name inside an identifier")
    rc, r, _ = search(root, "--exact", "torch.export.export")
    check(r is not None and not moments(r, rec), "--exact: no spoken forms: %s" % (r and r["hits"]))

    # Suggestions: only unknown words, from the user's words, stable, and
    # the results shown when the query as typed finds nothing.
    r = lands("python3.13", 160.0, "python3.13 shows the results for python 3.13")
    check(r and r["suggestion"] == "python 3.13" and r["showing_results_for"] == "python 3.13",
          "python3.13 -> python 3.13: %r" % ((r and (r["suggestion"], r["showing_results_for"])),))
    rc, r, _ = search(root, "python 3.13")
    check(r and r["suggestion"] is None and r["showing_results_for"] is None,
          "python 3.13 needs no suggestion: %s" % (r and r["suggestion"]))
    rc, r, _ = search(root, "FSDP grpah breaks")
    check(r and r["suggestion"] == "FSDP graph breaks", "suggestion from the user's words: %s" % (r and r["suggestion"]))
    rc, r2, _ = search(root, r["suggestion"] if r and r["suggestion"] else "x")
    check(r2 and r2["suggestion"] is None, "following the suggestion suggests nothing: %s" % (r2 and r2["suggestion"]))
    rc, r, _ = search(root, "how do I make torch.compile skip compilaton")
    sugg = (r and r["suggestion"]) or ""
    check(sugg.startswith("how do I make torch.compile skip ") and sugg.endswith(" compilation")
          and "(" not in sugg and " OR " not in sugg,
          "no expansion leaks into the suggestion, known words kept: %r" % sugg)
    rc, r, _ = search(root, "shard model")
    check(r and r["suggestion"] is None and r["showing_results_for"] is None, "known words: no suggestion")

    # The archive's own file adds to and overrides the built-in list.
    write(os.path.join(root, "synonyms.txt"), "-fsdp\noota, o o t a\n")
    rc, out, err = run("index", "--archive", root)
    check(rc == 0, "reindex with synonyms.txt: " + out + err)
    rc, r, _ = search(root, "fsdp")
    check(r is not None and not moments(r, rec), "-fsdp turns the built-in group off: %s" % (r and r["hits"]))
    lands("oota", 360.0, "the archive's own group")
    lands("ooms", 310.0, "the rest of the built-in list stays")


def build_unit_archive(root):
    """A release Q&A whose host asks and whose panel answers (units from the
    detector), and a second one whose questions come from a qa.md."""
    def filler(t, n):
        return [(t + 5 * i, "Pat Panel", FILLER[i % 4]) for i in range(n)], t + 5 * n
    cues = [(0.0, "Hana Host", "Welcome to the live Q and A."),
            (5.0, "Hana Host", "Pat, do you want to introduce yourself?"),
            (10.0, "Pat Panel", "Hi, I'm Pat Panel, I work on the compiler."),
            (15.0, "Hana Host", "Here's one from the chat."),
            (20.0, "Hana Host", "Can I carry the compiler cache over to another machine?"),
            (25.0, "Pat Panel", "Yes, save the artifacts once and load them on the new host."),
            (30.0, "Pat Panel", "Same versions on both sides, or nothing is reused.")]
    more, t = filler(35.0, 8)
    cues += more
    cues += [(t, "Pat Panel", "And the quokka allocator is a separate story."),
             (t + 5, "Hana Host", "Next one. Does the profiler run on Windows laptops?"),
             (t + 10, "Ravi Panel", "Not yet, Linux only for this release."),
             (t + 15, "Hana Host", "That's time, thank you both.")]
    write(os.path.join(root, "2025-07-01-units", "recording.json"), json.dumps({
        "title": "Units Release Live Q&A", "kind": "release-qa", "release": "3.1",
        "date": "2025-07-01", "speakers": ["Hana Host", "Pat Panel", "Ravi Panel"]}))
    write(os.path.join(root, "2025-07-01-units", "transcript.vtt"), vtt(cues))
    write(os.path.join(root, "2025-08-01-handwritten", "recording.json"), json.dumps({
        "title": "Handwritten Release Live Q&A", "kind": "release-qa", "release": "3.2",
        "date": "2025-08-01", "speakers": ["Hana Host", "Pat Panel"]}))
    write(os.path.join(root, "2025-08-01-handwritten", "transcript.vtt"), vtt([
        (0.0, "Hana Host", "Welcome back everyone."),
        (5.0, "Hana Host", "So tell us about the new tokenizer."),
        (10.0, "Pat Panel", "Sure. It splits identifiers at dots and underscores."),
        (15.0, "Pat Panel", "That was the main change.")]))
    write(os.path.join(root, "2025-08-01-handwritten", "qa.md"),
          "# Questions\n\n- 0:05 Q (Hana Host): How are code identifiers split into words? "
          "/ A (Pat Panel): It splits identifiers at dots\n")


def unit_checks(tmp):
    root = os.path.join(tmp, "units")
    build_unit_archive(root)
    rc, out, err = run("index", "--archive", root)
    check(rc == 0, "index the units archive: %s %s" % (out, err))
    # A paraphrase of the question someone asked finds it and lands at its
    # answer, with the question and the answer in the JSON.
    rc, r, err = search(root, "moving the compiler cache to a different machine")
    top = r["hits"][0] if r and r["hits"] else {}
    unit = top.get("unit") or {}
    check(top.get("recording") == "2025-07-01-units" and top.get("type") == "unit",
          "paraphrase finds the unit: %s" % (r and r["hits"][:1] or err))
    check(top.get("t") == 25.0, "a unit hit plays from its answer (25.0): %s" % top.get("t"))
    q, a = unit.get("question") or {}, unit.get("answer") or {}
    check(q.get("t") == 15.0 and q.get("speaker") == "Hana Host" and
          "carry the compiler cache" in (q.get("text") or ""),
          "unit.question {text, t, speaker}: %s" % q)
    check(a.get("t") == 25.0 and a.get("speaker") == "Pat Panel" and
          isinstance(a.get("end"), float) and a["end"] > 25.0 and
          (a.get("text") or "").startswith("Yes, save the artifacts"),
          "unit.answer {t, end, speaker, text}: %s" % a)
    # A question typed as a sentence whose words are in the answer's second
    # cue, within 5 s of its start, plays the unit from the answer's start
    # (search_moment.c: answer_opening); keywords stay where they are said.
    rc, r, _ = search(root, "do I need the same versions on both sides")
    unit_hits = [h for h in (r and r["hits"] or []) if h.get("start") == 15.0]
    check(unit_hits and unit_hits[0].get("t") == 25.0,
          "a sentence matched in the answer's opening plays from the answer: %s" % (r and r["hits"]))
    rc, r, _ = search(root, "same versions")
    check(r and r["hits"] and all(h.get("t") == 30.0 for h in r["hits"]),
          "keywords play where they are said: %s" % (r and r["hits"]))
    # The introduction is no question; the goodbye neither.
    rc, r, _ = search(root, "--questions", "introduce yourself")
    check(r is not None and r["total"] == 0, "no unit for the introduction: %s" % (r and r["hits"]))
    # --questions lists units only: a word said only deep in an answer
    # finds nothing there, and every hit of a question is a unit.
    rc, r, _ = search(root, "quokka")
    check(r and r["hits"] and "unit" not in r["hits"][0], "a word in a passage is a moment: %s" % (r and r["hits"][:1]))
    rc, r, _ = search(root, "--questions", "quokka")
    check(r is not None and r["total"] == 0, "--questions: no unit holds 'quokka': %s" % (r and r["hits"]))
    rc, r, _ = search(root, "--questions", "profiler windows")
    check(r and r["hits"] and all("unit" in h and h["type"] == "unit" for h in r["hits"]),
          "--questions: units only: %s" % (r and r["hits"]))
    check(r and r["hits"] and r["hits"][0]["unit"]["answer"]["speaker"] == "Ravi Panel",
          "the profiler question is answered by Ravi: %s" % (r and r["hits"][:1]))
    rc, out, _ = run("search", "--archive", root, "--questions", "profiler windows")
    check("Q (asked at" in out and "by Hana Host): " in out and "A (Ravi Panel, " in out,
          "the terminal shows Q and A: " + out)
    # qa.md overrides the detector: its question text is what is searched.
    rc, r, _ = search(root, "--questions", "how are code identifiers split")
    top = r["hits"][0] if r and r["hits"] else {}
    check(top.get("recording") == "2025-08-01-handwritten" and
          (top.get("unit") or {}).get("question", {}).get("t") == 5.0 and top.get("t") == 10.0,
          "qa.md's question found, its answer placed by its words: %s" % top)
    # A broken qa.md: the recording is not indexed, the file and line said.
    write(os.path.join(root, "2025-08-01-handwritten", "qa.md"), "# Q\n\n- 0:05 Q: no answer here\n")
    rc, out, err = run("index", "--archive", root)
    check(rc == 1 and "qa.md: line 3:" in err, "a broken qa.md is named with its line: %s" % err)


def similar_checks(tmp):
    """Similar questions across releases (issue 14): on the bundled archive,
    the 2.9 Q&A's question about Python versions and compile finds the 2.6
    Q&A's about supporting a new Python version, and the other way round;
    a question only its own recording asks about has none from itself."""
    root = os.path.join(tmp, "bundled")
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "transcripts")
    shutil.copytree(src, root, ignore=shutil.ignore_patterns(".qarchive"))
    rc, out, err = run("index", "--archive", root)
    check(rc == 0, "index the bundled archive: %s %s" % (out, err))

    def similar_of(query, recording):
        rc, r, err = search(root, "--questions", "--recording", recording, query)
        hits = (r or {}).get("hits") or []
        check(hits and "unit" in hits[0], "%s: a unit in %s: %s" % (query, recording, err or hits[:1]))
        return (hits[0].get("unit") or {}).get("similar") if hits else None

    sim = similar_of("Python versions 3.14 wheels compile", "2025-10-22-pytorch-2-9-release-qa")
    check(isinstance(sim, list) and 0 < len(sim) <= 3, "similar: 1-3 of them: %s" % sim)
    check(all(set(s) == {"recording", "title", "release", "t", "question"} for s in sim or []),
          "similar {recording, title, release, t, question}: %s" % sim)
    check(all(s["recording"] != "2025-10-22-pytorch-2-9-release-qa" for s in sim or []),
          "similar: other recordings only: %s" % sim)
    six = [s for s in sim or [] if s["recording"] == "2025-02-05-pytorch-2-6-release-qa"]
    check(six and six[0]["release"] == "2.6" and "Python version" in six[0]["question"]
          and six[0]["t"] == 129.0, "2.9's Python question finds 2.6's (at 2:09): %s" % sim)
    sim = similar_of("free-threaded build three thirteen", "2025-02-05-pytorch-2-6-release-qa")
    check(any(s["recording"] == "2025-04-30-pytorch-2-7-release-qa" and s["release"] == "2.7" and
              "free-threaded" in s["question"] for s in sim or []),
          "and 2.6's free-threaded question finds 2.7's: %s" % sim)
    # A decision's words land on it (TAC meetings: decisions.h).
    rc, r, _ = search(root, "kind:tac-meeting", "that's approved as a trial")
    top = (r or {}).get("hits", [{}])[0] if r and r["hits"] else {}
    check(top.get("recording") == "2025-05-13-tac-meeting" and abs(top.get("t", 0) - 544.29) < 1,
          "a decision's words land on it (544.29): %s" % top)
    # A passage hit has no "unit", so no "similar"; a unit always has the key.
    rc, r, _ = search(root, "--questions", "torch.compile")
    check(r and r["hits"] and all(isinstance(h["unit"].get("similar"), list) for h in r["hits"]),
          "every unit hit has a similar list: %s" % (r and r["hits"][:1]))


def estimate_sample_checks(tmp):
    """Past check_at_least the total and the facets are estimated from the
    first check_at_least matches in document order, scaled: a build writes
    recordings in a fixed pseudo-random order (index_update.c), so those
    matches are a sample of the whole archive. Written by name (= by date)
    the sample held only the first year or two (2022: 95, 2023: 25 here)."""
    import random
    root = os.path.join(tmp, "sample")
    rnd = random.Random(5)
    fill = "the of and a to in is that it for on with as was at by this we be".split()
    for year in (2022, 2023, 2024, 2025):
        for i in range(30):
            rid = "%d-%02d-%02d-talk-%02d" % (year, 1 + i // 3, 1 + (i % 3) * 9, i)
            write(os.path.join(root, rid, "recording.json"),
                  json.dumps({"title": "Talk %d" % i, "kind": "webinar", "date": rid[:10]}))
            cues = []
            for k in range(24):
                words = [rnd.choice(fill) for _ in range(rnd.randint(4, 12))]
                if rnd.random() < 0.6:
                    words.insert(rnd.randint(0, len(words)), "memory")
                cues.append((1.0 + 5 * k, "Ann Dev", " ".join(words)))
            write(os.path.join(root, rid, "transcript.vtt"), vtt(cues))
    rc, out, err = run("index", "--archive", root)
    check(rc == 0, "sample archive indexed: " + out + err)
    rc, exact, _ = search(root, "--check-at-least", "0", "memory")
    rc, est, _ = search(root, "--check-at-least", "150", "memory")
    years = est["facets"]["year"] if est else {}
    check(exact and exact["total"] == 120 and
          exact["facets"]["year"] == {"2022": 30, "2023": 30, "2024": 30, "2025": 30},
          "exact total and year facet: %s" % str(exact and (exact["total"], exact["facets"]["year"])))
    check(est and est["total_is_estimate"] and est["facets_counted_over"] == 150,
          "the estimate counted 150 of the 480 matches: %s" % (est and est["facets_counted_over"]))
    check(est and abs(est["total"] - 120) <= 12, "estimated total near 120: %s" %
          (est and est["total"]))
    check(len(years) == 4 and all(15 <= n <= 45 for n in years.values()),
          "estimated year facet near 30 a year: %s" % years)
    # A word nobody said beside a common one: Xapian knows exactly how many
    # match (every "memory"), yet stops at 150 all the same; the answer
    # must not call its count of the 150 exact.
    rc, r, _ = search(root, "--check-at-least", "150", "memory", "qqqnotsaid")
    check(r and (r["total_is_estimate"] or r["total"] == 120) and abs(r["total"] - 120) <= 12,
          "a known match count is no exact total: %s" %
          str(r and (r["total"], r["total_is_estimate"], r["facets_counted_over"])))
    # (recording_moments and recording_matches count what was looked at.)
    def shown(r):
        return [[h[k] for k in ("recording", "t", "start", "end", "type", "snippet")]
                for h in r["hits"]] if r else None
    check(shown(est) is not None and shown(est) == shown(exact),
          "the estimate's hits are the exact run's")


def paused_writer(argv, tmp):
    """argv started with its writer's lock held in a pause (test_pause.h),
    returned once the pause has begun (its flag file exists); killed by
    the caller, so the pause is long."""
    flag = os.path.join(tmp, "pause-flag")
    if os.path.exists(flag):
        os.unlink(flag)
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=dict(os.environ, QARCHIVE_INDEX_PAUSE="600", QARCHIVE_PAUSE_FLAG=flag))
    deadline = time.time() + 120
    while not os.path.exists(flag) and p.poll() is None and time.time() < deadline:
        time.sleep(0.02)
    check(os.path.exists(flag), "the writer reached its pause")
    return p


def main():
    tmp = tempfile.mkdtemp(prefix="qa_search_")
    root = os.path.join(tmp, "archive")
    try:
        build_archive(root)
        # A broken recording: reported with file and line, the rest indexed.
        write(os.path.join(root, "2025-02-02-broken", "recording.json"), '{"title": "x",\n "kind": }')
        rc, out, err = run("index", "--archive", root)
        check(rc == 1, "index with a broken recording exits 1 (got %d: %s)" % (rc, err))
        check("2025-02-02-broken/recording.json: line 2" in err, "broken recording named with its line: " + err)
        check("indexed 4" in out and "failed 1" in out, "summary line: " + out)

        # Identifiers, by the whole and by parts; t is the cue's start.
        for q in ["cache_size_limit", "torch._dynamo.config.cache_size_limit", "dynamo",
                  "cache size limit"]:
            rc, r, err = search(root, q)
            check(rc == 0 and first_t(r, "2025-01-10-alpha") == 15.0,
                  "%s lands at 15.0: %s" % (q, r and r["hits"][:1] or err))
        # A phrase said across two cues.
        rc, r, _ = search(root, '"fully sharded data parallel"')
        check(r and first_t(r, "2025-01-10-alpha") == 85.0, "phrase across cues at 85: %s" % (r and r["hits"]))
        # Code-aware words, stemming.
        for q, want in [("max-autotune", 155.0), ("autotune", 155.0), ("bfloat16", 155.0),
                        ("benchmarking", 155.0), ("recompilation", 20.0)]:
            rc, r, _ = search(root, q)
            check(r and first_t(r, "2025-01-10-alpha") == want, "%s at %s: %s" % (q, want, r and r["hits"][:1]))
        # Synonyms: a spoken form found by the identifier, an abbreviation by
        # its spelled-out form; --exact turns them off.
        rc, r, _ = search(root, "torch.compile")
        check(r and first_t(r, "2025-01-10-alpha") == 220.0, "torch.compile finds 'torch dot compile': %s" % (r and r["hits"]))
        rc, r, _ = search(root, "fully sharded data parallel")
        check(r and first_t(r, "2025-06-01-fsdp") == 5.0, "spelled-out form finds FSDP: %s" % (r and r["hits"]))
        rc, r, _ = search(root, "--exact", "torch.compile")
        check(r is not None and not moments(r, "2025-01-10-alpha"), "--exact: no synonym: %s" % (r and r["hits"]))
        # Snippets mark the words and escape HTML.
        rc, r, _ = search(root, "bfloat16")
        snip = r["hits"][0]["snippet"] if r and r["hits"] else ""
        check("<mark>" in snip and "bfloat16" in snip.lower(), "snippet marks the word: " + snip)
        # An identifier is marked whole, written or spoken (the query's phrases
        # differ in length: Xapian 1.4 marked "torch <mark>dot compile</mark>"),
        # and words as before.
        for q, t, want in [("torch.compile", 220.0, "<mark>torch dot compile</mark>"),
                           ("torch._dynamo.config.cache_size_limit", 15.0,
                            "<mark>torch._dynamo.config.cache_size_limit</mark>"),
                           ("max-autotune", 155.0, "with <mark>max-autotune</mark> enabled"),
                           ("bfloat16 training", 155.0, "<mark>bfloat16</mark> <mark>training</mark>"),
                           # A word found by a piece of it (tokenize.h) is marked
                           # whole, which Xapian's own words could not.
                           ("dynamo", 15.0, "torch.<mark>_dynamo</mark>.config")]:
            rc, r, _ = search(root, q)
            snips = [h["snippet"] for h in moments(r, "2025-01-10-alpha") if h["t"] == t] if r else []
            check(snips and want in snips[0], "%s: %s in the snippet: %s" % (q, want, snips))
        # Filters: flags and field syntax; facets count recordings.
        rc, r, _ = search(root, "--kind", "tac-meeting", "cloud")
        check(r and [h["recording"] for h in r["hits"]] and all(h["recording"] == "2025-03-11-tac" for h in r["hits"]),
              "--kind filter: %s" % (r and r["hits"]))
        check(r and first_t(r, "2025-03-11-tac") == 60.0, "agenda/transcript moment at 60: %s" % (r and r["hits"]))
        rc, r, _ = search(root, "release:helion autotuning")
        check(r and r["total"] == 1 and r["hits"][0]["recording"] == "2025-05-01-helion", "release: field: %s" % (r and r["hits"]))
        rc, r, _ = search(root, "--release", "2.7", "checkpoints")
        check(r and r["total"] == 1, "--release filter: %s" % r)
        rc, r, _ = search(root, '--speaker', 'Bo Dev', 'release')
        check(r and r["total"] == 1 and r["hits"][0]["recording"] == "2025-01-10-alpha", "--speaker filter: %s" % (r and r["total"]))
        rc, r, _ = search(root, "release OR donors OR checkpoints OR helion")
        check(r and r["facets"]["kind"].get("tac-meeting") == 1 and r["facets"]["release"].get("2.6") == 1,
              "facets: %s" % (r and r["facets"]))
        check(r and r["total"] == len({h["recording"] for h in r["hits"]}), "total counts recordings")
        # Notes are searchable; a recording without a transcript is found by its description.
        rc, r, _ = search(root, "donors")
        check(r and r["hits"] and r["hits"][0]["recording"] == "2025-03-11-tac", "notes searchable")
        # At most three moments per recording, distinct times.
        rc, r, _ = search(root, "weather")
        ts = [h["t"] for h in moments(r, "2025-01-10-alpha")] if r else []
        check(1 <= len(ts) <= 3 and len(set(ts)) == len(ts), "up to 3 distinct moments: %s" % ts)
        # Spelling suggestion from the archive's own words.
        rc, r, _ = search(root, "recompilatons")
        check(r and r["suggestion"] == "recompilations", "suggestion: %s" % (r and r["suggestion"]))
        # Readable output.
        rc, out, _ = run("search", "--archive", root, "bfloat16")
        check(rc == 0 and "02:35  Alpha Release Live Q&A" in out, "readable list: " + out)

        # Incremental: nothing changed -> all unchanged.
        rc, out, err = run("index", "--archive", root)
        check("indexed 0, unchanged 4" in out, "second run skips unchanged: " + out)
        shutil.rmtree(os.path.join(root, "2025-02-02-broken"))
        write(os.path.join(root, "2025-06-01-fsdp", "transcript.vtt"),
              vtt([(7.0, "Fay Dev", "Today we talk about FSDP and sharded checkpoints.")]))
        shutil.rmtree(os.path.join(root, "2025-05-01-helion"))
        rc, out, err = run("index", "--archive", root)
        check(rc == 0 and "indexed 1, unchanged 2, removed 1" in out, "changed and removed: " + out + err)
        rc, r, _ = search(root, "checkpoints")
        check(r and first_t(r, "2025-06-01-fsdp") == 7.0, "reindexed recording moved: %s" % (r and r["hits"]))
        rc, r, _ = search(root, "helion")
        check(r and r["total"] == 0, "removed recording gone")

        # Two writers: the second is told the index is busy; killing the
        # first mid-run leaves the previous index intact.
        write(os.path.join(root, "2025-07-01-new", "recording.json"), json.dumps({
            "title": "Newcomer session", "kind": "other", "date": "2025-07-01"}))
        first = paused_writer([QARCHIVE, "index", "--archive", root], tmp)
        rc, out, err = run("index", "--archive", root)
        check(rc == 2 and "busy" in err, "second writer: busy (%d %s)" % (rc, err))
        rc, r, err = search(root, "checkpoints")
        check(rc == 0 and r and r["total"] == 1, "search works while indexing: %s" % err)
        first.send_signal(signal.SIGKILL)
        first.wait()
        rc, r, err = search(root, "newcomer")
        check(rc == 0 and r and r["total"] == 0, "killed run committed nothing")
        rc, r, err = search(root, "checkpoints")
        check(rc == 0 and r and r["total"] == 1, "previous index intact after kill: %s" % err)
        rc, out, err = run("index", "--archive", root)
        check(rc == 0 and "indexed 1" in out, "next run catches up: " + out + err)

        # Media: cues from the embedded subtitle stream, chapters as agenda
        # items; a recording with neither transcript nor subtitles is still
        # found by its metadata and marked as having no transcript.
        add_media_recordings(root)
        rc, out, err = run("index", "--archive", root)
        check(rc == 0 and "indexed 2" in out, "media recordings indexed: " + out + err)
        rc, r, _ = search(root, "torchao")
        check(r and first_t(r, "2025-08-01-embedded") == 2.0, "embedded subtitle cue at 2.0: %s" % (r and r["hits"]))
        rc, r, _ = search(root, '"quantization corner"')
        hit = r and moments(r, "2025-08-01-embedded")
        check(hit and hit[0]["type"] == "agenda" and hit[0]["t"] == 2.0, "chapter as agenda item: %s" % hit)
        rc, r, _ = search(root, "roundtable compilers")
        # Both words first; recordings with one of them may follow.
        check(r and r["hits"][0]["recording"] == "2025-08-02-audio" and r["match"] == "all",
              "no-transcript recording found first")
        rc, out, err = run("list", "--json", "--archive", root)
        listed = {x["id"]: x for x in json.loads(out)} if rc == 0 else {}
        check(listed.get("2025-08-02-audio", {}).get("has_transcript") is False, "marked no transcript")
        check(listed.get("2025-08-01-embedded", {}).get("transcript_source") == "media", "transcript from media")
        check([a["title"] for a in listed.get("2025-08-01-embedded", {}).get("agenda", [])] == ["Opening", "Quantization corner"],
              "chapters listed as agenda: %s" % listed.get("2025-08-01-embedded"))
        rc, out, err = run("list", "--archive", root)
        check(rc == 0 and "no transcript" in out and "Audio only roundtable" in out, "readable list: " + out)

        # A full rebuild (--force) writes a new generation and switches to
        # it at the end: killed half-way, the index in use is untouched and
        # the leftover is cleaned up by the next run.
        state = os.path.join(root, ".qarchive")
        stub = open(os.path.join(state, "index")).read()
        check(stub.startswith("auto index-"), "the index is a stub naming a generation: %r" % stub)
        first = paused_writer([QARCHIVE, "index", "--force", "--archive", root], tmp)
        rc, out, err = run("index", "--archive", root)
        check(rc == 2 and "busy" in err, "writer during a rebuild: busy (%d %s)" % (rc, err))
        rc, r, err = search(root, "checkpoints")
        check(rc == 0 and r and r["total"] == 1, "search during a rebuild: %s" % err)
        first.send_signal(signal.SIGKILL)
        first.wait()
        check(open(os.path.join(state, "index")).read() == stub, "killed rebuild: stub unchanged")
        rc, r, err = search(root, "checkpoints")
        check(rc == 0 and r and r["total"] == 1, "killed rebuild: index intact: %s" % err)
        rc, out, err = run("index", "--force", "--archive", root)
        gens = [d for d in os.listdir(state) if d.startswith("index-")]
        check(rc == 0 and len(gens) == 1 and open(os.path.join(state, "index")).read() == "auto %s\n" % gens[0]
              and "auto " + gens[0] != stub.strip(), "rebuild switches generation, leftovers removed: %s %s" % (gens, out + err))
        rc, r, err = search(root, "checkpoints")
        check(rc == 0 and r and r["total"] == 1, "after the rebuild: %s" % err)

        # Errors: no index, a query syntax error, usage.
        rc, out, err = run("search", "--archive", os.path.join(tmp, "nowhere"), "x")
        check(rc == 2 and "qarchive index" in err, "no index: " + err)
        rc, out, err = run("search", "--archive", root, "checkpoints AND")
        check(rc == 1 and "query" in err and len(err.strip().splitlines()) == 1,
              "syntax error: one line, exit 1: %d %s" % (rc, err))
        rc, out, err = run("search", "--archive", root, "--limit", "0", "x")
        check(rc == 2, "bad --limit")
        vocabulary_checks(tmp)
        speaker_checks(tmp)
        unit_checks(tmp)
        similar_checks(tmp)
        estimate_sample_checks(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
