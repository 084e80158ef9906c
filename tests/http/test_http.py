#!/usr/bin/env python3
"""End-to-end tests of `qarchive serve` (Python 3 standard library only).

usage: test_http.py QARCHIVE

Builds a small archive in a temporary directory (WebVTT, SRT and
media-embedded transcripts, an agenda, media made with the ffmpeg CLI, a
title with markup in it), indexes it, starts the server on a free
127.0.0.1 port, checks every route, then stops it by PID with SIGTERM.
Each failed check prints a line; the last line is "N passed, N failed".
"""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qa_test  # noqa: E402
from qa_test import check, free_port  # noqa: E402

QARCHIVE = os.path.abspath(sys.argv[1])
ATOM = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
XSS_TITLE = 'Evil <script>alert("t")</script> & co'


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def ffmpeg(cwd, *args):
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y", *args]
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        sys.exit("test_http: ffmpeg failed: %s\n%s" % (" ".join(cmd), r.stderr))


def recording(root, rid, **meta):
    write(os.path.join(root, rid, "recording.json"), json.dumps(meta))
    return os.path.join(root, rid)


def build_archive(root):
    d = recording(root, "2025-01-10-alpha", title="Alpha Release Live Q&A", kind="release-qa",
                  release="2.6", date="2025-01-10", speakers=["Ann Host", "Bo Dev"],
                  description="Questions about the **alpha** release.")
    write(os.path.join(d, "transcript.vtt"),
          "WEBVTT\n\n"
          "intro\n00:00:10.000 --> 00:00:14.500 align:start position:10%\n"
          "<v Ann Host>Welcome to the release Q and A everyone.\n\n"
          "00:00:15.000 --> 00:00:19.500\n<v Bo Dev>Raise <i>cache_size_limit</i> to avoid "
          "recompilations &amp; retraces.\n\n"
          "00:00:20.000 --> 00:00:24.500\n<v Bo Dev>bfloat16 training got faster.\n")

    d = recording(root, "2025-03-11-tac", title="TAC Meeting March", kind="tac-meeting",
                  date="2025-03-11", speakers=["Chair Cy", "Dee Member"])
    write(os.path.join(d, "transcript.srt"),
          "1\r\n00:00:00,000 --> 00:00:04,500\r\nChair: welcome, let's approve the minutes.\r\n\r\n"
          "2\r\n00:01:00,000 --> 00:01:04,500\r\n<i>Chair:</i> next, the multi-cloud CI update.\r\n\r\n"
          "3\r\n00:01:05,000 --> 00:01:09,000\r\nDee: 1 < 2 && x > y, said \"Dee\".\r\n"
          "second line\r\n\r\n"
          "4\r\n00:02:00,000 --> 00:02:04,000\r\nChair: any other business?\r\n")
    write(os.path.join(d, "agenda.md"),
          "# Agenda\n\n- 00:00:00 Welcome\n- 00:01:00 Multi-cloud CI & <runners>\n"
          "- 00:02:00 Any other business\n")
    write(os.path.join(d, "notes.md"), "## Action items\n\n- Ask donors about quotas.\n")

    # Media with an embedded subtitle stream (the only transcript) and
    # chapters; a few KB.
    d = recording(root, "2025-08-01-embedded", title="Embedded subtitles session",
                  kind="webinar", date="2025-08-01")
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

    d = recording(root, "2025-08-02-audio", title="Audio only roundtable", kind="other",
                  date="2025-08-02", description="A roundtable about compilers.")
    ffmpeg(d, "-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:a", "aac", "media.m4a")

    # Markup in the title and description must come out escaped everywhere.
    d = recording(root, "2025-09-01-xss", title=XSS_TITLE, kind="other", date="2025-09-01",
                  description="<img src=x onerror=alert(1)> payload")
    write(os.path.join(d, "transcript.vtt"),
          "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nplanted payload &lt;script&gt; zebra\n")
    write(os.path.join(root, "synonyms.txt"), "fsdp, fully sharded data parallel\n")


class Server:
    def __init__(self, archive):
        self.port = free_port()
        self.log_path = os.path.join(os.path.dirname(archive), "serve.log")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [QARCHIVE, "serve", "--archive", archive, "--port", str(self.port), "--threads", "4"],
            stdout=subprocess.DEVNULL, stderr=self.log)

    def stderr(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def request(self, method, path, headers=None, conn=None):
        c = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        c.request(method, path, headers=headers or {})
        r = c.getresponse()
        body = r.read()
        if not conn:
            c.close()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, body

    def get(self, path, headers=None):
        return self.request("GET", path, headers)

    def json(self, path):
        st, h, body = self.get(path)
        try:
            return st, h, json.loads(body)
        except ValueError:
            return st, h, None


def run(*args):
    p = subprocess.run([QARCHIVE] + list(args), capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def test_headers(srv):
    for path in ["/healthz", "/api/recordings", "/nope", "/media/2025-08-01-embedded",
                 "/captions/2025-03-11-tac.vtt", "/feed.xml", "/"]:
        st, h, _ = srv.get(path)
        check(h.get("x-content-type-options") == "nosniff", "nosniff on " + path)
        csp = h.get("content-security-policy", "")
        check("default-src 'self'" in csp and "script-src 'self'" in csp and
              "object-src 'none'" in csp and "frame-ancestors 'none'" in csp and
              "unsafe-inline" not in csp, "CSP on %s: %s" % (path, csp))
        check(h.get("referrer-policy") == "same-origin", "Referrer-Policy on " + path)


def test_api(srv, archive):
    st, h, j = srv.json("/healthz")
    check(st == 200 and j == {"status": "ok", "recordings": 5}, "healthz: %s %s" % (st, j))
    check(h.get("content-type") == "application/json", "healthz is JSON")
    st, h, _ = srv.request("HEAD", "/healthz")
    check(st == 200, "HEAD /healthz")

    # The same JSON as the CLI.
    for q, extra in [("welcome", ""), ("torchao", "&limit=2"), ("release", "&kind=release-qa"),
                     ("fully sharded data parallel", "&exact=1"), ("welcome", "&recording=2025-03-11-tac"),
                     ("welcome", "&type=questions")]:
        st, h, j = srv.json("/api/search?q=" + q.replace(" ", "+") + extra)
        args = ["search", "--json", "--archive", archive]
        if "limit=2" in extra:
            args += ["--limit", "2"]
        if "kind" in extra:
            args += ["--kind", "release-qa"]
        if "recording" in extra:
            args += ["--recording", "2025-03-11-tac"]
        if "exact" in extra:
            args += ["--exact"]
        if "questions" in extra:
            args += ["--questions"]
        rc, out, err = run(*(args + [q]))
        check(st == 200 and rc == 0 and j == json.loads(out), "api/search %s equals the CLI: %s" % (q, j))
    st, h, j = srv.json("/api/search?q=torchao")
    check(j and j["hits"] and j["hits"][0]["recording"] == "2025-08-01-embedded" and
          j["hits"][0]["t"] == 2.0, "torchao found in the embedded subtitles: %s" % j)
    # One recording's moments: ?recording= alone, or with a query.
    st, h, j = srv.json("/api/search?q=welcome&recording=2025-03-11-tac")
    check(st == 200 and j["total"] == 1 and j["hits"] and
          all(x["recording"] == "2025-03-11-tac" and x["recording_matches"] >= x["recording_moments"] >= 1
              for x in j["hits"]), "api/search?recording=: that recording's moments: %s" % j)
    st, h, j = srv.json("/api/search?recording=2025-03-11-tac")
    check(st == 200 and j["total"] == 1 and [x["t"] for x in j["hits"]] == [0, 60, 120] and
          all(x["recording"] == "2025-03-11-tac" for x in j["hits"]),
          "api/search?recording= alone lists its moments: %s" % j)
    for bad in ["/api/search?q=welcome+AND", "/api/search?q=x&limit=0", "/api/search?q=x&limit=abc",
                "/api/search?q=x&page=-1", "/api/search?q=x&exact=maybe", "/api/search?q=x&type=all",
                "/api/search",
                "/api/search?q="]:
        st, h, j = srv.json(bad)
        check(st == 400 and isinstance(j, dict) and isinstance(j.get("error"), str) and
              h.get("content-type") == "application/json", "400 JSON for %s: %s %s" % (bad, st, j))

    st, h, j = srv.json("/api/recordings")
    ids = [r["id"] for r in j["recordings"]] if j else []
    check(st == 200 and j["total"] == 5 and ids == ["2025-09-01-xss", "2025-08-02-audio",
          "2025-08-01-embedded", "2025-03-11-tac", "2025-01-10-alpha"], "recordings newest first: %s" % ids)
    rc, out, _ = run("list", "--json", "--archive", archive)
    check(sorted(json.loads(out), key=lambda r: r["id"]) == sorted(j["recordings"], key=lambda r: r["id"]),
          "recordings are list --json's summaries")
    whole = j["recordings"] if j else []
    check(j is not None and j["page"] == 1 and j["limit"] == 100 and j["next"] is None,
          "recordings: one page of at most 100 by default: %s" % j)

    # A page at a time: "next" (and the Link header) leads through them
    # all, in the same order; past the last, an empty page.
    paged, path, pages = [], "/api/recordings?limit=2", 0
    while path and pages < 10:
        st, h, j = srv.json(path)
        pages += 1
        if st != 200 or not j:
            check(False, "recordings page %s: %s" % (path, st))
            break
        paged += j["recordings"]
        check(j["total"] == 5 and len(j["recordings"]) <= 2, "recordings page %s: %d of %s" %
              (path, len(j["recordings"]), j["total"]))
        link = h.get("link")
        check((link == '<%s>; rel="next"' % j["next"]) if j["next"] else link is None,
              "recordings page %s: Link %r beside next %r" % (path, link, j["next"]))
        path = j["next"]
    check(pages == 3 and paged == whole, "recordings two at a time: %d pages, %s" %
          (pages, [r["id"] for r in paged]))
    st, h, j = srv.json("/api/recordings?limit=2&page=4")
    check(st == 200 and j and j["recordings"] == [] and j["next"] is None and j["total"] == 5,
          "a page past the last is empty: %s %s" % (st, j))
    for bad in ["limit=0", "limit=1001", "limit=x", "page=0", "page=-2", "page=1.5"]:
        st, h, j = srv.json("/api/recordings?" + bad)
        check(st == 400 and isinstance(j, dict) and isinstance(j.get("error"), str),
              "400 JSON for /api/recordings?%s: %s %s" % (bad, st, j))

    st, h, j = srv.json("/api/recordings/2025-03-11-tac")
    check(st == 200 and j["id"] == "2025-03-11-tac" and j["transcript_format"] == "srt" and
          len(j["cues"]) == 4 and set(j["cues"][0]) == {"id", "start", "end", "text", "plain", "voice", "settings"} and
          [a["title"] for a in j["agenda"]] == ["Welcome", "Multi-cloud CI & <runners>", "Any other business"] and
          j["notes"].startswith("## Action items") and j["urls"]["media"] is None and
          j["urls"]["captions"] == "/captions/2025-03-11-tac.vtt", "recording detail: %s" % j)
    st, h, j = srv.json("/api/recordings/2025-08-01-embedded")
    check(st == 200 and j["transcript_format"] == "media" and [c["plain"] for c in j["cues"]] ==
          ["Hello and welcome.", "Quantization with torchao is next."] and
          [a["title"] for a in j["agenda"]] == ["Opening", "Quantization corner"] and
          j["urls"]["media"] == "/media/2025-08-01-embedded", "embedded detail: %s" % j)
    st, h, j = srv.json("/api/recordings/2025-08-02-audio")
    check(st == 200 and j["cues"] == [] and j["transcript_format"] is None and j["has_transcript"] is False,
          "no-transcript detail: %s" % j)
    for bad in ["/api/recordings/nope", "/api/recordings/.hidden", "/api/recordings/a%20b",
                "/api/recordings/2025-03-11-tac/extra"]:
        st, h, j = srv.json(bad)
        check(st == 404 and j and "error" in j, "404 JSON for %s: %s %s" % (bad, st, j))
    st, h, j = srv.json("/api/nothing")
    check(st == 404 and j and "error" in j, "unknown /api/ route: JSON 404")


def test_hostile_queries(srv):
    """Queries no person types (issue 13 item 6, issue 16): each is a 400 with
    a message on every route that searches, never a 5xx, and is answered (the
    30 s client timeout would fail the test) without echoing the query."""
    wildcards = "+".join(chr(ord("a") + i % 26) + "*" for i in range(3000))
    cases = [
        ("%ff%fe", b"UTF-8"),                      # not UTF-8 at all
        ("%c0%af", b"UTF-8"),                      # an overlong '/'
        ("%ed%a0%80", b"UTF-8"),                   # a lone surrogate (U+D800)
        ("caf%e9", b"UTF-8"),                      # Latin-1 "cafe"
        ("x" * 30000, b"too long"),                # 30 KB (a 400 KB target: 414, below)
        (wildcards, b"too long"),                  # 3,000 wildcards are 6,000 bytes
        ("+".join("w%d" % i for i in range(65)), b"too many words"),
        ("+".join("%s*" % w for w in "abcdefghi"), b"too many wildcards"),
    ]
    for q, why in cases:
        label = q[:24] + ("..." if len(q) > 24 else "")
        st, h, body = srv.get("/api/search?q=" + q)
        try:
            j = json.loads(body)
        except ValueError:
            j = None
        check(st == 400 and j and why.decode() in j.get("error", ""),
              "api/search?q=%s: 400 saying %s: %s %r" % (label, why, st, body[:200]))
        st, h, body = srv.get("/search?q=" + q)
        # Bytes that are not UTF-8 are refused for every route before any
        # handler (server/web/target_check.h), on the site's error page;
        # the rest by the search page, in its form with an alert.
        page = b"UTF-8" == why or b'role="alert"' in body
        check(st == 400 and why in body and page and len(body) < 32768,
              "search?q=%s: a 400 page saying %s, %d bytes: %s" % (label, why, len(body), st))
        if len(q) > 1024 or b"UTF-8" == why:
            check(q.encode() not in body and b'value=""' in body,
                  "search?q=%s: the refused query is not echoed" % label)
        else:
            check(('value="%s"' % q.replace("+", " ")).encode() in body,
                  "search?q=%s: the query is in the form to fix it" % label)
        st, h, body = srv.get("/feed.xml?q=" + q)
        check(st == 400 and why in body and len(body) < 32768,
              "feed.xml?q=%s: 400 saying %s: %s" % (label, why, st))
    # Filters are text too.
    for path in ["/api/search?q=x&release=%ff", "/api/search?speaker=%c0%af", "/search?recording=%ff",
                 "/search?kind=caf%e9", "/feed.xml?q=x&speaker=%ed%a0%80"]:
        st, h, body = srv.get(path)
        check(st == 400 and b"UTF-8" in body, "%s: 400 not UTF-8: %s %r" % (path, st, body[:200]))
    # The watch page marks the query's words, echoed in every moment link:
    # not a query search would refuse.
    st, h, body = srv.get("/watch/2025-03-11-tac?q=" + "x" * 30000)
    check(st == 200 and b"xxxx" not in body and len(body) < 65536,
          "watch?q=<30 KB>: the page without it, %d bytes" % len(body))
    # A target past the connection's 64 KiB (server.c): libmicrohttpd's
    # 414, at once, on every route.
    for path in ["/api/search?q=", "/search?q=", "/watch/2025-03-11-tac?q="]:
        st, h, body = srv.get(path + "x" * 400000)
        check(st == 414 and b"xxxx" not in body, "%s<400 KB>: 414: %s" % (path, st))
    st, h, body = srv.get("/watch/2025-03-11-tac?q=caf%e9")
    check(st == 400 and b"UTF-8" in body and b"caf\xe9" not in body,
          "watch?q=caf%%e9: a 400 saying UTF-8, not echoed: %s" % st)
    # Just under every cap is an ordinary search.
    q = "+".join("%s*" % w for w in "abcdefgh") + "+" + "+".join("w%d" % i for i in range(56))
    st, h, j = srv.json("/api/search?q=" + q)
    check(st == 200 and j is not None, "64 words with 8 wildcards: searched: %s" % st)


def test_media(srv, archive):
    path = os.path.join(archive, "2025-08-01-embedded", "media.mp4")
    data = open(path, "rb").read()
    size = len(data)
    check(size > 1000, "test media is more than 1000 bytes (%d)" % size)
    url = "/media/2025-08-01-embedded"
    st, h, body = srv.get(url)
    check(st == 200 and body == data, "full media: %s, %d bytes" % (st, len(body)))
    check(h.get("content-type") == "video/mp4", "mp4 type: %s" % h.get("content-type"))
    check(h.get("accept-ranges") == "bytes", "Accept-Ranges")
    check(h.get("content-length") == str(size), "Content-Length")
    etag, lm = h.get("etag", ""), h.get("last-modified", "")
    check(re.fullmatch(r'"[^"]+"', etag) is not None, "strong ETag: " + etag)
    check(re.fullmatch(r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT", lm) is not None,
          "Last-Modified: " + lm)

    def rng(spec, extra=None):
        hdr = {"Range": spec}
        hdr.update(extra or {})
        return srv.get(url, hdr)

    st, h, body = rng("bytes=0-0")
    check(st == 206 and body == data[:1] and h.get("content-range") == "bytes 0-0/%d" % size and
          h.get("content-length") == "1", "bytes=0-0: %s %s" % (st, h.get("content-range")))
    st, h, body = rng("bytes=-500")
    check(st == 206 and body == data[-500:] and
          h.get("content-range") == "bytes %d-%d/%d" % (size - 500, size - 1, size), "bytes=-500: %s %s" % (st, h.get("content-range")))
    st, h, body = rng("bytes=100-%d" % (size + 5000))
    check(st == 206 and body == data[100:] and
          h.get("content-range") == "bytes 100-%d/%d" % (size - 1, size), "end past EOF clamped: %s" % h.get("content-range"))
    st, h, body = rng("bytes=10-")
    check(st == 206 and body == data[10:], "open-ended range")
    st, h, body = rng("bytes=-%d" % (size * 2))
    check(st == 206 and body == data, "suffix longer than the file: whole file as 206")
    st, h, body = rng("bytes=100-199")
    check(st == 206 and body == data[100:200], "middle range")
    for spec in ["bytes=%d-" % size, "bytes=%d-%d" % (size + 10, size + 20), "bytes=-0"]:
        st, h, body = rng(spec)
        check(st == 416 and h.get("content-range") == "bytes */%d" % size,
              "unsatisfiable %s: %s %s" % (spec, st, h.get("content-range")))
    for spec in ["bytes=5-1", "pages=0-1", "bytes=abc", "bytes="]:
        st, h, body = rng(spec)
        check(st == 200 and body == data, "invalid Range %r ignored: %s" % (spec, st))
    st, h, body = rng("bytes=0-0,5-9")
    check(st == 200 and body == data, "multiple ranges answered with the whole file: %s" % st)

    st, h, body = srv.get(url, {"If-None-Match": etag})
    check(st == 304 and body == b"" and h.get("etag") == etag, "If-None-Match → 304: %s" % st)
    st, h, body = srv.get(url, {"If-None-Match": '"other", ' + etag})
    check(st == 304, "If-None-Match list → 304")
    st, h, body = srv.get(url, {"If-None-Match": '"other"'})
    check(st == 200 and body == data, "If-None-Match mismatch → 200")
    st, h, body = srv.get(url, {"If-Modified-Since": lm})
    check(st == 304, "If-Modified-Since equal → 304: %s" % st)
    st, h, body = srv.get(url, {"If-Modified-Since": "Sun, 06 Nov 1994 08:49:37 GMT"})
    check(st == 200 and body == data, "If-Modified-Since older → 200")
    st, h, body = rng("bytes=0-9", {"If-Range": '"wrong"'})
    check(st == 200 and body == data, "If-Range with a wrong ETag → full 200: %s" % st)
    st, h, body = rng("bytes=0-9", {"If-Range": etag})
    check(st == 206 and body == data[:10], "If-Range with the ETag → 206: %s" % st)
    st, h, body = rng("bytes=0-9", {"If-Range": lm})
    check(st == 206 and body == data[:10], "If-Range with the date → 206: %s" % st)
    st, h, body = srv.get(url, {"If-Match": '"wrong"'})
    check(st == 412, "If-Match mismatch → 412: %s" % st)

    st, h, body = srv.request("HEAD", url)
    check(st == 200 and body == b"" and h.get("content-length") == str(size) and
          h.get("accept-ranges") == "bytes" and h.get("etag") == etag, "HEAD media: %s %s" % (st, h))
    st, h, body = srv.request("HEAD", url, {"Range": "bytes=0-0"})
    check(st in (200, 206) and body == b"", "HEAD with Range: no body")

    audio = open(os.path.join(archive, "2025-08-02-audio", "media.m4a"), "rb").read()
    st, h, body = srv.get("/media/2025-08-02-audio")
    check(st == 200 and body == audio and h.get("content-type") == "audio/mp4", "m4a as audio/mp4")
    st, h, body = srv.get("/media/2025-03-11-tac")
    check(st == 404, "recording without media: 404")
    st, h, body = srv.get("/media/nope")
    check(st == 404 and b"<" in body and h.get("content-type", "").startswith("text/html"), "unknown media: HTML 404")

    # Keep-alive: several requests on one connection, ranges among them.
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    ok = True
    for i in range(3):
        st, h, body = srv.request("GET", url, {"Range": "bytes=%d-%d" % (i, i + 9)}, conn=c)
        ok = ok and st == 206 and body == data[i:i + 10]
    c.close()
    check(ok, "keep-alive range requests")

    # Seeking anywhere in a multi-GB file: the same recording's media grown
    # (sparsely) past 4 GiB, so offsets need 64 bits end to end. The
    # server stats the file per request; the index is not involved.
    big = 5 * 1024 ** 3
    os.truncate(path, big)
    try:
        off = 4 * 1024 ** 3 + 12345
        st, h, body = srv.get(url, {"Range": "bytes=%d-%d" % (off, off + 9)})
        check(st == 206 and body == b"\0" * 10 and
              h.get("content-range") == "bytes %d-%d/%d" % (off, off + 9, big),
              "range past 4 GiB: %s %s" % (st, h.get("content-range")))
        st, h, body = srv.get(url, {"Range": "bytes=-7"})
        check(st == 206 and h.get("content-range") == "bytes %d-%d/%d" % (big - 7, big - 1, big),
              "suffix range of a 5 GiB file: %s" % h.get("content-range"))
        st, h, body = srv.request("HEAD", url)
        check(st == 200 and h.get("content-length") == str(big), "HEAD length of a 5 GiB file: %s" % h.get("content-length"))
    finally:
        os.truncate(path, size)

    # The server keeps the file open between requests (media_cache.h). A
    # file replaced by a rename (a new inode, as rsync or an editor leave
    # it) or rewritten in place at the same size must be served afresh,
    # bytes and validators, and a removed one must be gone.
    st, h, body = srv.get(url)
    old_etag = h.get("etag")
    new = bytes(reversed(data))
    with open(path + ".new", "wb") as f:
        f.write(new)
    os.rename(path + ".new", path)
    try:
        st, h, body = srv.get(url)
        check(st == 200 and body == new and h.get("etag") not in (None, old_etag),
              "replaced media: its new bytes and ETag: %s %s" % (st, h.get("etag")))
        st, h, body = rng("bytes=0-9", {"If-Range": old_etag})
        check(st == 200 and body == new, "If-Range with the replaced file's ETag: whole new file: %s" % st)
        st, h, body = rng("bytes=0-9")
        check(st == 206 and body == new[:10], "range of the replaced file: %s" % st)
        replaced_etag = h.get("etag")
        with open(path, "r+b") as f:
            f.write(data)
        stat = os.stat(path)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1000))
        st, h, body = rng("bytes=0-9")
        check(st == 206 and body == data[:10] and h.get("etag") != replaced_etag,
              "rewritten in place at the same size: new bytes and ETag: %s %s" % (st, h.get("etag")))
        away = os.path.join(os.path.dirname(path), "moved-away.mp4")  # not media.*
        os.rename(path, away)
        st, h, body = srv.get(url)
        check(st == 404, "media removed: 404, not the open file: %s" % st)
        os.rename(away, path)
        st, h, body = srv.get(url)
        check(st == 200 and body == data, "media back: served again: %s" % st)
    finally:
        away = os.path.join(os.path.dirname(path), "moved-away.mp4")
        if os.path.exists(away):
            os.rename(away, path)
        with open(path, "wb") as f:
            f.write(data)


def test_traversal(srv):
    for path in ["/media/..%2f..%2fetc%2fpasswd", "/media/%2e%2e", "/media/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                 "/captions/a%00b.vtt", "/media/..", "/media/..%5c..%5cetc%5cpasswd",
                 "/media/2025-08-01-embedded%00", "/media/%252e%252e", "/captions/..%2fx.vtt",
                 "/chapters/%2e%2e%2f%2e%2e.vtt", "/api/recordings/..%2f..", "/static/..%2f..%2fetc%2fpasswd",
                 "/media/.%2e/.%2e/etc/passwd", "/media/\\..\\..\\etc\\passwd"]:
        c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
        c.putrequest("GET", path, skip_accept_encoding=True)
        c.endheaders()
        r = c.getresponse()
        body = r.read()
        c.close()
        check(r.status in (400, 404) and b"root:" not in body, "traversal %s: %s" % (path, r.status))
    # Raw, without http.client's checks: dot segments as sent.
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    s.sendall(b"GET /media/../../../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    got = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        got += chunk
    s.close()
    check(got.startswith(b"HTTP/1.1 400") and b"root:" not in got, "raw dot segments: %r" % got[:40])


def test_captions(srv):
    st, h, body = srv.get("/captions/2025-03-11-tac.vtt")
    text = body.decode()
    check(st == 200 and h.get("content-type", "").startswith("text/vtt"), "captions type: %s" % h.get("content-type"))
    check(text.startswith("WEBVTT\n") and "00:01:00.000 --> 00:01:04.500" in text and
          "00:00:00.000 --> 00:00:04.500" in text, "SRT times converted: " + text)
    check("1 &lt; 2 &amp;&amp; x &gt; y" in text and "<i>" not in text and "\r" not in text and
          "second line" in text, "SRT text escaped for WebVTT: " + text)
    blocks = [b for b in text.split("\n\n") if b.strip()]
    check(len(blocks) == 5, "4 cues and the header: %d blocks" % len(blocks))
    # Every cue block: optional id, one timing line, non-empty text lines, no stray -->.
    ok = all(sum("-->" in line for line in b.split("\n")) == 1 for b in blocks[1:])
    check(ok, "exactly one --> per cue")

    st, h, body = srv.get("/captions/2025-01-10-alpha.vtt")
    text = body.decode()
    check(st == 200 and "<v Ann Host>Welcome" in text and "intro\n00:00:10.000 --> 00:00:14.500" in text and
          "position:10%" in text and "align:start" in text and "&amp; retraces" in text,
          "WebVTT source kept with voices, ids, settings: " + text)
    st, h, body = srv.get("/captions/2025-08-01-embedded.vtt")
    check(st == 200 and "00:00:02.000 --> 00:00:03.500\nQuantization with torchao is next." in body.decode(),
          "media subtitles as WebVTT: %s" % body)
    st, h, body = srv.get("/captions/2025-08-02-audio.vtt")
    check(st == 200 and body.decode().strip() == "WEBVTT", "no transcript: empty WebVTT")
    for bad in ["/captions/nope.vtt", "/captions/2025-03-11-tac", "/captions/2025-03-11-tac.pdf",
                "/captions/.vtt", "/captions/nope.srt", "/captions/.txt"]:
        st, h, body = srv.get(bad)
        check(st == 404, "captions 404 for " + bad)

    # The same cues to download as SRT and as plain text (the watch page's links).
    st, h, body = srv.get("/captions/2025-08-01-embedded.srt")
    check(st == 200 and h.get("content-type", "").startswith("application/x-subrip") and
          body.decode().startswith("1\n") and
          "00:00:02,000 --> 00:00:03,500\nQuantization with torchao is next.\n\n" in body.decode(),
          "captions as SRT: " + body.decode()[:80])
    st, h, body = srv.get("/captions/2025-08-01-embedded.txt")
    check(st == 200 and h.get("content-type", "").startswith("text/plain") and
          "Quantization with torchao is next.\n" in body.decode(), "captions as text: " + body.decode()[:80])

    st, h, body = srv.get("/chapters/2025-03-11-tac.vtt")
    text = body.decode()
    check(st == 200 and text.startswith("WEBVTT\n") and
          "00:00:00.000 --> 00:01:00.000\nWelcome" in text and
          "00:01:00.000 --> 00:02:00.000\nMulti-cloud CI &amp; &lt;runners&gt;" in text and
          "00:02:00.000 --> " in text, "chapters from agenda.md: " + text)
    st, h, body = srv.get("/chapters/2025-08-01-embedded.vtt")
    text = body.decode()
    check(st == 200 and "00:00:00.000 --> 00:00:02.000\nOpening" in text and
          "00:00:02.000 --> 00:00:04.0" in text and "Quantization corner" in text,
          "chapters from the media: " + text)
    st, h, body = srv.get("/chapters/nope.vtt")
    check(st == 404, "chapters 404")


def test_feeds(srv):
    # The questions feed (issue 14): well-formed Atom; this archive's host
    # asks nothing, so its only units are the TAC meeting's agenda items
    # (agenda_units.h), each an entry that says so; another type is a 400.
    st, h, body = srv.get("/feed.xml?type=questions")
    try:
        qroot = ET.fromstring(body) if st == 200 else None
    except ET.ParseError:
        qroot = None
    entries = qroot.findall(ATOM + "entry") if qroot is not None else []
    check(qroot is not None and qroot.findtext(ATOM + "title") == "qarchive: newest questions" and
          entries and all((e.findtext(ATOM + "summary") or "").startswith("Agenda item at ") and
                          "/watch/2025-03-11-tac?t=" in (e.findtext(ATOM + "id") or "")
                          for e in entries),
          "feed.xml?type=questions: %s %r" % (st, body[:300]))
    st, h, body = srv.get("/feed.xml?type=everything")
    check(st == 400, "feed.xml?type=everything: 400: %s" % st)
    st, h, body = srv.get("/feed.xml", {"Host": "archive.example:8080"})
    check(st == 200 and h.get("content-type", "").startswith("application/atom+xml"), "feed type")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as e:
        root = None
        check(False, "feed is well-formed XML: %s" % e)
    if root is not None:
        entries = root.findall(ATOM + "entry")
        titles = [e.findtext(ATOM + "title") for e in entries]
        check(root.tag == ATOM + "feed" and len(entries) == 5 and titles[0] == XSS_TITLE,
              "feed entries newest first, title round-trips: %s" % titles)
        check(root.find(ATOM + "id") is not None and root.find(ATOM + "updated") is not None and
              root.find(ATOM + "author") is not None, "feed has id, updated, author")
        link = entries[0].find(ATOM + "link").get("href")
        check(link == "http://archive.example:8080/watch/2025-09-01-xss", "absolute entry link: " + link)
    check(b"<script>" not in body and b"<img" not in body, "no raw markup in the feed")
    st, h, body = srv.get("/feed.xml", {"Host": 'evil"><x'})
    check(st == 200 and b'evil"' not in body, "a hostile Host header is not reflected")

    st, h, body = srv.get("/feed.xml?q=welcome")
    try:
        root = ET.fromstring(body)
        entries = root.findall(ATOM + "entry")
        links = [e.find(ATOM + "link").get("href") for e in entries]
        check(st == 200 and len(entries) >= 2 and
              any(re.search(r"/watch/2025-01-10-alpha\?t=10&q=welcome$", l) for l in links) and
              any(re.search(r"/watch/2025-08-01-embedded\?t=0&q=welcome$", l) for l in links),
              "saved search: one entry per moment: %s" % links)
        dates = [e.findtext(ATOM + "updated") for e in entries]
        check(dates == sorted(dates, reverse=True), "saved search newest first: %s" % dates)
    except ET.ParseError as e:
        check(False, "saved-search feed is well-formed: %s" % e)
    st, h, body = srv.get("/feed.xml?q=zebra")
    check(st == 200 and b"<script>" not in body and b"<mark>" not in body, "snippet escaped in the feed")
    root = ET.fromstring(body)
    content = root.find(ATOM + "entry").find(ATOM + "content")
    check(content.get("type") == "html" and "<mark>zebra</mark>" in content.text and
          "&lt;script&gt;" in content.text, "html content carries the snippet: %s" % content.text)
    st, h, body = srv.get("/feed.xml?q=%3Cscript%3E+AND")
    check(st == 400 and b"<script>" not in body, "bad saved search: 400, escaped")
    st, h, body = srv.get("/feed.xml?q=%3Cb%3Enothing%3C%2Fb%3E")
    check(st == 200 and b"<b>" not in body, "query echoed escaped in the feed title")
    ET.fromstring(body)

    st, h, body = srv.get("/opensearch.xml", {"Host": "archive.example"})
    check(st == 200 and h.get("content-type", "").startswith("application/opensearchdescription+xml"),
          "opensearch type")
    root = ET.fromstring(body)
    urls = {u.get("type"): u.get("template") for u in root.findall(OPENSEARCH + "Url")}
    check(root.tag == OPENSEARCH + "OpenSearchDescription" and root.findtext(OPENSEARCH + "ShortName") and
          urls.get("text/html") == "http://archive.example/search?q={searchTerms}" and
          urls.get("application/json") == "http://archive.example/api/search?q={searchTerms}",
          "opensearch urls: %s" % urls)


def test_routes(srv):
    st, h, body = srv.get("/nope")
    check(st == 404 and h.get("content-type", "").startswith("text/html") and b"/nope" in body, "HTML 404")
    st, h, body = srv.get("/nope%3Cscript%3E")
    check(st == 404 and b"<script>" not in body, "404 page escapes the path")
    for method in ["POST", "PUT", "DELETE", "OPTIONS"]:
        st, h, body = srv.request(method, "/api/search?q=x")
        check(st == 405 and h.get("allow") == "GET, HEAD", "%s → 405 with Allow: %s %s" % (method, st, h.get("allow")))
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    c.request("POST", "/healthz", body=b"x" * 1000, headers={"Content-Type": "text/plain"})
    r = c.getresponse()
    r.read()
    c.close()
    check(r.status == 405, "POST with a body → 405")
    for path in ["/", "/search?q=x", "/watch/2025-01-10-alpha"]:
        st, h, body = srv.get(path)
        check(st == 200 and h.get("content-type", "").startswith("text/html"), "page " + path)
    st, h, body = srv.get("/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22")
    check(b"<script>" not in body and b'alert(1)&lt;/script&gt;&quot;' in body, "query escaped in the search page")
    st, h, body = srv.get("/watch/2025-09-01-xss")
    check(st == 200 and b"<script>" not in body and b"&lt;script&gt;" in body, "title escaped in the watch page")
    st, h, body = srv.get("/watch/nope")
    check(st == 404, "watch unknown → 404")


def no_inline_code(body):
    """The CSP forbids inline scripts and styles: none may be written."""
    return (re.search(rb"<script(?![^>]*\bsrc=\"/static/)", body) is None and
            re.search(rb"<style|\sstyle=|\son[a-z]+=", body) is None)


def test_static(srv):
    st, h, css = srv.get("/static/style.css")
    etag = h.get("etag", "")
    check(st == 200 and h.get("content-type") == "text/css; charset=utf-8" and b"{" in css,
          "style.css: %s %s" % (st, h.get("content-type")))
    check(re.fullmatch(r'"[0-9a-f]{16}"', etag) is not None and h.get("cache-control") == "no-cache",
          "style.css: strong ETag, revalidated: %s %s" % (etag, h.get("cache-control")))
    st, h, body = srv.get("/static/style.css", {"If-None-Match": etag})
    check(st == 304 and body == b"" and h.get("etag") == etag, "If-None-Match → 304: %s" % st)
    st, h, body = srv.get("/static/style.css", {"If-None-Match": '"0000000000000000"'})
    check(st == 200 and body == css, "another ETag → 200")
    st, h, body = srv.get("/static/style.css?v=" + etag.strip('"'))
    check(st == 200 and "immutable" in h.get("cache-control", ""), "versioned URL is immutable")
    st, h, js = srv.get("/static/watch.js")
    check(st == 200 and h.get("content-type") == "text/javascript; charset=utf-8" and b"currentTime" in js,
          "watch.js served")
    st, h, body = srv.request("HEAD", "/static/watch.js")
    check(st == 200 and body == b"" and h.get("content-length") == str(len(js)), "HEAD /static/watch.js")
    for bad in ["/static/", "/static/nope.css", "/static/style.css/", "/static/..%2fstyle.css",
                "/static/%2e%2e/style.css"]:
        st, h, body = srv.get(bad)
        check(st in (400, 404), "%s → 400/404: %s" % (bad, st))
    st, h, body = srv.get("/")
    m = re.search(rb'href="/static/style\.css\?v=([0-9a-f]{16})"', body)
    check(m is not None and m.group(1).decode() == etag.strip('"'), "pages link the current style.css")


def test_pages(srv):
    st, h, body = srv.get("/")
    check(st == 200 and b'<link rel="search" type="application/opensearchdescription+xml"' in body and
          b'type="application/atom+xml"' in body and b'action="/search"' in body, "home: search box, OpenSearch, feed")
    check(no_inline_code(body), "home: no inline script or style")
    order = [body.find(b'id="release-qa"'), body.find(b'id="tac-meeting"'), body.find(b'id="webinar"'),
             body.find(b'id="other"')]
    check(all(i > 0 for i in order) and order == sorted(order), "home: groups in order %s" % order)
    check(body.find(b"/watch/2025-09-01-xss") < body.find(b"/watch/2025-08-02-audio") and
          b"Evil &lt;script&gt;" in body and b"<script>alert" not in body, "home: newest first, titles escaped")
    m = re.search(rb'<a href="/watch/2025-08-02-audio">.*?</li>', body, re.S)
    check(m is not None and b"transcript pending" in m.group(0) and b"transcript only" not in m.group(0),
          "home: a recording without a transcript is listed as transcript pending")

    st, h, body = srv.get("/search?q=welcome")
    check(st == 200 and b'class="results"' in body and no_inline_code(body), "search: results")
    check(re.search(rb'href="/watch/2025-01-10-alpha\?t=10&amp;q=welcome"><span class="ts">0:10</span>', body)
          is not None, "search: a moment links to /watch/<id>?t=N&q=, with its time")
    check(b"<mark>" in body.lower() or b"<mark>" in body, "search: snippets mark the words")
    check(re.search(rb'href="/search\?q=welcome&amp;kind=release-qa">Release Q&amp;A <span class="count">1</span>',
                    body) is not None, "search: kind facet link with count")
    st, h, body = srv.get("/search?q=welcome&kind=release-qa")
    check(st == 200 and b'href="/search?q=welcome" aria-current="true" class="on"' in body and
          re.search(rb'<a class="chip" href="/search\?q=welcome">', body) is not None and
          b'<input type="hidden" name="kind" value="release-qa">' in body, "search: active filter can be removed")
    # ?source= is kept by every link of the page, as the other filters are,
    # and has its own chip that removes it.
    st, h, body = srv.get("/search?q=welcome&source=human")
    check(st == 200 and
          re.search(rb'href="/search\?q=welcome&amp;kind=release-qa&amp;source=human">Release Q&amp;A', body)
          is not None and
          re.search(rb'<a class="chip" href="/search\?q=welcome">human transcripts', body) is not None and
          b'<input type="hidden" name="source" value="human">' in body,
          "search?source=: facet links keep it, a chip removes it, the form keeps it")
    st, h, body = srv.get("/search?q=welcome&recording=2025-03-11-tac")
    check(st == 200 and re.search(rb'<a class="chip" href="/search\?q=welcome">TAC Meeting March ', body) and
          b'<input type="hidden" name="recording" value="2025-03-11-tac">' in body and
          re.search(rb"\d+ moments? in this recording match", body) and b'class="more"' not in body,
          "search?recording=: its moments, a chip to remove the filter, the form keeps it")
    st, h, body = srv.get("/search?q=welcome+kumquatz")
    check(st == 200 and b'<p class="not-found">Not found: <s>kumquatz</s></p>' in body,
          "search: the words found nowhere are named")
    st, h, j = srv.json("/api/search?q=how+do+I+welcome+kumquatz+Kumquatz")
    check(st == 200 and j["not_found"] == ["kumquatz"], "api/search: not_found: %s" % (j and j.get("not_found")))
    st, h, body = srv.get("/search?q=welcome+AND")
    check(st == 400 and b'role="alert"' in body and b'<form class="big-search"' in body and
          b'value="welcome AND"' in body, "search: a syntax error is a 400 page with the form")
    st, h, body = srv.get("/search")
    check(st == 200 and b"How to search" in body, "search: no query shows the form and help")
    st, h, body = srv.get("/search?q=x&page=0")
    check(st == 400 and b"page:" in body, "search: a bad page number is a 400 page")
    st, h, body = srv.get("/search?q=zzzqqqxxx")
    check(st == 200 and b"Nothing found" in body and b"zzzqqqxxx" in body, "search: empty state")
    st, h, j = srv.json("/api/search?q=welcom")
    st, h, body = srv.get("/search?q=welcom")
    if j and j.get("suggestion"):
        check(b"Did you mean" in body and b"/search?q=" in body, "search: did you mean")
    st, h, body = srv.get("/search?q=welcome&page=7")
    check(st == 200 and b"Back to the first page" in body, "search: past the last page")

    st, h, body = srv.get("/watch/2025-03-11-tac?t=1:00")
    check(st == 200 and b"<h1>TAC Meeting March</h1>" in body and b"<title>TAC Meeting March" in body,
          "watch: title and heading")
    check(b"no audio or video" in body and b"<video" not in body, "watch: no media, transcript still shown")
    check(re.search(rb'<li class="cue" id="cue-2" data-start="60" data-end="64.5" aria-current="true">'
                    rb'<a class="ts" href="/watch/2025-03-11-tac\?t=60" data-t="60">1:00</a>', body) is not None,
          "watch: the cue at t is current, its time a link")
    check(b"1 &lt; 2 &amp;&amp; x &gt; y" in body, "watch: cue text escaped")
    check(b'<span class="title">Multi-cloud CI &amp; &lt;runners&gt;</span>' in body, "watch: agenda escaped")
    # "## Action items" is the notes' top level: an <h3> right under the
    # page's <h2>Notes</h2> (html.h), not an <h4> after a gap.
    check(b'<h3>Action items</h3>' in body and b"<li>Ask donors about quotas.</li>" in body,
          "watch: notes rendered from markdown")
    check(no_inline_code(body) and b'<script src="/static/watch.js?v=' in body, "watch: script from /static only")
    for t, want in [("754", b"754"), ("12m34s", b"754"), ("1h2m3s", b"3723"), ("12:34", b"754"), ("bogus", b"0")]:
        st, h, body = srv.get("/watch/2025-08-01-embedded?t=" + t)
        check(st == 200 and b'data-start="' + want + b'"' in body, "watch: t=%s" % t)
    st, h, body = srv.get("/watch/2025-08-01-embedded?t=2&end=3.5")
    check(re.search(rb'<video id="player"[^>]* src="/media/2025-08-01-embedded#t=2,3\.5"', body) is not None and
          b'<track kind="captions" src="/captions/2025-08-01-embedded.vtt" srclang="en" label="English">'
          in body and b'<track kind="chapters" src="/chapters/2025-08-01-embedded.vtt"' in body and
          b"Quantization with torchao is next." in body and b'class="clip-note"' in body,
          "watch: video with a clip fragment, captions, chapters, cues from the media")
    st, h, body = srv.get("/watch/2025-08-02-audio")
    check(b'<audio id="player"' in body and b"Transcript pending" in body and b'kind="captions"' not in body,
          "watch: audio, transcript pending")
    st, h, body = srv.get("/watch/2025-09-01-xss?q=%3Cscript%3E")
    check(b"<img src=x" not in body and b"&lt;img src=x onerror=alert(1)&gt; payload" not in body and
          b"<script>" not in body and b'value="&lt;script&gt;"' in body,
          "watch: description through cmark's safe mode, query escaped")
    for bad in ["/watch/..%2f..%2fetc", "/watch/../../etc/passwd", "/watch/.hidden", "/watch/"]:
        st, h, body = srv.get(bad)
        check(st in (400, 404), "watch: %s → %s" % (bad, st))


def test_live_reindex(srv, archive):
    st, h, j = srv.json("/api/search?q=kumquat")
    check(st == 200 and j["total"] == 0, "kumquat not there yet")
    d = recording(archive, "2025-10-01-late", title="Late addition", kind="other", date="2025-10-01")
    write(os.path.join(d, "transcript.vtt"), "WEBVTT\n\n00:00:07.000 --> 00:00:09.000\nwe talk about kumquat trees\n")
    rc, out, err = run("index", "--archive", archive)
    check(rc == 0, "index while serving: " + err)
    st, h, j = srv.json("/api/search?q=kumquat")
    check(st == 200 and j["total"] == 1 and j["hits"][0]["t"] == 7.0, "new recording found without restart: %s" % j)
    st, h, j = srv.json("/healthz")
    check(j and j["recordings"] == 6, "healthz counts it")
    st, h, body = srv.get("/captions/2025-10-01-late.vtt")
    check(st == 200 and b"kumquat" in body, "its captions too")


def test_slow_client(srv):
    # Half a request, then silence: it holds a connection, not a worker.
    stalled = []
    for _ in range(8):
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        stalled.append(s)
    t0 = time.time()
    results = []

    def worker():
        try:
            results.append(srv.get("/api/search?q=welcome")[0])
        except Exception as e:  # noqa: BLE001
            results.append(repr(e))
    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    took = time.time() - t0
    check(results == [200] * 8 and took < 5, "requests beside stalled clients: %s in %.1f s" % (results, took))
    for s in stalled:
        s.close()


def test_similar_served(tmp):
    """Similar questions across releases (issue 14) over HTTP, on a copy of
    two bundled release Q&As: /api/recordings/<id> gives every question a
    "similar" list, and the watch page says "Also asked in 2.6: ..." under
    the 2.9 question about Python versions, linking to where 2.6 asks it."""
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "transcripts")
    archive = os.path.join(tmp, "similar")
    for rid in ["2025-02-05-pytorch-2-6-release-qa", "2025-10-22-pytorch-2-9-release-qa",
                "2025-05-13-tac-meeting"]:
        shutil.copytree(os.path.join(src, rid), os.path.join(archive, rid))
    rc, out, err = run("index", "--archive", archive)
    check(rc == 0, "index two bundled Q&As: %s %s" % (out, err))
    srv = Server(archive)
    try:
        deadline, up = time.time() + 30, False
        while not up and time.time() < deadline and srv.proc.poll() is None:
            try:
                up = srv.get("/healthz")[0] == 200
            except OSError:
                time.sleep(0.1)
        check(up, "similar: server answers /healthz: " + srv.stderr())
        if not up:
            return
        st, h, j = srv.json("/api/recordings/2025-10-22-pytorch-2-9-release-qa")
        qs = (j or {}).get("questions") or []
        check(st == 200 and qs and all(isinstance(q.get("similar"), list) for q in qs),
              "every question of the API has a similar list: %s" % qs[:1])
        py = [q for q in qs if "Python versions" in q["text"]]
        sim = py[0]["similar"] if py else []
        check(sim and sim[0]["recording"] == "2025-02-05-pytorch-2-6-release-qa" and
              sim[0]["release"] == "2.6" and sim[0]["t"] == 129.0 and
              set(sim[0]) == {"recording", "title", "release", "t", "question"},
              "2.9's Python question: 2.6's is similar: %s" % sim)
        check(all(s["recording"] != "2025-10-22-pytorch-2-9-release-qa" for q in qs for s in q["similar"]),
              "similar: never the recording itself")
        st, h, body = srv.get("/watch/2025-10-22-pytorch-2-9-release-qa")
        page = body.decode()
        check(st == 200 and re.search(r'<p class="also">Also asked in 2\.6: <a href="/watch/'
                                      r'2025-02-05-pytorch-2-6-release-qa\?t=129">[^<]*Python version', page),
              "the watch page: 'Also asked in 2.6' links to 2:09: %s" %
              re.findall(r'<p class="also">.*?</p>', page)[:3])
        # A TAC meeting's agenda items carry the decisions stated in them.
        st, h, j = srv.json("/api/recordings/2025-05-13-tac-meeting")
        items = (j or {}).get("agenda") or []
        check(st == 200 and [len(a.get("decisions", [])) for a in items] == [1, 1, 1, 0, 0] and
              items[0]["decisions"][0] == {"t": 44.725, "text": "Hearing none, the April minutes are approved."},
              "TAC agenda items: decisions: %s" % [a.get("decisions") for a in items])
        # ... and are units of kind "agenda" (agenda_units.h): the API lists
        # them with the questions, and a search finds one with its span
        # and decisions; the watch page keeps them out of its question list.
        qs = (j or {}).get("questions") or []
        check([q.get("kind") for q in qs] == ["agenda"] * 5 and qs[2]["t"] == 317.0 and
              qs[2]["text"].startswith("Accelerator integration") and qs[2]["answer_t"] >= 317.0,
              "TAC agenda items as units: %s" % [(q.get("kind"), q.get("t")) for q in qs])
        st, h, j = srv.json("/api/search?type=questions&q=out-of-tree+backend+CI")
        unit = (((j or {}).get("hits") or [{}])[0]).get("unit") or {}
        check(st == 200 and unit.get("kind") == "agenda" and unit["question"]["t"] == 317.0 and
              unit["question"].get("speaker") is None and unit["answer"]["end"] > unit["answer"]["t"] and
              any("approved as a trial" in d["text"] for d in unit.get("decisions", [])),
              "an agenda unit in the JSON: kind, span, decisions: %s" % unit)
        st, h, j = srv.json("/api/search?type=questions&q=Python+versions")
        unit = (((j or {}).get("hits") or [{}])[0]).get("unit") or {}
        check(unit.get("kind") == "question" and "decisions" not in unit,
              "a question unit says so, with no decisions: %s" % unit)
        st, h, body = srv.get("/watch/2025-05-13-tac-meeting")
        check(b'class="asked"' not in body, "the TAC watch page lists no 'Questions in this Q&A'")
        st, h, j = srv.json("/api/recordings/2025-10-22-pytorch-2-9-release-qa")
        check(st == 200 and all("decisions" not in a for a in j["agenda"]), "a Q&A's agenda has no decisions")
        st, h, body = srv.get("/watch/2025-05-13-tac-meeting")
        page = body.decode()
        check(st == 200 and re.search(r'<ul class="decisions"><li><span class="tag">Decided</span> <a href="'
                                      r'/watch/2025-05-13-tac-meeting\?t=44\.725" data-t="44\.725">Hearing none, '
                                      r'the April minutes are approved\.</a></li></ul>', page),
              "the watch page marks the decision under its item: %s" %
              re.findall(r'<ul class="decisions">.*?</ul>', page)[:2])
    finally:
        srv.proc.send_signal(signal.SIGTERM)
        try:
            rc = srv.proc.wait(30)
        except subprocess.TimeoutExpired:
            srv.proc.kill()
            rc = srv.proc.wait()
        log = srv.stderr()
        check(rc == 0 and "ERROR: AddressSanitizer" not in log and "LeakSanitizer" not in log and
              "runtime error" not in log, "similar: clean exit: %s" % log[-2000:])


def main():
    tmp = tempfile.mkdtemp(prefix="qa_http_")
    archive = os.path.join(tmp, "archive")
    srv = None
    try:
        build_archive(archive)
        rc, out, err = run("index", "--archive", archive)
        if rc != 0:
            sys.exit("test_http: index failed: " + out + err)
        srv = Server(archive)
        deadline = time.time() + 30
        up = False
        while time.time() < deadline and srv.proc.poll() is None:
            try:
                if srv.get("/healthz")[0] == 200:
                    up = True
                    break
            except OSError:
                time.sleep(0.1)
        check(up, "server answers /healthz: " + srv.stderr())
        if not up:
            return 1
        for test in [test_headers, test_api, test_hostile_queries, test_media, test_traversal,
                     test_captions, test_feeds,
                     test_routes, test_static, test_pages, test_live_reindex, test_slow_client]:
            try:
                if test in (test_api, test_media, test_live_reindex):
                    test(srv, archive)
                else:
                    test(srv)
            except Exception as e:  # a crash in one group should not hide the others
                import traceback
                traceback.print_exc()
                check(False, "%s raised %r" % (test.__name__, e))

        log = srv.stderr()
        clf = re.compile(r'^127\.0\.0\.1 - - \[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] '
                         r'"(GET|HEAD|POST|PUT|DELETE|OPTIONS) \S+ HTTP/1\.[01]" \d{3} (\d+|-)$', re.M)
        lines = clf.findall(log)
        check(len(lines) > 100, "CLF lines on stderr: %d" % len(lines))
        check(re.search(r'"GET /media/2025-08-01-embedded HTTP/1\.1" 206 1$', log, re.M) is not None,
              "CLF logs a 206 with its byte count")
        check(re.search(r'"GET /api/search\?q=welcome\+AND HTTP/1\.1" 400 \d+$', log, re.M) is not None,
              "CLF logs the raw request target")
        check(re.search(r'"HEAD /healthz HTTP/1\.1" 200 -$', log, re.M) is not None, "CLF: HEAD has no bytes")

        srv.proc.send_signal(signal.SIGTERM)
        try:
            rc = srv.proc.wait(30)
        except subprocess.TimeoutExpired:
            srv.proc.kill()
            rc = srv.proc.wait()
        log = srv.stderr()
        check(rc == 0, "SIGTERM: exit 0 (got %s)" % rc)
        check("LeakSanitizer" not in log and "ERROR: AddressSanitizer" not in log and
              "runtime error" not in log, "no sanitizer report: " + log[-3000:])
        test_similar_served(tmp)
    finally:
        if srv and srv.proc.poll() is None:
            srv.proc.kill()
            srv.proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    return qa_test.report()


if __name__ == "__main__":
    sys.exit(main())
