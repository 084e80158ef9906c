#!/usr/bin/env python3
"""End-to-end tests of the staff pages (#8): /upload, /edit/<id>,
/delete/<id>, and their CSRF tokens (Python 3 standard library only).

usage: test_pages_staff.py QARCHIVE

Builds a small archive in a temporary directory, adds a staff user with
`qarchive user add`, starts `qarchive serve` on a free 127.0.0.1 port,
signs in through the form, then uploads through the no-JavaScript form
(multipart, with an MP4 made by ffmpeg at test time and a WebVTT
transcript), edits and deletes, checking what the pages, the search and
the listing show after each step. Stops the server by PID with SIGTERM.
Each failed check prints a line; the last line is "N passed, N failed".
"""
import html
import http.client
import json
import os
import re
import socket
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qa_test  # noqa: E402
from qa_test import check, free_port  # noqa: E402

QARCHIVE = os.path.abspath(sys.argv[1])
PASSWORD = "pw12345678"
WORD = "zanzibarquokka"
XSS_TITLE = 'Quokka <script>alert("t")</script> & "friends"'


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def run(*args, stdin=None):
    p = subprocess.run([QARCHIVE] + list(args), input=stdin, capture_output=True, text=True,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr


def make_media(path):
    """A few seconds of test pattern and tone, as a small MP4."""
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y",
           "-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=6",
           "-f", "lavfi", "-i", "sine=frequency=440:duration=6",
           "-c:v", "mpeg4", "-c:a", "aac", "-shortest", path]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        sys.exit("test_pages_staff: ffmpeg failed: %s\n%s" % (" ".join(cmd), r.stderr))


VTT = ("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nWelcome to the upload test.\n\n"
       "00:00:04.000 --> 00:00:05.500\nToday we talk about the " + WORD + " at length.\n")
BAD_VTT_LINE = 5
BAD_SRT = ("1\n00:00:01,000 --> 00:00:02,000\nfine\n\n"
           "2\n00:00:03,000 -> nonsense\nbroken timing\n")


def multipart(fields, files):
    """fields: [(name, value)], files: [(name, filename, bytes)]."""
    return qa_test.multipart(fields, files, "----qarchive" + uuid.uuid4().hex)


class Server:
    def __init__(self, archive):
        self.port = free_port()
        self.log_path = os.path.join(os.path.dirname(archive), "serve.log")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [QARCHIVE, "serve", "--archive", archive, "--port", str(self.port), "--threads", "4"],
            stdout=subprocess.DEVNULL, stderr=self.log)
        self.cookies = {}

    def stderr(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def request(self, method, path, body=None, headers=None, cookies=True):
        h = dict(headers or {})
        if cookies and self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                value = rest.split(";")[0]
                if "Max-Age=0" in v:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value
        c.close()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data

    def get(self, path, cookies=True):
        return self.request("GET", path, cookies=cookies)

    def post_form(self, path, fields, cookies=True):
        body = urllib.parse.urlencode(fields)
        return self.request("POST", path, body,
                            {"Content-Type": "application/x-www-form-urlencoded"}, cookies)

    def post_multipart(self, path, fields, files=(), cookies=True):
        body, ctype = multipart(fields, files)
        return self.request("POST", path, body, {"Content-Type": ctype}, cookies)

    def json(self, path):
        st, h, body = self.get(path)
        try:
            return st, json.loads(body)
        except ValueError:
            return st, None


def form_csrf(body):
    m = re.search(rb'name="csrf" value="([^"]*)"', body)
    return m.group(1).decode() if m else None


def sign_in(srv, name):
    st, h, body = srv.get("/login?next=/upload")
    token = form_csrf(body)
    st, h, body = srv.post_form("/login", {"csrf": token, "name": name, "password": PASSWORD,
                                           "next": "/upload"})
    return st == 303 and h.get("location") == "/upload" and "qarchive_session" in srv.cookies


def search(srv, q):
    st, j = srv.json("/api/search?q=" + urllib.parse.quote(q))
    return j["hits"] if st == 200 and j else None


def test_signed_out(srv, rid):
    for path in ["/upload", "/edit/" + rid, "/delete/" + rid]:
        st, h, body = srv.get(path, cookies=False)
        check(st == 303 and h.get("location") == "/login?next=" + path,
              "%s signed out: 303 to sign in (%s %s)" % (path, st, h.get("location")))
    st, h, body = srv.get("/watch/" + rid, cookies=False)
    check(st == 200 and b"/edit/" not in body and b"/delete/" not in body and
          b'class="staff-nav"' not in body, "watch: visitors see no Edit or Delete")
    check(b'<a href="/upload">Upload (staff)</a>' in body, "footer links to /upload")
    check(b'<a class="sign-in" href="/login?next=%2Fwatch%2F' + rid.encode() + b'">Sign in</a>' in body and
          b"Signed in as" not in body, "header: visitors see Sign in, back to this page")
    st, h, body = srv.get("/no/such/page", cookies=False)
    check(st == 404 and b'class="sign-in"' in body, "404 page: Sign in in the header")
    st, h, body = srv.get("/?done=%3Cscript%3E", cookies=False)
    check(st == 200 and b'class="flash"' not in body and b"<script>" not in body,
          "an unknown ?done= shows nothing and echoes nothing")
    # A POST without a session is refused before its body is read.
    st, h, body = srv.post_multipart("/upload", [("csrf", "x"), ("title", "t")], cookies=False)
    check(st == 401, "POST /upload signed out: 401 (%s)" % st)
    st, h, body = srv.post_form("/delete/" + rid, {"csrf": "x"}, cookies=False)
    check(st == 401, "POST /delete signed out: 401 (%s)" % st)


def test_csrf(srv, rid, media):
    for token, what in [(None, "missing"), ("not-the-token", "wrong")]:
        fields = [("title", "CSRF probe " + what), ("kind", "other"), ("date", "2025-05-05")]
        if token is not None:
            fields.insert(0, ("csrf", token))
        st, h, body = srv.post_multipart("/upload", fields, [("media", "m.mp4", media)])
        check(st == 403, "POST /upload, CSRF %s: 403 (%s)" % (what, st))
        check(b'value="CSRF probe ' + what.encode() + b'"' in body,
              "POST /upload, CSRF %s: the form comes back with the title kept" % what)
        st, h, body = srv.post_multipart("/edit/" + rid, fields)
        check(st == 403, "POST /edit, CSRF %s: 403 (%s)" % (what, st))
        st, h, body = srv.post_form("/delete/" + rid, {"csrf": token} if token else {})
        check(st == 403, "POST /delete, CSRF %s: 403 (%s)" % (what, st))
        st, h, body = srv.post_form("/logout", {"csrf": token} if token else {})
        check(st == 403, "POST /logout, CSRF %s: 403 (%s)" % (what, st))
    st, h, body = srv.get("/watch/" + rid)
    check(st == 200 and "qarchive_session" in srv.cookies, "still there and still signed in")
    check(not search(srv, "CSRF probe"), "nothing uploaded without the token")


def test_upload_page(srv):
    st, h, body = srv.get("/upload")
    check(st == 200, "GET /upload signed in: %s" % st)
    token = form_csrf(body)
    meta = re.search(rb'<meta name="csrf-token" content="([^"]*)">', body)
    check(token and meta and meta.group(1).decode() == token, "the page carries the CSRF token twice")
    form = re.search(rb'<form class="staff-form" id="upload-form"[^>]*>\s*<input ([^>]*)>', body)
    check(form is not None and b'name="csrf"' in form.group(1), "csrf is the form's first field")
    check(b'Signed in as <strong>ann</strong></span>' in body and b'action="/logout"' in body,
          "signed in as, with a sign-out form")
    for path in ["/", "/search?q=x", "/no/such/page"]:
        st, h, page = srv.get(path)
        check(b'Signed in as <strong>ann</strong></span>' in page and b'action="/logout"' in page and
              b'class="sign-in"' not in page, "%s (%s): signed in as ann, with Sign out" % (path, st))
        check("Cookie" in [v.strip() for v in h.get("vary", "").split(",")],
              "%s: Vary: Cookie (%s)" % (path, h.get("vary")))
    check(re.search(rb'<select id="f-kind" name="kind" required>', body) is not None, "kind is a select")
    check(re.search(rb'<input type="date" id="f-date" name="date"[^>]* value=""(?![^>]*required)', body)
          is not None, "date input starts empty, not at today, and may stay so")
    for label in [b"Release", b"Speakers", b"Description", b"Transcript", b"Notes"]:
        check(re.search(rb'<label for="f-[a-z_]+">' + label + rb'[^<]*\(optional\)</label>', body)
              is not None, "%s says (optional)" % label.decode())
    check(re.search(rb'<input type="file" id="f-media" name="media"[^>]* accept="audio/\*,video/\*" required>',
                    body) is not None, "media input: required, audio or video")
    check(re.search(rb'<input type="file" id="f-transcript" name="transcript"[^>]* accept="\.vtt,\.srt,\.sbv,\.txt', body)
          is not None, "transcript input: .vtt, .srt, .sbv, .txt")
    check(b'<textarea id="f-speakers"' in body and b'<textarea id="f-notes"' in body and
          b'name="agenda_file"' in body and b'<textarea id="f-agenda"' in body,
          "speakers, notes, agenda file and text")
    check(b'<progress id="upload-progress"' in body and b'<script src="/static/upload.js?v=' in body,
          "progress bar and upload.js")
    check(b"<script>" not in body and b"style=" not in body, "no inline script or style")
    st, h, js = srv.get("/static/upload.js")
    check(st == 200 and h.get("content-type", "").startswith("text/javascript"), "upload.js served")
    return token


def upload_fields(token, title, **extra):
    fields = [("csrf", token), ("title", title), ("kind", "webinar"), ("release", "2.9"),
              ("date", "2025-06-01"), ("speakers", "Ana Ruiz (Host)\r\nBen Okafor"),
              ("description", "A **test** upload."), ("agenda", ""), ("notes", "")]
    for k, v in extra.items():
        fields = [(n, v if n == k else old) for n, old in fields]
    return fields


def test_upload_errors(srv, token, media):
    # A transcript that does not parse: the form again, the line named, input kept.
    st, h, body = srv.post_multipart(
        "/upload", upload_fields(token, XSS_TITLE, notes="Keep <these> notes"),
        [("media", "talk.mp4", media), ("transcript", "bad.srt", BAD_SRT.encode())])
    check(st == 400, "bad transcript: 400 (%s)" % st)
    slot = re.search(rb'<p class="field-error" id="transcript-error">([^<]*)</p>', body)
    check(slot is not None and slot.group(1).startswith(b"transcript: line ") and
          re.search(rb"line \d+", slot.group(1)) is not None,
          "bad transcript: the error next to the transcript names the line: %r" %
          (slot.group(1) if slot else body[:2000]))
    check(re.search(rb'<div class="form-error" id="form-error" role="alert">', body) is not None,
          "bad transcript: the error at the top too")
    want = html.escape(XSS_TITLE, quote=True).replace("&#x27;", "&#39;").encode()
    check(b'<input type="text" id="f-title" name="title" value="' + want + b'"' in body,
          "bad transcript: the title is kept, escaped")
    check(b"<script>alert" not in body, "bad transcript: the title never appears raw")
    check(b"Keep &lt;these&gt; notes</textarea>" in body and b"Ana Ruiz (Host)\nBen Okafor</textarea>" in body,
          "bad transcript: textareas kept (line breaks as LF)")
    check(b'<option value="webinar" selected>' in body and b'value="2025-06-01"' in body,
          "bad transcript: kind and date kept")
    check(b"choose the media file" in body, "bad transcript: says the files must be chosen again")

    st, h, body = srv.post_multipart("/upload", upload_fields(token, "No media here"))
    check(st == 400 and re.search(rb'id="media-error">media: ', body) is not None,
          "no media: 400, error next to the media input (%s)" % st)
    st, h, body = srv.post_multipart("/upload", upload_fields(token, "Bad kind", kind="talk"),
                                     [("media", "talk.mp4", media)])
    check(st == 400 and re.search(rb'id="kind-error">kind: ', body) is not None,
          "bad kind: 400, error next to the kind (%s)" % st)
    st, h, body = srv.post_multipart("/upload", upload_fields(token, "Not media"),
                                     [("media", "talk.mp4", b"this is not a video" * 50)])
    check(st == 400 and re.search(rb'id="media-error">media: ', body) is not None,
          "not media: 400, error next to the media input (%s)" % st)
    check(not search(srv, "Quokka") and not search(srv, "Not media"), "nothing was added")


def test_not_media_early(srv, token, archive):
    """A 'media' part that holds no container is refused once its first
    5 MiB are in (ingest_check_media_head), with the whole file's message:
    a 12 MiB one is answered 400 after the rest is drained; a 48 MiB one
    is cut off long before its end, the page written to the socket before
    it is closed (MHD cannot queue an answer mid-body), and nothing of
    either stays on disk."""
    junk = os.urandom(12 << 20)
    st, h, body = srv.post_multipart("/upload", upload_fields(token, "Junk twelve"),
                                     [("media", "talk.mp4", junk)])
    check(st == 400 and b"media: not a media file: cannot read the container" in body,
          "12 MiB of junk as media: 400 with the media message (%s %s)" % (st, re.findall(rb"error[^<]*<[^<]*", body)))
    boundary = "----qarchive" + uuid.uuid4().hex
    head, _ = qa_test.multipart(upload_fields(token, "Junk big"), [], boundary)
    head = head[:head.rfind(b"--" + boundary.encode() + b"--")]
    part = ('--%s\r\nContent-Disposition: form-data; name="media"; filename="big.mp4"\r\n'
            'Content-Type: video/mp4\r\n\r\n' % boundary).encode()
    total = 48 << 20
    tail = ("\r\n--%s--\r\n" % boundary).encode()
    length = len(head) + len(part) + total + len(tail)
    cookie = "; ".join("%s=%s" % kv for kv in srv.cookies.items())
    sent = 0
    answer = b""
    with socket.create_connection(("127.0.0.1", srv.port), timeout=60) as sock:
        sock.sendall(("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: %s\r\n"
                      "Content-Type: multipart/form-data; boundary=%s\r\n"
                      "Content-Length: %d\r\n\r\n" % (cookie, boundary, length)).encode())
        try:
            sock.sendall(head + part)
            chunk = os.urandom(1 << 20)
            while sent < total:
                sock.sendall(chunk)
                sent += len(chunk)
            sock.sendall(tail)
        except (BrokenPipeError, ConnectionResetError):
            pass
        # The answer was written before the server closed: a client that
        # fails to send reads it (as Chromium does), rather than a reset.
        try:
            while True:
                got = sock.recv(65536)
                if not got:
                    break
                answer += got
        except ConnectionResetError:
            pass
    check(sent < 32 << 20 and answer.startswith(b"HTTP/1.1 400 "),
          "48 MiB of junk: cut off after %d MiB, not taken (%r)" % (sent >> 20, answer[:40]))
    check(b"Connection: close" in answer and
          b"media: not a media file: cannot read the container" in answer,
          "48 MiB of junk: the page with the media message reaches the client (%r)" % answer[-300:])
    tmp = os.path.join(archive, ".qarchive", "uploads", "tmp")
    left = [f for f in os.listdir(tmp) if f.startswith("part-")] if os.path.isdir(tmp) else []
    check(not left, "no temp file left: %s" % left)
    check(not search(srv, "Junk twelve") and not search(srv, "Junk big"), "nothing was added")


def test_upload(srv, token, media, archive):
    st, h, body = srv.post_multipart(
        "/upload", upload_fields(token, "Upload test: the " + WORD,
                                 agenda="- 00:00:00 Welcome\r\n- 00:00:04 The topic\r\n",
                                 notes="## Sources\r\n\r\n- https://example.org/q\r\n"),
        [("media", "talk.mp4", media), ("transcript", "talk.vtt", VTT.encode())])
    loc = h.get("location", "")
    check(st == 303 and re.fullmatch(r"/watch/[A-Za-z0-9._-]+\?done=uploaded", loc) is not None,
          "upload: 303 to the new recording, saying so (%s %s %s)" % (st, loc, body[:500]))
    rid = loc[len("/watch/"):].split("?")[0]
    st, h, body = srv.get(loc)
    check(st == 200 and b"Upload test: the " + WORD.encode() in body and b"<video" in body,
          "upload: its page plays it")
    check(body.count(b'class="flash"') == 1 and b"Uploaded." in body, "upload: the page says Uploaded")
    check(b'<a href="/edit/' + rid.encode() + b'">Edit</a>' in body, "upload: staff see Edit")
    hits = search(srv, WORD) or []
    mine = [x for x in hits if x["recording"] == rid]
    check(mine and any(abs(x["t"] - 4.0) < 0.01 for x in mine),
          "upload: the transcript's word is found at 0:04: %s" % hits)
    st, h, body = srv.get("/search?q=" + WORD)
    check(st == 200 and re.search(rb'href="/watch/' + re.escape(rid.encode()) + rb'\?t=4&amp;q=' +
                                  WORD.encode(), body) is not None, "upload: the search page links to 0:04")
    st, j = srv.json("/api/recordings/" + rid)
    check(st == 200 and j and j.get("release") == "2.9" and
          [s.get("name") for s in j.get("speakers", [])] == ["Ana Ruiz", "Ben Okafor"],
          "upload: details stored: %s" % j)
    with open(os.path.join(archive, rid, "agenda.md"), encoding="utf-8") as f:
        check("\r" not in f.read(), "upload: agenda stored with LF line breaks")
    return rid


def test_upload_pending(srv, token, media):
    st, h, body = srv.post_multipart("/upload", upload_fields(token, "Pending transcript talk"),
                                     [("media", "talk.mp4", media)])
    check(st == 303, "upload without a transcript: 303 (%s %s)" % (st, body[:300]))
    rid = h.get("location", "")[len("/watch/"):].split("?")[0]
    st, h, body = srv.get("/watch/" + rid)
    check(b"Transcript pending" in body and b'id="cues"' not in body,
          "watch: transcript pending, a note instead of the transcript")
    st, h, body = srv.get("/")
    m = re.search(rb'<a href="/watch/' + re.escape(rid.encode()) + rb'">.*?</li>', body, re.S)
    check(m is not None and b"transcript pending" in m.group(0), "home: transcript pending")
    return rid


def test_edit(srv, rid, archive):
    st, h, body = srv.get("/edit/" + rid)
    check(st == 200 and b'value="Upload test: the ' + WORD.encode() + b'"' in body and
          b"Ana Ruiz (Host)\nBen Okafor</textarea>" in body and
          b"- 00:00:04 The topic\n</textarea>" in body,
          "edit page: filled in from the recording")
    token = form_csrf(body)
    fields = [("csrf", token), ("title", "Renamed pelicanwatch session"), ("kind", "webinar"),
              ("release", "2.9"), ("date", "2025-06-01"), ("speakers", "Ana Ruiz (Host)"),
              ("description", "A **test** upload."), ("agenda", "- 00:00:00 Welcome\r\n"),
              ("notes", "Edited notes")]
    bad = [(k, "2025-13-45" if k == "date" else v) for k, v in fields]
    st, h, body = srv.post_multipart("/edit/" + rid, bad)
    check(st == 400 and re.search(rb'id="date-error">date: ', body) is not None and
          b'value="Renamed pelicanwatch session"' in body,
          "edit, bad date: 400, the error by the date, input kept (%s)" % st)
    empty = [(k, "" if k == "title" else v) for k, v in fields]
    st, h, body = srv.post_multipart("/edit/" + rid, empty)
    check(st == 400 and re.search(rb'id="title-error">title: ', body) is not None,
          "edit, empty title: 400, the error by the title (%s)" % st)
    st, h, body = srv.post_multipart("/edit/" + rid, fields,
                                     [("transcript", "bad.srt", BAD_SRT.encode())])
    check(st == 400 and re.search(rb'id="transcript-error">transcript: line \d+', body) is not None,
          "edit, bad transcript: 400 naming the line (%s)" % st)
    # All or nothing: the new title (and notes, agenda) of that edit were
    # not saved either, and the page says "Not saved" once, nothing else.
    check(body.count(b"Not saved") == 1 and b"Saved:" not in body,
          "edit, bad transcript: says Not saved once, and no Saved: %s" %
          re.findall(rb'<div class="form-error".*?</div>', body, re.S))
    check(re.search(rb'id="f-transcript"[^>]*aria-invalid="true" autofocus', body) is not None,
          "edit, bad transcript: focus starts on the transcript input")
    st, j = srv.json("/api/recordings/" + rid)
    check(j and j.get("title") == "Upload test: the " + WORD, "edit, bad transcript: the title is unchanged: %s"
          % (j or {}).get("title"))
    st2, h2, page = srv.get("/watch/" + rid)
    check(b"Edited notes" not in page and b"The topic" in page,
          "edit, bad transcript: notes and agenda unchanged")
    st, h, body = srv.post_multipart("/edit/" + rid, fields)
    check(st == 303 and h.get("location") == "/watch/" + rid + "?done=saved",
          "edit: 303 back, saying so (%s %s %s)" % (st, h.get("location"), body[:300]))
    st, h, body = srv.get("/watch/" + rid + "?done=saved")
    check(re.search(rb'<p class="flash" role="status">Saved\.', body) is not None, "edit: the page says Saved")
    hits = search(srv, "pelicanwatch") or []
    check(any(x["recording"] == rid for x in hits), "edit: the new title is searchable: %s" % hits)
    check(any(x["recording"] == rid and abs(x["t"] - 4.0) < 0.01 for x in search(srv, WORD) or []),
          "edit: the transcript is still there")
    st, h, body = srv.get("/")
    check(b"Renamed pelicanwatch session" in body and b"Upload test: the" not in body,
          "edit: the listing shows the new title")
    st, h, body = srv.get("/watch/" + rid)
    check(b"Edited notes" in body and b"The topic" not in body, "edit: notes and agenda replaced")
    # Fields a client leaves out are kept as they are (a script's partial edit).
    st, h, body = srv.post_multipart("/edit/" + rid, [(k, v) for k, v in fields
                                                      if k in ("csrf", "title", "kind", "date")])
    check(st == 303, "edit, only the required fields: 303 (%s)" % st)
    st, j = srv.json("/api/recordings/" + rid)
    st2, h, body = srv.get("/watch/" + rid)
    check(j and j.get("release") == "2.9" and j.get("description") and b"Edited notes" in body and
          b"Welcome" in body, "edit: fields not sent are kept: %s" % j)
    # Replacing the transcript.
    st, h, body = srv.post_multipart("/edit/" + rid, fields, [
        ("transcript", "new.vtt", b"WEBVTT\n\n00:00:02.000 --> 00:00:03.000\nnow about flamingos\n")])
    check(st == 303, "edit: transcript replaced (%s)" % st)
    check(any(x["recording"] == rid and abs(x["t"] - 2.0) < 0.01 for x in search(srv, "flamingos") or []) and
          not any(x["recording"] == rid for x in search(srv, WORD) or []),
          "edit: the new transcript is searchable, the old one gone")
    # The transcripts people have: YouTube SBV, then Otter's text export,
    # under a name that says nothing (the content decides), each kept under
    # its own extension with the others gone, speakers read.
    for name, data, ext, word, t in [
            ("captions", b"0:00:01.000,0:00:03.000\r\n>> ANNA: about pangolins\r\n", "sbv",
             "pangolins", 1.0),
            ("export", b"Priya Raman  0:05\nnow about axolotls\n\nTom  0:09\nbye\n", "txt",
             "axolotls", 5.0)]:
        st, h, body = srv.post_multipart("/edit/" + rid, fields, [("transcript", name, data)])
        kept = sorted(f for f in os.listdir(os.path.join(archive, rid)) if f.startswith("transcript."))
        check(st == 303 and kept == ["transcript." + ext],
              "edit: a %s transcript replaces the last one (%s %s)" % (ext, st, kept))
        check(any(x["recording"] == rid and abs(x["t"] - t) < 0.01 for x in search(srv, word) or []),
              "edit: the %s transcript is searchable at %s" % (ext, t))
    st, h, body = srv.get("/watch/" + rid)
    check(b'<span class="voice">Priya Raman</span>' in body, "edit: the watch page says who speaks")


def test_edit_units(srv, archive):
    """Issue 14: the edit page lists the recording's questions and answers
    (detected, or from its qa.md) and corrects them through qa.md: a
    mistake names its line and keeps what was typed; a good one is saved
    beside the transcript (LF) and indexed; emptied, detection is back."""
    rid = "2025-02-01-beta"
    st, h, body = srv.get("/edit/" + rid)
    check(st == 200 and b"Detected in the transcript (no qa.md):" in body and
          b"Does the kumquat build work on Windows?" in body and b"(Ana)" in body,
          "edit page: the detected questions are listed")
    token = form_csrf(body)
    base = [("csrf", token), ("title", "Beta Q&A"), ("kind", "release-qa"), ("date", "2025-02-01")]
    st, h, body = srv.post_multipart("/edit/" + rid, base + [("qa", "- 0:05 Q: no answer part\r\n")])
    check(st == 400 and re.search(rb'id="qa-error">qa: line 1: ', body) is not None and
          b"no answer part" in body, "edit, qa.md that does not parse: 400 naming its line (%s)" % st)
    check(not os.path.exists(os.path.join(archive, rid, "qa.md")), "edit: nothing written for it")
    st, h, body = srv.post_multipart("/edit/" + rid, base + [("qa", "- 9:00 Q: Late? / A: Yes\r\n")])
    check(st == 400 and re.search(rb'id="qa-error">qa: line 1: ', body) is not None,
          "edit, qa.md past the transcript's end: 400 naming its line (%s %s)" % (st, body[-600:]))
    good = "# Questions\r\n\r\n- 0:11 Q (Ana): What about the marmoset cache? / A (Bo): It is gone\r\n"
    st, h, body = srv.post_multipart("/edit/" + rid, base + [("qa", good)])
    check(st == 303, "edit: a good qa.md is saved (%s %s)" % (st, body[:300]))
    with open(os.path.join(archive, rid, "qa.md"), "rb") as f:
        saved = f.read()
    check(saved == good.replace("\r\n", "\n").encode(), "edit: qa.md kept beside the transcript, LF: %r" % saved)
    st, h, body = srv.get("/edit/" + rid)
    check(b"From qa.md:" in body and b"What about the marmoset cache?" in body and
          b"Does the kumquat build work on Windows?" not in body,
          "edit page: the units are qa.md's now")
    st, j = srv.json("/api/search?type=questions&q=marmoset")
    hits = (j or {}).get("hits") or []
    check(hits and hits[0]["recording"] == rid and hits[0]["unit"]["question"]["t"] == 11.0,
          "edit: qa.md's question is searchable as a unit: %s" % hits[:1])
    st, h, body = srv.post_multipart("/edit/" + rid, base + [("qa", "")])
    check(st == 303 and not os.path.exists(os.path.join(archive, rid, "qa.md")),
          "edit: an emptied qa.md is removed (%s)" % st)
    st, h, body = srv.get("/edit/" + rid)
    check(b"Detected in the transcript (no qa.md):" in body, "edit page: detection is back")


def test_upload_qa(srv, token, media, archive):
    """Issue 14: qa.md at upload (the form's "qa"): one that does not fit
    the transcript is refused naming its line, nothing added; a good one
    is kept beside the transcript and its question found as a unit."""
    late = "- 0:09 Q: What is the ocelotfinch plan? / A: Today we talk\r\n"
    st, h, body = srv.post_multipart("/upload", upload_fields(token, "Qa upload ocelotfinch") +
                                     [("qa", late)],
                                     [("media", "talk.mp4", media), ("transcript", "talk.vtt", VTT.encode())])
    check(st == 400 and re.search(rb'id="qa-error">qa: line 1: ', body) is not None and
          b"ocelotfinch plan" in body,
          "upload, qa.md past the transcript: 400 naming its line, typed text kept (%s)" % st)
    check(not search(srv, "ocelotfinch"), "upload, bad qa.md: nothing was added")
    good = "- 0:01 Q: What is the ocelotfinch plan? / A: Today we talk\r\n"
    st, h, body = srv.post_multipart("/upload", upload_fields(token, "Qa upload ocelotfinch") +
                                     [("qa", good)],
                                     [("media", "talk.mp4", media), ("transcript", "talk.vtt", VTT.encode())])
    loc = h.get("location", "")
    check(st == 303 and loc.startswith("/watch/"), "upload with qa.md: 303 (%s %s)" % (st, body[:300]))
    rid = loc[len("/watch/"):].split("?")[0]  # after it, ?done=uploaded (the confirmation)
    check(os.path.isfile(os.path.join(archive, rid, "qa.md")), "upload: qa.md kept beside the transcript")
    st, j = srv.json("/api/search?type=questions&q=ocelotfinch+plan")
    hits = (j or {}).get("hits") or []
    check(hits and hits[0]["recording"] == rid and hits[0]["unit"]["question"]["t"] == 1.0 and
          hits[0]["unit"]["answer"]["t"] == 4.0,
          "upload: qa.md's question is a unit, its answer where its words are: %s" % hits[:1])
    st, h, body = srv.get("/delete/" + rid)
    st, h, body = srv.post_form("/delete/" + rid, {"csrf": form_csrf(body)})
    check(st == 303, "upload with qa.md: deleted again (%s)" % st)


def test_delete(srv, rid, archive):
    st, h, body = srv.get("/delete/" + rid)
    check(st == 200 and b"for good?" in body and b"Renamed pelicanwatch session" in body and
          b'href="/watch/' + rid.encode() + b'"' in body, "delete: asks first, with a way back")
    token = form_csrf(body)
    st, h, body = srv.post_form("/delete/" + rid, {"csrf": token})
    check(st == 303 and h.get("location") == "/?done=deleted", "delete: 303 home (%s %s)" % (st, body[:300]))
    st, h, body = srv.get("/?done=deleted")
    check(b'<p class="flash" role="status">Deleted.' in body, "delete: the home page says Deleted")
    st, j = srv.json("/api/recordings/" + rid)
    check(st == 404, "delete: gone from the API (%s)" % st)
    check(not search(srv, "pelicanwatch") and not search(srv, "flamingos"), "delete: gone from search")
    st, h, body = srv.get("/")
    check(b"/watch/" + rid.encode() not in body, "delete: gone from the listing")
    check(not os.path.exists(os.path.join(archive, rid)), "delete: its folder is gone")
    st, h, body = srv.get("/delete/" + rid)
    check(st == 404, "delete page of a deleted recording: 404 (%s)" % st)


def test_sign_out(srv):
    st, h, body = srv.get("/upload")
    token = form_csrf(body)
    st, h, body = srv.post_form("/logout", {"csrf": token})
    check(st == 303 and "qarchive_session" not in srv.cookies, "sign out: 303, cookie cleared")
    st, h, body = srv.get("/upload")
    check(st == 303 and h.get("location") == "/login?next=/upload", "signed out again: sent to sign in")


def main():
    tmp = tempfile.mkdtemp(prefix="qa_staff_")
    archive = os.path.join(tmp, "archive")
    srv = None
    try:
        d = os.path.join(archive, "2025-01-10-alpha")
        write(os.path.join(d, "recording.json"), json.dumps({
            "title": "Alpha Q&A", "kind": "release-qa", "release": "2.6", "date": "2025-01-10"}))
        write(os.path.join(d, "transcript.vtt"), "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhello\n")
        d = os.path.join(archive, "2025-02-01-beta")
        write(os.path.join(d, "recording.json"), json.dumps({
            "title": "Beta Q&A", "kind": "release-qa", "date": "2025-02-01"}))
        write(os.path.join(d, "transcript.vtt"),
              "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Ana>Welcome, everyone.\n\n"
              "00:00:05.000 --> 00:00:08.000\n<v Ana>Does the kumquat build work on Windows?\n\n"
              "00:00:09.000 --> 00:00:10.000\n<v Bo>Sadly, it fails there.\n\n"
              "00:00:11.000 --> 00:00:13.000\n<v Ana>And the marmoset cache?\n\n"
              "00:00:14.000 --> 00:00:16.000\n<v Bo>It is gone in this release.\n")
        rc, out, err = run("index", "--archive", archive)
        if rc != 0:
            sys.exit("test_pages_staff: index failed: " + out + err)
        rc, out, err = run("user", "add", "ann", "--archive", archive, stdin=PASSWORD + "\n")
        if rc != 0:
            sys.exit("test_pages_staff: user add failed: " + out + err)
        media_path = os.path.join(tmp, "talk.mp4")
        make_media(media_path)
        with open(media_path, "rb") as f:
            media = f.read()

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

        test_signed_out(srv, "2025-01-10-alpha")
        check(sign_in(srv, "ann"), "sign in through the form")
        try:
            token = test_upload_page(srv)
            test_csrf(srv, "2025-01-10-alpha", media)
            test_upload_errors(srv, token, media)
            test_not_media_early(srv, token, archive)
            rid = test_upload(srv, token, media, archive)
            test_upload_pending(srv, token, media)
            test_edit(srv, rid, archive)
            test_edit_units(srv, archive)
            test_upload_qa(srv, token, media, archive)
            test_delete(srv, rid, archive)
            test_sign_out(srv)
        except Exception as e:  # report, and still check the server's exit
            import traceback
            traceback.print_exc()
            check(False, "raised %r" % e)
        left = os.listdir(os.path.join(archive, ".qarchive", "uploads", "tmp"))
        check(left == [], "no temp files left behind: %s" % left)

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
    finally:
        if srv and srv.proc.poll() is None:
            srv.proc.kill()
            srv.proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    return qa_test.report()


if __name__ == "__main__":
    sys.exit(main())
