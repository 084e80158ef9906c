#!/usr/bin/env python3
"""kill -9 at each named write point (issue #16), then recover and check.

usage: test_crash_points.py QARCHIVE WORKDIR

Each case copies a base archive, runs one write (`qarchive add`, `edit`,
`remove`, `index`, or a tus upload through `qarchive serve`) with
QA_CRASH_AT naming a point (indexer/base/crash_point.h), so the process
dies there as under kill -9. Then crash_lib.verify_archive: recover,
index once, xapian-check, the index lists exactly the archive, nothing
half-made or duplicated, everything acknowledged is there. A tus upload
cut at any point of its commit is finished with exactly one recording,
whose id the upload reports (HEAD, and the resent last byte).

Needs ffmpeg; xapian-check (Debian xapian-tools) for the index check, which
says SKIP without it. The last line is "N passed, N failed".
"""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crash_lib as cl  # noqa: E402
import qa_test  # noqa: E402
from qa_test import check  # noqa: E402

ADD = ["--kind", "other", "--date", "2026-05-01"]


def add_args(archive, title):
    return ["add", "--archive", archive, "--title", title, *ADD, "--media", cl.path("talk.m4a"),
            "--transcript", cl.path("talk.vtt")]


def test_add(base, point, reaches_archive):
    a = cl.clone(base, "add-" + point)
    title = "Added at " + point
    rc, out, err = cl.run(*add_args(a, title), crash_at=point)
    check(cl.crashed(rc, err, point), "add stops at %s: rc %s %s" % (point, rc, err[-200:]))
    cl.verify_archive(a, "add killed at " + point, present=["2025-01-10-seed"],
                      titles={title: 1 if reaches_archive else 0})


def test_edit(base):
    a = cl.clone(base, "edit")
    rc, out, err = cl.run("edit", "--archive", a, "--title", "Edited seed", "2025-01-10-seed",
                          crash_at="edit-written")
    check(cl.crashed(rc, err, "edit-written"), "edit stops at edit-written: %s" % err[-200:])
    entries = cl.verify_archive(a, "edit killed at edit-written", present=["2025-01-10-seed"])
    titles = [e["title"] for e in entries]
    check(titles == ["Edited seed"], "the edit reached the folder, so the index has it: %s" %
          titles)


def test_delete(base):
    a = cl.clone(base, "delete")
    rc, out, err = cl.run(*add_args(a, "To be deleted"))
    rid = out.strip()
    check(rc == 0 and rid, "an add to delete: %s %s" % (out, err[-200:]))
    rc, out, err = cl.run("remove", "--archive", a, rid, crash_at="delete-trashed")
    check(cl.crashed(rc, err, "delete-trashed"), "remove stops at delete-trashed: %s" %
          err[-200:])
    cl.verify_archive(a, "remove killed at delete-trashed", present=["2025-01-10-seed"],
                      titles={"To be deleted": 0})


def test_index(base, point, *flags):
    a = cl.clone(base, "index-" + point)
    # A recording that reached the archive without being indexed.
    rid = "2026-05-02-by-hand"
    os.makedirs(os.path.join(a, rid))
    with open(os.path.join(a, rid, "recording.json"), "w") as f:
        f.write('{"title": "By hand", "kind": "other", "date": "2026-05-02"}\n')
    shutil.copy(cl.path("talk.vtt"), os.path.join(a, rid, "transcript.vtt"))
    rc, out, err = cl.run("index", "--archive", a, *flags, crash_at=point)
    check(cl.crashed(rc, err, point), "index stops at %s: %s" % (point, err[-200:]))
    cl.verify_archive(a, "index killed at " + point, present=["2025-01-10-seed", rid],
                      titles={"By hand": 1})


def test_tus(base, point, committed):
    """A tus upload whose last byte kills the server at point. After a
    restart the upload reports the recording when the commit reached the
    archive, or resumes at its last byte when it did not; either way the
    client ends with exactly one recording and its id."""
    a = cl.clone(base, "tus-" + point)
    title = "Tus at " + point
    media = open(cl.path("talk.m4a"), "rb").read()
    srv = cl.Server(a, crash_at=point, log_name="tus-%s.log" % point)
    tus = cl.Tus(srv)
    st, url = tus.create(len(media), title)
    check(st == 201 and url, "%s: created: %s" % (point, st))
    try:
        st, h, _ = tus.patch(url, 0, media)
        answered = st
    except OSError:
        answered = None
    check(answered is None and srv.wait_dead(), "%s: the server died in the commit (answer %s)"
          % (point, answered))
    check("crash point " + point in srv.stderr(), "%s: at that point" % point)
    srv.stop()
    srv = cl.Server(a, log_name="tus-%s-after.log" % point)
    tus = cl.Tus(srv)
    try:
        st, h = tus.head(url)
        rid = h.get("qarchive-recording-id")
        if committed:
            check(st == 200 and h.get("upload-offset") == str(len(media)) and rid,
                  "%s: after a restart HEAD reports the recording: %s %s" % (point, st, h))
        else:
            check(st == 200 and h.get("upload-offset") == str(len(media) - 1) and not rid,
                  "%s: after a restart HEAD asks for the last byte: %s %s" % (point, st, h))
        # The client sends the last byte again, as it would after a lost answer.
        st, h, body = tus.patch(url, len(media) - 1, media[-1:])
        got = h.get("qarchive-recording-id")
        check(st == 204 and got and (got == rid or not committed),
              "%s: the last byte again: 204 with the recording: %s %s %s" %
              (point, st, got, body[:200]))
        st, h = tus.head(url)
        check(st == 200 and h.get("qarchive-recording-id") == got,
              "%s: HEAD agrees: %s" % (point, h.get("qarchive-recording-id")))
        rid = got
    finally:
        check(srv.stop() == 0, "%s: the server stopped cleanly" % point)
    entries = cl.verify_archive(a, "tus killed at " + point, present=[rid] if rid else [],
                                titles={title: 1})
    media_files = [n for n in os.listdir(os.path.join(a, rid)) if n.startswith("media.")] \
        if rid and os.path.isdir(os.path.join(a, rid)) else []
    check(len(media_files) == 1 and
          open(os.path.join(a, rid, media_files[0]), "rb").read() == media,
          "%s: the recording's media is the upload, byte for byte" % point)
    tus_dir = os.path.join(a, ".qarchive", "uploads", "tus")
    check(not [n for n in os.listdir(tus_dir) if n.endswith((".data", ".commit"))],
          "%s: no upload data left: %s" % (point, os.listdir(tus_dir)))
    return entries


def main():
    qarchive, work = os.path.abspath(sys.argv[1]), sys.argv[2]
    if not shutil.which("ffmpeg"):
        print("test_crash_points: SKIP: ffmpeg is required")
        return 0
    os.makedirs(work, exist_ok=True)
    work = tempfile.mkdtemp(prefix="crash-", dir=work)
    try:
        base = cl.setup(qarchive, work)
        test_add(base, "ingest-staged", False)
        test_add(base, "ingest-published", True)
        test_add(base, "index-uncommitted", True)
        test_add(base, "index-committed", True)
        test_edit(base)
        test_delete(base)
        test_index(base, "index-update-uncommitted")
        test_index(base, "index-build-unpublished", "--force")
        test_index(base, "index-build-compacted", "--force")
        for point, committed in (("tus-intent", False), ("ingest-staged", False),
                                 ("ingest-published", True), ("index-committed", True),
                                 ("tus-published", True), ("tus-finished", True)):
            test_tus(base, point, committed)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return qa_test.report()


if __name__ == "__main__":
    sys.exit(main())
